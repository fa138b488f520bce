#include "AwaitJob.h"
#include "HubRecorder.h"
#include "StoreTestDatabases.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "app/engine/StoreChangeRelay.h"
#include "models/BuildRepository.h"
#include "models/BuildStore.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>

using namespace vw;
using namespace vw::engine;
using vw::daytona::DaytonaClient;
using vw::daytona::DaytonaConfig;
using vw::test::HubRecorder;

using vw::test::writeFile;

namespace {

} // namespace

// BuildManager, BuildRun and BuildHub against a real vaporwatch-sandboxd and a real SQLite file.
class tst_BuildManager : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { StoreTestDatabases::addBackendRows(); }
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void makefileProjectSucceeds();
    void failedInstallReportsTheNpmErrorLine();
    void projectWithoutBuildStepSkipsItVisibly();
    void secondBuildHitsTheCacheAndCleanBuildInstalls();
    void cancelStopsALongBuild();
    void parallelLimitQueuesTheSecondSandbox();
    void reattachContinuesTheLogExactly();
    void reattachToADeletedSessionInterrupts();
    void cancelFromAnotherProcessStopsTheBuild();
    void cancelOfAnUnfollowedBuildTakesItOver();
    void reattachedFailureTakesTheErrorLineFromTheStoredLog();
    void outputThatCannotBeStoredIsAnErrorEventAndTheBuildGoesOn();
    void reattachAfterTheFollowerWasKilledLosesNothing();
    void buildsOfAnotherProcessReachTheHubThroughTheRelay();

private:
    void openEngine(int maxParallel = 2);
    void closeEngine();
    bool setOverrides(const QString &sandbox, const QString &directory, const QString &install,
                      const QString &build, bool skipBuild = false);
    QByteArray readLog(qint64 id, Phase phase, LogStream stream);
    std::optional<Build> storedBuild(qint64 id);

    std::unique_ptr<test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    QString m_rootA;
    QString m_rootB;
    QString m_stateDir;
    QString m_dbUrl;
    int m_initCounter = 0;
    StoreTestDatabases m_databases;
    const QString m_a = QStringLiteral("vw-a");
    const QString m_b = QStringLiteral("vw-b");

    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    std::unique_ptr<HubRecorder> m_recorder;
    std::unique_ptr<BuildManager> m_manager;
};

