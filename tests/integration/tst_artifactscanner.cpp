#include "AwaitJob.h"
#include "HubRecorder.h"
#include "StoreTestDatabases.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/ArtifactScanner.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "models/BuildStore.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace vw;
using namespace vw::engine;
using vw::daytona::DaytonaClient;
using vw::daytona::DaytonaConfig;

using vw::test::writeFile;

namespace {

bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + QDir(from).relativeFilePath(source).prepend(u'/');
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::copy(source, target))
            return false;
    }
    return true;
}

QStringList paths(const ArtifactListing &listing)
{
    QStringList result;
    for (const BuildArtifact &file : listing.files)
        result.append(file.path);
    return result;
}

} // namespace

// ArtifactScanner against a real vaporwatch-sandboxd, its listings stored in SQLite and in
// PostgreSQL; and the whole way: a real build of the sample project through BuildManager ends
// with its artifact list stored and announced.
class tst_ArtifactScanner : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { StoreTestDatabases::addBackendRows(); }
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void nestedOutputIsListedWithExactSizes();
    void configuredDirectoryWins();
    void projectWithoutOutputDirectoryIsStoredEmptyWithTheReason();
    void emptyOutputDirectoryIsStoredWithTheReason();
    void boundsCutTheListingShort_data();
    void boundsCutTheListingShort();
    void buildThatDidNotSucceedIsRefused();
    void unreachableSandboxFailsAndStoresNothing();
    void goneOrStoppedSandboxFailsAndStoresNothing_data();
    void goneOrStoppedSandboxFailsAndStoresNothing();
    void hubKnowsOfTheListingUntilItEnds();
    void destroyedScannerEndsItsListingOnTheHub();
    void listingRoundTripsThroughTheStore();
    void sampleProjectBuildEndsWithItsArtifactsStored();

private:
    // A stored successful build of the project in `directory` (absolute, in the sandbox).
    Build successfulBuild(const QString &directory, const QString &stack,
                          const QString &configuredOutput = {});

    std::unique_ptr<test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    StoreTestDatabases m_databases;
    QString m_root;
    const QString m_sandbox = QStringLiteral("vw-artifacts");
    const QString m_stoppable = QStringLiteral("vw-stoppable");
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    std::unique_ptr<ArtifactScanner> m_scanner;
};

