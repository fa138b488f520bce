#include "AwaitJob.h"
#include "StoreTestDatabases.h"

#include "models/AnalyticsRepository.h"
#include "models/BuildRepository.h"
#include "models/BuildStore.h"

#include <QTest>

using namespace vw;

// AnalyticsRepository on a known history of ten builds in two projects (every status, phases,
// queue times and error lines), on SQLite and on PostgreSQL: exact counts, success rates,
// medians, slowest builds, buckets, queue times, phase times and error groups with their builds;
// the project and period filters; an empty history; and the asynchronous BuildStore::analytics.
class tst_AnalyticsRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { StoreTestDatabases::addBackendRows(); }
    void init();
    void cleanup();

    void countsAndSuccessRate();
    void durationsPerBuild();
    void durationsPerBucket();
    void queueTime();
    void phaseTimes();
    void errorGroups();
    void projectFilter();
    void periodFilter();
    void emptyHistory();
    void storeAnswersAsynchronously();
    void bucketSizeFollowsThePeriod_data();
    void bucketSizeFollowsThePeriod();

private:
    struct Spec
    {
        int project; // 0: web, 1: api
        int hours;   // created this many hours after kStart
        BuildStatus status;
        int queueSeconds; // < 0: never started
        qint64 durationMs;
        QList<int> phaseSeconds; // setup, install, build; 0: skipped
        QString error;
    };
    BuildAnalytics analyticsOf(AnalyticsQuery query);

    static inline const QDateTime kStart = QDateTime(QDate(2026, 1, 5), QTime(0, 0), Qt::UTC);
    StoreTestDatabases m_databases;
    std::unique_ptr<BuildRepository> m_repository;
    QString m_url;
    QList<Project> m_projects;
    QList<qint64> m_ids; // m_ids[n - 1] is build n of the fixture
};

