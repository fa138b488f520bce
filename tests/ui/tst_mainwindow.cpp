#include "ui/MainWindow.h"

#include "app/engine/DaytonaConnection.h"
#include "app/engine/EngineSession.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/DetachedSandboxd.h"
#include "ui/BuildIndicator.h"
#include "ui/BuildStatus.h"
#include "ui/LogView.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using vw::engine::EngineSession;

// The main window on a real EngineSession: a private SQLite file and the embedded local
// sandbox (a real detached sandboxd in a private directory) with the bundled sample project.
class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firstStartShowsTheSampleReadyToBuild();
    void startBuildRunsItToTheEndLive();
    void everyActionHasAShortcutAndATooltip();

private:
    EngineSession::Options options() const;
    QTemporaryDir m_dir;
    std::unique_ptr<EngineSession> m_session;
    std::unique_ptr<vw::MainWindow> m_window;
};

EngineSession::Options tst_MainWindow::options() const
{
    EngineSession::Options o;
    o.databaseUrl = m_dir.filePath(QStringLiteral("builds.sqlite"));
    o.localSandboxDirectory = m_dir.filePath(QStringLiteral("local-sandbox"));
    for (const char *name : {"DAYTONA_API_KEY", "DAYTONA_API_URL", "DAYTONA_SERVER_URL"})
        o.environment.remove(QString::fromLatin1(name));
    return o;
}

void tst_MainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The window keeps its geometry in the user's settings: use a private one.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    m_session = std::make_unique<EngineSession>(options());
    m_window = std::make_unique<vw::MainWindow>(m_session.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_MainWindow::cleanupTestCase()
{
    m_window.reset();
    m_session.reset();
    vw::test::stopDetachedSandboxd(m_dir.filePath(QStringLiteral("local-sandbox")));
}

void tst_MainWindow::firstStartShowsTheSampleReadyToBuild()
{
    // Before the store is open: nothing to build yet, and the empty state says what to do.
    QVERIFY(!m_window->startBuildAction()->isEnabled());
    QWidget *empty = m_window->findChild<QWidget *>(QStringLiteral("emptyState"));
    QVERIFY(empty && empty->isVisible());

    QVERIFY(awaitJob(m_session->openStore()).ok());
    m_window->storeOpened();
    auto *projects = m_window->findChild<QListWidget *>();
    QTRY_COMPARE(projects->count(), 1);
    QVERIFY(m_window->selectedProject() > 0);
    QVERIFY(!m_window->startBuildAction()->isEnabled()); // the engine is not running yet

    const auto started = awaitJob(m_session->startEngine(), 60'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    m_window->engineStarted();
    QVERIFY(m_window->startBuildAction()->isEnabled());
    QVERIFY(!m_window->cancelAction()->isEnabled());
    QVERIFY(!m_window->rebuildAction()->isEnabled());

    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(m_window->grab().save(dir + QStringLiteral("/mainwindow-empty.png")));
}

void tst_MainWindow::startBuildRunsItToTheEndLive()
{
    QVERIFY(m_window->startBuildAction()->isEnabled());
    m_window->startBuildAction()->trigger();
    // The centre's BuildStatus and the project's row follow the build through the hub.
    vw::ui::BuildStatus *status = m_window->buildStatus();
    QSignalSpy completed(status, &vw::ui::BuildStatus::completed);
    QTRY_VERIFY_WITH_TIMEOUT(status->isVisible() && status->build().has_value(), 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 1, 120'000);
    QCOMPARE(completed.first().first().value<vw::BuildStatus>(), vw::BuildStatus::Success);
    QVERIFY2(status->logView(vw::ui::BuildStatus::Pane::Live)->lineCount() > 3, "live output");
    QVERIFY(m_window->rebuildAction()->isEnabled());
    QVERIFY(m_window->startBuildAction()->isEnabled());
    int rowsShowingSuccess = 0;
    for (auto *indicator : m_window->findChildren<vw::ui::BuildIndicator *>())
        rowsShowingSuccess += indicator->statusText() == QStringLiteral("Succeeded");
    QCOMPARE(rowsShowingSuccess, 1); // the project's row

    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QVERIFY(m_window->grab().save(dir + QStringLiteral("/mainwindow-built.png")));
}

void tst_MainWindow::everyActionHasAShortcutAndATooltip()
{
    for (QAction *action :
         {m_window->startBuildAction(), m_window->cleanBuildAction(), m_window->rebuildAction(),
          m_window->cancelAction(), m_window->settingsAction()}) {
        QVERIFY2(!action->shortcut().isEmpty(), qPrintable(action->text()));
        QVERIFY2(!action->toolTip().isEmpty(), qPrintable(action->text()));
    }
    bool quit = false;
    for (QAction *menu : m_window->menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions())
            quit |= action->shortcut() == QKeySequence(QKeySequence::Quit);
    }
    QVERIFY(quit);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