void tst_ArtifactScanner::initTestCase()
{
    m_sandboxd = std::make_unique<test::SandboxdProcess>();
    m_root = m_sandboxd->scratchDirectory() + QStringLiteral("/sandbox");
    // A node project with nested output, a symbolic link in it, and another candidate beside.
    QVERIFY(writeFile(m_root + QStringLiteral("/web/dist/index.html"), "<html></html>\n"));
    QVERIFY(writeFile(m_root + QStringLiteral("/web/dist/assets/app.js"), QByteArray(12345, 'j')));
    QByteArray binary;
    for (int i = 0; i < 4096; ++i)
        binary.append(char(i % 256));
    QVERIFY(writeFile(m_root + QStringLiteral("/web/dist/assets/img/logo.png"), binary));
    QVERIFY(QFile::link(m_root + QStringLiteral("/web/dist/assets"),
                        m_root + QStringLiteral("/web/dist/loop")));
    QVERIFY(writeFile(m_root + QStringLiteral("/web/build/ignored.txt"), "not the first"));
    QVERIFY(writeFile(m_root + QStringLiteral("/web/release/pkg/web-1.0.tgz"), "tarball"));
    // Projects without output, with an empty one, and with wide and deep trees.
    QVERIFY(writeFile(m_root + QStringLiteral("/plain/Makefile"), "all:\n\t@true\n"));
    QVERIFY(QDir().mkpath(m_root + QStringLiteral("/hollow/target/release")));
    for (int i = 0; i < 12; ++i)
        QVERIFY(writeFile(
            m_root + QStringLiteral("/wide/dist/file%1.txt").arg(i, 2, 10, QLatin1Char('0')),
            QByteArray(i + 1, 'w')));
    QVERIFY(writeFile(m_root + QStringLiteral("/deep/dist/top.txt"), "top"));
    QVERIFY(writeFile(m_root + QStringLiteral("/deep/dist/a/b/c/d/bottom.txt"), "bottom"));
    // The bundled sample project, built for real at the end.
    QVERIFY(copyTree(QStringLiteral(VW_SOURCE_DIR "/resources/sample-project"),
                     m_root + QStringLiteral("/sample")));

    QVERIFY2(m_sandboxd->start({{{m_sandbox, m_root}, {m_stoppable, m_root}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd, 50));
}

void tst_ArtifactScanner::init()
{
    VW_FRESH_DATABASE(url);
    m_store = std::make_unique<BuildStore>();
    const auto opened = awaitJob(m_store->open(url));
    QVERIFY2(opened.ok(), qPrintable(describe(opened)));
    m_hub = std::make_unique<BuildHub>();
    m_scanner = std::make_unique<ArtifactScanner>(m_client.get(), m_store.get(), m_hub.get());
}

void tst_ArtifactScanner::cleanup()
{
    m_scanner.reset();
    m_hub.reset();
    m_store.reset();
}

void tst_ArtifactScanner::cleanupTestCase()
{
    m_client.reset();
    m_sandboxd.reset();
}

Build tst_ArtifactScanner::successfulBuild(const QString &directory, const QString &stack,
                                           const QString &configuredOutput)
{
    auto project = awaitJob(m_store->ensureProject(m_sandbox, directory));
    if (!project)
        return {};
    Project p = project.value();
    p.outputDirectory = configuredOutput;
    if (!awaitJob(m_store->saveProject(p)))
        return {};
    Build build;
    build.projectId = p.id;
    build.sandboxId = m_sandbox;
    build.status = BuildStatus::Success;
    build.phase = Phase::Complete;
    build.stack = stack;
    build.metadata.insert(QStringLiteral("directory"), directory);
    auto stored = awaitJob(m_store->createBuild(build));
    return stored ? stored.value() : Build{};
}

void tst_ArtifactScanner::nestedOutputIsListedWithExactSizes()
{
    const Build build =
        successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"));
    QVERIFY(build.id > 0);
    QSignalSpy announced(m_hub.get(), &BuildHub::artifactsListed);

    const auto scanned = awaitJob(m_scanner->scan(build.id));
    QVERIFY2(scanned.ok(), qPrintable(describe(scanned)));
    const ArtifactListing &listing = scanned.value();
    QCOMPARE(listing.buildId, build.id);
    QCOMPARE(listing.outputDirectory, m_root + QStringLiteral("/web/dist"));
    // The symbolic link (to a directory of the tree: a loop when followed) is not listed.
    QCOMPARE(paths(listing),
             QStringList({QStringLiteral("assets/app.js"), QStringLiteral("assets/img/logo.png"),
                          QStringLiteral("index.html")}));
    QCOMPARE(listing.files.at(0).sizeBytes, 12345);
    QCOMPARE(listing.files.at(1).sizeBytes, 4096);
    QCOMPARE(listing.files.at(2).sizeBytes, 14);
    QCOMPARE(listing.totalBytes(), 12345 + 4096 + 14);
    QVERIFY(!listing.truncated);
    QVERIFY(listing.reason.isEmpty());
    const QDateTime written =
        QFileInfo(m_root + QStringLiteral("/web/dist/index.html")).lastModified().toUTC();
    QVERIFY(listing.files.at(2).modifiedAt.isValid());
    QVERIFY(qAbs(listing.files.at(2).modifiedAt.secsTo(written)) <= 1);

    QCOMPARE(announced.size(), 1);
    QCOMPARE(announced.at(0).at(0).toLongLong(), build.id);
    const auto stored = awaitJob(m_store->artifacts(build.id));
    QVERIFY2(stored.ok(), qPrintable(describe(stored)));
    QVERIFY(stored.value().has_value());
    QCOMPARE(stored.value()->files, listing.files);
    QCOMPARE(stored.value()->outputDirectory, listing.outputDirectory);
}

void tst_ArtifactScanner::configuredDirectoryWins()
{
    const Build build = successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"),
                                        QStringLiteral("release/pkg"));
    QVERIFY(build.id > 0);
    const auto scanned = awaitJob(m_scanner->scan(build.id));
    QVERIFY2(scanned.ok(), qPrintable(describe(scanned)));
    QCOMPARE(scanned.value().outputDirectory, m_root + QStringLiteral("/web/release/pkg"));
    QCOMPARE(paths(scanned.value()), QStringList({QStringLiteral("web-1.0.tgz")}));
    QCOMPARE(scanned.value().files.at(0).sizeBytes, 7);
}

void tst_ArtifactScanner::projectWithoutOutputDirectoryIsStoredEmptyWithTheReason()
{
    const Build build = successfulBuild(m_root + QStringLiteral("/plain"), QStringLiteral("make"));
    QVERIFY(build.id > 0);
    const auto scanned = awaitJob(m_scanner->scan(build.id));
    QVERIFY2(scanned.ok(), qPrintable(describe(scanned)));
    QVERIFY(scanned.value().files.isEmpty());
    QVERIFY(scanned.value().outputDirectory.isEmpty());
    QCOMPARE(scanned.value().reason, ArtifactListing::kNoOutputDirectory);
    // Stored: "nothing there" is not "not listed yet".
    const auto stored = awaitJob(m_store->artifacts(build.id));
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->reason, ArtifactListing::kNoOutputDirectory);
}

