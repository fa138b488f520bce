#include "AwaitJob.h"
#include "HubRecorder.h"
#include "StoreTestDatabases.h"

#include "app/engine/BuildHub.h"
#include "app/engine/StoreChangeRelay.h"
#include "models/BuildStore.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <memory>

using namespace vw;
using namespace vw::engine;
using vw::test::HubRecorder;

namespace {

BuildEvent eventOf(qint64 buildId, const QString &type, const QString &message = {})
{
    BuildEvent event;
    event.buildId = buildId;
    event.type = type;
    event.message = message;
    return event;
}

bool granted(const Result<bool> &lease)
{
    return lease.ok() && lease.value();
}

} // namespace

// StoreChangeRelay with two BuildStore instances on one database, standing for two processes:
// what "process" A writes shows up on B's hub, once and in order; what B's own engine announced
// is not repeated. On SQLite and on PostgreSQL.
class tst_StoreChangeRelay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { StoreTestDatabases::addBackendRows(); }
    void init();
    void cleanup();
    void anotherProcessesBuildAppearsOnceAndInOrder();
    void ownBuildsAreNotRepeatedUntilTheLeaseChangesHands();
    void aBurstOfChangesIsOneMoreCatchUp();

private:
    std::unique_ptr<BuildStore> m_storeA; // the other process
    std::unique_ptr<BuildStore> m_storeB; // this process
    std::unique_ptr<BuildHub> m_hubB;
    std::unique_ptr<HubRecorder> m_recorder;
    std::unique_ptr<StoreChangeRelay> m_relay;
    qint64 m_projectId = 0;
    QString m_url;
    StoreTestDatabases m_databases;
    const QString m_ownLease = QStringLiteral("this-process");
};

void tst_StoreChangeRelay::init()
{
    VW_FRESH_DATABASE(url);
    m_url = url;
    m_storeA = std::make_unique<BuildStore>();
    m_storeA->setFlushInterval(10);
    m_storeB = std::make_unique<BuildStore>();
    m_storeB->setChangeCheckInterval(50);
    QVERIFY(awaitJob(m_storeA->open(url)).ok());
    QVERIFY(awaitJob(m_storeB->open(url)).ok());
    const auto project = awaitJob(m_storeA->ensureProject(QStringLiteral("sb"), "/p"));
    QVERIFY(project.ok());
    m_projectId = project.value().id;
    m_hubB = std::make_unique<BuildHub>();
    m_recorder = std::make_unique<HubRecorder>(m_hubB.get());
    m_relay = std::make_unique<StoreChangeRelay>(m_storeB.get(), m_hubB.get());
    m_relay->setOwnLeaseOwner(m_ownLease);
    const auto started = awaitJob(m_relay->start());
    QVERIFY2(started.ok(), qPrintable(describe(started)));
}

void tst_StoreChangeRelay::cleanup()
{
    m_relay.reset();
    m_recorder.reset();
    m_hubB.reset();
    m_storeB.reset();
    m_storeA.reset();
}

