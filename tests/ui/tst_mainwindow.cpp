#include "ui/MainWindow.h"

#include "app/engine/BuildHub.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/EngineSession.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/DetachedSandboxd.h"
#include "ui/BuildIndicator.h"
#include "ui/BuildStatus.h"
#include "ui/HistoryView.h"
#include "ui/LogView.h"
#include "ui/PhaseTimeline.h"
#include "ui/PreviewPane.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QSet>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

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
    void historyOpensAnOlderBuild();
    void runDevServerShowsThePreview();
    void darkPaletteReachesEveryView();
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
    // The left pane: the local sandbox with its sample project.
    QTreeWidget *tree = m_window->sandboxTree();
    QTRY_COMPARE(tree->topLevelItemCount(), 1);
    QCOMPARE(tree->topLevelItem(0)->childCount(), 1);
    QVERIFY(m_window->selectedProject() > 0);
    QCOMPARE(tree->currentItem(), tree->topLevelItem(0)->child(0));
    QVERIFY(!m_window->startBuildAction()->isEnabled()); // the engine is not running yet

    const auto started = awaitJob(m_session->startEngine(), 60'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    m_window->engineStarted();
    QVERIFY(m_window->startBuildAction()->isEnabled());
    // The sandbox row shows the state sandboxd reports once the engine lists the sandboxes.
    const auto sandboxTitle = [tree] {
        QWidget *row = tree->itemWidget(tree->topLevelItem(0), 0);
        return row->findChild<QLabel *>(QStringLiteral("rowTitle"))->text();
    };
    QTRY_COMPARE(sandboxTitle(), QStringLiteral("local · started"));
    QCOMPARE(tree->topLevelItemCount(), 1); // the listed sandbox is the projects' sandbox
    QTRY_VERIFY(m_window->runDevServerAction()->isEnabled());
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
    // The phases as the Build tab shows them, each time the hub announces a change.
    QList<vw::Phase> phasesShown;
    const QMetaObject::Connection watching =
        connect(m_session->hub(), &vw::engine::BuildHub::buildChanged, this, [&] {
            if (status->build() &&
                (phasesShown.isEmpty() || phasesShown.last() != status->build()->phase)) {
                phasesShown.append(status->build()->phase);
                if (phasesShown.last() == vw::Phase::Build) // the window during a running build
                    m_window->grab().save(
                        QStringLiteral(VW_BINARY_DIR "/screenshots/mainwindow-running.png"));
            }
        });
    QTRY_VERIFY_WITH_TIMEOUT(status->isVisible() && status->build().has_value(), 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 1, 120'000);
    QCOMPARE(completed.first().first().value<vw::BuildStatus>(), vw::BuildStatus::Success);
    disconnect(watching);
    QCOMPARE(phasesShown, (QList<vw::Phase>{vw::Phase::Setup, vw::Phase::Install, vw::Phase::Build,
                                            vw::Phase::Complete}));
    auto *timeline = status->findChild<vw::ui::PhaseTimeline *>();
    QVERIFY(timeline);
    for (vw::Phase phase : {vw::Phase::Setup, vw::Phase::Install, vw::Phase::Build})
        QCOMPARE(vw::ui::PhaseTimeline::segmentState(timeline->build(), phase),
                 vw::ui::PhaseTimeline::SegmentState::Done);

    // The sample's coloured output arrives coloured, and search finds it.
    vw::ui::LogView *live = status->logView(vw::ui::BuildStatus::Pane::Live);
    QVERIFY2(live->lineCount() > 3, "live output");
    bool coloured = false;
    for (qsizetype line = 0; line < live->lineCount(); ++line) {
        for (const vw::AnsiSegment &segment : live->buffer().lineSegments(line))
            coloured |= segment.text.contains(QStringLiteral("built")) && !segment.style.isPlain();
    }
    QVERIFY2(coloured, "the green 'built' line keeps its colour");
    live->setSearch(QStringLiteral("into dist/"));
    QCOMPARE(live->matchCount(), 1);
    live->setSearch({});
    QVERIFY(m_window->rebuildAction()->isEnabled());
    QVERIFY(m_window->startBuildAction()->isEnabled());
    // The project's row and its sandbox's row show the build.
    QTreeWidget *tree = m_window->sandboxTree();
    for (QTreeWidgetItem *item : {tree->topLevelItem(0), tree->topLevelItem(0)->child(0)}) {
        auto *indicator = tree->itemWidget(item, 0)->findChild<vw::ui::BuildIndicator *>();
        QVERIFY(indicator);
        QCOMPARE(indicator->statusText(), QStringLiteral("Succeeded"));
    }

    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QVERIFY(m_window->grab().save(dir + QStringLiteral("/mainwindow-built.png")));
}

void tst_MainWindow::historyOpensAnOlderBuild()
{
    vw::ui::BuildStatus *status = m_window->buildStatus();
    const qint64 first = status->buildId();
    QVERIFY(first > 0);
    // A second build (the dependency cache makes it quick); the Build tab follows it.
    QSignalSpy completed(status, &vw::ui::BuildStatus::completed);
    QTRY_VERIFY(m_window->rebuildAction()->isEnabled());
    m_window->rebuildAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 1, 120'000);
    const qint64 second = status->buildId();
    QVERIFY(second > first);

    // History lists both, newest first; double-clicking the older one opens it.
    m_window->showTab(vw::MainWindow::Tab::History);
    QTableView *table = m_window->historyView()->tableView();
    QTRY_COMPARE(table->model()->rowCount(), 2);
    QTRY_COMPARE(table->model()->index(1, 0).data(Qt::UserRole).toLongLong(), first);
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QVERIFY(m_window->grab().save(dir + QStringLiteral("/mainwindow-history.png")));
    const QRect row = table->visualRect(table->model()->index(1, 1));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, row.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, row.center());
    QTRY_COMPARE(m_window->currentTab(), vw::MainWindow::Tab::Build);
    QTRY_COMPARE(status->buildId(), first);
    QCOMPARE(status->followedProjectId(), 0); // the chosen build, not the project's latest

    // Selecting the project again follows its latest build.
    m_window->selectProject(m_window->selectedProject());
    QTRY_COMPARE(status->buildId(), second);
}

