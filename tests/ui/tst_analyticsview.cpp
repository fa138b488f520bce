#include "ui/AnalyticsView.h"

#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "ui/StatusStyle.h"

#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QLocale>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace vw;
using vw::engine::BuildHub;
using vw::ui::AnalyticsView;
using vw::ui::StatusStyle;

#define AWAIT_OK(variable, job)                                                                    \
    auto variable = awaitJob(job);                                                                 \
    QVERIFY2(variable.ok(), qPrintable(describe(variable)))

// AnalyticsView offscreen over a real SQLite store and BuildHub: the figures and charts show the
// store's history, the filters narrow it, a click on a chart point and an activated build of an
// error group open that build, a finished build refreshes the view; screenshots in light and
// dark palettes.
class tst_AnalyticsView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void showsTheFigures();
    void chartsHaveAPointPerBuild();
    void projectFilterNarrowsTheFigures();
    void clickingAPointActivatesItsBuild_data();
    void clickingAPointActivatesItsBuild();
    void errorGroupListsItsBuilds();
    void clickingAPeriodListsItsBuilds();
    void refreshesWhenABuildFinishes();
    void sentencesInTheBuildListWrap();
    void screenshots();

private:
    // Three projects, 48 builds over the last 24 days (every status, phases, error lines that
    // differ only in paths and numbers), oldest first.
    void seed();
    static bool awaitRefresh(AnalyticsView &view);
    QList<qint64> successfulDurations(std::optional<qint64> projectId = {}) const;
    static QPoint positionOf(QChartView *view, QXYSeries *series, int index);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    QList<Project> m_projects;
    QList<Build> m_builds;
};

void tst_AnalyticsView::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<BuildStore>();
    m_hub = std::make_unique<BuildHub>();
    AWAIT_OK(open,
             m_store->open(DatabaseUrl::sqlite(m_dir->filePath(QStringLiteral("vw.sqlite")))));
    seed();
    QCOMPARE(m_builds.size(), 48);
}

void tst_AnalyticsView::cleanup()
{
    m_store.reset();
    m_hub.reset();
    m_dir.reset();
    m_projects.clear();
    m_builds.clear();
}

void tst_AnalyticsView::seed()
{
    for (const QString &name :
         {QStringLiteral("web-shop"), QStringLiteral("api-gateway"), QStringLiteral("docs-site")}) {
        auto project = awaitJob(m_store->ensureProject(QStringLiteral("sandbox-7f3a"),
                                                       QStringLiteral("/workspace/") + name, name));
        if (!project)
            return;
        m_projects.append(project.value());
    }
    const QStringList errors{
        QStringLiteral("Error: Cannot find module '/workspace/web-shop/src/%1.js'"),
        QStringLiteral("npm ERR! code E404\nnpm ERR! 404 Not Found - GET "
                       "https://registry.npmjs.org/left-pad-%1"),
        QStringLiteral("Test suite timed out after %1 ms"),
    };
    static const QList<BuildStatus> endings{
        BuildStatus::Success, BuildStatus::Success,     BuildStatus::Failed,
        BuildStatus::Success, BuildStatus::Success,     BuildStatus::Cancelled,
        BuildStatus::Success, BuildStatus::Failed,      BuildStatus::Success,
        BuildStatus::Success, BuildStatus::Interrupted, BuildStatus::Failed};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 48; ++i) {
        Build b;
        b.projectId = m_projects[i % 3].id;
        b.sandboxId = QStringLiteral("sandbox-7f3a");
        b.trigger = QStringLiteral("manual");
        // Exactly 12 hours apart: one build in each 12-hour bucket of the 30-day period.
        b.createdAt = now.addSecs(-3600 * 12 * (48 - i) + 1800);
        b.status = endings[i % endings.size()];
        b.startedAt = b.createdAt.addSecs(1 + (i * 7) % 40);
        b.durationMs = 45'000 + qint64(i * 37'813) % 260'000;
        b.completedAt = b.startedAt.addMSecs(*b.durationMs);
        if (b.status == BuildStatus::Failed)
            b.errorMessage = errors[(i / 2) % errors.size()].arg(1000 + i * 13);
        const qint64 setup = 3'000 + i * 50;
        const qint64 install = *b.durationMs / 2;
        QDateTime at = b.startedAt;
        for (auto [phase, ms] : {std::pair{Phase::Setup, setup}, std::pair{Phase::Install, install},
                                 std::pair{Phase::Build, *b.durationMs - setup - install}}) {
            PhaseRecord &record = b.phaseRecord(phase);
            record.startedAt = at;
            record.durationMs = ms;
            at = at.addMSecs(ms);
            record.completedAt = at;
            record.exitCode = 0;
        }
        auto created = awaitJob(m_store->createBuild(b));
        if (!created)
            return;
        m_builds.append(created.value());
    }
}