void tst_BuildManager::initTestCase()
{
    m_sandboxd = std::make_unique<test::SandboxdProcess>();
    const QString scratch = m_sandboxd->scratchDirectory();
    m_rootA = scratch + QStringLiteral("/a");
    m_rootB = scratch + QStringLiteral("/b");
    QVERIFY(QDir().mkpath(m_rootA));
    QVERIFY(QDir().mkpath(m_rootB));
    QVERIFY(writeFile(m_rootA + QStringLiteral("/make-ok/Makefile"),
                      "all:\n\t@echo building\n\t@echo 'a warning' >&2\n"));
    QVERIFY(writeFile(m_rootA + QStringLiteral("/npm-fail/package.json"),
                      R"({"name":"npm-fail","version":"1.0.0","scripts":{"build":"node b.js"}})"));
    QVERIFY(writeFile(m_rootA + QStringLiteral("/npm-fail/package-lock.json"), "{}\n"));
    QVERIFY(writeFile(m_rootA + QStringLiteral("/no-build/Makefile"), "all:\n\t@echo no\n"));
    QVERIFY(writeFile(m_rootA + QStringLiteral("/cached/package.json"),
                      R"({"name":"cached","version":"1.0.0","scripts":{"build":"node b.js"}})"));
    QVERIFY(writeFile(m_rootA + QStringLiteral("/cached/package-lock.json"), "{\"v\":1}\n"));
    for (const char *project : {"orphan", "failing-late", "lost-log", "killed"}) {
        QVERIFY(writeFile(m_rootA + u'/' + QLatin1String(project) + QStringLiteral("/Makefile"),
                          "all:\n\t@true\n"));
    }
    for (const QString &root : {m_rootA, m_rootB}) {
        QVERIFY(writeFile(root + QStringLiteral("/long/Makefile"), "all:\n\t@true\n"));
        QVERIFY(writeFile(root + QStringLiteral("/quick/Makefile"), "all:\n\t@true\n"));
    }
    QVERIFY2(m_sandboxd->start({{{m_a, m_rootA}, {m_b, m_rootB}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd, 50));
}

void tst_BuildManager::cleanupTestCase()
{
    closeEngine();
    m_client.reset();
    m_sandboxd.reset();
}

void tst_BuildManager::init()
{
    m_dbUrl = m_databases.freshUrl(StoreTestDatabases::currentBackend());
    QVERIFY2(!m_dbUrl.isEmpty(), qPrintable(m_databases.error()));
    // A dependency-cache state of its own, so every test (and backend) starts uncached.
    m_stateDir = m_sandboxd->scratchDirectory() + QStringLiteral("/state%1").arg(++m_initCounter);
    openEngine();
}

void tst_BuildManager::cleanup()
{
    closeEngine();
}

void tst_BuildManager::openEngine(int maxParallel)
{
    m_store = std::make_unique<BuildStore>();
    const auto opened = awaitJob(m_store->open(m_dbUrl));
    QVERIFY2(opened.ok(), qPrintable(describe(opened)));
    m_hub = std::make_unique<BuildHub>();
    m_recorder = std::make_unique<HubRecorder>(m_hub.get());
    BuildManager::Options options;
    options.maxParallel = maxParallel;
    options.run.stateDirectory = m_stateDir;
    options.run.leaseTtlMs = 3000;
    m_manager = std::make_unique<BuildManager>(m_client.get(), m_store.get(), m_hub.get(), options);
}

void tst_BuildManager::closeEngine()
{
    m_manager.reset();
    m_recorder.reset();
    m_hub.reset();
    m_store.reset();
}

bool tst_BuildManager::setOverrides(const QString &sandbox, const QString &directory,
                                    const QString &install, const QString &build, bool skipBuild)
{
    auto project = awaitJob(m_store->ensureProject(sandbox, directory));
    if (!project)
        return false;
    Project p = project.value();
    p.installCommand = install;
    p.buildCommand = build;
    p.skipBuild = skipBuild;
    return awaitJob(m_store->saveProject(p)).ok();
}

QByteArray tst_BuildManager::readLog(qint64 id, Phase phase, LogStream stream)
{
    const auto slice = awaitJob(m_store->readLog(id, LogSelection{phase, stream}, 0, -1));
    return slice ? slice.value().bytes() : QByteArray("<error: ") + describe(slice).toUtf8() + '>';
}

std::optional<Build> tst_BuildManager::storedBuild(qint64 id)
{
    auto build = awaitJob(m_store->build(id));
    if (!build)
        return std::nullopt;
    return build.value();
}

void tst_BuildManager::makefileProjectSucceeds()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("make-ok"),
                         QStringLiteral("echo installing; echo 'install warning' >&2"), {}));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("make-ok")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QCOMPARE(started.value().status, BuildStatus::Queued);
    QVERIFY(m_recorder->waitFinished(id));

    const auto stored = storedBuild(id);
    QVERIFY(stored);
    const Build &b = *stored;
    QCOMPARE(b.status, BuildStatus::Success);
    QCOMPARE(b.phase, Phase::Complete);
    QCOMPARE(b.progress, 100);
    QCOMPARE(b.stack, QStringLiteral("make"));
    QCOMPARE(b.buildCommand, QStringLiteral("make"));
    QVERIFY(b.errorMessage.isEmpty());
    QVERIFY(!b.daytonaSessionId.isEmpty());
    QVERIFY(b.durationMs.has_value());
    QCOMPARE(b.phases.size(), 4);
    for (Phase p : allPhases()) {
        const PhaseRecord *record = b.phaseRecord(p);
        QVERIFY2(record, qPrintable(phaseName(p)));
        QVERIFY(record->startedAt.isValid() && record->completedAt.isValid());
        QVERIFY(record->durationMs.has_value() && *record->durationMs >= 0);
        QVERIFY(!record->skipped);
    }
    QCOMPARE(b.phaseRecord(Phase::Install)->exitCode, std::optional<int>(0));
    QCOMPARE(b.phaseRecord(Phase::Build)->exitCode, std::optional<int>(0));

    QCOMPARE(m_recorder->eventTypes(id),
             QStringList({"created", "queued", "phase_started:setup", "phase_finished:setup",
                          "command_started:setup", "phase_started:install",
                          "command_started:install", "command_exited:install",
                          "phase_finished:install", "phase_started:build", "command_started:build",
                          "command_exited:build", "phase_finished:build", "finished:complete"}));
    // The store has the same events.
    const auto events = awaitJob(m_store->events(id));
    QVERIFY(events.ok());
    QCOMPARE(events.value().size(), m_recorder->eventTypes(id).size());

    QCOMPARE(readLog(id, Phase::Install, LogStream::Stdout), QByteArray("installing\n"));
    QCOMPARE(readLog(id, Phase::Install, LogStream::Stderr), QByteArray("install warning\n"));
    QCOMPARE(readLog(id, Phase::Build, LogStream::Stdout), QByteArray("building\n"));
    QCOMPARE(readLog(id, Phase::Build, LogStream::Stderr), QByteArray("a warning\n"));
    QCOMPARE(readLog(id, Phase::Setup, LogStream::Stdout), QByteArray());
    // The hub announced the same output, with contiguous byte ranges.
    QVERIFY(m_recorder->rangesContiguous);
    const auto live = awaitJob(m_store->readLog(id, LogSelection{}, 0, -1));
    QVERIFY(live.ok());
    QCOMPARE(m_recorder->logText(id).toUtf8(), live.value().bytes());
    // Changes were announced on the way: running, with the steps of each phase.
    QStringList steps;
    for (const Build &change : std::as_const(m_recorder->changes)) {
        if (change.id == id && (steps.isEmpty() || steps.last() != change.currentStep))
            steps.append(change.currentStep);
    }
    QVERIFY2(steps.contains(QStringLiteral("Detecting the stack")), qPrintable(steps.join('|')));
    QVERIFY2(steps.contains(QStringLiteral("Building with make")), qPrintable(steps.join('|')));
    QCOMPARE(m_recorder->finishedBuild(id).status, BuildStatus::Success);
}