void tst_ArtifactScanner::emptyOutputDirectoryIsStoredWithTheReason()
{
    const Build build =
        successfulBuild(m_root + QStringLiteral("/hollow"), QStringLiteral("rust-cargo"));
    QVERIFY(build.id > 0);
    const auto scanned = awaitJob(m_scanner->scan(build.id));
    QVERIFY2(scanned.ok(), qPrintable(describe(scanned)));
    QCOMPARE(scanned.value().outputDirectory, m_root + QStringLiteral("/hollow/target/release"));
    QVERIFY(scanned.value().files.isEmpty());
    QCOMPARE(scanned.value().reason, ArtifactListing::kEmptyDirectory);
}

void tst_ArtifactScanner::boundsCutTheListingShort_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<int>("maxEntries");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("too many entries")
        << "wide" << 5 << 16 << ArtifactListing::kTooManyEntries
        << QStringList{"file00.txt", "file01.txt", "file02.txt", "file03.txt", "file04.txt"};
    QTest::newRow("exactly the maximum is complete")
        << "wide" << 12 << 16 << QString()
        << QStringList{"file00.txt", "file01.txt", "file02.txt", "file03.txt",
                       "file04.txt", "file05.txt", "file06.txt", "file07.txt",
                       "file08.txt", "file09.txt", "file10.txt", "file11.txt"};
    QTest::newRow("too deep") << "deep" << 100 << 2 << ArtifactListing::kTooDeep
                              << QStringList{"top.txt"};
    QTest::newRow("deep enough") << "deep" << 100 << 4 << QString()
                                 << QStringList{"a/b/c/d/bottom.txt", "top.txt"};
}

void tst_ArtifactScanner::boundsCutTheListingShort()
{
    QFETCH(QString, project);
    QFETCH(int, maxEntries);
    QFETCH(int, maxDepth);
    QFETCH(QString, reason);
    QFETCH(QStringList, expected);
    m_scanner->setLimits(ArtifactScanLimits{maxEntries, maxDepth});
    const Build build = successfulBuild(m_root + u'/' + project, QStringLiteral("make"));
    QVERIFY(build.id > 0);
    const auto scanned = awaitJob(m_scanner->scan(build.id));
    QVERIFY2(scanned.ok(), qPrintable(describe(scanned)));
    QCOMPARE(paths(scanned.value()), expected);
    QCOMPARE(scanned.value().reason, reason);
    QCOMPARE(scanned.value().truncated, !reason.isEmpty());
}