bool tst_AnalyticsView::awaitRefresh(AnalyticsView &view)
{
    if (!view.isRefreshing())
        return true;
    QSignalSpy refreshed(&view, &AnalyticsView::refreshed);
    return refreshed.wait(10'000) && !view.isRefreshing();
}

QList<qint64> tst_AnalyticsView::successfulDurations(std::optional<qint64> projectId) const
{
    QList<qint64> durations;
    for (const Build &b : m_builds) {
        if (b.status == BuildStatus::Success && (!projectId || b.projectId == *projectId))
            durations.append(*b.durationMs);
    }
    std::sort(durations.begin(), durations.end());
    return durations;
}

// Where a point of a series is drawn, in the chart view's viewport.
QPoint tst_AnalyticsView::positionOf(QChartView *view, QXYSeries *series, int index)
{
    QChart *chart = view->chart();
    const QPointF inChart = chart->mapToPosition(series->at(index), series);
    return view->mapFromScene(chart->mapToScene(inChart));
}

void tst_AnalyticsView::showsTheFigures()
{
    AnalyticsView view(m_store.get(), m_hub.get());
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.period(), AnalyticsView::Period::Month);
    QTRY_COMPARE(view.projectComboBox()->count(), 4);
    QCOMPARE(view.projectComboBox()->itemText(1), QStringLiteral("api-gateway"));
    QCOMPARE(view.periodComboBox()->count(), 5);

    // 48 builds: 28 succeeded, 12 failed (endings repeat every 12: 7 successes, 3 failures).
    QCOMPARE(view.buildsLabel()->text(), QStringLiteral("48"));
    QCOMPARE(view.analytics().succeeded, 28);
    QCOMPARE(view.analytics().failed, 12);
    QCOMPARE(view.successRateLabel()->text(), QLocale().toString(70.0, 'f', 1) + " %");
    const QList<qint64> durations = successfulDurations();
    QCOMPARE(durations.size(), 28);
    const qint64 median = (durations[13] + durations[14]) / 2;
    QCOMPARE(view.medianDurationLabel()->text(), StatusStyle::duration(median));
    QVERIFY(view.queueTimeLabel()->text() != QStringLiteral("–"));
    QVERIFY(view.statusLabel()->text().isEmpty());

    // The error groups: three errors, each masked to one pattern whatever its path or number.
    QCOMPARE(view.errorTable()->rowCount(), 3);
    QStringList patterns;
    for (int row = 0; row < 3; ++row)
        patterns << view.errorTable()->item(row, 0)->text();
    patterns.sort();
    QCOMPARE(patterns, (QStringList{QStringLiteral("Error: Cannot find module '<str>'"),
                                    QStringLiteral("Test suite timed out after <n> ms"),
                                    QStringLiteral("npm ERR! code E404")}));
    for (QWidget *control :
         QList<QWidget *>{view.projectComboBox(), view.periodComboBox(), view.durationChartView(),
                          view.errorTable(), view.errorBuildList()})
        QVERIFY2(!control->accessibleName().isEmpty(), control->metaObject()->className());
}