void tst_BuildManager::failedInstallReportsTheNpmErrorLine()
{
    QVERIFY(setOverrides(
        m_a, QStringLiteral("npm-fail"),
        QStringLiteral("echo 'resolving packages'\n"
                       "printf '%s\\n' 'npm ERR! code E404' "
                       "'npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd' "
                       "'npm ERR! A complete log of this run can be found in: /x.log' >&2\n"
                       "exit 1"),
        {}));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("npm-fail")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitFinished(id));
    const auto b = storedBuild(id);
    QVERIFY(b);
    QCOMPARE(b->status, BuildStatus::Failed);
    QCOMPARE(b->stack, QStringLiteral("node-npm"));
    const QString line =
        QStringLiteral("npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd");
    QCOMPARE(b->errorMessage, line);
    QCOMPARE(b->phaseRecord(Phase::Install)->exitCode, std::optional<int>(1));
    QVERIFY(b->phaseRecord(Phase::Build)->skipped);
    QCOMPARE(b->phaseRecord(Phase::Build)->skipReason, QStringLiteral("previous-phase-failed"));
    QVERIFY(b->progress < 100);
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Error));
    for (const BuildEvent &e : std::as_const(m_recorder->events)) {
        if (e.buildId == id && e.type == BuildEvent::Type::Error)
            QCOMPARE(e.message, line);
        if (e.buildId == id && e.type == BuildEvent::Type::CommandExited)
            QCOMPARE(e.metadata.value(QStringLiteral("exit_code")).toInt(), 1);
    }
    QCOMPARE(readLog(id, Phase::Install, LogStream::Stdout), QByteArray("resolving packages\n"));
    QVERIFY(readLog(id, Phase::Install, LogStream::Stderr).startsWith("npm ERR! code E404\n"));
}

void tst_BuildManager::projectWithoutBuildStepSkipsItVisibly()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("no-build"), QStringLiteral("echo deps"), {}, true));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("no-build")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitFinished(id));
    const auto b = storedBuild(id);
    QVERIFY(b);
    QCOMPARE(b->status, BuildStatus::Success);
    QCOMPARE(b->progress, 100);
    QVERIFY(b->phaseRecord(Phase::Build));
    QVERIFY(b->phaseRecord(Phase::Build)->skipped);
    QCOMPARE(b->phaseRecord(Phase::Build)->skipReason, QStringLiteral("disabled-by-project"));
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::PhaseSkipped, Phase::Build));
    QVERIFY(!m_recorder->hasEvent(id, BuildEvent::Type::PhaseStarted, Phase::Build));
    QCOMPARE(readLog(id, Phase::Install, LogStream::Stdout), QByteArray("deps\n"));
}

