#include "app/automation/EmbeddedHttpApi.h"
#include "models/Log.h"
#include "models/Version.h"
#include "ui/AppController.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vaporwatch"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vaporwatch"));
    QApplication::setOrganizationName(QString::fromLatin1(vw::kOrganization));
    QApplication::setApplicationVersion(QString::fromLatin1(vw::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/vaporwatch/icons/vaporwatch.svg")));
    vw::log::installQtMessageHandler();

    // Qt's own dialogs and ours, in the system's language where a catalogue exists.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator appTranslator;
    if (appTranslator.load(QLocale(), QStringLiteral("vaporwatch"), QStringLiteral("_"),
                           QStringLiteral(":/i18n")))
        QApplication::installTranslator(&appTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Vaporwatch: start and watch builds in Daytona sandboxes."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    vw::ui::AppController controller({});
    // The HTTP API and cctray feed, when the settings switch them on.
    controller.setSessionService(&vw::automation::EmbeddedHttpApi::serviceFor);
    controller.start();
    return app.exec();
}