void tst_AnalyticsView::chartsHaveAPointPerBuild()
{
    AnalyticsView view(m_store.get(), m_hub.get());
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.durationSeries()->count(), 28); // few builds: one point each
    QCOMPARE(view.bucketMedianSeries()->count(), 0);
    QCOMPARE(view.slowestSeries()->count(), 5);
    QCOMPARE(view.medianSeries()->count(), 2); // the reference line across the period
    QCOMPARE(view.medianSeries()->at(0).y(), view.medianSeries()->at(1).y());
    // 30 days in 12-hour buckets hold one build each (40 of them succeeded or failed); the chart
    // merges them three by three: 48 builds over 24 days make 16 or 17 points (by alignment),
    // each a rate of its three builds.
    QVERIFY2(view.successSeries()->count() >= 16 && view.successSeries()->count() <= 17,
             qPrintable(QString::number(view.successSeries()->count())));
    for (const QPointF &point : view.successSeries()->points()) {
        const double rate = point.y();
        const bool ofThreeOrFewer = qFuzzyCompare(rate + 1, 1.0) || qFuzzyCompare(rate, 100.0) ||
                                    qFuzzyCompare(rate, 50.0) || qFuzzyCompare(rate, 100.0 / 3) ||
                                    qFuzzyCompare(rate, 200.0 / 3);
        QVERIFY2(ofThreeOrFewer, qPrintable(QString::number(rate)));
    }
    QCOMPARE(view.phaseSeries()->count(), 2);
    for (QBarSet *set : view.phaseSeries()->barSets())
        QCOMPARE(set->count(), 4);
    // Complete never ran: zero; the others are there.
    QCOMPARE(view.phaseSeries()->barSets()[0]->at(3), 0.0);
    QVERIFY(view.phaseSeries()->barSets()[0]->at(1) > 0.0);

    // A shorter period: the week holds the last 14 builds.
    view.setPeriod(AnalyticsView::Period::Week);
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.buildsLabel()->text(), QStringLiteral("14"));
}

void tst_AnalyticsView::projectFilterNarrowsTheFigures()
{
    AnalyticsView view(m_store.get(), m_hub.get());
    QVERIFY(awaitRefresh(view));
    QTRY_COMPARE(view.projectComboBox()->count(), 4);
    const int index = view.projectComboBox()->findText(QStringLiteral("docs-site"));
    QVERIFY(index > 0);
    view.projectComboBox()->setCurrentIndex(index);
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.projectFilter(), m_projects[2].id);
    QCOMPARE(view.buildsLabel()->text(), QStringLiteral("16"));
    QCOMPARE(view.durationSeries()->count(), successfulDurations(m_projects[2].id).size());
}

void tst_AnalyticsView::clickingAPointActivatesItsBuild_data()
{
    QTest::addColumn<bool>("slowest"); // a point of the slowest builds' series, or any build
    QTest::addColumn<int>("index");
    QTest::newRow("the slowest build") << true << 0;
    QTest::newRow("the third slowest") << true << 2;
    QTest::newRow("the first build") << false << 0;
    QTest::newRow("a build in the middle") << false << 13;
}

void tst_AnalyticsView::clickingAPointActivatesItsBuild()
{
    QFETCH(bool, slowest);
    QFETCH(int, index);
    AnalyticsView view(m_store.get(), m_hub.get());
    view.resize(1100, 820);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QTest::qWait(50); // the chart lays its plot area out

    qint64 expected = 0;
    QXYSeries *series = nullptr;
    if (slowest) {
        series = view.slowestSeries();
        expected = view.analytics().slowest[index].buildId;
        // The slowest builds in descending order of duration, from the fixture.
        QList<Build> successes;
        for (const Build &b : std::as_const(m_builds))
            if (b.status == BuildStatus::Success)
                successes.append(b);
        std::sort(successes.begin(), successes.end(), [](const Build &a, const Build &b) {
            return *a.durationMs != *b.durationMs ? *a.durationMs > *b.durationMs : a.id > b.id;
        });
        QCOMPARE(expected, successes[index].id);
    } else {
        series = view.durationSeries();
        QList<qint64> ids;
        for (const Build &b : std::as_const(m_builds))
            if (b.status == BuildStatus::Success)
                ids.append(b.id);
        expected = ids[index];
    }
    QSignalSpy activated(&view, &AnalyticsView::buildActivated);
    QTest::mouseClick(view.durationChartView()->viewport(), Qt::LeftButton, {},
                      positionOf(view.durationChartView(), series, index));
    QTRY_COMPARE(activated.count(), 1);
    QCOMPARE(activated.constFirst().constFirst().toLongLong(), expected);
}

