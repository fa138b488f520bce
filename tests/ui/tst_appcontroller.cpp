#include "ui/AppController.h"

#include "app/automation/EmbeddedHttpApi.h"
#include "app/engine/AppSettings.h"
#include "app/engine/BuildManager.h"
#include "app/engine/EngineSession.h"
#include "app/engine/SecretStore.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/DetachedSandboxd.h"
#include "tests/support/HttpTestClient.h"
#include "ui/BuildStatus.h"
#include "ui/MainWindow.h"
#include "ui/TrayController.h"

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using vw::engine::AppSettings;
using vw::ui::AppController;

// The app as main() runs it — window, tray, engine on the embedded local sandbox — under a
// private desktop (Xvfb, a tray host and a notification server on a private D-Bus session) with
// a private settings file.
class tst_AppController : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void startShowsTheWindowAndTheTray();
    void closingTheWindowKeepsVaporwatchInTheTray();
    void aBuildOpenedFromTheTrayShowsInTheWindow();
    void notificationAndParallelSettingsApplyInPlace();
    void theHttpApiSettingStartsAndStopsIt();
    void aNewDatabaseStartsANewSessionAtOnce();

private:
    void saveSettings(const std::function<void(AppSettings &)> &change);
    QTemporaryDir m_dir;
    std::unique_ptr<AppController> m_controller;
};

void tst_AppController::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    saveSettings(
        [this](AppSettings &s) { s.databaseUrl = m_dir.filePath(QStringLiteral("first.sqlite")); });
    AppController::Options options;
    options.localSandboxDirectory = m_dir.filePath(QStringLiteral("local-sandbox"));
    for (const char *name : {"DAYTONA_API_KEY", "DAYTONA_API_URL", "DAYTONA_SERVER_URL"})
        options.environment.remove(QString::fromLatin1(name));
    m_controller = std::make_unique<AppController>(options);
    m_controller->setSessionService(&vw::automation::EmbeddedHttpApi::serviceFor); // as main()
}

void tst_AppController::cleanupTestCase()
{
    m_controller.reset();
    vw::test::stopDetachedSandboxd(m_dir.filePath(QStringLiteral("local-sandbox")));
}

void tst_AppController::saveSettings(const std::function<void(AppSettings &)> &change)
{
    const auto file = AppSettings::openDefault();
    AppSettings settings = AppSettings::load(*file);
    change(settings);
    settings.save(*file);
    file->sync();
}