void tst_BuildManager::secondBuildHitsTheCacheAndCleanBuildInstalls()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("cached"),
                         QStringLiteral("mkdir -p node_modules/x && echo installed"),
                         QStringLiteral("echo built")));
    const auto first = awaitJob(m_manager->startBuild(m_a, QStringLiteral("cached")));
    QVERIFY2(first.ok(), qPrintable(describe(first)));
    QVERIFY(m_recorder->waitFinished(first.value().id));
    QCOMPARE(m_recorder->finishedBuild(first.value().id).status, BuildStatus::Success);
    QVERIFY(!m_recorder->hasEvent(first.value().id, BuildEvent::Type::CacheHit));
    QVERIFY(m_recorder->hasEvent(first.value().id, BuildEvent::Type::CacheMiss, Phase::Install));
    QCOMPARE(readLog(first.value().id, Phase::Install, LogStream::Stdout),
             QByteArray("installed\n"));

    const auto second = awaitJob(m_manager->rebuild(first.value().id));
    QVERIFY2(second.ok(), qPrintable(describe(second)));
    const qint64 id2 = second.value().id;
    QCOMPARE(second.value().trigger, QStringLiteral("rebuild"));
    QVERIFY(m_recorder->waitFinished(id2));
    const auto b2 = storedBuild(id2);
    QCOMPARE(b2->status, BuildStatus::Success);
    QVERIFY(m_recorder->hasEvent(id2, BuildEvent::Type::CacheHit, Phase::Install));
    QVERIFY(b2->phaseRecord(Phase::Install)->skipped);
    QCOMPARE(b2->phaseRecord(Phase::Install)->skipReason, QStringLiteral("dependency-cache"));
    QCOMPARE(readLog(id2, Phase::Install, LogStream::Stdout), QByteArray());
    QCOMPARE(readLog(id2, Phase::Build, LogStream::Stdout), QByteArray("built\n"));

    const auto third = awaitJob(m_manager->rebuild(id2, true));
    QVERIFY2(third.ok(), qPrintable(describe(third)));
    const qint64 id3 = third.value().id;
    QVERIFY(third.value().clean);
    QVERIFY(m_recorder->waitFinished(id3));
    const auto b3 = storedBuild(id3);
    QCOMPARE(b3->status, BuildStatus::Success);
    QVERIFY(!m_recorder->hasEvent(id3, BuildEvent::Type::CacheHit));
    QVERIFY(m_recorder->hasEvent(id3, BuildEvent::Type::CacheMiss, Phase::Install));
    QVERIFY(!m_recorder->hasEvent(id2, BuildEvent::Type::CacheMiss));
    QVERIFY(!b3->phaseRecord(Phase::Install)->skipped);
    QCOMPARE(b3->phaseRecord(Phase::Install)->exitCode, std::optional<int>(0));
    QCOMPARE(readLog(id3, Phase::Install, LogStream::Stdout), QByteArray("installed\n"));
    // With earlier successful builds there is an ETA while running.
    bool sawEta = false;
    for (const Build &change : std::as_const(m_recorder->changes))
        sawEta |= change.id == id3 && change.metadata.contains(QStringLiteral("eta_remaining_ms"));
    QVERIFY(sawEta);
}

void tst_BuildManager::cancelStopsALongBuild()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("long"), QStringLiteral("echo started; sleep 30"),
                         QStringLiteral("echo never")));
    QElapsedTimer timer;
    timer.start();
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("long")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitUntil(
        [&] { return m_recorder->logText(id).contains(QStringLiteral("started")); }));
    QVERIFY(awaitJob(m_manager->cancel(id)).ok());
    QVERIFY(m_recorder->waitFinished(id, 20'000));
    QVERIFY(timer.elapsed() < 20'000);
    const auto b = storedBuild(id);
    QVERIFY(b);
    QCOMPARE(b->status, BuildStatus::Cancelled);
    QCOMPARE(b->phase, Phase::Complete);
    QCOMPARE(b->phaseRecord(Phase::Install)->exitCode, std::optional<int>(143));
    QVERIFY(b->phaseRecord(Phase::Build)->skipped);
    QCOMPARE(b->phaseRecord(Phase::Build)->skipReason, QStringLiteral("build-cancelled"));
    QVERIFY(b->errorMessage.isEmpty());
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Cancelled));
    QVERIFY(!m_recorder->logText(id).contains(QStringLiteral("never")));
    // Nothing left to cancel.
    QVERIFY(!awaitJob(m_manager->cancel(id)).ok());
}