void tst_ArtifactScanner::buildThatDidNotSucceedIsRefused()
{
    Build build = successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"));
    QVERIFY(build.id > 0);
    build.status = BuildStatus::Failed;
    QVERIFY(awaitJob(m_store->updateBuild(build)).ok());
    const auto scanned = awaitJob(m_scanner->scan(build.id));
    QVERIFY(!scanned.ok());
    QCOMPARE(scanned.error().code, QStringLiteral("NOT_SUCCEEDED"));
    const auto stored = awaitJob(m_store->artifacts(build.id));
    QVERIFY(stored.ok());
    QVERIFY(!stored.value().has_value());
}

void tst_ArtifactScanner::unreachableSandboxFailsAndStoresNothing()
{
    // A port nothing listens on: the listing fails as a network error, not "no output".
    DaytonaConfig config;
    config.apiUrl = QUrl(QStringLiteral("http://127.0.0.1:9/api"));
    config.apiKey = QStringLiteral("unused");
    config.maxRetries = 0;
    DaytonaClient offline(config);
    ArtifactScanner scanner(&offline, m_store.get(), m_hub.get());
    const Build build =
        successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"));
    QVERIFY(build.id > 0);
    QSignalSpy failed(m_hub.get(), &BuildHub::artifactsListingFailed);
    QSignalSpy listed(m_hub.get(), &BuildHub::artifactsListed);
    const auto scanned = awaitJob(scanner.scan(build.id));
    QVERIFY(!scanned.ok());
    QVERIFY(scanned.error().code != QStringLiteral("NOT_SUCCEEDED"));
    const auto stored = awaitJob(m_store->artifacts(build.id));
    QVERIFY(stored.ok());
    QVERIFY(!stored.value().has_value());
    // The hub heard why, so a view waiting for this listing can say it.
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(0).toLongLong(), build.id);
    QCOMPARE(failed.at(0).at(1).toString(), scanned.error().message);
    QCOMPARE(listed.size(), 0);
    QVERIFY(!m_hub->isListingArtifacts(build.id));
}

void tst_ArtifactScanner::goneOrStoppedSandboxFailsAndStoresNothing_data()
{
    QTest::addColumn<QString>("sandbox");
    QTest::addColumn<bool>("stop");
    QTest::addColumn<int>("httpStatus");
    // The toolbox answers 404 and 400 here, as for an output directory that is not there or not
    // a directory: the scanner must not store "no output directory" for these.
    QTest::newRow("deleted") << "vw-deleted" << false << 404;
    QTest::newRow("stopped") << m_stoppable << true << 400;
}

void tst_ArtifactScanner::goneOrStoppedSandboxFailsAndStoresNothing()
{
    QFETCH(QString, sandbox);
    QFETCH(bool, stop);
    QFETCH(int, httpStatus);
    Build build = successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"));
    QVERIFY(build.id > 0);
    build.sandboxId = sandbox;
    QVERIFY(awaitJob(m_store->updateBuild(build)).ok());
    if (stop)
        QVERIFY(awaitJob(m_client->stopSandbox(sandbox)).ok());
    const auto scanned = awaitJob(m_scanner->scan(build.id));
    if (stop)
        QVERIFY(awaitJob(m_client->startSandbox(sandbox)).ok());
    QVERIFY(!scanned.ok());
    QCOMPARE(scanned.error().httpStatus, httpStatus);
    QVERIFY2(scanned.error().message.startsWith(
                 QStringLiteral("Cannot list the project directory %1/web in the sandbox: ")
                     .arg(m_root)),
             qPrintable(scanned.error().message));
    const auto stored = awaitJob(m_store->artifacts(build.id));
    QVERIFY(stored.ok());
    QVERIFY(!stored.value().has_value());
}

