#include "AwaitJob.h"
#include "StoreTestDatabases.h"

#include "models/BuildRepository.h"
#include "models/BuildStore.h"
#include "models/Log.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

using namespace vw;

// The asynchronous build store: jobs, ordering, batched log appends, errors — every test on
// SQLite and on PostgreSQL.
class tst_BuildStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { StoreTestDatabases::addBackendRows(); }

    void jobsFinishOnTheCallersThread();
    void finishedFiresForErrors();
    void operationsRunInOrder();
    void logAppendsAreBatched();
    void timerFlushesWithoutFurtherCalls();
    void destroyingTheStoreFlushes();
    void failedAppendsAreReported();
    void otherProcessesChangesArePushed();
    void passwordIsNeverLogged();

private:
    StoreTestDatabases m_databases;
};

#define AWAIT_OK(variable, job)                                                                    \
    auto variable = awaitJob(job);                                                                 \
    QVERIFY2(variable.ok(), qPrintable(describe(variable)))

namespace {

Build newBuild(qint64 projectId)
{
    Build b;
    b.projectId = projectId;
    b.sandboxId = QStringLiteral("sb");
    b.trigger = QStringLiteral("test");
    return b;
}

} // namespace

void tst_BuildStore::jobsFinishOnTheCallersThread()
{
    VW_FRESH_DATABASE(url);
    BuildStore store;
    StatusJob *open = store.open(url);
    open->setAutoDelete(false);
    QSignalSpy spy(open, &AsyncJob::finished);
    QVERIFY(!open->isFinished()); // nothing runs on the caller's thread
    QVERIFY(spy.wait(30'000));
    QCOMPARE(spy.count(), 1);
    QVERIFY2(open->ok(), qPrintable(open->error().toString()));
    delete open;

    QThread *handlerThread = nullptr;
    std::optional<Project> project;
    auto *job = store.ensureProject(QStringLiteral("sb"), QStringLiteral("/app"));
    job->onResult(this, [&](const Result<Project> &r) {
        handlerThread = QThread::currentThread();
        if (r.ok())
            project = r.value();
    });
    QTRY_VERIFY(project.has_value());
    QCOMPARE(handlerThread, QThread::currentThread());
    QCOMPARE(project->directory, QStringLiteral("/app"));

    AWAIT_OK(build, store.createBuild(newBuild(project->id)));
    BuildEvent event;
    event.buildId = build.value().id;
    event.type = BuildEvent::Type::Created;
    AWAIT_OK(added, store.addEvent(event));
    AWAIT_OK(events, store.events(build.value().id));
    QCOMPARE(events.value().size(), 1);
    AWAIT_OK(latest, store.latestBuild(project->id));
    QCOMPARE(latest.value()->id, build.value().id);
    AWAIT_OK(unfinished, store.unfinishedBuilds());
    QCOMPARE(unfinished.value().size(), 1);
    AWAIT_OK(page, store.builds(BuildQuery{}));
    QCOMPARE(page.value().total, 1);
    AWAIT_OK(stats, store.statistics(StatisticsQuery{}));
    QCOMPARE(stats.value().unfinished, 1);
    AWAIT_OK(lease, store.acquireLease(build.value().id, QStringLiteral("me"), 1000));
    QVERIFY(lease.value());
}

void tst_BuildStore::finishedFiresForErrors()
{
    VW_FRESH_DATABASE(url);
    BuildStore store;

    // Before open.
    auto notOpen = awaitJob(store.build(1));
    QCOMPARE(notOpen.error().code, QStringLiteral("NOT_OPEN"));

    // A bad URL: reported through the job too, never synchronously.
    StatusJob *bad = store.open(QStringLiteral("mysql://u:p@h/db"));
    bad->setAutoDelete(false);
    QSignalSpy badSpy(bad, &AsyncJob::finished);
    QVERIFY(badSpy.wait(5000));
    QCOMPARE(badSpy.count(), 1);
    QCOMPARE(bad->error().code, QStringLiteral("BAD_URL"));
    delete bad;

    // A database that cannot be reached / created.
    const QString unreachable =
        StoreTestDatabases::currentBackend() == QStringLiteral("sqlite")
            ? QStringLiteral("/proc/vaporwatch/cannot/create.sqlite")
            : QStringLiteral("postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2");
    auto failed = awaitJob(store.open(unreachable));
    QCOMPARE(failed.error().code, QStringLiteral("DB_OPEN"));
    QCOMPARE(awaitJob(store.projects()).error().code, QStringLiteral("NOT_OPEN"));

    // A query that fails in the database.
    AWAIT_OK(opened, store.open(url));
    QCOMPARE(awaitJob(store.createBuild(newBuild(4242))).error().code, QStringLiteral("DB_QUERY"));
    QCOMPARE(awaitJob(store.build(4242)).error().code, QStringLiteral("NOT_FOUND"));

    // A closed store: every job still finishes, with STORE_CLOSED.
    AWAIT_OK(closed, store.close());
    QList<AsyncJob *> jobs{store.projects(), store.build(1), store.flush(),
                           store.readLog(1, LogSelection{}, 0, 10), store.close()};
    for (AsyncJob *job : jobs)
        job->setAutoDelete(false);
    for (AsyncJob *job : jobs) {
        QSignalSpy spy(job, &AsyncJob::finished);
        QVERIFY(job->isFinished() || spy.wait(5000));
        QCOMPARE(job->error().code, QStringLiteral("STORE_CLOSED"));
        delete job;
    }
    QSignalSpy appendFailed(&store, &BuildStore::appendFailed);
    store.appendLog(LogAppend{1, Phase::Setup, LogStream::Stdout, "dropped", -1});
    QCOMPARE(appendFailed.count(), 1);

    // Jobs still queued when the store goes away finish as well.
    auto *late = new BuildStore;
    AWAIT_OK(reopened, late->open(url));
    AsyncJobOf<QList<Project>> *pending = late->projects();
    pending->setAutoDelete(false);
    QSignalSpy pendingSpy(pending, &AsyncJob::finished);
    delete late;
    QVERIFY(pendingSpy.count() == 1 || pendingSpy.wait(5000));
    QVERIFY2(pending->ok(), qPrintable(pending->error().toString()));
    delete pending;
}

void tst_BuildStore::operationsRunInOrder()
{
    VW_FRESH_DATABASE(url);
    BuildStore store;
    store.setFlushInterval(60'000); // only ordering can make the reads below see the appends
    store.open(url);
    auto *projectJob = store.ensureProject(QStringLiteral("sb"), QStringLiteral("/app"));
    AWAIT_OK(project, projectJob);
    AWAIT_OK(build, store.createBuild(newBuild(project.value().id)));
    const qint64 id = build.value().id;

    // Queue writes and reads without waiting: each read sees everything issued before it.
    QByteArray expected;
    QList<AsyncJobOf<LogSizes> *> sizeJobs;
    QList<qint64> expectedSizes;
    for (int i = 0; i < 50; ++i) {
        const QByteArray line = "line " + QByteArray::number(i) + '\n';
        store.appendLog(
            LogAppend{id, Phase::Install, i % 7 ? LogStream::Stdout : LogStream::Stderr, line, -1});
        expected += line;
        if (i % 10 == 9) {
            sizeJobs << store.logSizes(id);
            expectedSizes << expected.size();
        }
    }
    Build changed = build.value();
    changed.status = BuildStatus::Running;
    changed.progress = 55;
    auto *update = store.updateBuild(changed);
    auto *read = store.build(id);
    auto *log = store.readLog(id, LogSelection{Phase::Install, std::nullopt}, 0, -1);
    QCOMPARE(store.pendingLogBytes(), 0); // handed over with the first read

    for (int i = 0; i < sizeJobs.size(); ++i) {
        auto sizes = awaitJob(sizeJobs[i]);
        QVERIFY2(sizes.ok(), qPrintable(describe(sizes)));
        QCOMPARE(sizes.value().total(), expectedSizes[i]);
    }
    QVERIFY(awaitJob(update).ok());
    auto readBack = awaitJob(read);
    QCOMPARE(readBack.value().progress, 55);
    QCOMPARE(readBack.value().status, BuildStatus::Running);
    auto slice = awaitJob(log);
    QCOMPARE(slice.value().bytes(), expected);
}

void tst_BuildStore::logAppendsAreBatched()
{
    VW_FRESH_DATABASE(url);
    BuildStore store;
    store.setFlushInterval(60'000);
    store.setFlushThreshold(64 * 1024);
    store.open(url);
    AWAIT_OK(project, store.ensureProject(QStringLiteral("sb"), QStringLiteral("/app")));
    AWAIT_OK(build, store.createBuild(newBuild(project.value().id)));
    const qint64 id = build.value().id;

    // 5,000 lines of 40 bytes (200 kB): the threshold hands over a batch every 64 KiB.
    QByteArray expected;
    for (int i = 0; i < 5000; ++i) {
        const QByteArray line = QByteArray::number(i).rightJustified(39, '.') + '\n';
        store.appendLog(LogAppend{id, Phase::Build, LogStream::Stdout, line, expected.size() + 40});
        expected += line;
        QVERIFY(store.pendingLogBytes() < 64 * 1024);
    }
    AWAIT_OK(flushed, store.flush());
    AWAIT_OK(slice, store.readLog(id, LogSelection{}, 0, -1));
    QCOMPARE(slice.value().bytes(), expected);
    AWAIT_OK(stored, store.build(id));
    QCOMPARE(stored.value().logOffset, expected.size());

    // Few transactions, few rows: 4 batches → at most 2 chunks each.
    BuildRepository direct;
    QVERIFY(direct.open(DatabaseUrl::parse(url).value()).ok());
    auto sizes = direct.logSizes(id);
    QCOMPARE(sizes.value().total(), expected.size());
    QSqlQuery count(direct.database());
    QVERIFY(count.exec(QStringLiteral("SELECT COUNT(*) FROM log_chunks")) && count.next());
    QVERIFY2(count.value(0).toInt() <= 8, qPrintable(count.value(0).toString()));

    // A range across chunk (and batch) boundaries.
    AWAIT_OK(middle, store.readLog(id, LogSelection{std::nullopt, LogStream::Stdout},
                                   BuildRepository::kMaxChunkBytes - 100, 70'000));
    QCOMPARE(middle.value().bytes(), expected.mid(BuildRepository::kMaxChunkBytes - 100, 70'000));
}

void tst_BuildStore::timerFlushesWithoutFurtherCalls()
{
    VW_FRESH_DATABASE(url);
    BuildStore store;
    store.setFlushInterval(50);
    store.open(url);
    AWAIT_OK(project, store.ensureProject(QStringLiteral("sb"), QStringLiteral("/app")));
    AWAIT_OK(build, store.createBuild(newBuild(project.value().id)));
    store.appendLog(LogAppend{build.value().id, Phase::Setup, LogStream::Stderr, "hello\n", -1});
    QCOMPARE(store.pendingLogBytes(), 6);

    // Another connection sees it once the timer fired — no flush(), no read through the store.
    BuildRepository other;
    QVERIFY(other.open(DatabaseUrl::parse(url).value()).ok());
    QCOMPARE(other.logSizes(build.value().id).value().total(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(other.logSizes(build.value().id).value().total(), 6, 5000);
    QCOMPARE(store.pendingLogBytes(), 0);
    const LogSlice slice = other.readLog(build.value().id, LogSelection{}, 0, -1).value();
    QCOMPARE(slice.pieces.size(), 1);
    QCOMPARE(slice.pieces[0].stream, LogStream::Stderr);
}

void tst_BuildStore::destroyingTheStoreFlushes()
{
    VW_FRESH_DATABASE(url);
    qint64 id = 0;
    QByteArray expected;
    {
        BuildStore store;
        store.setFlushInterval(60'000);
        store.open(url);
        AWAIT_OK(project, store.ensureProject(QStringLiteral("sb"), QStringLiteral("/app")));
        AWAIT_OK(build, store.createBuild(newBuild(project.value().id)));
        id = build.value().id;
        for (int i = 0; i < 100; ++i) {
            const QByteArray line = "last words " + QByteArray::number(i) + '\n';
            store.appendLog(LogAppend{id, Phase::Build, LogStream::Stdout, line, -1});
            expected += line;
        }
        QVERIFY(store.pendingLogBytes() > 0);
    }
    BuildStore reopened;
    reopened.open(url);
    AWAIT_OK(slice, reopened.readLog(id, LogSelection{Phase::Build, LogStream::Stdout}, 0, -1));
    QCOMPARE(slice.value().bytes(), expected);

    // close() flushes too.
    reopened.appendLog(LogAppend{id, Phase::Build, LogStream::Stdout, "after\n", -1});
    AWAIT_OK(closed, reopened.close());
    BuildRepository direct;
    QVERIFY(direct.open(DatabaseUrl::parse(url).value()).ok());
    QCOMPARE(direct.logSizes(id).value().total(), expected.size() + 6);
}

void tst_BuildStore::failedAppendsAreReported()
{
    VW_FRESH_DATABASE(url);
    BuildStore store;
    store.setFlushInterval(60'000);
    AWAIT_OK(opened, store.open(url));
    QSignalSpy failed(&store, &BuildStore::appendFailed);
    store.appendLog(LogAppend{999'999, Phase::Setup, LogStream::Stdout, "orphan", -1});
    auto flushed = awaitJob(store.flush());
    QVERIFY(!flushed.ok());
    QCOMPARE(flushed.error().code, QStringLiteral("DB_QUERY"));
    QCOMPARE(failed.count(), 1);
    // Reported once: the next flush is clean.
    AWAIT_OK(again, store.flush());
}

void tst_BuildStore::otherProcessesChangesArePushed()
{
    VW_FRESH_DATABASE(url);
    const bool postgres = StoreTestDatabases::currentBackend() == QStringLiteral("postgres");
    BuildStore watching;
    watching.setChangeCheckInterval(60'000); // SQLite: the file watch alone must notice
    AWAIT_OK(openedA, watching.open(url));
    BuildStore other; // stands for another Vaporwatch process sharing the database
    other.setFlushInterval(10);
    AWAIT_OK(openedB, other.open(url));
    QSignalSpy changes(&watching, &BuildStore::externalChange);
    QSignalSpy ownChanges(&other, &BuildStore::externalChange);

    AWAIT_OK(project, other.ensureProject(QStringLiteral("sb"), QStringLiteral("/shared")));
    AWAIT_OK(build, other.createBuild(newBuild(project.value().id)));
    BuildEvent event;
    event.buildId = build.value().id;
    event.type = BuildEvent::Type::Queued;
    AWAIT_OK(added, other.addEvent(event));
    other.appendLog(LogAppend{build.value().id, Phase::Setup, LogStream::Stdout, "hi\n", -1});
    AWAIT_OK(flushed, other.flush());

    if (postgres) {
        // Exactly what happened, in order.
        QTRY_COMPARE_WITH_TIMEOUT(changes.count(), 4, 5000);
        const QList<StoreChange> expected{
            {StoreChange::Kind::Project, project.value().id, 0, 0},
            {StoreChange::Kind::Build, project.value().id, build.value().id, 0},
            {StoreChange::Kind::Event, 0, build.value().id, added.value().id},
            {StoreChange::Kind::Log, 0, build.value().id, 0}};
        for (int i = 0; i < 4; ++i)
            QCOMPARE(changes.at(i).at(0).value<StoreChange>(), expected[i]);
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(changes.count() >= 1, 5000);
        QCOMPARE(changes.last().at(0).value<StoreChange>().kind, StoreChange::Kind::Unknown);
    }
    // The writer hears nothing about its own writes.
    QTest::qWait(300);
    QCOMPARE(ownChanges.count(), 0);

    // And the other way round.
    changes.clear();
    Build update = build.value();
    update.status = BuildStatus::Running;
    AWAIT_OK(updated, watching.updateBuild(update));
    QTRY_VERIFY_WITH_TIMEOUT(ownChanges.count() >= 1, 5000);
    if (postgres)
        QCOMPARE(ownChanges.first().at(0).value<StoreChange>(),
                 (StoreChange{StoreChange::Kind::Build, project.value().id, build.value().id, 0}));
    QTest::qWait(300);
    QCOMPARE(changes.count(), 0);
}

void tst_BuildStore::passwordIsNeverLogged()
{
    if (StoreTestDatabases::currentBackend() != QStringLiteral("postgres"))
        QSKIP("a SQLite database has no password");
    VW_FRESH_DATABASE(url);
    const QString password = m_databases.postgres()->password();
    QVERIFY(url.contains(password));

    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured, true);
    vw::log::addSink(sink);
    vw::log::setLevel(spdlog::level::trace);
    {
        BuildStore store;
        AWAIT_OK(opened, store.open(url));
        QCOMPARE(awaitJob(store.build(4242)).error().code, QStringLiteral("NOT_FOUND"));
        QString wrong = url;
        wrong.replace(password, password + QStringLiteral("x"));
        auto failed = awaitJob(store.open(wrong));
        QCOMPARE(failed.error().code, QStringLiteral("DB_OPEN"));
        QVERIFY(!failed.error().message.contains(password));
        AWAIT_OK(closed, store.close());
    }
    vw::log::removeSink(sink);
    vw::log::setLevel(spdlog::level::warn);
    const QString text = QString::fromStdString(captured.str());
    QVERIFY2(text.contains(QStringLiteral("[store]")), qPrintable(text));
    // The store itself writes the URL with the password masked as ***; the log's redactor
    // ([REDACTED]) never had anything to catch.
    QVERIFY2(text.contains(QStringLiteral("vw_test:***@127.0.0.1")), qPrintable(text));
    QVERIFY2(!text.contains(password), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("[REDACTED]")), qPrintable(text));
}

QTEST_GUILESS_MAIN(tst_BuildStore)
#include "tst_buildstore.moc"
