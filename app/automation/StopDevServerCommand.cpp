#include "app/automation/StopDevServerCommand.h"

#include "app/engine/DevServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonObject>
#include <QTextStream>

using vw::engine::DevServer;
using vw::engine::DevServerState;

StopDevServerCommand::StopDevServerCommand(vw::daytona::DaytonaClient *client, QObject *parent)
    : SandboxToolCommand(client, parent)
    , m_server(new DevServer(client, this))
{
}

bool StopDevServerCommand::start(const QStringList &arguments)
{
    const QString usage =
        tr("usage: vaporwatch-cli stop_dev_server [--project DIR] [--sandbox ID] [--json]");
    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("project"), tr("The project directory in the sandbox."), tr("DIR")},
         {QStringLiteral("sandbox"), tr("The sandbox."), tr("ID")},
         {QStringLiteral("json"), tr("Print JSON.")}});
    if (!parse(parser, arguments, usage))
        return false;
    const QString sandbox = sandboxOption(parser);
    const QString project = projectOption(parser);
    if (sandbox.isEmpty() || project.isEmpty()) {
        printError(tr("with DAYTONA_API_KEY set, --sandbox and --project are required"));
        return false;
    }
    m_json = parser.isSet(QStringLiteral("json"));
    m_server->stop(sandbox, project)
        ->onResult(this, [this](const vw::Result<DevServerState> &stopped) {
            if (!stopped) {
                const bool notRunning = stopped.error().code == QLatin1String("NOT_RUNNING");
                printError(notRunning ? stopped.error().message : stopped.error().toString());
                emit done(notRunning ? kExitNo : kExitError);
                return;
            }
            const DevServerState &state = stopped.value();
            if (m_json) {
                printJson(QJsonObject{{QStringLiteral("stopped"), true},
                                      {QStringLiteral("sandbox"), state.sandbox},
                                      {QStringLiteral("project"), state.projectDirectory},
                                      {QStringLiteral("session"), state.sessionId},
                                      {QStringLiteral("command"), state.command},
                                      {QStringLiteral("port"), state.port}});
            } else {
                QTextStream(stdout)
                    << tr("stopped the dev server of %1 in sandbox %2 (session %3%4)")
                           .arg(state.projectDirectory, state.sandbox, state.sessionId,
                                state.port > 0 ? tr(", port %1").arg(state.port) : QString())
                    << Qt::endl;
            }
            emit done(kExitOk);
        });
    return true;
}