void tst_ArtifactScanner::hubKnowsOfTheListingUntilItEnds()
{
    const Build build =
        successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"));
    QVERIFY(build.id > 0);
    const auto project = awaitJob(m_store->project(build.projectId));
    QVERIFY(project.ok());
    QSignalSpy listed(m_hub.get(), &BuildHub::artifactsListed);
    QSignalSpy failed(m_hub.get(), &BuildHub::artifactsListingFailed);

    // Whether the hub still counts a listing under way as each one ends.
    QList<bool> stillListing;
    connect(m_hub.get(), &BuildHub::artifactsListed, this,
            [&] { stillListing.append(m_hub->isListingArtifacts(build.id)); });

    QVERIFY(!m_hub->isListingArtifacts(build.id));
    auto *job = m_scanner->scan(build, project.value());
    QVERIFY(m_hub->isListingArtifacts(build.id));
    // A second listing of the same build (another scanner on the same hub) keeps it under way
    // until both have ended.
    ArtifactScanner other(m_client.get(), m_store.get(), m_hub.get());
    auto *otherJob = other.scan(build, project.value());
    otherJob->setAutoDelete(false); // it may finish while the first is awaited
    QVERIFY(awaitJob(job).ok());
    QVERIFY(awaitJob(otherJob).ok());
    QCOMPARE(stillListing, QList<bool>({true, false}));
    QCOMPARE(listed.size(), 2);
    QCOMPARE(failed.size(), 0);
}

void tst_ArtifactScanner::destroyedScannerEndsItsListingOnTheHub()
{
    const Build build =
        successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"));
    QVERIFY(build.id > 0);
    const auto project = awaitJob(m_store->project(build.projectId));
    QVERIFY(project.ok());
    QSignalSpy failed(m_hub.get(), &BuildHub::artifactsListingFailed);
    m_scanner->scan(build, project.value());
    QVERIFY(m_hub->isListingArtifacts(build.id));
    m_scanner.reset();
    // Nobody is left to finish it: the hub must not report it under way for ever.
    QTRY_VERIFY(!m_hub->isListingArtifacts(build.id));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(0).toLongLong(), build.id);
    QVERIFY(!failed.at(0).at(1).toString().isEmpty());
}

