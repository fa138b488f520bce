#include "app/automation/RunDevServerCommand.h"

#include "app/automation/InterruptWatcher.h"
#include "app/daytona/DaytonaClient.h"
#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

using vw::engine::DevServer;
using vw::engine::DevServerState;
using vw::engine::PreviewHealth;

namespace {

QString now()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

RunDevServerCommand::RunDevServerCommand(vw::daytona::DaytonaClient *client, QObject *parent)
    : SandboxToolCommand(client, parent)
    , m_server(new DevServer(client, this))
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(kWatchIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &RunDevServerCommand::watch);
}

bool RunDevServerCommand::start(const QStringList &arguments)
{
    const QString usage =
        tr("usage: vaporwatch-cli run_dev_server [--project DIR] [--sandbox ID] [--command CMD]\n"
           "                                     [--port N] [--timeout S] [--detach] [--json]");
    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("project"), tr("The project directory in the sandbox."), tr("DIR")},
         {QStringLiteral("sandbox"), tr("The sandbox."), tr("ID")},
         {QStringLiteral("command"), tr("The dev server command."), tr("CMD")},
         {QStringLiteral("port"), tr("The port it listens on (PORT)."), tr("N")},
         {QStringLiteral("timeout"), tr("Seconds to wait until it listens."), tr("S")},
         {QStringLiteral("detach"), tr("Exit once it is ready.")},
         {QStringLiteral("json"), tr("Print JSON lines.")}});
    if (!parse(parser, arguments, usage))
        return false;
    bool portOk = false;
    const std::optional<int> port = portOption(parser, &portOk);
    if (!portOk)
        return false;
    DevServer::Options options;
    options.port = port.value_or(DevServer::kDefaultPort);
    options.command = parser.value(QStringLiteral("command"));
    options.sandbox = sandboxOption(parser);
    options.projectDirectory = projectOption(parser);
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool numeric = false;
        const int seconds = parser.value(QStringLiteral("timeout")).toInt(&numeric);
        if (!numeric || seconds < 1) {
            printError(tr("--timeout must be a number of seconds, at least 1"));
            return false;
        }
        options.readyTimeoutMs = seconds * 1000;
    }
    if (options.sandbox.isEmpty() || options.projectDirectory.isEmpty()) {
        printError(tr("with DAYTONA_API_KEY set, --sandbox and --project are required"));
        return false;
    }
    if (parser.isSet(QStringLiteral("command")) && options.command.trimmed().isEmpty()) {
        printError(tr("--command is empty"));
        return false;
    }
    m_sandbox = options.sandbox;
    m_projectDirectory = options.projectDirectory;
    m_json = parser.isSet(QStringLiteral("json"));
    m_detach = parser.isSet(QStringLiteral("detach"));

    auto *interrupts = new InterruptWatcher(this);
    connect(interrupts, &InterruptWatcher::interrupted, this, [this](int) {
        QTextStream(stderr)
            << (m_state.sessionId.isEmpty()
                    ? tr("interrupted; a dev server that was being started may keep running "
                         "(stop it with: vaporwatch-cli stop_dev_server --project %1 "
                         "--sandbox %2)")
                    : tr("detached; the dev server keeps running (stop it with: "
                         "vaporwatch-cli stop_dev_server --project %1 --sandbox %2)"))
                   .arg(m_projectDirectory, m_sandbox)
            << Qt::endl;
        finish(kExitInterrupted);
    });
    startWithProjectSettings(options, parser.isSet(QStringLiteral("command")), port.has_value());
    return true;
}

void RunDevServerCommand::startWithProjectSettings(DevServer::Options options, bool commandGiven,
                                                   bool portGiven)
{
    if ((commandGiven && portGiven) || m_databaseUrl.isEmpty()) {
        launch(options);
        return;
    }
    m_store = new vw::BuildStore(this);
    m_store->open(m_databaseUrl)
        ->onResult(this, [this, options, commandGiven, portGiven](const vw::Status &opened) {
            if (!opened) {
                printNote(
                    tr("the project's dev settings could not be read (%1); using the defaults")
                        .arg(opened.error().message));
                launch(options);
                return;
            }
            m_store->findProject(options.sandbox, options.projectDirectory)
                ->onResult(this, [this, options, commandGiven, portGiven](
                                     const vw::Result<std::optional<vw::Project>> &project) {
                    DevServer::Options withProject = options;
                    if (project && project.value()) {
                        if (!commandGiven)
                            withProject.command = project.value()->devCommand;
                        if (!portGiven && project.value()->devPort > 0)
                            withProject.port = project.value()->devPort;
                    }
                    launch(withProject);
                });
        });
}

