#include "models/Log.h"
#include "models/Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vaporwatch-cli"));
    QCoreApplication::setOrganizationName(QString::fromLatin1(vw::kOrganization));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(vw::kVersion));
    vw::log::installQtMessageHandler();

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Vaporwatch from the terminal: start, watch and inspect builds in Daytona sandboxes."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QCoreApplication::translate("main", "The command to run."));
    parser.process(app);
    if (parser.positionalArguments().isEmpty())
        parser.showHelp(0);
    parser.showHelp(2);
}
