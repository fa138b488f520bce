#include "app/automation/BuildsCommand.h"

#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

using namespace vw;

bool BuildsCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption project(QStringLiteral("project"), tr("Only this project."),
                                     tr("DIR"));
    const QCommandLineOption sandbox(QStringLiteral("sandbox"), tr("The project's sandbox."),
                                     tr("ID"));
    const QCommandLineOption status(QStringLiteral("status"), tr("Only builds with this status."),
                                    tr("S"));
    const QCommandLineOption limit(QStringLiteral("limit"), tr("At most N builds."), tr("N"),
                                   QStringLiteral("20"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions({project, sandbox, status, limit, json});
    if (!parse(parser, arguments))
        return false;
    if (!parser.positionalArguments().isEmpty()) {
        printError(tr("builds takes no arguments besides its options"));
        return false;
    }
    m_json = parser.isSet(json);
    const std::optional<qint64> n = positiveNumber(parser.value(limit), tr("--limit"));
    if (!n)
        return false;
    m_query.limit = int(qMin<qint64>(*n, 100000));
    if (parser.isSet(status)) {
        const std::optional<BuildStatus> s = buildStatusFromName(parser.value(status));
        if (!s) {
            printError(tr("unknown status \"%1\" (queued, running, success, failed, cancelled, "
                          "interrupted)")
                           .arg(parser.value(status)));
            return false;
        }
        m_query.statuses = {*s};
    }
    if (!parser.isSet(project) && !parser.isSet(sandbox)) {
        openStore([this] { list(); });
        return true;
    }
    QString sandboxId = parser.value(sandbox);
    QString directory = parser.value(project);
    if (!resolveProject(&sandboxId, &directory))
        return false;
    openStore([this, sandboxId, directory] {
        findProject(sandboxId, directory, [this](const Project &p) {
            m_query.projectId = p.id;
            list();
        });
    });
    return true;
}

void BuildsCommand::list()
{
    store()->builds(m_query)->onResult(this, [this](const Result<BuildPage> &page) {
        if (!page) {
            fail(page.error().toString());
            return;
        }
        QTextStream out(stdout);
        if (m_json) {
            QJsonArray builds;
            for (const Build &b : page.value().builds)
                builds.append(b.toJson());
            out << QJsonDocument(builds).toJson(QJsonDocument::Indented);
        } else {
            for (const Build &b : page.value().builds) {
                QString line = QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\t%7")
                                   .arg(b.id)
                                   .arg(buildStatusName(b.status), phaseName(b.phase),
                                        b.metadata.value(u"directory").toString(), b.sandboxId,
                                        b.createdAt.toLocalTime().toString(Qt::ISODate),
                                        b.durationMs ? QStringLiteral("%1.%2s")
                                                           .arg(*b.durationMs / 1000)
                                                           .arg((*b.durationMs % 1000) / 100)
                                                     : QStringLiteral("-"));
                if (!b.errorMessage.isEmpty())
                    line += u'\t' + b.errorMessage;
                out << line << Qt::endl;
            }
        }
        finish(0);
    });
}
