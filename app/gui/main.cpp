#include "models/Log.h"
#include "models/Version.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vaporwatch"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vaporwatch"));
    QApplication::setOrganizationName(QString::fromLatin1(vw::kOrganization));
    QApplication::setApplicationVersion(QString::fromLatin1(vw::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/vaporwatch/icons/vaporwatch.svg")));
    vw::log::installQtMessageHandler();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Vaporwatch: start and watch builds in Daytona sandboxes."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    vw::MainWindow window;
    window.show();
    return app.exec();
}
