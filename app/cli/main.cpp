#include "app/cli/BuildCommand.h"
#include "app/cli/DaytonaConnection.h"
#include "app/cli/ExecCommand.h"
#include "app/cli/SandboxCommand.h"
#include "app/daytona/DaytonaClient.h"
#include "models/DatabaseUrl.h"
#include "models/Log.h"
#include "models/Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHash>
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
    parser.setApplicationDescription(
        tr("Vaporwatch from the terminal: start, watch and inspect builds in Daytona sandboxes.\n"
           "\n"
           "Commands:\n"
           "  sandbox list                 list the sandboxes (id, name, state)\n"
           "  sandbox get NAME             print a sandbox as JSON\n"
           "  sandbox start NAME           start a sandbox and wait until it runs\n"
           "  sandbox stop NAME            stop a sandbox\n"
           "  exec SANDBOX -- COMMAND...   run a command in the sandbox, streaming its output;\n"
           "                               exits with the command's exit code\n"
           "  build start [--sandbox NAME] [--dir DIR] [--clean] [--follow]\n"
           "                               start a build and print its id; --follow streams\n"
           "                               its output (Ctrl-C detaches, it does not cancel)\n"
           "  build status [ID | --latest] [--json]\n"
           "                               a build's status, phase, step, progress, durations\n"
           "                               and error\n"
           "  build logs ID [--phase install|build]   the stored logs\n"
           "  build list [--limit N] [--status S]     the latest builds\n"
           "  build events ID [--after EVENT_ID]      a build's events\n"
           "  build cancel ID              stop a running build and wait until it has ended\n"
           "\n"
           "Builds are stored in --db (default: the GUI's SQLite file). Without\n"
           "DAYTONA_API_KEY builds run in the embedded local sandbox `local`.\n"
           "\n"
           "The Daytona API is taken from DAYTONA_API_URL (default https://app.daytona.io/api)\n"
           "and DAYTONA_API_KEY."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      tr("The build database: a SQLite path or a postgres:// URL."),
                                      tr("URL"), vw::DatabaseUrl::defaultSqlitePath());
    parser.addOption(dbOption);
    parser.addPositionalArgument(QStringLiteral("command"), tr("The command to run."));
    // Everything after the command name belongs to the command (exec passes it on).
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    parser.process(app);
    QStringList arguments = parser.positionalArguments();
    if (arguments.isEmpty())
        parser.showHelp(0);
    const QString command = arguments.takeFirst();
    int exitCode = 0;
    const auto quitWith = [&app, &exitCode](int code) {
        exitCode = code;
        app.quit();
    };
    if (command == QStringLiteral("build")) {
        BuildCommand buildCommand(parser.value(dbOption));
        QObject::connect(&buildCommand, &BuildCommand::done, &app, quitWith, Qt::QueuedConnection);
        if (!buildCommand.start(arguments))
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
    };
    const Factory factory = clientCommands.value(command);
    if (!factory)
        parser.showHelp(2);
    if (command == QStringLiteral("exec"))
        arguments.removeOne(QStringLiteral("--"));

    DaytonaConnection connection;
    std::unique_ptr<ClientCommand> running;
    connection.connectClient()->onResult(
        &app, [&](const vw::Result<vw::daytona::DaytonaClient *> &client) {
            if (!client) {
                QTextStream(stderr) << tr("error: %1").arg(client.error().toString()) << Qt::endl;
                quitWith(1);
                return;
            }
            running.reset(factory(client.value()));
            QObject::connect(running.get(), &ClientCommand::done, &app, quitWith,
                             Qt::QueuedConnection);
            if (!running->start(arguments))
                quitWith(2);
        });
    app.exec();
    return exitCode;
}
