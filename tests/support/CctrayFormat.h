#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QXmlStreamReader>

namespace vw::test {

// A cctray.xml document checked against the cctray format ("Multiple Project Summary Reporting
// Standard", cctray.org): a <Projects> root holding only <Project> elements, each with the
// required attributes name, activity (Sleeping, Building, CheckingModifications),
// lastBuildStatus (Pending, Success, Failure, Exception, Unknown), lastBuildLabel, lastBuildTime
// (an ISO 8601 date-time; here also with an explicit zone offset) and webUrl, and optionally
// category, nextBuildTime. `problems` lists every violation; `projects` the attributes by name.
struct CctrayCheck
{
    QStringList problems;
    QMap<QString, QMap<QString, QString>> projects;
};

inline CctrayCheck checkCctray(const QByteArray &document)
{
    CctrayCheck check;
    static const QStringList required{QStringLiteral("name"),
                                      QStringLiteral("activity"),
                                      QStringLiteral("lastBuildStatus"),
                                      QStringLiteral("lastBuildLabel"),
                                      QStringLiteral("lastBuildTime"),
                                      QStringLiteral("webUrl")};
    static const QStringList optional{QStringLiteral("category"), QStringLiteral("nextBuildTime")};
    static const QStringList activities{QStringLiteral("Sleeping"), QStringLiteral("Building"),
                                        QStringLiteral("CheckingModifications")};
    static const QStringList statuses{QStringLiteral("Pending"), QStringLiteral("Success"),
                                      QStringLiteral("Failure"), QStringLiteral("Exception"),
                                      QStringLiteral("Unknown")};
    static const QRegularExpression isoWithOffset(
        QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[+-]\\d{2}:\\d{2}$"));
    QXmlStreamReader xml(document);
    int depth = 0;
    bool sawRoot = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            ++depth;
            const QString element = xml.name().toString();
            if (depth == 1) {
                sawRoot = true;
                if (element != QLatin1String("Projects"))
                    check.problems << QStringLiteral("root is <%1>, not <Projects>").arg(element);
                continue;
            }
            if (depth > 2 || element != QLatin1String("Project")) {
                check.problems
                    << QStringLiteral("unexpected <%1> at depth %2").arg(element).arg(depth);
                continue;
            }
            QMap<QString, QString> attributes;
            for (const QXmlStreamAttribute &attribute : xml.attributes()) {
                const QString name = attribute.name().toString();
                if (!required.contains(name) && !optional.contains(name))
                    check.problems << QStringLiteral("unknown attribute %1").arg(name);
                attributes.insert(name, attribute.value().toString());
            }
            for (const QString &name : required) {
                if (!attributes.contains(name))
                    check.problems << QStringLiteral("a Project without %1").arg(name);
            }
            const QString project = attributes.value(QStringLiteral("name"));
            if (project.isEmpty())
                check.problems << QStringLiteral("a Project with an empty name");
            if (check.projects.contains(project))
                check.problems << QStringLiteral("two Projects named %1").arg(project);
            if (!activities.contains(attributes.value(QStringLiteral("activity"))))
                check.problems << QStringLiteral("%1: activity %2")
                                      .arg(project, attributes.value(QStringLiteral("activity")));
            const QString status = attributes.value(QStringLiteral("lastBuildStatus"));
            if (!statuses.contains(status))
                check.problems << QStringLiteral("%1: lastBuildStatus %2").arg(project, status);
            const QString time = attributes.value(QStringLiteral("lastBuildTime"));
            if (!time.isEmpty() && (!isoWithOffset.match(time).hasMatch() ||
                                    !QDateTime::fromString(time, Qt::ISODate).isValid()))
                check.problems << QStringLiteral("%1: lastBuildTime %2").arg(project, time);
            if (time.isEmpty() && status != QLatin1String("Unknown"))
                check.problems << QStringLiteral("%1: a status without a time").arg(project);
            const QUrl web(attributes.value(QStringLiteral("webUrl")));
            if (!web.isValid() || web.isRelative() ||
                !web.scheme().startsWith(QLatin1String("http")))
                check.problems << QStringLiteral("%1: webUrl %2")
                                      .arg(project, attributes.value(QStringLiteral("webUrl")));
            check.projects.insert(project, attributes);
        } else if (xml.isEndElement()) {
            --depth;
        }
    }
    if (xml.hasError())
        check.problems << QStringLiteral("not well-formed: %1").arg(xml.errorString());
    if (!sawRoot)
        check.problems << QStringLiteral("no root element");
    return check;
}

} // namespace vw::test