void tst_BuildManager::parallelLimitQueuesTheSecondSandbox()
{
    closeEngine();
    openEngine(1);
    QVERIFY(setOverrides(m_a, QStringLiteral("quick"), {}, QStringLiteral("sleep 1; echo a")));
    QVERIFY(setOverrides(m_b, QStringLiteral("quick"), {}, QStringLiteral("sleep 1; echo b")));
    const auto a = awaitJob(m_manager->startBuild(m_a, QStringLiteral("quick")));
    const auto b = awaitJob(m_manager->startBuild(m_b, QStringLiteral("quick")));
    QVERIFY(a.ok() && b.ok());
    const qint64 idA = a.value().id;
    const qint64 idB = b.value().id;
    QCOMPARE(m_manager->queuedBuilds(), QList<qint64>({idB}));
    QVERIFY(m_recorder->waitFinished(idB));
    QCOMPARE(m_recorder->finishedBuild(idA).status, BuildStatus::Success);
    QCOMPARE(m_recorder->finishedBuild(idB).status, BuildStatus::Success);
    // B started running only after A had finished.
    qsizetype firstRunningB = -1;
    qsizetype lastChangeA = -1;
    for (qsizetype i = 0; i < m_recorder->changes.size(); ++i) {
        const Build &change = m_recorder->changes[i];
        if (change.id == idB && change.status == BuildStatus::Running && firstRunningB < 0)
            firstRunningB = i;
        if (change.id == idA)
            lastChangeA = i;
    }
    QVERIFY(firstRunningB > lastChangeA);
    QCOMPARE(m_recorder->finishOrder(), QList<qint64>({idA, idB}));

    // With a limit of 2 the two sandboxes build at once.
    m_manager->setMaxParallel(2);
    const auto c = awaitJob(m_manager->startBuild(m_a, QStringLiteral("quick")));
    const auto d = awaitJob(m_manager->startBuild(m_b, QStringLiteral("quick")));
    QVERIFY(c.ok() && d.ok());
    QVERIFY(m_manager->queuedBuilds().isEmpty());
    QVERIFY(m_recorder->waitFinished(c.value().id));
    QVERIFY(m_recorder->waitFinished(d.value().id));
    // D was running before C finished.
    qsizetype firstRunningD = -1;
    qsizetype lastChangeC = -1;
    for (qsizetype i = 0; i < m_recorder->changes.size(); ++i) {
        const Build &change = m_recorder->changes[i];
        if (change.id == d.value().id && change.status == BuildStatus::Running && firstRunningD < 0)
            firstRunningD = i;
        if (change.id == c.value().id)
            lastChangeC = i;
    }
    QVERIFY(firstRunningD >= 0 && firstRunningD < lastChangeC);
    // A third build in a busy sandbox waits even under the limit.
    const auto e = awaitJob(m_manager->startBuild(m_a, QStringLiteral("quick")));
    const auto f = awaitJob(m_manager->startBuild(m_a, QStringLiteral("quick")));
    QVERIFY(e.ok() && f.ok());
    QCOMPARE(m_manager->queuedBuilds(), QList<qint64>({f.value().id}));
    QVERIFY(awaitJob(m_manager->cancel(f.value().id)).ok());
    QVERIFY(m_recorder->waitFinished(f.value().id));
    QCOMPARE(m_recorder->finishedBuild(f.value().id).status, BuildStatus::Cancelled);
    QVERIFY(m_recorder->waitFinished(e.value().id));
}

void tst_BuildManager::reattachContinuesTheLogExactly()
{
    const int lines = 25;
    QVERIFY(setOverrides(m_a, QStringLiteral("long"), {},
                         QStringLiteral("for i in $(seq 1 %1); do echo \"out $i\"; "
                                        "echo \"err $i\" >&2; sleep 0.1; done")
                             .arg(lines)));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("long")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitUntil(
        [&] { return m_recorder->logText(id).contains(QStringLiteral("out 4\n")); }));
    // The app quits mid-build.
    closeEngine();
    openEngine();
    const auto before = storedBuild(id);
    QVERIFY(before);
    QCOMPARE(before->status, BuildStatus::Running);
    QVERIFY(before->logOffset > 0);
    QVERIFY(before->leaseOwner.isEmpty() ||
            before->leaseExpiresAt < QDateTime::currentDateTimeUtc());
    QVERIFY(!m_recorder->logText(id).contains(QStringLiteral("out %1\n").arg(lines)));

    const auto taken = awaitJob(m_manager->reattachAll());
    QVERIFY2(taken.ok(), qPrintable(describe(taken)));
    QCOMPARE(taken.value(), 1);
    {
        // A second process on the same database finds the build followed (leased): hands off.
        BuildStore otherStore;
        QVERIFY(awaitJob(otherStore.open(m_dbUrl)).ok());
        BuildHub otherHub;
        BuildManager other(m_client.get(), &otherStore, &otherHub, {});
        const auto none = awaitJob(other.reattachAll());
        QVERIFY2(none.ok(), qPrintable(describe(none)));
        QCOMPARE(none.value(), 0);
        QVERIFY(other.runningBuilds().isEmpty());
    }
    QVERIFY(m_recorder->waitFinished(id));
    const auto b = storedBuild(id);
    QCOMPARE(b->status, BuildStatus::Success);
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Reattached));
    QByteArray out;
    QByteArray err;
    for (int i = 1; i <= lines; ++i) {
        out += "out " + QByteArray::number(i) + '\n';
        err += "err " + QByteArray::number(i) + '\n';
    }
    QCOMPARE(readLog(id, Phase::Build, LogStream::Stdout), out);
    QCOMPARE(readLog(id, Phase::Build, LogStream::Stderr), err);
    QCOMPARE(b->phaseRecord(Phase::Build)->exitCode, std::optional<int>(0));
    // Each phase event was recorded once, across both processes.
    const auto events = awaitJob(m_store->events(id));
    QVERIFY(events.ok());
    int buildStarts = 0;
    for (const BuildEvent &e : events.value())
        buildStarts += e.type == BuildEvent::Type::PhaseStarted && e.phase == Phase::Build;
    QCOMPARE(buildStarts, 1);
}

