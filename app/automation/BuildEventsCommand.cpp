#include "app/automation/BuildEventsCommand.h"

#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

using namespace vw;

bool BuildEventsCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption build(QStringLiteral("build"), tr("The build."), tr("ID"));
    const QCommandLineOption after(QStringLiteral("after"), tr("Only events after this one."),
                                   tr("EVENT_ID"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions({build, after, json});
    if (!parse(parser, arguments))
        return false;
    const std::optional<qint64> id =
        buildIdOption(parser, tr("usage: build_events --build ID [--after EVENT_ID] [--json]"));
    if (!id)
        return false;
    m_buildId = *id;
    if (parser.isSet(after)) {
        const std::optional<qint64> afterId = positiveNumber(parser.value(after), tr("--after"));
        if (!afterId)
            return false;
        m_afterId = *afterId;
    }
    m_json = parser.isSet(json);
    openStore([this] {
        // An unknown build is an error, not an empty list.
        store()->build(m_buildId)->onResult(this, [this](const Result<Build> &b) {
            if (!b) {
                fail(b.error().toString());
                return;
            }
            store()
                ->events(m_buildId, m_afterId)
                ->onResult(this, [this](const Result<QList<BuildEvent>> &events) {
                    if (!events) {
                        fail(events.error().toString());
                        return;
                    }
                    QTextStream out(stdout);
                    if (m_json) {
                        QJsonArray array;
                        for (const BuildEvent &e : events.value())
                            array.append(e.toJson());
                        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
                    } else {
                        for (const BuildEvent &e : events.value()) {
                            out << QStringLiteral("%1\t%2\t%3\t%4\t%5")
                                       .arg(e.id)
                                       .arg(e.createdAt.toLocalTime().toString(Qt::ISODateWithMs),
                                            e.type,
                                            e.phase ? phaseName(*e.phase) : QStringLiteral("-"),
                                            e.message)
                                << Qt::endl;
                        }
                    }
                    finish(0);
                });
        });
    });
    return true;
}