void tst_AnalyticsView::errorGroupListsItsBuilds()
{
    AnalyticsView view(m_store.get(), m_hub.get());
    view.resize(1100, 820);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.errorBuildList()->count(), 0);

    // The module-not-found group: its failed builds, newest first.
    int row = -1;
    for (int r = 0; r < view.errorTable()->rowCount(); ++r)
        if (view.errorTable()->item(r, 0)->text().startsWith(QStringLiteral("Error: Cannot")))
            row = r;
    QVERIFY(row >= 0);
    QList<qint64> expected;
    for (const Build &b : std::as_const(m_builds))
        if (b.errorMessage.startsWith(QStringLiteral("Error: Cannot find module")))
            expected.prepend(b.id);
    QCOMPARE(view.errorTable()->item(row, 1)->text(), QString::number(expected.size()));
    view.errorTable()->selectRow(row);
    QCOMPARE(view.errorBuildList()->count(), expected.size());
    for (int i = 0; i < expected.size(); ++i)
        QCOMPARE(view.errorBuildList()->item(i)->text(),
                 QStringLiteral("Build #%1").arg(expected[i]));

    QSignalSpy activated(&view, &AnalyticsView::buildActivated);
    view.errorBuildList()->setFocus();
    view.errorBuildList()->setCurrentRow(1);
    QTest::keyClick(view.errorBuildList(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.constFirst().constFirst().toLongLong(), expected[1]);
}