void tst_BuildManager::reattachToADeletedSessionInterrupts()
{
    // Deleting the session ends every process of it (sandboxd kills the session's processes).
    QVERIFY(setOverrides(m_a, QStringLiteral("orphan"), {}, QStringLiteral("echo go; sleep 600")));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("orphan")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitUntil(
        [&] { return m_recorder->logText(id).contains(QStringLiteral("go\n")); }));
    closeEngine();
    openEngine();
    const auto before = storedBuild(id);
    QVERIFY(before);
    QVERIFY(awaitJob(m_client->deleteSession(m_a, before->daytonaSessionId)).ok());

    const auto taken = awaitJob(m_manager->reattachAll());
    QVERIFY2(taken.ok(), qPrintable(describe(taken)));
    QCOMPARE(taken.value(), 1);
    QVERIFY(m_recorder->waitFinished(id));
    const auto b = storedBuild(id);
    QCOMPARE(b->status, BuildStatus::Interrupted);
    QCOMPARE(b->phase, Phase::Complete);
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Interrupted));
    QVERIFY2(b->errorMessage.contains(before->daytonaSessionId), qPrintable(b->errorMessage));
}

void tst_BuildManager::cancelFromAnotherProcessStopsTheBuild()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("long"), QStringLiteral("echo started; sleep 30"),
                         QStringLiteral("echo never")));
    QElapsedTimer timer;
    timer.start();
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("long")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitUntil(
        [&] { return m_recorder->logText(id).contains(QStringLiteral("started")); }));
    // The driver's pid is stored (what the other process needs to stop it).
    QTRY_VERIFY_WITH_TIMEOUT(
        storedBuild(id).value_or(Build{}).metadata.contains(QStringLiteral("pid")), 10'000);

    // Another process on the same database cancels the build this manager follows.
    BuildStore otherStore;
    QVERIFY(awaitJob(otherStore.open(m_dbUrl)).ok());
    BuildHub otherHub;
    BuildManager other(m_client.get(), &otherStore, &otherHub, {});
    const auto cancelled = awaitJob(other.cancel(id));
    QVERIFY2(cancelled.ok(), qPrintable(describe(cancelled)));
    QVERIFY(other.runningBuilds().isEmpty());

    // The follower ends it as cancelled, as if it had been cancelled here.
    QVERIFY(m_recorder->waitFinished(id, 20'000));
    QVERIFY(timer.elapsed() < 20'000);
    QCOMPARE(m_recorder->finishedBuild(id).status, BuildStatus::Cancelled);
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Cancelled));
    const auto b = storedBuild(id);
    QVERIFY(b);
    QCOMPARE(b->status, BuildStatus::Cancelled);
    QCOMPARE(b->phaseRecord(Phase::Install)->exitCode, std::optional<int>(143));
    QCOMPARE(b->phaseRecord(Phase::Build)->skipReason, QStringLiteral("build-cancelled"));
    QVERIFY(!m_recorder->logText(id).contains(QStringLiteral("never")));
    // Nothing left to cancel.
    const auto again = awaitJob(other.cancel(id));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, QStringLiteral("ALREADY_FINISHED"));
}

void tst_BuildManager::cancelOfAnUnfollowedBuildTakesItOver()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("long"), QStringLiteral("echo started; sleep 30"),
                         QStringLiteral("echo never")));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("long")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitUntil(
        [&] { return m_recorder->logText(id).contains(QStringLiteral("started")); }));
    // The process that followed the build quits (its lease is released); the build goes on.
    closeEngine();
    openEngine();
    QVERIFY(m_manager->runningBuilds().isEmpty());
    const auto cancelled = awaitJob(m_manager->cancel(id));
    QVERIFY2(cancelled.ok(), qPrintable(describe(cancelled)));
    QVERIFY(m_recorder->waitFinished(id, 20'000));
    QCOMPARE(m_recorder->finishedBuild(id).status, BuildStatus::Cancelled);
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Reattached));
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Cancelled));
    const auto b = storedBuild(id);
    QVERIFY(b);
    QCOMPARE(b->phaseRecord(Phase::Install)->exitCode, std::optional<int>(143));
}