void tst_StoreChangeRelay::anotherProcessesBuildAppearsOnceAndInOrder()
{
    Build build;
    build.projectId = m_projectId;
    build.sandboxId = QStringLiteral("sb");
    build.status = BuildStatus::Running;
    const auto created = awaitJob(m_storeA->createBuild(build));
    QVERIFY(created.ok());
    build = created.value();
    const qint64 id = build.id;
    QVERIFY(m_recorder->waitUntil([&] { return m_recorder->created.contains(id); }));

    QByteArray written;
    const auto append = [&](Phase phase, LogStream stream, const QByteArray &bytes) {
        m_storeA->appendLog({id, phase, stream, bytes, -1});
        written += bytes;
        return awaitJob(m_storeA->flush()).ok();
    };
    QVERIFY(awaitJob(m_storeA->addEvent(eventOf(id, BuildEvent::Type::Created))).ok());
    QVERIFY(awaitJob(m_storeA->addEvent(eventOf(id, BuildEvent::Type::PhaseStarted))).ok());
    // "é" (C3 A9) is cut in two across two commits; B must read the first half in between.
    QVERIFY(append(Phase::Install, LogStream::Stdout, "caf\xc3"));
    QVERIFY(m_recorder->waitUntil([&] { return m_recorder->logs.value(id) == "caf"; }));
    QVERIFY(append(Phase::Install, LogStream::Stdout, "\xa9 ok\n"));
    QVERIFY(append(Phase::Install, LogStream::Stderr, "warn \xe2\x9c\x93\n"));
    QVERIFY(m_recorder->waitUntil([&] { return m_recorder->logs.value(id) == written; }));

    for (int i = 0; i < 5; ++i) {
        QVERIFY(awaitJob(m_storeA->addEvent(
                             eventOf(id, BuildEvent::Type::CommandStarted, QString::number(i))))
                    .ok());
    }
    build.phase = Phase::Build;
    build.currentStep = QStringLiteral("Building");
    QVERIFY(awaitJob(m_storeA->updateBuild(build)).ok());
    QVERIFY(m_recorder->waitUntil([&] {
        return std::any_of(m_recorder->changes.cbegin(), m_recorder->changes.cend(),
                           [&](const Build &b) { return b.id == id && b.phase == Phase::Build; });
    }));
    QVERIFY(append(Phase::Build, LogStream::Stdout, "built\n"));
    // The end, in the engine's order: final row, last output, `finished` event.
    build.status = BuildStatus::Success;
    build.phase = Phase::Complete;
    build.completedAt = QDateTime::currentDateTimeUtc();
    QVERIFY(awaitJob(m_storeA->updateBuild(build)).ok());
    QVERIFY(append(Phase::Build, LogStream::Stdout, "last line\n"));
    QVERIFY(awaitJob(m_storeA->addEvent(eventOf(id, BuildEvent::Type::Finished))).ok());

    QVERIFY(m_recorder->waitUntil([&] { return m_recorder->finishedCount(id) == 1; }));
    const auto stored = awaitJob(m_storeA->events(id));
    QVERIFY(stored.ok());
    QList<qint64> storedIds;
    for (const BuildEvent &e : stored.value())
        storedIds.append(e.id);
    QCOMPARE(storedIds.size(), 8);
    QCOMPARE(m_recorder->eventIds(id), storedIds);
    QCOMPARE(m_recorder->logs.value(id), written);
    QVERIFY(m_recorder->rangesContiguous);
    QCOMPARE(m_recorder->finished.constLast().status, BuildStatus::Success);
    QCOMPARE(m_recorder->created, QList<qint64>({id}));

    // Later changes of other builds repeat nothing of this one.
    const int changesBefore = int(m_recorder->changes.size());
    Build other;
    other.projectId = m_projectId;
    other.sandboxId = QStringLiteral("sb");
    const auto second = awaitJob(m_storeA->createBuild(other));
    QVERIFY(second.ok());
    QVERIFY(m_recorder->waitUntil([&] { return m_recorder->created.contains(second.value().id); }));
    QVERIFY(
        awaitJob(m_storeA->addEvent(eventOf(second.value().id, BuildEvent::Type::Queued))).ok());
    QVERIFY(
        m_recorder->waitUntil([&] { return !m_recorder->eventIds(second.value().id).isEmpty(); }));
    QCOMPARE(m_recorder->eventIds(id), storedIds);
    QCOMPARE(m_recorder->logs.value(id), written);
    QCOMPARE(m_recorder->finishedCount(id), 1);
    for (qsizetype i = changesBefore; i < m_recorder->changes.size(); ++i)
        QVERIFY(m_recorder->changes[i].id != id);
}

