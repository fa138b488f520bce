#include "app/automation/CctrayFeed.h"

#include <QFileInfo>
#include <QHash>
#include <QXmlStreamWriter>

#include <cstdlib>

namespace vw::automation {

namespace {

// Local time with an explicit offset ("2026-11-24T22:05:00+01:00", "+00:00" rather than "Z"):
// the form every cctray reader parses.
QString withZoneOffset(const QDateTime &time)
{
    const QDateTime local = time.toLocalTime();
    const int offset = local.offsetFromUtc();
    const int minutes = std::abs(offset) / 60;
    return local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) +
           QStringLiteral("%1%2:%3")
               .arg(offset < 0 ? QStringLiteral("-") : QStringLiteral("+"))
               .arg(minutes / 60, 2, 10, QLatin1Char('0'))
               .arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

QString CctrayFeed::activity(const Entry &entry)
{
    return entry.newest && !entry.newest->isFinished() ? QStringLiteral("Building")
                                                       : QStringLiteral("Sleeping");
}

QString CctrayFeed::lastBuildStatus(const Entry &entry)
{
    if (!entry.verdict)
        return QStringLiteral("Unknown");
    switch (entry.verdict->status) {
    case BuildStatus::Success:
        return QStringLiteral("Success");
    case BuildStatus::Failed:
        return QStringLiteral("Failure");
    case BuildStatus::Interrupted:
        return QStringLiteral("Exception");
    case BuildStatus::Queued:
    case BuildStatus::Running:
    case BuildStatus::Cancelled:
        break;
    }
    return QStringLiteral("Unknown");
}

QList<BuildStatus> CctrayFeed::verdictStatuses()
{
    return {BuildStatus::Success, BuildStatus::Failed, BuildStatus::Interrupted};
}

QStringList CctrayFeed::names(const QList<Project> &projects)
{
    QStringList names;
    QHash<QString, int> uses;
    for (const Project &project : projects) {
        QString name = project.name.trimmed();
        if (name.isEmpty())
            name = QFileInfo(project.directory).fileName();
        if (name.isEmpty())
            name = project.directory;
        names << name;
        ++uses[name];
    }
    for (qsizetype i = 0; i < projects.size(); ++i) {
        if (uses.value(names.at(i)) < 2)
            continue;
        const Project &project = projects.at(i);
        const QString sandbox =
            project.sandboxName.isEmpty() ? project.sandboxId : project.sandboxName;
        names[i] += QStringLiteral(" (%1)").arg(sandbox);
    }
    // Still the same (one sandbox, two directories of the same base name): the full directory.
    QHash<QString, int> after;
    for (const QString &name : names)
        ++after[name];
    for (qsizetype i = 0; i < projects.size(); ++i) {
        if (after.value(names.at(i)) > 1)
            names[i] += QStringLiteral(" %1").arg(projects.at(i).directory);
    }
    return names;
}

QByteArray CctrayFeed::document(const QList<Entry> &entries, const QString &baseUrl)
{
    QList<Project> projects;
    for (const Entry &entry : entries)
        projects << entry.project;
    const QStringList displayNames = names(projects);

    QByteArray xml;
    QXmlStreamWriter writer(&xml);
    writer.setAutoFormatting(true);
    writer.writeStartDocument();
    writer.writeStartElement(QStringLiteral("Projects"));
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const Entry &entry = entries.at(i);
        writer.writeEmptyElement(QStringLiteral("Project"));
        writer.writeAttribute(QStringLiteral("name"), displayNames.at(i));
        writer.writeAttribute(QStringLiteral("activity"), activity(entry));
        writer.writeAttribute(QStringLiteral("lastBuildStatus"), lastBuildStatus(entry));
        writer.writeAttribute(QStringLiteral("lastBuildLabel"),
                              entry.verdict ? QString::number(entry.verdict->id) : QString());
        const QDateTime time =
            entry.verdict ? (entry.verdict->completedAt.isValid() ? entry.verdict->completedAt
                                                                  : entry.verdict->createdAt)
                          : QDateTime();
        writer.writeAttribute(QStringLiteral("lastBuildTime"),
                              time.isValid() ? withZoneOffset(time) : QString());
        const QString web =
            entry.newest
                ? QStringLiteral("%1/workspace/build/%2/details").arg(baseUrl).arg(entry.newest->id)
                : QStringLiteral("%1/workspace/builds/%2/detailed")
                      .arg(baseUrl)
                      .arg(entry.project.id);
        writer.writeAttribute(QStringLiteral("webUrl"), web);
    }
    writer.writeEndElement();
    writer.writeEndDocument();
    return xml;
}

} // namespace vw::automation