void tst_BuildManager::reattachedFailureTakesTheErrorLineFromTheStoredLog()
{
    const QString errorLine = QStringLiteral("main.c:3:5: error: expected ';' before '}' token");
    QVERIFY(setOverrides(m_a, QStringLiteral("failing-late"), {},
                         QStringLiteral("echo \"%1\" >&2; echo 'compiling more'; sleep 2; "
                                        "echo 'giving up'; exit 1")
                             .arg(errorLine)));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("failing-late")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitUntil([&] {
        const QString &text = m_recorder->logText(id);
        return text.contains(errorLine) && text.contains(QStringLiteral("compiling more"));
    }));
    // This process quits; the next one sees the failure but not the output before it.
    closeEngine();
    openEngine();
    const auto taken = awaitJob(m_manager->reattachAll());
    QVERIFY2(taken.ok(), qPrintable(describe(taken)));
    QCOMPARE(taken.value(), 1);
    QVERIFY(m_recorder->waitFinished(id));
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Reattached));
    QVERIFY(!m_recorder->logText(id).contains(errorLine));
    const auto b = storedBuild(id);
    QVERIFY(b);
    QCOMPARE(b->status, BuildStatus::Failed);
    QCOMPARE(b->errorMessage, errorLine);
    for (const BuildEvent &e : std::as_const(m_recorder->events)) {
        if (e.buildId == id && e.type == BuildEvent::Type::Error)
            QCOMPARE(e.message, errorLine);
    }
}

void tst_BuildManager::outputThatCannotBeStoredIsAnErrorEventAndTheBuildGoesOn()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("lost-log"), {},
                         QStringLiteral("echo before; sleep 1; echo after")));
    const auto started = awaitJob(m_manager->startBuild(m_a, QStringLiteral("lost-log")));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const qint64 id = started.value().id;
    QVERIFY(m_recorder->waitUntil(
        [&] { return m_recorder->logText(id).contains(QStringLiteral("before")); }));
    QTRY_COMPARE_WITH_TIMEOUT(readLog(id, Phase::Build, LogStream::Stdout), QByteArray("before\n"),
                              5000);
    {
        // The log table goes away under the running build (a broken database).
        const Result<DatabaseUrl> url = DatabaseUrl::parse(m_dbUrl);
        QVERIFY(url.ok());
        BuildRepository repository;
        QVERIFY(repository.open(url.value()).ok());
        QSqlQuery drop(repository.database());
        QVERIFY2(drop.exec(QStringLiteral("DROP TABLE log_chunks")),
                 qPrintable(drop.lastError().text()));
    }
    QVERIFY(m_recorder->waitFinished(id));
    QCOMPARE(m_recorder->finishedBuild(id).status, BuildStatus::Success);
    // The hub still had every byte; the store says why it has not.
    QVERIFY(m_recorder->logText(id).contains(QStringLiteral("after")));
    const auto notStored = std::find_if(
        m_recorder->events.cbegin(), m_recorder->events.cend(),
        [&](const BuildEvent &e) { return e.buildId == id && e.type == BuildEvent::Type::Error; });
    QVERIFY(notStored != m_recorder->events.cend());
    QCOMPARE(notStored->metadata.value(QStringLiteral("reason")).toString(),
             QStringLiteral("log_not_stored"));
    QVERIFY2(notStored->message.contains(QStringLiteral("could not be stored")),
             qPrintable(notStored->message));
    QVERIFY2(notStored->message.contains(QStringLiteral("log_chunks")),
             qPrintable(notStored->message));
    const auto events = awaitJob(m_store->events(id));
    QVERIFY(events.ok());
    QCOMPARE(std::count_if(events.value().cbegin(), events.value().cend(),
                           [](const BuildEvent &e) { return e.type == BuildEvent::Type::Error; }),
             1);
    QCOMPARE(storedBuild(id)->status, BuildStatus::Success);
}