// Run Dev Server starts the sample's dev server in the local sandbox (on the port set for the
// project meanwhile, as `vaporwatch-cli project --dev-port` would) and previews it.
void tst_MainWindow::runDevServerShowsThePreview()
{
    QTcpServer probe; // a port nobody uses
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const int port = probe.serverPort();
    probe.close();
    auto project = awaitJob(m_session->store()->project(m_window->selectedProject()));
    QVERIFY(project.ok());
    vw::Project withPort = project.value();
    withPort.devPort = port;
    QVERIFY(awaitJob(m_session->store()->saveProject(withPort)).ok());

    QSignalSpy started(m_window.get(), &vw::MainWindow::devServerStarted);
    QVERIFY(m_window->runDevServerAction()->isEnabled());
    m_window->runDevServerAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 90'000);
    QVERIFY(started.first().first().toBool());
    QCOMPARE(m_window->currentTab(), vw::MainWindow::Tab::Preview);
    vw::ui::PreviewPane *preview = m_window->previewPane();
    QTRY_COMPARE_WITH_TIMEOUT(preview->state(), vw::ui::PreviewPane::State::Loaded, 90'000);
    QCOMPARE(preview->currentUrl().port(), port);
    QVERIFY2(preview->healthText().contains(QStringLiteral("HTTP 200")),
             qPrintable(preview->healthText()));
    QTest::qWait(500); // a frame of the page
    QVERIFY(
        m_window->grab().save(QStringLiteral(VW_BINARY_DIR "/screenshots/mainwindow-preview.png")));
    m_window->showTab(vw::MainWindow::Tab::Build);
}

// A dark desktop palette (as Fusion gets it from a dark theme): the views paint with it.
void tst_MainWindow::darkPaletteReachesEveryView()
{
    const QPalette light = QApplication::palette();
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
    dark.setColor(QPalette::WindowText, QColor(0xdf, 0xe1, 0xe5));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    dark.setColor(QPalette::Text, QColor(0xdf, 0xe1, 0xe5));
    dark.setColor(QPalette::Button, QColor(0x3c, 0x3f, 0x41));
    dark.setColor(QPalette::ButtonText, QColor(0xdf, 0xe1, 0xe5));
    dark.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8f, 0x94));
    dark.setColor(QPalette::Mid, QColor(0x4e, 0x51, 0x57));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        dark.setColor(QPalette::Disabled, role, QColor(0x6f, 0x73, 0x7a));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(dark);
    m_window->showTab(vw::MainWindow::Tab::Build);
    QCoreApplication::processEvents();

    vw::ui::LogView *log = m_window->buildStatus()->logView(vw::ui::BuildStatus::Pane::Live);
    QVERIFY(log->isVisible());
    const QImage logImage = log->grab().toImage();
    QVERIFY2(logImage.pixelColor(logImage.width() - 4, logImage.height() - 4).lightness() < 80,
             "the log view paints with the dark base colour");
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QVERIFY(m_window->grab().save(dir + QStringLiteral("/mainwindow-dark.png")));
    m_window->showTab(vw::MainWindow::Tab::History);
    QCoreApplication::processEvents();
    QWidget *rows = m_window->historyView()->tableView()->viewport();
    const QImage rowsImage = rows->grab().toImage();
    QVERIFY2(rowsImage.pixelColor(rowsImage.width() - 4, rowsImage.height() - 4).lightness() < 80,
             "the history table paints with the dark base colour");
    QVERIFY(m_window->grab().save(dir + QStringLiteral("/mainwindow-history-dark.png")));
    QApplication::setPalette(light);
    m_window->showTab(vw::MainWindow::Tab::Build);
}

void tst_MainWindow::everyActionHasAShortcutAndATooltip()
{
    QSet<QKeySequence> shortcuts;
    for (QAction *action : m_window->allActions()) {
        QVERIFY2(!shortcuts.contains(action->shortcut()), qPrintable(action->text()));
        shortcuts.insert(action->shortcut());
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