void tst_AnalyticsView::clickingAPeriodListsItsBuilds()
{
    // 240 more successful builds, one every 3 hours: too many for a point per build, so a
    // point stands for a period (bucket) and a click lists that period's builds.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 240; ++i) {
        Build b;
        b.projectId = m_projects[i % 3].id;
        b.sandboxId = QStringLiteral("sandbox-7f3a");
        b.createdAt = now.addSecs(-3600 * 3 * (240 - i));
        b.status = BuildStatus::Success;
        b.startedAt = b.createdAt.addSecs(2);
        b.durationMs = 30'000 + qint64(i * 7'919) % 200'000;
        b.completedAt = b.startedAt.addMSecs(*b.durationMs);
        auto created = awaitJob(m_store->createBuild(b));
        QVERIFY(created.ok());
        m_builds.append(created.value());
    }
    AnalyticsView view(m_store.get(), m_hub.get());
    view.resize(1100, 820);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QTest::qWait(50); // the chart lays its plot area out
    const BuildAnalytics a = view.analytics();
    QVERIFY(!a.durationsPerBuild);
    // A period with several builds, in the middle of the chart.
    int index = int(a.durations.size() / 2);
    while (index < a.durations.size() && a.durations[index].builds < 2)
        ++index;
    QVERIFY(index < a.durations.size());
    const BuildAnalytics::DurationPoint point = a.durations[index];
    QList<Build> expected;
    for (const Build &b : std::as_const(m_builds))
        if (b.status == BuildStatus::Success && b.createdAt >= point.at &&
            b.createdAt < point.at.addMSecs(a.bucketMs))
            expected.append(b);
    std::sort(expected.begin(), expected.end(), [](const Build &x, const Build &y) {
        return *x.durationMs != *y.durationMs ? *x.durationMs > *y.durationMs : x.id > y.id;
    });
    QCOMPARE(qint64(expected.size()), point.builds);
    QCOMPARE(expected.constFirst().id, point.slowestBuildId);

    QSignalSpy shown(&view, &AnalyticsView::periodBuildsShown);
    QSignalSpy activated(&view, &AnalyticsView::buildActivated);
    QTest::mouseClick(view.durationChartView()->viewport(), Qt::LeftButton, {},
                      positionOf(view.durationChartView(), view.durationSeries(), index));
    QVERIFY(shown.wait(10'000));
    QCOMPARE(activated.count(), 0); // a period is listed, not opened
    QCOMPARE(view.errorBuildList()->count(), expected.size());
    for (int i = 0; i < expected.size(); ++i)
        QVERIFY2(view.errorBuildList()->item(i)->text().startsWith(
                     QStringLiteral("Build #%1 · ").arg(expected[i].id)),
                 qPrintable(view.errorBuildList()->item(i)->text()));
    view.errorBuildList()->setFocus();
    view.errorBuildList()->setCurrentRow(0);
    QTest::keyClick(view.errorBuildList(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.constFirst().constFirst().toLongLong(), expected.constFirst().id);
}

void tst_AnalyticsView::refreshesWhenABuildFinishes()
{
    AnalyticsView view(m_store.get(), m_hub.get());
    view.setRefreshDelay(20);
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.analytics().total, 48);

    Build b;
    b.projectId = m_projects[0].id;
    b.sandboxId = QStringLiteral("sandbox-7f3a");
    b.status = BuildStatus::Success;
    b.startedAt = QDateTime::currentDateTimeUtc();
    b.durationMs = 999'000;
    b.completedAt = b.startedAt.addMSecs(*b.durationMs);
    AWAIT_OK(created, m_store->createBuild(b));
    QSignalSpy refreshed(&view, &AnalyticsView::refreshed);
    // A burst of announcements costs one query.
    m_hub->announceFinished(created.value());
    m_hub->announceFinished(created.value());
    QVERIFY(refreshed.wait(10'000));
    QCOMPARE(view.analytics().total, 49);
    QCOMPARE(view.analytics().slowest.constFirst().buildId, created.value().id);
    QTest::qWait(100);
    QCOMPARE(refreshed.count(), 1);
}

void tst_AnalyticsView::sentencesInTheBuildListWrap()
{
    // A store without failed builds: the list beside the errors says so in a sentence.
    BuildStore empty;
    AWAIT_OK(open,
             empty.open(DatabaseUrl::sqlite(m_dir->filePath(QStringLiteral("empty.sqlite")))));
    AnalyticsView view(&empty, m_hub.get());
    view.resize(900, 640);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QListWidget *list = view.errorBuildList();
    QCOMPARE(list->count(), 1);
    QListWidgetItem *sentence = list->item(0);
    QCOMPARE(sentence->text(), QStringLiteral("No failed builds with an error line"));
    const int available = list->viewport()->width();
    QVERIFY2(list->fontMetrics().horizontalAdvance(sentence->text()) > available,
             "the list is wide enough for the sentence: make the window narrower");
    // Wrapped onto several lines within the list, not cut off.
    const QRect shown = list->visualItemRect(sentence);
    QVERIFY2(shown.width() <= available, qPrintable(QString::number(shown.width())));
    QVERIFY2(shown.height() >= 2 * list->fontMetrics().height(),
             qPrintable(QString::number(shown.height())));
}

void tst_AnalyticsView::screenshots()
{
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    AnalyticsView view(m_store.get(), m_hub.get());
    view.resize(1100, 820);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QTRY_COMPARE(view.projectComboBox()->count(), 4);
    view.errorTable()->selectRow(0);
    QTest::qWait(100);
    QVERIFY(view.grab().save(dir + QStringLiteral("/analytics.png")));

    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xdd, 0xdd, 0xdd));
    dark.setColor(QPalette::WindowText, QColor(0xdd, 0xdd, 0xdd));
    dark.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3a));
    dark.setColor(QPalette::ButtonText, QColor(0xdd, 0xdd, 0xdd));
    dark.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    view.setPalette(dark);
    QTest::qWait(100);
    // The charts follow the palette: a dark plot behind light labels.
    QVERIFY(view.durationChartView()->chart()->backgroundBrush().color().lightness() < 128);
    QVERIFY(view.durationChartView()->chart()->titleBrush().color().lightness() > 128);
    QVERIFY(view.grab().save(dir + QStringLiteral("/analytics-dark.png")));
}

QTEST_MAIN(tst_AnalyticsView)
#include "tst_analyticsview.moc"
