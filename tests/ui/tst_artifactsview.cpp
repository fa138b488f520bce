#include "ui/ArtifactsView.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/ArtifactDownloader.h"
#include "app/engine/ArtifactScanner.h"
#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace vw;
using vw::daytona::DaytonaClient;
using vw::daytona::DaytonaConfig;
using vw::engine::BuildHub;
using vw::ui::ArtifactsView;

using vw::test::filesBelow;
using vw::test::readFile;
using vw::test::writeFile;

namespace {

QString humanSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QTreeWidgetItem *findItem(QTreeWidget *tree, const QString &name)
{
    const auto found = tree->findItems(name, Qt::MatchExactly | Qt::MatchRecursive);
    return found.isEmpty() ? nullptr : found.first();
}

} // namespace

// The artifacts view with a real store (SQLite), a real hub and a real sandboxd: the list with
// its sizes, the messages for builds without artifacts, downloads into an injected folder with
// the progress bar, and Cancel.
class tst_ArtifactsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void listIsShownWithSizes();
    void buildsWithoutArtifactsSayWhy_data();
    void buildsWithoutArtifactsSayWhy();
    void listingByTheEngineIsAwaitedNotRepeated();
    void listingThatFailedInTheEngineSaysWhy();
    void stoppedSandboxSaysWhyAndListsAgainOnceStarted();
    void downloadSelectedIntoTheChosenFolder();
    void downloadAllShowsProgressAndCancelLeavesNothing();
    void noFolderChosenDownloadsNothing();

private:
    Build storedBuild(const QString &project, BuildStatus status);
    std::unique_ptr<ArtifactsView> makeView();
    // A view showing the listing of a new successful build of `project` (null if none came).
    std::unique_ptr<ArtifactsView> listedView(const QString &project);

    std::unique_ptr<test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    QString m_root;
    const QString m_sandbox = QStringLiteral("vw-view");
    const QString m_stoppable = QStringLiteral("vw-view-stoppable");
    QTemporaryDir m_dbDir;
    int m_dbCounter = 0;
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    QString m_chosenFolder;
    int m_chooserCalls = 0;
};