void tst_AnalyticsRepository::init()
{
    m_url = m_databases.freshUrl(StoreTestDatabases::currentBackend());
    QVERIFY2(!m_url.isEmpty(), qPrintable(m_databases.error()));
    m_repository = std::make_unique<BuildRepository>();
    auto opened = m_repository->open(DatabaseUrl::parse(m_url).value());
    QVERIFY2(opened.ok(), qPrintable(describe(opened)));
    m_projects.clear();
    m_ids.clear();
    for (const QString &name : {QStringLiteral("web"), QStringLiteral("api")}) {
        auto project =
            m_repository->ensureProject(QStringLiteral("sb"), QStringLiteral("/") + name, name);
        QVERIFY2(project.ok(), qPrintable(describe(project)));
        m_projects.append(project.value());
    }
    const QList<Spec> specs{
        {0, 0, BuildStatus::Success, 2, 60'000, {10, 20, 30}, {}},
        {0, 1, BuildStatus::Success, 4, 120'000, {10, 50, 60}, {}},
        {0,
         25,
         BuildStatus::Failed,
         6,
         30'000,
         {5},
         QStringLiteral("Cannot find module '/app/src/a.js'")},
        {0, 26, BuildStatus::Success, 8, 90'000, {20, 0, 70}, {}},
        {1, 2, BuildStatus::Success, 10, 200'000, {30, 70, 100}, {}},
        {1,
         27,
         BuildStatus::Failed,
         1,
         40'000,
         {},
         QStringLiteral("Cannot find module '/app/lib/b.js'")},
        {1,
         28,
         BuildStatus::Failed,
         3,
         10'000,
         {},
         QStringLiteral("npm ERR! code E404\nnpm ERR! 404 Not Found")},
        {0, 50, BuildStatus::Cancelled, 5, 15'000, {}, QStringLiteral("Cancelled by the user")},
        {0, 51, BuildStatus::Queued, -1, 0, {}, {}},
        {0, 49, BuildStatus::Success, 2, 150'000, {20, 60, 70}, {}},
    };
    for (const Spec &spec : specs) {
        Build b;
        b.projectId = m_projects[spec.project].id;
        b.sandboxId = QStringLiteral("sb");
        b.status = spec.status;
        b.createdAt = kStart.addSecs(spec.hours * 3600);
        b.errorMessage = spec.error;
        if (spec.queueSeconds >= 0) {
            b.startedAt = b.createdAt.addSecs(spec.queueSeconds);
            b.durationMs = spec.durationMs;
            b.completedAt = b.startedAt.addMSecs(spec.durationMs);
        }
        QDateTime at = b.startedAt;
        for (qsizetype i = 0; i < spec.phaseSeconds.size(); ++i) {
            PhaseRecord &record = b.phaseRecord(allPhases()[i]);
            record.startedAt = at;
            if (spec.phaseSeconds[i] == 0) {
                record.skipped = true;
                record.skipReason = QStringLiteral("dependencies unchanged");
                continue;
            }
            record.durationMs = spec.phaseSeconds[i] * 1000;
            at = at.addSecs(spec.phaseSeconds[i]);
            record.completedAt = at;
        }
        auto created = m_repository->createBuild(b);
        QVERIFY2(created.ok(), qPrintable(describe(created)));
        m_ids.append(created.value().id);
    }
}

void tst_AnalyticsRepository::cleanup()
{
    m_repository.reset();
}

BuildAnalytics tst_AnalyticsRepository::analyticsOf(AnalyticsQuery query)
{
    auto result = AnalyticsRepository(*m_repository).analytics(query);
    if (!result.ok()) {
        qWarning("analytics failed: %s", qPrintable(result.error().toString()));
        return {};
    }
    return result.value();
}

void tst_AnalyticsRepository::countsAndSuccessRate()
{
    const BuildAnalytics a = analyticsOf({});
    QCOMPARE(a.total, 10);
    QCOMPARE(a.succeeded, 5);
    QCOMPARE(a.failed, 3);
    QCOMPARE(a.cancelled, 1);
    QCOMPARE(a.interrupted, 0);
    QCOMPARE(a.unfinished, 1);
    QCOMPARE(a.successRate, 5.0 / 8.0);
    // All time: from the first build to just after the last.
    QCOMPARE(a.from, kStart);
    QCOMPARE(a.to, kStart.addSecs(51 * 3600).addMSecs(1));
    QCOMPARE(a.bucketMs, 3'600'000); // 51 hours: hourly buckets
}

void tst_AnalyticsRepository::durationsPerBuild()
{
    AnalyticsQuery query;
    query.slowestCount = 3;
    const BuildAnalytics a = analyticsOf(query);
    QVERIFY(a.durationsPerBuild);
    QCOMPARE(a.medianDurationMs, 120'000); // of 60, 90, 120, 150, 200 s
    // One point per successful build, in time order.
    const QList<qint64> expectedIds{m_ids[0], m_ids[1], m_ids[4], m_ids[3], m_ids[9]};
    const QList<qint64> expectedMs{60'000, 120'000, 200'000, 90'000, 150'000};
    QCOMPARE(a.durations.size(), 5);
    for (qsizetype i = 0; i < a.durations.size(); ++i) {
        QCOMPARE(a.durations[i].slowestBuildId, expectedIds[i]);
        QCOMPARE(a.durations[i].medianMs, expectedMs[i]);
        QCOMPARE(a.durations[i].maxMs, expectedMs[i]);
        QCOMPARE(a.durations[i].builds, 1);
    }
    QCOMPARE(a.durations[2].at, kStart.addSecs(2 * 3600));
    QCOMPARE(a.slowest.size(), 3);
    QCOMPARE(a.slowest[0].buildId, m_ids[4]);
    QCOMPARE(a.slowest[0].durationMs, 200'000);
    QCOMPARE(a.slowest[0].createdAt, kStart.addSecs(2 * 3600));
    QCOMPARE(a.slowest[1].buildId, m_ids[9]);
    QCOMPARE(a.slowest[2].buildId, m_ids[1]);
}

void tst_AnalyticsRepository::durationsPerBucket()
{
    AnalyticsQuery query;
    query.from = kStart;
    query.to = kStart.addDays(30); // 720 hours: 12-hour buckets
    query.maxBuildPoints = 2;      // five successful builds: per bucket
    const BuildAnalytics a = analyticsOf(query);
    QCOMPARE(a.bucketMs, 12 * 3'600'000);
    QVERIFY(!a.durationsPerBuild);
    QCOMPARE(a.durations.size(), 3);
    // [0 h, 12 h): builds 1, 2, 5 (60, 120, 200 s).
    QCOMPARE(a.durations[0].at, kStart);
    QCOMPARE(a.durations[0].builds, 3);
    QCOMPARE(a.durations[0].medianMs, 120'000);
    QCOMPARE(a.durations[0].maxMs, 200'000);
    QCOMPARE(a.durations[0].slowestBuildId, m_ids[4]);
    // [24 h, 36 h): build 4 only; [48 h, 60 h): build 10.
    QCOMPARE(a.durations[1].at, kStart.addDays(1));
    QCOMPARE(a.durations[1].builds, 1);
    QCOMPARE(a.durations[1].medianMs, 90'000);
    QCOMPARE(a.durations[1].slowestBuildId, m_ids[3]);
    QCOMPARE(a.durations[2].at, kStart.addDays(2));
    QCOMPARE(a.durations[2].slowestBuildId, m_ids[9]);

    // Success rate per bucket: 3/3, 1/4 (builds 3, 6, 7 failed), 1/1 (cancelled, queued left out).
    QCOMPARE(a.successOverTime.size(), 3);
    QCOMPARE(a.successOverTime[0].at, kStart);
    QCOMPARE(a.successOverTime[0].succeeded, 3);
    QCOMPARE(a.successOverTime[0].failed, 0);
    QCOMPARE(a.successOverTime[0].successRate, 1.0);
    QCOMPARE(a.successOverTime[1].at, kStart.addDays(1));
    QCOMPARE(a.successOverTime[1].succeeded, 1);
    QCOMPARE(a.successOverTime[1].failed, 3);
    QCOMPARE(a.successOverTime[1].successRate, 0.25);
    QCOMPARE(a.successOverTime[2].at, kStart.addDays(2));
    QCOMPARE(a.successOverTime[2].successRate, 1.0);
}

void tst_AnalyticsRepository::queueTime()
{
    // Started builds wait 2, 4, 6, 8, 10, 1, 3, 5, 2 s; the queued one never started.
    const BuildAnalytics a = analyticsOf({});
    QCOMPARE(a.queue.builds, 9);
    QCOMPARE(a.queue.medianMs, 4'000);
    QCOMPARE(a.queue.p90Ms, 10'000);
    QCOMPARE(a.queue.maxMs, 10'000);
}

void tst_AnalyticsRepository::phaseTimes()
{
    // Successful builds only (build 3's setup does not count); the skipped install is left out.
    const BuildAnalytics a = analyticsOf({});
    QCOMPARE(a.phases.keys(), (QList<Phase>{Phase::Setup, Phase::Install, Phase::Build}));
    QCOMPARE(a.phases[Phase::Setup].builds, 5); // 10, 10, 20, 20, 30 s
    QCOMPARE(a.phases[Phase::Setup].averageMs, 18'000);
    QCOMPARE(a.phases[Phase::Setup].medianMs, 20'000);
    QCOMPARE(a.phases[Phase::Install].builds, 4); // 20, 50, 60, 70 s
    QCOMPARE(a.phases[Phase::Install].averageMs, 50'000);
    QCOMPARE(a.phases[Phase::Install].medianMs, 55'000);
    QCOMPARE(a.phases[Phase::Build].builds, 5); // 30, 60, 70, 70, 100 s
    QCOMPARE(a.phases[Phase::Build].averageMs, 66'000);
    QCOMPARE(a.phases[Phase::Build].medianMs, 70'000);
}

void tst_AnalyticsRepository::errorGroups()
{
    AnalyticsQuery query;
    BuildAnalytics a = analyticsOf(query);
    // Failed builds only: the cancelled build's message is not an error line.
    QCOMPARE(a.errorGroups.size(), 2);
    const BuildAnalytics::ErrorGroup &modules = a.errorGroups[0];
    QCOMPARE(modules.pattern, QStringLiteral("Cannot find module '<str>'"));
    QCOMPARE(modules.example, QStringLiteral("Cannot find module '/app/lib/b.js'")); // newest
    QCOMPARE(modules.count, 2);
    QCOMPARE(modules.lastSeen, kStart.addSecs(27 * 3600));
    QCOMPARE(modules.buildIds, (QList<qint64>{m_ids[5], m_ids[2]}));
    const BuildAnalytics::ErrorGroup &npm = a.errorGroups[1];
    QCOMPARE(npm.pattern, QStringLiteral("npm ERR! code E404"));
    QCOMPARE(npm.example, QStringLiteral("npm ERR! code E404"));
    QCOMPARE(npm.count, 1);
    QCOMPARE(npm.buildIds, QList<qint64>{m_ids[6]});

    // Bounded: the newest builds of a group, and the most common groups.
    query.maxBuildsPerErrorGroup = 1;
    query.maxErrorGroups = 1;
    a = analyticsOf(query);
    QCOMPARE(a.errorGroups.size(), 1);
    QCOMPARE(a.errorGroups[0].count, 2);
    QCOMPARE(a.errorGroups[0].buildIds, QList<qint64>{m_ids[5]});
}

void tst_AnalyticsRepository::projectFilter()
{
    AnalyticsQuery query;
    query.projectId = m_projects[0].id;
    const BuildAnalytics a = analyticsOf(query);
    QCOMPARE(a.total, 7);
    QCOMPARE(a.succeeded, 4);
    QCOMPARE(a.failed, 1);
    QCOMPARE(a.successRate, 0.8);
    QCOMPARE(a.medianDurationMs, 105'000); // of 60, 90, 120, 150 s
    QCOMPARE(a.durations.size(), 4);
    QCOMPARE(a.slowest.constFirst().buildId, m_ids[9]);
    QCOMPARE(a.errorGroups.size(), 1);
    QCOMPARE(a.errorGroups[0].buildIds, QList<qint64>{m_ids[2]});
    QCOMPARE(a.phases[Phase::Install].builds, 3); // 20, 50, 60 s (build 4 skipped it)
}

void tst_AnalyticsRepository::periodFilter()
{
    AnalyticsQuery query;
    query.from = kStart.addDays(1);
    query.to = kStart.addDays(2);
    const BuildAnalytics a = analyticsOf(query);
    QCOMPARE(a.from, query.from);
    QCOMPARE(a.to, query.to);
    QCOMPARE(a.bucketMs, 3'600'000);
    QCOMPARE(a.total, 4); // builds 3, 4, 6, 7
    QCOMPARE(a.succeeded, 1);
    QCOMPARE(a.failed, 3);
    QCOMPARE(a.successRate, 0.25);
    QCOMPARE(a.medianDurationMs, 90'000);
    QCOMPARE(a.queue.medianMs, 4'500); // of 1, 3, 6, 8 s
    QCOMPARE(a.queue.p90Ms, 8'000);
    QCOMPARE(a.errorGroups.size(), 2);
}

void tst_AnalyticsRepository::emptyHistory()
{
    AnalyticsQuery query;
    query.from = kStart.addDays(100);
    const BuildAnalytics a = analyticsOf(query);
    QCOMPARE(a.total, 0);
    QCOMPARE(a.successRate, 0.0);
    QVERIFY(!a.medianDurationMs);
    QVERIFY(a.durations.isEmpty());
    QVERIFY(a.slowest.isEmpty());
    QVERIFY(a.successOverTime.isEmpty());
    QVERIFY(a.phases.isEmpty());
    QVERIFY(!a.queue.medianMs);
    QVERIFY(a.errorGroups.isEmpty());

    BuildRepository closed;
    auto notOpen = AnalyticsRepository(closed).analytics({});
    QVERIFY(!notOpen.ok());
    QCOMPARE(notOpen.error().code, QStringLiteral("NOT_OPEN"));
}

void tst_AnalyticsRepository::storeAnswersAsynchronously()
{
    m_repository.reset(); // one connection at a time is enough
    BuildStore store;
    auto opened = awaitJob(store.open(m_url));
    QVERIFY2(opened.ok(), qPrintable(describe(opened)));
    AnalyticsQuery query;
    query.projectId = m_projects[1].id;
    auto *job = store.analytics(query);
    QVERIFY(!job->isFinished()); // the query runs on the store's worker thread
    auto result = awaitJob(job);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().total, 3);
    QCOMPARE(result.value().durations.size(), 1);
    QCOMPARE(result.value().durations[0].slowestBuildId, m_ids[4]);
}

void tst_AnalyticsRepository::bucketSizeFollowsThePeriod_data()
{
    QTest::addColumn<qint64>("spanHours");
    QTest::addColumn<qint64>("bucketHours");
    QTest::newRow("a day") << qint64(24) << qint64(1);
    QTest::newRow("7 days") << qint64(7 * 24) << qint64(3);
    QTest::newRow("30 days") << qint64(30 * 24) << qint64(12);
    QTest::newRow("90 days") << qint64(90 * 24) << qint64(24);
    QTest::newRow("1 year") << qint64(365 * 24) << qint64(7 * 24);
    QTest::newRow("5 years") << qint64(5 * 365 * 24) << qint64(30 * 24);
}

void tst_AnalyticsRepository::bucketSizeFollowsThePeriod()
{
    QFETCH_GLOBAL(QString, backend);
    if (backend != QStringLiteral("sqlite"))
        QSKIP("no database involved: once is enough");
    QFETCH(qint64, spanHours);
    QFETCH(qint64, bucketHours);
    QCOMPARE(BuildAnalytics::bucketSizeFor(spanHours * 3'600'000), bucketHours * 3'600'000);
}

QTEST_GUILESS_MAIN(tst_AnalyticsRepository)
#include "tst_analyticsrepository.moc"