void tst_ArtifactScanner::listingRoundTripsThroughTheStore()
{
    const Build build =
        successfulBuild(m_root + QStringLiteral("/web"), QStringLiteral("node-npm"));
    QVERIFY(build.id > 0);
    const auto before = awaitJob(m_store->artifacts(build.id));
    QVERIFY2(before.ok(), qPrintable(describe(before)));
    QVERIFY(!before.value().has_value());

    // More files than one INSERT carries, given out of order, with and without a time.
    ArtifactListing listing;
    listing.buildId = build.id;
    listing.outputDirectory = QStringLiteral("/work/out");
    listing.truncated = true;
    listing.reason = ArtifactListing::kTooManyEntries;
    listing.listedAt = QDateTime::fromMSecsSinceEpoch(1'790'000'000'123, Qt::UTC);
    for (int i = 1199; i >= 0; --i) {
        listing.files.append(BuildArtifact{
            QStringLiteral("dir%1/file-%2.bin").arg(i % 7).arg(i, 4, 10, QLatin1Char('0')),
            qint64(i) * 1'000'003,
            i % 2 ? QDateTime::fromMSecsSinceEpoch(1'780'000'000'000 + i, Qt::UTC) : QDateTime()});
    }
    const auto stored = awaitJob(m_store->setArtifacts(listing));
    QVERIFY2(stored.ok(), qPrintable(describe(stored)));
    const auto read = awaitJob(m_store->artifacts(build.id));
    QVERIFY2(read.ok(), qPrintable(describe(read)));
    QVERIFY(read.value().has_value());
    ArtifactListing expected = listing;
    std::sort(expected.files.begin(), expected.files.end(),
              [](const BuildArtifact &a, const BuildArtifact &b) { return a.path < b.path; });
    QCOMPARE(*read.value(), expected);
    QCOMPARE(read.value()->totalBytes(), qint64(1'000'003) * (1199 * 1200 / 2));

    // A new listing replaces the old one whole.
    ArtifactListing again;
    again.buildId = build.id;
    again.outputDirectory = QStringLiteral("/work/out");
    again.files = {BuildArtifact{QStringLiteral("only.txt"), 3, {}}};
    QVERIFY(awaitJob(m_store->setArtifacts(again)).ok());
    const auto replaced = awaitJob(m_store->artifacts(build.id));
    QVERIFY(replaced.ok() && replaced.value().has_value());
    QCOMPARE(replaced.value()->files, again.files);
    QVERIFY(!replaced.value()->truncated);
    QVERIFY(replaced.value()->reason.isEmpty());
    QVERIFY(replaced.value()->listedAt.isValid());

    // An unknown build is refused; deleting the project takes its listings along.
    ArtifactListing stray = again;
    stray.buildId = build.id + 1000;
    const auto refused = awaitJob(m_store->setArtifacts(stray));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("NOT_FOUND"));
    QVERIFY(awaitJob(m_store->deleteProject(build.projectId)).ok());
    const auto gone = awaitJob(m_store->artifacts(build.id));
    QVERIFY(gone.ok());
    QVERIFY(!gone.value().has_value());
}

void tst_ArtifactScanner::sampleProjectBuildEndsWithItsArtifactsStored()
{
    BuildManager::Options options;
    options.run.stateDirectory = m_sandboxd->scratchDirectory() + QStringLiteral("/state-") +
                                 StoreTestDatabases::currentBackend();
    BuildManager manager(m_client.get(), m_store.get(), m_hub.get(), options);
    test::HubRecorder recorder(m_hub.get());
    QSignalSpy listed(m_hub.get(), &BuildHub::artifactsListed);

    const QString project = m_root + QStringLiteral("/sample");
    const auto started = awaitJob(manager.startBuild(m_sandbox, project));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(recorder.waitFinished(id, 120'000));
    QCOMPARE(recorder.finishedBuild(id).status, BuildStatus::Success);
    // Listed after the build finished, announced on the hub.
    QVERIFY(listed.size() > 0 || listed.wait(30'000));
    QCOMPARE(listed.at(0).at(0).toLongLong(), id);

    const auto stored = awaitJob(m_store->artifacts(id));
    QVERIFY2(stored.ok(), qPrintable(describe(stored)));
    QVERIFY(stored.value().has_value());
    const ArtifactListing &listing = *stored.value();
    QCOMPARE(listing.outputDirectory, project + QStringLiteral("/dist"));
    // Exactly what the build wrote into dist/, with the sizes on disk.
    QStringList onDisk;
    QDirIterator it(project + QStringLiteral("/dist"), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        onDisk.append(QDir(project + QStringLiteral("/dist")).relativeFilePath(it.next()));
    onDisk.sort();
    QCOMPARE(paths(listing), onDisk);
    QCOMPARE(paths(listing),
             QStringList({QStringLiteral("index.html"), QStringLiteral("style.css")}));
    for (const BuildArtifact &file : listing.files)
        QCOMPARE(file.sizeBytes, QFileInfo(project + QStringLiteral("/dist/") + file.path).size());
    // The detected output directory was recorded with the build for the scanner.
    const auto build = awaitJob(m_store->build(id));
    QVERIFY(build.ok());
    QCOMPARE(build.value().metadata.value(QStringLiteral("output_directory")).toString(),
             QStringLiteral("dist"));
}

QTEST_GUILESS_MAIN(tst_ArtifactScanner)
#include "tst_artifactscanner.moc"
