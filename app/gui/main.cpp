#include "app/automation/EmbeddedHttpApi.h"
#include "app/engine/AppSettings.h"
#include "models/Log.h"
#include "models/Version.h"
#include "ui/AppController.h"
#include "ui/AppTranslator.h"
#include "ui/InstanceChannel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QTextStream>

#include <optional>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vaporwatch"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vaporwatch"));
    QApplication::setOrganizationName(QString::fromLatin1(vw::kOrganization));
    QApplication::setApplicationVersion(QString::fromLatin1(vw::kVersion));
    // Wayland docks match the window to its launcher (packaging/) by this name.
    QApplication::setDesktopFileName(QStringLiteral("io.github.vaporwatch.Vaporwatch"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/vaporwatch/icons/vaporwatch.svg")));
    vw::log::installQtMessageHandler();

    // In the language of the settings, or else the system's, where a catalogue exists.
    vw::ui::AppTranslator translator;
    translator.install(
        vw::engine::AppSettings::load(*vw::engine::AppSettings::openDefault()).language);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Vaporwatch: start and watch builds in Daytona sandboxes."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption buildOption(
        QStringLiteral("build"),
        QApplication::translate("main", "Show this build (in the running Vaporwatch, if any)."),
        QApplication::translate("main", "ID"));
    parser.addOption(buildOption);
    parser.process(app);
    std::optional<qint64> buildId;
    if (parser.isSet(buildOption)) {
        bool numeric = false;
        buildId = parser.value(buildOption).toLongLong(&numeric);
        if (!numeric || *buildId <= 0) {
            QTextStream(stderr) << QApplication::translate("main", "--build needs a build id")
                                << Qt::endl;
            return 2;
        }
    }

    // One window per user: a running Vaporwatch shows itself (and the build) instead.
    vw::ui::InstanceChannel instance;
    if (instance.sendToRunning(buildId))
        return 0;
    instance.listen();

    vw::ui::AppController controller({});
    // The HTTP API and cctray feed, when the settings switch them on.
    controller.setSessionService(&vw::automation::EmbeddedHttpApi::serviceFor);
    QObject::connect(&instance, &vw::ui::InstanceChannel::showRequested, &controller,
                     &vw::ui::AppController::showWindow);
    QObject::connect(&instance, &vw::ui::InstanceChannel::buildRequested, &controller,
                     &vw::ui::AppController::openBuild);
    if (buildId) { // once the store can answer
        QObject::connect(
            &controller, &vw::ui::AppController::engineReady, &controller,
            [&controller, id = *buildId] { controller.openBuild(id); }, Qt::SingleShotConnection);
    }
    controller.start();
    return app.exec();
}
