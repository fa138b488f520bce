#include "app/engine/AppSettings.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/EngineSession.h"
#include "models/Log.h"
#include "models/Version.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
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

    vw::engine::EngineSession::Options options;
    options.settings = vw::engine::AppSettings::load(*vw::engine::AppSettings::openDefault());
    vw::engine::EngineSession session(options);
    for (const QString &warning : session.connection()->warnings())
        vw::log::get("app")->warn("{}", warning);
    vw::MainWindow window(&session);
    window.show();
    // The window is up at once; the history appears when the store is open, builds can start
    // when the engine runs (the local sandboxd may take a moment to start).
    session.openStore()->onResult(&window, [&](const vw::Status &opened) {
        if (!opened) {
            window.engineFailed(opened.error().message);
            return;
        }
        window.storeOpened();
        session.startEngine()->onResult(&window, [&](const vw::Status &started) {
            if (started)
                window.engineStarted();
            else
                window.engineFailed(started.error().message);
        });
    });
    return app.exec();
}