void tst_BuildManager::reattachAfterTheFollowerWasKilledLosesNothing()
{
    const int lines = 20;
    QVERIFY(setOverrides(
        m_a, QStringLiteral("killed"), {},
        QStringLiteral("for i in $(seq 1 %1); do echo \"line $i\"; sleep 0.1; done").arg(lines)));
    // Another process starts the build and follows it, with a lease of 1 s.
    QProcess helper;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DAYTONA_API_URL"), m_sandboxd->apiUrl());
    env.insert(QStringLiteral("DAYTONA_API_KEY"), m_sandboxd->token());
    helper.setProcessEnvironment(env);
    helper.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    helper.start(QStringLiteral(VW_BUILDFOLLOWER_HELPER),
                 {m_dbUrl, m_a, QStringLiteral("killed"), QStringLiteral("1000"), m_stateDir});
    QVERIFY2(helper.waitForStarted(), qPrintable(helper.errorString()));
    QByteArray seen;
    QElapsedTimer timer;
    timer.start();
    while (!seen.contains("line 5\n") && timer.elapsed() < 30'000 &&
           helper.state() == QProcess::Running) {
        QSignalSpy more(&helper, &QProcess::readyReadStandardOutput);
        if (helper.bytesAvailable() == 0)
            more.wait(1000);
        seen += helper.readAllStandardOutput();
    }
    QVERIFY2(seen.contains("line 5\n"), seen.constData());
    // Killed in the middle of the build phase: no chance to store what it holds or to release
    // its lease.
    helper.kill();
    QVERIFY(helper.waitForFinished());
    const QRegularExpressionMatch match =
        QRegularExpression(QStringLiteral("^build (\\d+)\\n")).match(QString::fromUtf8(seen));
    QVERIFY2(match.hasMatch(), seen.constData());
    const qint64 id = match.captured(1).toLongLong();
    const auto before = storedBuild(id);
    QVERIFY(before);
    QCOMPARE(before->status, BuildStatus::Running);
    QCOMPARE(before->phase, Phase::Build);

    // Once its lease has expired, this manager takes the build over.
    bool tookOver = false;
    const auto takeOver = [&] {
        if (!tookOver) {
            const auto taken = awaitJob(m_manager->reattachAll());
            tookOver = taken.ok() && taken.value() == 1;
        }
        return tookOver;
    };
    QTRY_VERIFY_WITH_TIMEOUT(takeOver(), 10'000);
    QVERIFY(m_recorder->waitFinished(id));
    const auto b = storedBuild(id);
    QCOMPARE(b->status, BuildStatus::Success);
    QVERIFY(m_recorder->hasEvent(id, BuildEvent::Type::Reattached));
    QByteArray expected;
    for (int i = 1; i <= lines; ++i)
        expected += "line " + QByteArray::number(i) + '\n';
    const auto live = awaitJob(m_store->readLog(id, LogSelection{}, 0, -1));
    QVERIFY(live.ok());
    QCOMPARE(live.value().bytes(), expected);
    const auto events = awaitJob(m_store->events(id));
    QVERIFY(events.ok());
    int buildStarts = 0;
    for (const BuildEvent &e : events.value())
        buildStarts += e.type == BuildEvent::Type::PhaseStarted && e.phase == Phase::Build;
    QCOMPARE(buildStarts, 1);
}

void tst_BuildManager::buildsOfAnotherProcessReachTheHubThroughTheRelay()
{
    QVERIFY(setOverrides(m_a, QStringLiteral("make-ok"),
                         QStringLiteral("echo installing; echo 'install warning' >&2"), {}));
    QVERIFY(setOverrides(m_b, QStringLiteral("quick"), {},
                         QStringLiteral("echo 'b side ✓'; sleep 0.5; echo done")));
    // Process B: its own store, hub, engine and relay on the same database.
    BuildStore storeB;
    storeB.setChangeCheckInterval(50);
    QVERIFY(awaitJob(storeB.open(m_dbUrl)).ok());
    BuildHub hubB;
    HubRecorder recorderB(&hubB);
    BuildManager::Options options;
    options.run.stateDirectory = m_stateDir;
    BuildManager managerB(m_client.get(), &storeB, &hubB, options);
    StoreChangeRelay relay(&storeB, &hubB);
    relay.setOwnLeaseOwner(managerB.leaseOwner());
    QVERIFY(awaitJob(relay.start()).ok());

    const auto a = awaitJob(m_manager->startBuild(m_a, QStringLiteral("make-ok")));
    const auto b = awaitJob(managerB.startBuild(m_b, QStringLiteral("quick")));
    QVERIFY(a.ok() && b.ok());
    const qint64 idA = a.value().id;
    const qint64 idB = b.value().id;
    QVERIFY(m_recorder->waitFinished(idA));
    QVERIFY(recorderB.waitFinished(idA));
    QVERIFY(recorderB.waitFinished(idB));

    // B's hub has both builds — A's relayed, its own from its engine — each event once and in
    // order, every byte of the output once, each end once.
    for (qint64 id : {idA, idB}) {
        const auto stored = awaitJob(m_store->events(id));
        QVERIFY(stored.ok());
        QList<qint64> storedIds;
        for (const BuildEvent &e : stored.value())
            storedIds.append(e.id);
        QList<qint64> announced;
        for (const BuildEvent &e : std::as_const(recorderB.events)) {
            if (e.buildId == id)
                announced.append(e.id);
        }
        QCOMPARE(announced, storedIds);
        const auto live = awaitJob(m_store->readLog(id, LogSelection{}, 0, -1));
        QVERIFY(live.ok());
        QCOMPARE(recorderB.logs.value(id), live.value().bytes());
        QCOMPARE(recorderB.created.count(id), 1);
        QCOMPARE(recorderB.finishedCount(id), 1);
    }
    QVERIFY(recorderB.rangesContiguous);
    QCOMPARE(recorderB.finished.value(idA).status, BuildStatus::Success);
    QVERIFY(recorderB.logText(idB).contains(QStringLiteral("b side ✓\n")));
    // A has no relay: B's build never reached A's hub.
    QVERIFY(!m_recorder->created.contains(idB));
}

QTEST_GUILESS_MAIN(tst_BuildManager)
#include "tst_buildmanager.moc"