void tst_StoreChangeRelay::ownBuildsAreNotRepeatedUntilTheLeaseChangesHands()
{
    // This process's engine: B writes a build and announces it itself, holding the lease.
    Build build;
    build.projectId = m_projectId;
    build.sandboxId = QStringLiteral("sb");
    build.status = BuildStatus::Running;
    const auto created = awaitJob(m_storeB->createBuild(build));
    QVERIFY(created.ok());
    const qint64 id = created.value().id;
    m_hubB->announceCreated(created.value());
    const qint64 leaseMs = 300;
    QVERIFY(granted(awaitJob(m_storeB->acquireLease(id, m_ownLease, leaseMs))));
    const auto own = awaitJob(m_storeB->addEvent(eventOf(id, BuildEvent::Type::PhaseStarted)));
    QVERIFY(own.ok());
    m_hubB->announceEvent(own.value());
    m_storeB->appendLog({id, Phase::Install, LogStream::Stdout, "mine\n", -1});
    m_hubB->announceLog(id, Phase::Install, LogStream::Stdout, QStringLiteral("mine\n"), 0, 5);
    QVERIFY(awaitJob(m_storeB->flush()).ok());
    m_hubB->announceChanged(created.value());

    // Another process writes something else: B catches up and must not repeat its own build.
    Build other;
    other.projectId = m_projectId;
    other.sandboxId = QStringLiteral("sb2");
    const auto second = awaitJob(m_storeA->createBuild(other));
    QVERIFY(second.ok());
    QVERIFY(m_recorder->waitUntil([&] { return m_recorder->created.contains(second.value().id); }));
    QCOMPARE(m_recorder->created, QList<qint64>({id, second.value().id}));
    QCOMPARE(m_recorder->eventIds(id), QList<qint64>({own.value().id}));
    QCOMPARE(m_recorder->logs.value(id), QByteArray("mine\n"));
    int ownChanges = 0;
    for (const Build &change : std::as_const(m_recorder->changes))
        ownChanges += change.id == id;
    QCOMPARE(ownChanges, 1);

    // B's lease runs out and A takes the build over: from then on B hears A's part, and only it.
    QTRY_VERIFY_WITH_TIMEOUT(
        granted(awaitJob(m_storeA->acquireLease(id, QStringLiteral("process-a"), 10'000))), 5000);
    const auto theirs = awaitJob(m_storeA->addEvent(eventOf(id, BuildEvent::Type::Reattached)));
    QVERIFY(theirs.ok());
    m_storeA->appendLog({id, Phase::Install, LogStream::Stdout, "theirs\n", -1});
    QVERIFY(awaitJob(m_storeA->flush()).ok());
    Build updated = created.value();
    updated.currentStep = QStringLiteral("taken over");
    QVERIFY(awaitJob(m_storeA->updateBuild(updated)).ok());
    QVERIFY(m_recorder->waitUntil([&] {
        return m_recorder->eventIds(id).size() == 2 &&
               m_recorder->logs.value(id) == "mine\ntheirs\n" &&
               m_recorder->changes.constLast().currentStep == QStringLiteral("taken over");
    }));
    QCOMPARE(m_recorder->eventIds(id), QList<qint64>({own.value().id, theirs.value().id}));
    QVERIFY(m_recorder->rangesContiguous);
    QCOMPARE(m_recorder->created.count(id), 1);
}

void tst_StoreChangeRelay::aBurstOfChangesIsOneMoreCatchUp()
{
    // A store of its own, opened after every write so far: no real change reaches it.
    BuildStore quiet;
    QVERIFY(awaitJob(quiet.open(m_url)).ok());
    BuildHub hub;
    StoreChangeRelay relay(&quiet, &hub);
    QVERIFY(awaitJob(relay.start()).ok());
    QSignalSpy caughtUp(&relay, &StoreChangeRelay::caughtUp);
    // Ten changes at once: the first starts a catch-up, the other nine wait for one more.
    for (int i = 0; i < 10; ++i)
        emit quiet.externalChange(StoreChange{});
    QTRY_COMPARE_WITH_TIMEOUT(caughtUp.count(), 2, 10'000);
    QCOMPARE(relay.catchUpCount(), 2);
    QVERIFY(!caughtUp.wait(300));
    QCOMPARE(caughtUp.count(), 2);
}

QTEST_GUILESS_MAIN(tst_StoreChangeRelay)
#include "tst_storechangerelay.moc"
