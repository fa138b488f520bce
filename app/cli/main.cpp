#include "app/automation/ArtifactsCommand.h"
#include "app/automation/BuildEventsCommand.h"
#include "app/automation/BuildStatusCommand.h"
#include "app/automation/BuildsCommand.h"
#include "app/automation/CancelBuildCommand.h"
#include "app/automation/CheckProcessCommand.h"
#include "app/automation/ExecCommand.h"
#include "app/automation/LiveLogsCommand.h"
#include "app/automation/McpCommand.h"
#include "app/automation/PreviewUrlCommand.h"
#include "app/automation/ProjectCommand.h"
#include "app/automation/RunDevServerCommand.h"
#include "app/automation/SandboxCommand.h"
#include "app/automation/ServeCommand.h"
#include "app/automation/StartBuildCommand.h"
#include "app/automation/StopDevServerCommand.h"
#include "app/automation/StoreCommand.h"
#include "app/daytona/DaytonaClient.h"
#include "app/engine/AppSettings.h"
#include "app/engine/DaytonaConnection.h"
#include "models/DatabaseUrl.h"
#include "models/Log.h"
#include "models/Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHash>
#include <QSettings>
#include <QTextStream>

#include <functional>
#include <memory>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("main", text);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vaporwatch-cli"));
    QCoreApplication::setOrganizationName(QString::fromLatin1(vw::kOrganization));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(vw::kVersion));
    vw::log::installQtMessageHandler();

    QCommandLineParser parser;
    parser.setApplicationDescription(tr(
        "Vaporwatch from the terminal: start, watch and inspect builds in Daytona sandboxes.\n"
        "Command names follow the original platform's agent tools; hyphens work too\n"
        "(start-build). `vaporwatch-cli COMMAND --help` is not needed: each command prints its\n"
        "usage when its arguments are wrong.\n"
        "\n"
        "Builds:\n"
        "  start_build [--project DIR] [--sandbox ID | --rebuild ID] [--clean] [--follow]\n"
        "              [--json]\n"
        "        start a build (--rebuild: of that build's project, with its settings), print\n"
        "        its id; --follow shows progress and output until it ends (exit 0 only on\n"
        "        success; Ctrl-C detaches, the build goes on)\n"
        "  build_status [--build ID | --project DIR [--sandbox ID]] [--json]\n"
        "        status, phase, step, progress, durations, ETA and error line\n"
        "  get_live_logs --build ID [--phase install|build] [--tail N] [--follow] [--json]\n"
        "        the build's output (stdout to stdout, stderr to stderr)\n"
        "  builds [--project DIR [--sandbox ID]] [--status S] [--limit N] [--json]\n"
        "        the build history, newest first\n"
        "  build_events --build ID [--after EVENT_ID] [--json]   a build's events\n"
        "  artifacts BUILD_ID [--download DIR] [--json]\n"
        "        the files a successful build left in its output directory; --download\n"
        "        fetches them into DIR\n"
        "  cancel_build --build ID     stop a build and wait until it has ended\n"
        "  project [--project DIR] [--sandbox ID] [--install-command CMD]\n"
        "          [--build-command CMD] [--no-build-step | --build-step] [--output-dir DIR]\n"
        "          [--dev-command CMD] [--dev-port N] [--detect] [--json]\n"
        "        show or override what the stack detection chose\n"
        "\n"
        "Agents:\n"
        "  mcp         the Model Context Protocol server on stdin/stdout (start_build,\n"
        "              get_build_status, get_live_logs, list_builds, cancel_build,\n"
        "              check_process_status, get_preview_url, run_dev_server)\n"
        "\n"
        "Scripts and other monitors:\n"
        "  serve [--port N] [--bind ADDRESS] [--token-file FILE]\n"
        "        the build HTTP API (POST /workspace/build/create, GET\n"
        "        /workspace/build/ID/details|events|logs|stream, /workspace/builds/ID/detailed)\n"
        "        and the cctray feed (/cctray.xml) on 127.0.0.1:4000 (--port 0: a free port;\n"
        "        prints `listening on URL`) until Ctrl-C. Every request needs\n"
        "        `Authorization: Bearer TOKEN`; the token is kept in FILE (created with mode\n"
        "        0600) or, without --token-file, in the keychain\n"
        "\n"
        "Sandboxes:\n"
        "  sandbox list | get NAME | start NAME | stop NAME [--json]\n"
        "  exec SANDBOX -- COMMAND...  run a command, streaming its output; exits with its code\n"
        "\n"
        "Sandbox tools (exit 0 found/up, 1 not found/down, 2 usage, 3 error):\n"
        "  check_process [--sandbox ID] [--port N] [--name NAME] [--json]\n"
        "        is the port in use (and by which process), do processes of that name run\n"
        "  get_preview_url [--sandbox ID] [--port N] [--json]\n"
        "        the dev server's preview URL (port detected: 3000, 5173, 8080, 4200, 8000,\n"
        "        5000, 80) and its health (HTTP status, latency)\n"
        "  run_dev_server [--project DIR] [--sandbox ID] [--command CMD] [--port N]\n"
        "                 [--timeout S] [--detach] [--json]\n"
        "        start the dev server (default `npm run dev`, PORT=3000) in its own session,\n"
        "        wait until it listens, then watch its health (Ctrl-C detaches, exit 130)\n"
        "  stop_dev_server [--project DIR] [--sandbox ID] [--json]   stop it\n"
        "\n"
        "Exit codes: 0 ok, 1 failed (or not found), 2 wrong usage, 130 interrupted.\n"
        "\n"
        "Builds are stored in --db (default: the app's database). Sandboxes are reached\n"
        "through DAYTONA_API_URL (default https://app.daytona.io/api) and DAYTONA_API_KEY, or\n"
        "the Daytona account of the app's Settings (key in the keychain); without either,\n"
        "through the embedded local sandbox `local`, whose default project is the bundled\n"
        "sample (`sample`)."));
    parser.addHelpOption();
    parser.addVersionOption();
    // VAPORWATCH_DB keeps a PostgreSQL password off the command line (where `ps` shows it);
    // so do libpq's PGPASSWORD and ~/.pgpass for a URL without one.
    QString defaultDatabase = qEnvironmentVariable("VAPORWATCH_DB");
    if (defaultDatabase.isEmpty()) // the app's Settings, else the app's SQLite file
        defaultDatabase =
            vw::engine::AppSettings::load(*vw::engine::AppSettings::openDefault()).databaseUrl;
    if (defaultDatabase.isEmpty())
        defaultDatabase = vw::DatabaseUrl::defaultSqlitePath();
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        tr("The build database: a SQLite path or a postgres:// URL (default: $VAPORWATCH_DB, "
           "else the app's setting, else its SQLite file)."),
        tr("URL"), defaultDatabase);
    parser.addOption(dbOption);
    parser.addPositionalArgument(QStringLiteral("command"), tr("The command to run."));
    // Everything after the command name belongs to the command (exec passes it on).
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    parser.process(app);
    if (parser.isSet(dbOption)) {
        const vw::Result<vw::DatabaseUrl> url = vw::DatabaseUrl::parse(parser.value(dbOption));
        if (url && !url.value().password().isEmpty())
            QTextStream(stderr) << tr("warning: a password in --db is visible to every user of "
                                      "this machine; use VAPORWATCH_DB or PGPASSWORD instead")
                                << Qt::endl;
    }
    QStringList arguments = parser.positionalArguments();
    if (arguments.isEmpty())
        parser.showHelp(0);
    const QString command = arguments.takeFirst().replace(u'-', u'_');
    int exitCode = 0;
    const auto quitWith = [&app, &exitCode](int code) {
        exitCode = code;
        app.quit();
    };
    // The commands on the build database.
    using StoreFactory = std::function<StoreCommand *(const QString &databaseUrl)>;
    const QHash<QString, StoreFactory> storeCommands = {
        {QStringLiteral("start_build"), [](auto &db) { return new StartBuildCommand(db); }},
        {QStringLiteral("build_status"), [](auto &db) { return new BuildStatusCommand(db); }},
        {QStringLiteral("get_live_logs"), [](auto &db) { return new LiveLogsCommand(db); }},
        {QStringLiteral("builds"), [](auto &db) { return new BuildsCommand(db); }},
        {QStringLiteral("build_events"), [](auto &db) { return new BuildEventsCommand(db); }},
        {QStringLiteral("artifacts"), [](auto &db) { return new ArtifactsCommand(db); }},
        {QStringLiteral("cancel_build"), [](auto &db) { return new CancelBuildCommand(db); }},
        {QStringLiteral("project"), [](auto &db) { return new ProjectCommand(db); }},
        {QStringLiteral("mcp"), [](auto &db) { return new McpCommand(db); }},
        {QStringLiteral("serve"), [](auto &db) { return new ServeCommand(db); }},
    };
    if (const StoreFactory storeFactory = storeCommands.value(command)) {
        std::unique_ptr<StoreCommand> storeCommand(storeFactory(parser.value(dbOption)));
        QObject::connect(storeCommand.get(), &StoreCommand::done, &app, quitWith,
                         Qt::QueuedConnection);
        if (!storeCommand->start(arguments))
            return 2;
        app.exec();
        return exitCode;
    }

    // The commands that work on sandboxes, by name (hyphenated aliases of the original
    // platform's tool names too).
    using Factory = std::function<ClientCommand *(vw::daytona::DaytonaClient *)>;
    const QHash<QString, Factory> clientCommands = {
        {QStringLiteral("sandbox"), [](auto *c) { return new SandboxCommand(c); }},
        {QStringLiteral("exec"), [](auto *c) { return new ExecCommand(c); }},
        {QStringLiteral("check_process"), [](auto *c) { return new CheckProcessCommand(c); }},
        {QStringLiteral("get_preview_url"), [](auto *c) { return new PreviewUrlCommand(c); }},
        {QStringLiteral("run_dev_server"), [](auto *c) { return new RunDevServerCommand(c); }},
        {QStringLiteral("stop_dev_server"), [](auto *c) { return new StopDevServerCommand(c); }},
    };
    const Factory factory = clientCommands.value(command);
    if (!factory)
        parser.showHelp(2);
    if (command == QStringLiteral("exec"))
        arguments.removeOne(QStringLiteral("--"));

    vw::engine::DaytonaConnection connection(
        vw::engine::AppSettings::load(*vw::engine::AppSettings::openDefault()),
        QProcessEnvironment::systemEnvironment());
    StoreCommand::printWarnings(connection.warnings());
    std::unique_ptr<ClientCommand> running;
    connection.connectClient()->onResult(
        &app, [&](const vw::Result<vw::daytona::DaytonaClient *> &client) {
            if (!client) {
                QTextStream(stderr) << tr("error: %1").arg(client.error().toString()) << Qt::endl;
                quitWith(1);
                return;
            }
            running.reset(factory(client.value()));
            running->setConnection(&connection);
            if (auto *devServer = qobject_cast<RunDevServerCommand *>(running.get()))
                devServer->setDatabaseUrl(parser.value(dbOption)); // the project's dev settings
            QObject::connect(running.get(), &ClientCommand::done, &app, quitWith,
                             Qt::QueuedConnection);
            if (!running->start(arguments))
                quitWith(2);
        });
    app.exec();
    return exitCode;
}