void RunDevServerCommand::launch(const DevServer::Options &options)
{
    if (!m_json)
        QTextStream(stderr) << tr("starting the dev server of %1 in sandbox %2…")
                                   .arg(options.projectDirectory, options.sandbox)
                            << Qt::endl;
    m_server->start(options)->onResult(this, [this](const vw::Result<DevServerState> &started) {
        if (m_finished)
            return;
        if (!started) {
            const vw::Error &error = started.error();
            if (error.code == QLatin1String("NO_DEFAULT_COMMAND")) {
                printError(error.message + tr(" (give it with --command)"));
                finish(kExitUsage);
                return;
            }
            const QStringList startFailures{QStringLiteral("EXITED"), QStringLiteral("TIMEOUT"),
                                            QStringLiteral("PORT_IN_USE"),
                                            QStringLiteral("PROJECT_NOT_FOUND")};
            printError(startFailures.contains(error.code) ? error.message : error.toString());
            finish(exitCodeFor(error, startFailures));
            return;
        }
        ready(started.value());
    });
}

void RunDevServerCommand::ready(const DevServerState &state)
{
    m_state = state;
    const PreviewHealth &health = state.preview.health;
    m_lastHealth =
        healthText(health).section(QLatin1Char(' '), 0, 0) + QString::number(health.httpStatus);
    if (m_json) {
        QJsonObject json{{QStringLiteral("event"), QStringLiteral("ready")},
                         {QStringLiteral("sandbox"), state.sandbox},
                         {QStringLiteral("project"), state.projectDirectory},
                         {QStringLiteral("session"), state.sessionId},
                         {QStringLiteral("command"), state.command},
                         {QStringLiteral("port"), state.port},
                         {QStringLiteral("already_running"), state.alreadyRunning},
                         {QStringLiteral("url"), state.preview.link.url.toString()},
                         {QStringLiteral("health"), healthJson(health)}};
        printJson(json);
    } else {
        QTextStream out(stdout);
        if (state.alreadyRunning)
            out << tr("the dev server already runs (session %1: %2)")
                       .arg(state.sessionId, state.command)
                << Qt::endl;
        else
            out << tr("dev server started (session %1: %2)").arg(state.sessionId, state.command)
                << Qt::endl;
        out << tr("url:     %1").arg(state.preview.link.url.toString()) << Qt::endl
            << tr("port:    %1").arg(state.port) << Qt::endl
            << tr("health:  %1").arg(healthText(health)) << Qt::endl;
    }
    if (m_detach) {
        finish(kExitOk);
        return;
    }
    if (!m_json)
        QTextStream(stderr) << tr("watching its health; Ctrl-C detaches (the server keeps running)")
                            << Qt::endl;
    m_timer->start();
}

void RunDevServerCommand::watch()
{
    if (m_checking || m_finished)
        return;
    m_checking = true;
    const auto checkHealth = [this] {
        m_server->previewLocator()
            ->checkHealth(m_state.preview.link)
            ->onResult(this, [this](const vw::Result<PreviewHealth> &health) {
                m_checking = false;
                if (health && !m_finished)
                    report(health.value());
            });
    };
    if (m_state.commandId.isEmpty()) {
        checkHealth();
        return;
    }
    client()
        ->commandStatus(m_state.sandbox, m_state.sessionId, m_state.commandId)
        ->onResult(this, [this, checkHealth](const vw::Result<vw::daytona::Command> &command) {
            if (m_finished)
                return;
            if (!command && (command.error().httpStatus == 404)) {
                printError(tr("the dev server's session is gone (stopped elsewhere)"));
                finish(kExitNo);
                return;
            }
            if (command && !command.value().isRunning()) {
                printError(tr("the dev server exited with code %1")
                               .arg(command.value().exitCode.value_or(-1)));
                finish(kExitNo);
                return;
            }
            checkHealth(); // a failed status call is retried on the next tick
        });
}

void RunDevServerCommand::report(const PreviewHealth &health)
{
    // Changes of state and of status code count, not latency.
    const QString key =
        healthText(health).section(QLatin1Char(' '), 0, 0) + QString::number(health.httpStatus);
    if (key == m_lastHealth)
        return;
    m_lastHealth = key;
    if (m_json) {
        QJsonObject json{{QStringLiteral("event"), QStringLiteral("health")},
                         {QStringLiteral("health"), healthJson(health)}};
        printJson(json);
    } else {
        QTextStream(stdout) << QStringLiteral("[%1] %2").arg(now(), healthText(health)) << Qt::endl;
    }
}

void RunDevServerCommand::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer->stop();
    emit done(exitCode);
}