void tst_ArtifactsView::initTestCase()
{
    QVERIFY(QDir().mkpath(QStringLiteral(VW_BINARY_DIR "/screenshots")));
    m_sandboxd = std::make_unique<test::SandboxdProcess>();
    m_root = m_sandboxd->scratchDirectory() + QStringLiteral("/sandbox");
    QVERIFY(writeFile(m_root + QStringLiteral("/site/dist/index.html"), QByteArray(1480, 'h')));
    QVERIFY(
        writeFile(m_root + QStringLiteral("/site/dist/assets/app.js"), QByteArray(245'760, 'j')));
    QVERIFY(
        writeFile(m_root + QStringLiteral("/site/dist/assets/app.css"), QByteArray(18'432, 'c')));
    QVERIFY(writeFile(m_root + QStringLiteral("/site/dist/assets/fonts/inter.woff2"),
                      QByteArray(98'304, 'f')));
    QVERIFY(writeFile(m_root + QStringLiteral("/site/dist/favicon.svg"), QByteArray(612, 's')));
    QByteArray image(50 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < image.size(); ++i)
        image[i] = char(i % 253);
    QVERIFY(writeFile(m_root + QStringLiteral("/large/dist/disk.img"), image));
    QVERIFY(writeFile(m_root + QStringLiteral("/plain/Makefile"), "all:\n\t@true\n"));
    QVERIFY2(m_sandboxd->start({{{m_sandbox, m_root}, {m_stoppable, m_root}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd, 50));
}

void tst_ArtifactsView::init()
{
    m_store = std::make_unique<BuildStore>();
    const auto opened =
        awaitJob(m_store->open(m_dbDir.filePath(QStringLiteral("db%1.sqlite").arg(++m_dbCounter))));
    QVERIFY2(opened.ok(), qPrintable(describe(opened)));
    m_hub = std::make_unique<BuildHub>();
    m_chosenFolder.clear();
    m_chooserCalls = 0;
}

void tst_ArtifactsView::cleanup()
{
    m_hub.reset();
    m_store.reset();
}

void tst_ArtifactsView::cleanupTestCase()
{
    m_client.reset();
    m_sandboxd.reset();
}

Build tst_ArtifactsView::storedBuild(const QString &project, BuildStatus status)
{
    auto p = awaitJob(m_store->ensureProject(m_sandbox, m_root + u'/' + project));
    if (!p)
        return {};
    Build build;
    build.projectId = p.value().id;
    build.sandboxId = m_sandbox;
    build.status = status;
    build.phase = status == BuildStatus::Running ? Phase::Build : Phase::Complete;
    build.stack = QStringLiteral("node-npm");
    auto stored = awaitJob(m_store->createBuild(build));
    return stored ? stored.value() : Build{};
}

std::unique_ptr<ArtifactsView> tst_ArtifactsView::makeView()
{
    auto view = std::make_unique<ArtifactsView>(m_store.get(), m_hub.get(), m_client.get());
    view->setFolderChooser([this](QWidget *, const QString &) {
        ++m_chooserCalls;
        return m_chosenFolder;
    });
    view->resize(720, 460);
    view->show();
    return view;
}

std::unique_ptr<ArtifactsView> tst_ArtifactsView::listedView(const QString &project)
{
    const Build build = storedBuild(project, BuildStatus::Success);
    if (build.id <= 0)
        return nullptr;
    auto view = makeView();
    QSignalSpy shown(view.get(), &ArtifactsView::listingShown);
    view->setBuild(build.id);
    if (!shown.wait(30'000))
        return nullptr;
    return view;
}

void tst_ArtifactsView::listIsShownWithSizes()
{
    const Build build = storedBuild(QStringLiteral("site"), BuildStatus::Success);
    QVERIFY(build.id > 0);
    auto view = makeView();
    QSignalSpy shown(view.get(), &ArtifactsView::listingShown);
    // Not listed yet: the view lists it through the sandbox and stores it.
    view->setBuild(build.id);
    QVERIFY(shown.wait(30'000));
    QTreeWidget *tree = view->treeWidget();
    QVERIFY(tree->isVisible());
    QVERIFY(view->outputLabel()->text().contains(m_root + QStringLiteral("/site/dist")));

    QTreeWidgetItem *assets = findItem(tree, QStringLiteral("assets"));
    QVERIFY(assets);
    QCOMPARE(assets->childCount(), 3); // app.css, app.js, fonts/
    QCOMPARE(assets->text(1), humanSize(245'760 + 18'432 + 98'304));
    QTreeWidgetItem *app = findItem(tree, QStringLiteral("app.js"));
    QVERIFY(app);
    QCOMPARE(app->parent(), assets);
    QCOMPARE(app->text(1), humanSize(245'760));
    QCOMPARE(Qt::Alignment(app->textAlignment(1)) & Qt::AlignHorizontal_Mask, Qt::AlignRight);
    QVERIFY(!app->text(2).isEmpty());
    QTreeWidgetItem *index = findItem(tree, QStringLiteral("index.html"));
    QVERIFY(index && !index->parent());
    QCOMPARE(index->text(1), humanSize(1480));
    const qint64 total = 1480 + 245'760 + 18'432 + 98'304 + 612;
    QVERIFY2(
        view->summaryLabel()->text().startsWith(QStringLiteral("5 file(s), ") + humanSize(total)),
        qPrintable(view->summaryLabel()->text()));
    QVERIFY(view->downloadAllButton()->isEnabled());
    QVERIFY(!view->downloadSelectedButton()->isEnabled());
    QVERIFY(!view->progressBar()->isVisible());

    // The listing was stored with the build.
    const auto stored = awaitJob(m_store->artifacts(build.id));
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->files.size(), 5);

    tree->setCurrentItem(app);
    QVERIFY(view->downloadSelectedButton()->isEnabled());
    const QString screenshots = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(screenshots);
    QVERIFY(view->grab().save(screenshots + QStringLiteral("/artifacts.png")));
}

void tst_ArtifactsView::buildsWithoutArtifactsSayWhy_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<BuildStatus>("status");
    QTest::addColumn<QString>("message");
    QTest::newRow("failed") << "site" << BuildStatus::Failed
                            << "This build did not succeed, so it has no artifacts.";
    QTest::newRow("cancelled") << "site" << BuildStatus::Cancelled
                               << "This build did not succeed, so it has no artifacts.";
    QTest::newRow("running") << "site" << BuildStatus::Running
                             << "The artifacts are listed once this build has succeeded.";
    QTest::newRow("no output directory")
        << "plain" << BuildStatus::Success << "No output directory was found for this build.";
}

void tst_ArtifactsView::buildsWithoutArtifactsSayWhy()
{
    QFETCH(QString, project);
    QFETCH(BuildStatus, status);
    QFETCH(QString, message);
    const Build build = storedBuild(project, status);
    QVERIFY(build.id > 0);
    auto view = makeView();
    view->setBuild(build.id);
    QTRY_VERIFY_WITH_TIMEOUT(view->messageLabel()->isVisible() &&
                                 view->messageLabel()->text().startsWith(message),
                             30'000);
    QVERIFY(!view->treeWidget()->isVisible());
    QVERIFY(!view->downloadAllButton()->isEnabled());
    QVERIFY(!view->downloadSelectedButton()->isEnabled());
    if (project == QStringLiteral("plain"))
        QVERIFY(view->grab().save(QStringLiteral(VW_BINARY_DIR "/screenshots/artifacts-none.png")));
}

// A running build shows its list once it has succeeded: the one the engine made, which the view
// waits for instead of listing the build a second time.
void tst_ArtifactsView::listingByTheEngineIsAwaitedNotRepeated()
{
    Build build = storedBuild(QStringLiteral("site"), BuildStatus::Running);
    QVERIFY(build.id > 0);
    const auto project = awaitJob(m_store->project(build.projectId));
    QVERIFY(project.ok());
    auto view = makeView();
    QSignalSpy shown(view.get(), &ArtifactsView::listingShown);
    QSignalSpy listed(m_hub.get(), &BuildHub::artifactsListed);
    view->setBuild(build.id);
    QTRY_VERIFY(
        view->messageLabel()->text().startsWith(QStringLiteral("The artifacts are listed")));
    // As BuildRun and BuildManager do it: the build is stored and announced as finished, then
    // the manager's scanner lists it.
    build.status = BuildStatus::Success;
    QVERIFY(awaitJob(m_store->updateBuild(build)).ok());
    m_hub->announceChanged(build);
    m_hub->announceFinished(build);
    engine::ArtifactScanner managerScanner(m_client.get(), m_store.get(), m_hub.get());
    QVERIFY(awaitJob(managerScanner.scan(build, project.value())).ok());
    QVERIFY(shown.size() > 0 || shown.wait(30'000));
    QCOMPARE(view->listing()->files.size(), 5);
    // The view waited for that listing instead of listing the build a second time.
    QTest::qWait(500);
    QCOMPARE(listed.size(), 1);
}

void tst_ArtifactsView::listingThatFailedInTheEngineSaysWhy()
{
    Build build = storedBuild(QStringLiteral("site"), BuildStatus::Success);
    QVERIFY(build.id > 0);
    const auto project = awaitJob(m_store->project(build.projectId));
    QVERIFY(project.ok());
    build.sandboxId = QStringLiteral("vw-deleted");
    QVERIFY(awaitJob(m_store->updateBuild(build)).ok());
    // A view that cannot list anything itself (no connection) shows the engine's listing: here,
    // why it failed (the build's sandbox is gone), not "Listing…" for ever.
    ArtifactsView view(m_store.get(), m_hub.get(), nullptr);
    view.show();
    engine::ArtifactScanner managerScanner(m_client.get(), m_store.get(), m_hub.get());
    auto *scan = managerScanner.scan(build, project.value());
    view.setBuild(build.id);
    const auto scanned = awaitJob(scan);
    QVERIFY(!scanned.ok());
    QTRY_COMPARE(view.messageLabel()->text(),
                 QStringLiteral("The output directory could not be listed: ") +
                     scanned.error().message);
    QVERIFY(!view.treeWidget()->isVisible());
    // It could be listed again, but not without a connection.
    QVERIFY(view.listAgainButton()->isVisible());
    QVERIFY(!view.listAgainButton()->isEnabled());
}

void tst_ArtifactsView::stoppedSandboxSaysWhyAndListsAgainOnceStarted()
{
    Build build = storedBuild(QStringLiteral("site"), BuildStatus::Success);
    QVERIFY(build.id > 0);
    build.sandboxId = m_stoppable;
    QVERIFY(awaitJob(m_store->updateBuild(build)).ok());
    QVERIFY(awaitJob(m_client->stopSandbox(m_stoppable)).ok());
    auto view = makeView();
    QVERIFY(!view->listAgainButton()->isVisible());
    view->setBuild(build.id);
    QTRY_VERIFY_WITH_TIMEOUT(view->listAgainButton()->isVisible(), 30'000);
    const QString message = view->messageLabel()->text();
    QVERIFY2(message.startsWith(QStringLiteral("The output directory could not be listed: "
                                               "Cannot list the project directory ")) &&
                 message.contains(QStringLiteral("started")),
             qPrintable(message));
    QVERIFY(view->listAgainButton()->isEnabled());
    QVERIFY(!view->downloadAllButton()->isEnabled());
    // Nothing was stored: the failure is not taken for "no output directory".
    const auto stored = awaitJob(m_store->artifacts(build.id));
    QVERIFY(stored.ok() && !stored.value().has_value());
    QVERIFY(view->grab().save(
        QStringLiteral(VW_BINARY_DIR "/screenshots/artifacts-listing-failed.png")));

    QVERIFY(awaitJob(m_client->startSandbox(m_stoppable)).ok());
    QSignalSpy shown(view.get(), &ArtifactsView::listingShown);
    QTest::mouseClick(view->listAgainButton(), Qt::LeftButton);
    QVERIFY(shown.wait(30'000));
    QCOMPARE(view->listing()->files.size(), 5);
    QVERIFY(view->treeWidget()->isVisible());
    QVERIFY(!view->listAgainButton()->isVisible());
}

void tst_ArtifactsView::downloadSelectedIntoTheChosenFolder()
{
    auto view = listedView(QStringLiteral("site"));
    QVERIFY(view);
    // A folder and a file: everything below the folder, and the file.
    QTreeWidget *tree = view->treeWidget();
    findItem(tree, QStringLiteral("fonts"))->setSelected(true);
    findItem(tree, QStringLiteral("index.html"))->setSelected(true);
    QCOMPARE(view->selectedPaths(), QStringList({QStringLiteral("assets/fonts/inter.woff2"),
                                                 QStringLiteral("index.html")}));
    QTemporaryDir target;
    m_chosenFolder = target.path();
    QSignalSpy finished(view.get(), &ArtifactsView::downloadFinished);
    QTest::mouseClick(view->downloadSelectedButton(), Qt::LeftButton);
    QCOMPARE(m_chooserCalls, 1);
    QVERIFY(finished.size() > 0 || finished.wait(30'000));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QCOMPARE(filesBelow(target.path()), QStringList({QStringLiteral("assets/fonts/inter.woff2"),
                                                     QStringLiteral("index.html")}));
    QCOMPARE(readFile(target.filePath(QStringLiteral("assets/fonts/inter.woff2"))),
             readFile(m_root + QStringLiteral("/site/dist/assets/fonts/inter.woff2")));
    QCOMPARE(readFile(target.filePath(QStringLiteral("index.html"))),
             readFile(m_root + QStringLiteral("/site/dist/index.html")));
    QVERIFY2(view->downloadStatusLabel()->text().startsWith(
                 QStringLiteral("Downloaded 2 file(s) to ") + target.path()),
             qPrintable(view->downloadStatusLabel()->text()));
    QVERIFY(!view->progressBar()->isVisible());
    QVERIFY(!view->cancelButton()->isVisible());
    QVERIFY(view->downloadAllButton()->isEnabled());
}

void tst_ArtifactsView::downloadAllShowsProgressAndCancelLeavesNothing()
{
    auto view = listedView(QStringLiteral("large"));
    QVERIFY(view);
    QTemporaryDir target;
    m_chosenFolder = target.path();
    QSignalSpy finished(view.get(), &ArtifactsView::downloadFinished);
    bool clicked = false;
    // Cancel as soon as the bar has moved, the way a user would: by clicking Cancel.
    connect(view->progressBar(), &QProgressBar::valueChanged, view.get(), [&](int value) {
        if (clicked || value <= 0 || value >= view->progressBar()->maximum())
            return;
        clicked = true;
        QVERIFY(view->progressBar()->isVisible());
        QVERIFY(view->cancelButton()->isVisible());
        QVERIFY(!view->downloadAllButton()->isEnabled());
        QVERIFY(view->downloadStatusLabel()->text().contains(QStringLiteral("disk.img")));
        QVERIFY(view->grab().save(
            QStringLiteral(VW_BINARY_DIR "/screenshots/artifacts-downloading.png")));
        QTest::mouseClick(view->cancelButton(), Qt::LeftButton);
    });
    QTest::mouseClick(view->downloadAllButton(), Qt::LeftButton);
    QVERIFY(finished.size() > 0 || finished.wait(60'000));
    QVERIFY(clicked);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(view->downloadStatusLabel()->text(), QStringLiteral("The download was cancelled."));
    QVERIFY(!view->progressBar()->isVisible());
    QVERIFY(!view->cancelButton()->isVisible());
    QVERIFY(view->downloadAllButton()->isEnabled());
    QTest::qWait(300); // the aborted transfer ends meanwhile; it must not write anything
    QCOMPARE(filesBelow(target.path()), QStringList());
}

void tst_ArtifactsView::noFolderChosenDownloadsNothing()
{
    auto view = listedView(QStringLiteral("site"));
    QVERIFY(view);
    m_chosenFolder.clear(); // the user closed the dialog
    QTest::mouseClick(view->downloadAllButton(), Qt::LeftButton);
    QCOMPARE(m_chooserCalls, 1);
    QVERIFY(!view->downloader());
    QVERIFY(!view->progressBar()->isVisible());
}

QTEST_MAIN(tst_ArtifactsView)
#include "tst_artifactsview.moc"