void tst_AppController::startShowsTheWindowAndTheTray()
{
    QSignalSpy ready(m_controller.get(), &AppController::engineReady);
    m_controller->start();
    QVERIFY(m_controller->window()->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60'000);
    QVERIFY(ready.first().first().toBool());
    QVERIFY2(m_controller->tray()->isTrayAvailable(), "the test desktop has a tray host");
    QTRY_VERIFY(m_controller->tray()->trayIcon()->isVisible());
    QVERIFY(!QApplication::quitOnLastWindowClosed());
    QTRY_COMPARE(m_controller->window()->sandboxTree()->topLevelItemCount(), 1);
    QVERIFY(QFileInfo::exists(m_dir.filePath(QStringLiteral("first.sqlite"))));
}

void tst_AppController::closingTheWindowKeepsVaporwatchInTheTray()
{
    QSignalSpy quitting(qApp, &QCoreApplication::aboutToQuit);
    vw::MainWindow *window = m_controller->window();
    QVERIFY(window->close());
    QTest::qWait(200);
    QVERIFY(!window->isVisible());
    QCOMPARE(quitting.count(), 0);
    QCOMPARE(m_controller->window(), window); // the same window, hidden, with its session
    // The tray's "Open Vaporwatch" brings it back.
    m_controller->tray()->openWindowAction()->trigger();
    QTRY_VERIFY(window->isVisible());
}

void tst_AppController::aBuildOpenedFromTheTrayShowsInTheWindow()
{
    vw::BuildStore *store = m_controller->session()->store();
    const auto projects = awaitJob(store->projects());
    QVERIFY(projects.ok() && !projects.value().isEmpty());
    vw::Build failed;
    failed.projectId = projects.value().first().id;
    failed.status = vw::BuildStatus::Failed;
    failed.errorMessage = QStringLiteral("npm ERR! missing script: build");
    failed.trigger = QStringLiteral("cli");
    const auto created = awaitJob(store->createBuild(failed));
    QVERIFY(created.ok());
    m_controller->window()->hide();

    // What a click on the build's notification or its tray menu entry does.
    emit m_controller->tray()->openBuildRequested(created.value().id);
    vw::MainWindow *window = m_controller->window();
    QTRY_VERIFY(window->isVisible());
    QTRY_COMPARE(window->buildStatus()->buildId(), created.value().id);
    QCOMPARE(window->currentTab(), vw::MainWindow::Tab::Build);
}

void tst_AppController::notificationAndParallelSettingsApplyInPlace()
{
    QPointer<vw::engine::EngineSession> session = m_controller->session();
    QPointer<vw::MainWindow> window = m_controller->window();
    QVERIFY(!m_controller->tray()->notificationSettings().started);
    saveSettings([](AppSettings &s) {
        s.notifications.started = true;
        s.maxParallelBuilds = 5;
    });
    m_controller->applySavedSettings(false);
    QCOMPARE(m_controller->session(), session.data()); // no reconnect for these
    QCOMPARE(m_controller->window(), window.data());
    QVERIFY(m_controller->tray()->notificationSettings().started);
    QCOMPARE(m_controller->session()->manager()->maxParallel(), 5);

    // Pausing from the tray lands in the settings file.
    m_controller->tray()->pauseAction()->trigger();
    QTRY_VERIFY(AppSettings::load(*AppSettings::openDefault()).notifications.paused);
    m_controller->tray()->pauseAction()->trigger();
    QTRY_VERIFY(!AppSettings::load(*AppSettings::openDefault()).notifications.paused);
}

// The app's HTTP API follows the setting without a new session, with its token in the
// desktop's keychain.
void tst_AppController::theHttpApiSettingStartsAndStopsIt()
{
    QVERIFY(!m_controller->sessionService()); // off by default
    QPointer<vw::engine::EngineSession> session = m_controller->session();
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const int port = probe.serverPort();
    probe.close();
    saveSettings([port](AppSettings &s) {
        s.httpApiEnabled = true;
        s.httpApiPort = port;
    });
    m_controller->applySavedSettings(false);
    QCOMPARE(m_controller->session(), session.data());
    auto *api = qobject_cast<vw::automation::EmbeddedHttpApi *>(m_controller->sessionService());
    QVERIFY(api);
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->window()->statusBar()->currentMessage().contains(url),
                             20'000);
    const auto token =
        awaitJob(vw::engine::SecretStore().read(vw::engine::SecretStore::kHttpApiToken));
    QVERIFY(token.ok() && token.value());
    vw::test::HttpTestClient client(url, *token.value());
    QCOMPARE(client.get(QStringLiteral("/cctray.xml")).status, 200);

    saveSettings([](AppSettings &s) { s.httpApiEnabled = false; });
    m_controller->applySavedSettings(false);
    QVERIFY(!m_controller->sessionService());
    QCOMPARE(client.get(QStringLiteral("/cctray.xml")).status, 0); // nothing listens any more
}

void tst_AppController::aNewDatabaseStartsANewSessionAtOnce()
{
    QPointer<vw::engine::EngineSession> before = m_controller->session();
    const QString second = m_dir.filePath(QStringLiteral("second.sqlite"));
    saveSettings([&](AppSettings &s) { s.databaseUrl = second; });
    QSignalSpy ready(m_controller.get(), &AppController::engineReady);
    m_controller->applySavedSettings(false);
    QVERIFY(before.isNull()); // the old session is gone, its builds left to the new one
    QVERIFY(m_controller->session()->databaseDisplayName().contains(QStringLiteral("second")));
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 60'000);
    QVERIFY(ready.first().first().toBool());
    QVERIFY(QFileInfo::exists(second));
    QVERIFY(m_controller->window()->isVisible());
    // The new database starts with the sample project again, and without the old history.
    QTRY_COMPARE(m_controller->window()->sandboxTree()->topLevelItemCount(), 1);
    const auto builds = awaitJob(m_controller->session()->store()->latestBuilds());
    QVERIFY(builds.ok());
    QVERIFY(builds.value().isEmpty());
}

QTEST_MAIN(tst_AppController)
#include "tst_appcontroller.moc"
