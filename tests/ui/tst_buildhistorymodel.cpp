#include "ui/BuildHistoryModel.h"

#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "ui/StatusStyle.h"

#include <QIcon>
#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vw;
using vw::engine::BuildHub;
using vw::ui::BuildHistoryModel;
using vw::ui::StatusStyle;

#define AWAIT_OK(variable, job)                                                                    \
    auto variable = awaitJob(job);                                                                 \
    QVERIFY2(variable.ok(), qPrintable(describe(variable)))

Q_DECLARE_METATYPE(std::optional<vw::BuildStatus>)

// BuildHistoryModel over a real SQLite store and a real BuildHub: the columns, paging on demand
// with a bounded cache, sorting by every column, filters, and live updates from the hub.
class tst_BuildHistoryModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void columnsShowTheBuild();
    void pagesLoadOnDemandWithABoundedCache();
    void sortsByEveryColumn_data();
    void sortsByEveryColumn();
    void filtersNarrowTheRows_data();
    void filtersNarrowTheRows();
    void severalChangesCostOneQuery();
    void changedBuildUpdatesItsRowInPlace();
    void createdBuildAppearsOnTop();
    void finishedBuildLeavesAStatusFilter();

private:
    // Builds i = 0…count-1 over three projects, every status, created one hour apart from
    // 2026-03-01 12:00 local time; returns them as stored (ids ascending).
    QList<Build> seed(int count);
    // Waits for the model's current query; false on timeout.
    static bool awaitRefresh(BuildHistoryModel &model);
    // Reads every row, waiting for the pages; the builds in row order.
    static QList<Build> loadAll(BuildHistoryModel &model);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    QList<Project> m_projects;
};

namespace {

const QDateTime kFirstCreated(QDate(2026, 3, 1), QTime(12, 0));

} // namespace

void tst_BuildHistoryModel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<BuildStore>();
    m_hub = std::make_unique<BuildHub>();
    AWAIT_OK(open,
             m_store->open(DatabaseUrl::sqlite(m_dir->filePath(QStringLiteral("vw.sqlite")))));
    m_projects.clear();
    for (const QString &name :
         {QStringLiteral("web-shop"), QStringLiteral("API"), QStringLiteral("docs")}) {
        AWAIT_OK(project,
                 m_store->ensureProject(QStringLiteral("sb"), QLatin1Char('/') + name, name));
        m_projects.append(project.value());
    }
}

void tst_BuildHistoryModel::cleanup()
{
    m_store.reset();
    m_hub.reset();
    m_dir.reset();
}

QList<Build> tst_BuildHistoryModel::seed(int count)
{
    const QStringList triggers{QStringLiteral("manual"), QStringLiteral("cli"),
                               QStringLiteral("agent"), QStringLiteral("rebuild")};
    const QList<vw::BuildStatus> &statuses = allBuildStatuses();
    QList<AsyncJobOf<Build> *> jobs;
    for (int i = 0; i < count; ++i) {
        Build b;
        b.projectId = m_projects[i % 3].id;
        b.sandboxId = QStringLiteral("sb");
        b.status = statuses[(i * 5) % statuses.size()];
        b.trigger = i % 7 == 6 ? QString() : triggers[i % 4];
        b.createdAt = kFirstCreated.addSecs(i * 3600);
        if (b.status != vw::BuildStatus::Queued)
            b.startedAt = b.createdAt.addSecs(i % 5);
        if (isFinished(b.status))
            b.durationMs = 1000 + (i * 7919) % 600'000;
        if (b.status == vw::BuildStatus::Failed)
            b.errorMessage = i % 4 == 3
                                 ? QStringLiteral("npm ERR! code E404\nnpm ERR! 404 Not Found")
                                 : QStringLiteral("error TS2304: Cannot find name 'foo'");
        jobs.append(m_store->createBuild(b));
    }
    QList<Build> stored;
    for (AsyncJobOf<Build> *job : jobs) {
        auto result = awaitJob(job);
        if (!result)
            return {};
        stored.append(result.value());
    }
    return stored;
}

bool tst_BuildHistoryModel::awaitRefresh(BuildHistoryModel &model)
{
    if (!model.isRefreshing())
        return true;
    QSignalSpy refreshed(&model, &BuildHistoryModel::refreshed);
    return refreshed.wait(10'000);
}

QList<Build> tst_BuildHistoryModel::loadAll(BuildHistoryModel &model)
{
    QList<Build> rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (!model.isRowLoaded(row)) {
            QSignalSpy pageLoaded(&model, &BuildHistoryModel::pageLoaded);
            model.index(row, 0).data(); // asks for the page
            if (!pageLoaded.wait(10'000))
                return {};
        }
        rows.append(*model.buildAt(row));
    }
    return rows;
}

void tst_BuildHistoryModel::columnsShowTheBuild()
{
    const QList<Build> builds = seed(12);
    QCOMPARE(builds.size(), 12);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    QVERIFY(awaitRefresh(model));
    QCOMPARE(model.rowCount(), 12);
    QCOMPARE(model.columnCount(), int(BuildHistoryModel::ColumnCount));
    QCOMPARE(model.headerData(BuildHistoryModel::DurationColumn, Qt::Horizontal).toString(),
             QStringLiteral("Duration"));

    // Newest first: row 0 is the last build created.
    for (int row = 0; row < 12; ++row) {
        const Build &b = builds[11 - row];
        auto cell = [&](int column, int role = Qt::DisplayRole) {
            return model.index(row, column).data(role);
        };
        QCOMPARE(cell(0, BuildHistoryModel::BuildIdRole).toLongLong(), b.id);
        QCOMPARE(cell(BuildHistoryModel::ProjectColumn).toString(),
                 m_projects[(11 - row) % 3].name);
        QCOMPARE(cell(BuildHistoryModel::StatusColumn).toString(), StatusStyle::label(b.status));
        QVERIFY(!cell(BuildHistoryModel::StatusColumn, Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(cell(BuildHistoryModel::TriggerColumn).toString(),
                 b.trigger.isEmpty() ? QStringLiteral("—") : b.trigger);
        QCOMPARE(cell(BuildHistoryModel::StartedColumn).toString(),
                 b.startedAt.isValid()
                     ? QLocale().toString(b.startedAt.toLocalTime(), QLocale::ShortFormat)
                     : QStringLiteral("—"));
        QCOMPARE(cell(BuildHistoryModel::DurationColumn).toString(),
                 b.durationMs ? StatusStyle::duration(*b.durationMs) : QStringLiteral("—"));
        // The error column shows the first line; the tooltip all of it.
        QCOMPARE(cell(BuildHistoryModel::ErrorColumn).toString(),
                 b.errorMessage.section(QLatin1Char('\n'), 0, 0));
        QCOMPARE(cell(BuildHistoryModel::ErrorColumn, Qt::ToolTipRole).toString(), b.errorMessage);
    }
}

void tst_BuildHistoryModel::pagesLoadOnDemandWithABoundedCache()
{
    const QList<Build> builds = seed(1000);
    QCOMPARE(builds.size(), 1000);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    model.setPageSize(50);
    model.setMaxCachedPages(4);
    // The first page is shown before the count is in; then the rows grow to the total.
    QList<int> rowsAtFirstPage;
    connect(&model, &BuildHistoryModel::rowsAvailable, this,
            [&] { rowsAtFirstPage.append(model.rowCount()); });
    QSignalSpy inserted(&model, &BuildHistoryModel::rowsInserted);
    QVERIFY(awaitRefresh(model));
    QCOMPARE(rowsAtFirstPage, QList<int>{50});
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 50);
    QCOMPARE(inserted.at(0).at(2).toInt(), 999);
    QCOMPARE(model.rowCount(), 1000);
    QCOMPARE(model.loadedPageCount(), 1); // one page and the count, nothing more
    QVERIFY(model.isRowLoaded(49));
    QVERIFY(!model.isRowLoaded(50));

    // An unloaded row reads "Loading…" until its page arrives.
    QSignalSpy pageLoaded(&model, &BuildHistoryModel::pageLoaded);
    QSignalSpy dataChanged(&model, &BuildHistoryModel::dataChanged);
    QCOMPARE(model.index(520, BuildHistoryModel::ProjectColumn).data().toString(),
             QStringLiteral("Loading…"));
    QVERIFY(!model.index(520, 0).data(BuildHistoryModel::BuildIdRole).isValid());
    QVERIFY(pageLoaded.wait(10'000));
    QCOMPARE(pageLoaded.takeFirst().at(0).toInt(), 10);
    QCOMPARE(dataChanged.count(), 1);
    QCOMPARE(dataChanged.at(0).at(0).value<QModelIndex>().row(), 500);
    QCOMPARE(dataChanged.at(0).at(1).value<QModelIndex>().row(), 549);
    QCOMPARE(model.index(520, 0).data(BuildHistoryModel::BuildIdRole).toLongLong(),
             builds[1000 - 1 - 520].id);

    // Walking through the whole list keeps at most four pages.
    const QList<Build> rows = loadAll(model);
    QCOMPARE(rows.size(), 1000);
    for (int row = 0; row < 1000; ++row)
        QCOMPARE(rows[row].id, builds[999 - row].id);
    QVERIFY(model.loadedPageCount() <= 4);
    QVERIFY(model.isRowLoaded(999));
    QVERIFY(!model.isRowLoaded(0)); // the least recently used went first
}

void tst_BuildHistoryModel::sortsByEveryColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    const QList<std::pair<const char *, int>> columns{
        {"project", BuildHistoryModel::ProjectColumn},
        {"status", BuildHistoryModel::StatusColumn},
        {"trigger", BuildHistoryModel::TriggerColumn},
        {"started", BuildHistoryModel::StartedColumn},
        {"duration", BuildHistoryModel::DurationColumn},
        {"error", BuildHistoryModel::ErrorColumn},
    };
    for (const auto &[name, column] : columns) {
        QTest::addRow("%s ascending", name) << column << Qt::AscendingOrder;
        QTest::addRow("%s descending", name) << column << Qt::DescendingOrder;
    }
}

void tst_BuildHistoryModel::sortsByEveryColumn()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QCOMPARE(seed(90).size(), 90);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    model.setPageSize(25);
    QVERIFY(awaitRefresh(model));
    model.sort(column, order);
    QVERIFY(model.isRefreshing());
    QVERIFY(awaitRefresh(model));
    const QList<Build> rows = loadAll(model);
    QCOMPARE(rows.size(), 90);

    // The key each row is sorted by; nullopt: no value (these come last in both orders).
    auto key = [&](const Build &b) -> std::optional<QVariant> {
        switch (column) {
        case BuildHistoryModel::ProjectColumn:
            return QVariant(model.projectName(b.projectId).toLower());
        case BuildHistoryModel::StatusColumn:
            return QVariant(int(b.status));
        case BuildHistoryModel::TriggerColumn:
            return b.trigger.isEmpty() ? std::nullopt : std::optional<QVariant>(b.trigger);
        case BuildHistoryModel::StartedColumn:
            return b.startedAt.isValid() ? std::optional<QVariant>(b.startedAt.toMSecsSinceEpoch())
                                         : std::nullopt;
        case BuildHistoryModel::DurationColumn:
            return b.durationMs ? std::optional<QVariant>(*b.durationMs) : std::nullopt;
        default:
            return b.errorMessage.isEmpty() ? std::nullopt
                                            : std::optional<QVariant>(b.errorMessage.toLower());
        }
    };
    bool seenMissing = false;
    int distinctKeys = 1;
    for (int row = 1; row < rows.size(); ++row) {
        const auto previous = key(rows[row - 1]);
        const auto current = key(rows[row]);
        if (!current) {
            seenMissing = true;
            continue;
        }
        QVERIFY2(!seenMissing, "a build with a value after one without");
        QVERIFY(previous.has_value());
        const auto ordering = QVariant::compare(*previous, *current);
        if (ordering == QPartialOrdering::Equivalent) {
            // Ties: by id, in the same direction.
            QVERIFY(order == Qt::AscendingOrder ? rows[row - 1].id < rows[row].id
                                                : rows[row - 1].id > rows[row].id);
            continue;
        }
        ++distinctKeys;
        QCOMPARE(ordering,
                 order == Qt::AscendingOrder ? QPartialOrdering::Less : QPartialOrdering::Greater);
    }
    QVERIFY(distinctKeys >= 2); // the column really was sorted, not a single value
}

void tst_BuildHistoryModel::filtersNarrowTheRows_data()
{
    QTest::addColumn<int>("projectIndex"); // -1: any
    QTest::addColumn<std::optional<vw::BuildStatus>>("status");
    QTest::addColumn<QDate>("from");
    QTest::addColumn<QDate>("to");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected");
    const std::optional<vw::BuildStatus> any;
    // 120 builds, one an hour from 2026-03-01 12:00: 12 on March 1st, 24 a day after that, 12
    // on March 6th. Failed: i ≡ 3 (mod 6), all of project 0, "E404" when i ≡ 3 (mod 4), else
    // "TS2304". Trigger "rebuild": i ≡ 3 (mod 4) unless i ≡ 6 (mod 7).
    QTest::newRow("none") << -1 << any << QDate() << QDate() << QString() << 120;
    QTest::newRow("project") << 1 << any << QDate() << QDate() << QString() << 40;
    QTest::newRow("status") << -1 << std::optional(vw::BuildStatus::Failed) << QDate() << QDate()
                            << QString() << 20;
    QTest::newRow("from") << -1 << any << QDate(2026, 3, 5) << QDate() << QString() << 36;
    QTest::newRow("to") << -1 << any << QDate() << QDate(2026, 3, 2) << QString() << 36;
    QTest::newRow("one day") << -1 << any << QDate(2026, 3, 3) << QDate(2026, 3, 3) << QString()
                             << 24;
    QTest::newRow("text") << -1 << any << QDate() << QDate() << QStringLiteral("e404") << 10;
    QTest::newRow("text, any case, trimmed")
        << -1 << any << QDate() << QDate() << QStringLiteral("  ReBuild ") << 26;
    QTest::newRow("combined") << 0 << std::optional(vw::BuildStatus::Failed) << QDate() << QDate()
                              << QStringLiteral("ts2304") << 10;
    QTest::newRow("nothing") << -1 << any << QDate() << QDate() << QStringLiteral("no such text")
                             << 0;
}

void tst_BuildHistoryModel::filtersNarrowTheRows()
{
    QFETCH(int, projectIndex);
    QFETCH(std::optional<vw::BuildStatus>, status);
    QFETCH(QDate, from);
    QFETCH(QDate, to);
    QFETCH(QString, text);
    QFETCH(int, expected);
    const QList<Build> builds = seed(120);
    QCOMPARE(builds.size(), 120);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    model.setPageSize(50);
    QVERIFY(awaitRefresh(model));
    QCOMPARE(model.rowCount(), 120);
    QVERIFY(!model.hasFilters());

    model.setProjectFilter(projectIndex >= 0 ? std::optional(m_projects[projectIndex].id)
                                             : std::nullopt);
    model.setStatusFilter(status);
    model.setDateRange(from, to);
    model.setTextFilter(text);
    QVERIFY(awaitRefresh(model));
    QCOMPARE(model.rowCount(), expected);
    QCOMPARE(model.hasFilters(), expected != 120);
    for (const Build &b : loadAll(model)) {
        if (projectIndex >= 0)
            QCOMPARE(b.projectId, m_projects[projectIndex].id);
        if (status)
            QCOMPARE(b.status, *status);
        if (from.isValid())
            QVERIFY(b.createdAt.toLocalTime().date() >= from);
        if (to.isValid())
            QVERIFY(b.createdAt.toLocalTime().date() <= to);
    }

    // Clearing every filter brings all builds back.
    model.setProjectFilter(std::nullopt);
    model.setStatusFilter(std::nullopt);
    model.setDateRange({}, {});
    model.setTextFilter({});
    QVERIFY(awaitRefresh(model));
    QCOMPARE(model.rowCount(), 120);
}

void tst_BuildHistoryModel::severalChangesCostOneQuery()
{
    QCOMPARE(seed(30).size(), 30);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    QVERIFY(awaitRefresh(model));
    QSignalSpy refreshed(&model, &BuildHistoryModel::refreshed);
    QSignalSpy reset(&model, &BuildHistoryModel::modelReset);
    model.setStatusFilter(vw::BuildStatus::Success);
    model.sort(BuildHistoryModel::DurationColumn, Qt::DescendingOrder);
    model.setTextFilter(QStringLiteral("agent"));
    QVERIFY(refreshed.wait(10'000));
    QTest::qWait(50); // nothing else is on its way
    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(reset.count(), 1);
    // i ≡ 2 (mod 6) succeeded; of those, "agent" triggered the ones with i ≡ 2 (mod 4) and
    // i mod 7 ≠ 6.
    int expected = 0;
    for (int i = 0; i < 30; ++i)
        expected += (i * 5) % 6 == 2 && i % 4 == 2 && i % 7 != 6;
    QCOMPARE(model.rowCount(), expected);
}

void tst_BuildHistoryModel::changedBuildUpdatesItsRowInPlace()
{
    QList<Build> builds = seed(10);
    QCOMPARE(builds.size(), 10);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    model.setLiveRefreshDelay(20);
    QVERIFY(awaitRefresh(model));
    const int row = model.rowOfBuild(builds[4].id);
    QCOMPARE(row, 5);

    QSignalSpy dataChanged(&model, &BuildHistoryModel::dataChanged);
    QSignalSpy reset(&model, &BuildHistoryModel::modelReset);
    Build changed = builds[4];
    changed.status = vw::BuildStatus::Failed;
    changed.errorMessage = QStringLiteral("Error: Cannot find module 'vite'");
    changed.durationMs = 61'000;
    AWAIT_OK(updated, m_store->updateBuild(changed));
    m_hub->announceChanged(updated.value());
    QCOMPARE(dataChanged.count(), 1); // at once, from the signal: no query involved
    QCOMPARE(dataChanged.at(0).at(0).value<QModelIndex>().row(), row);
    QCOMPARE(model.index(row, BuildHistoryModel::StatusColumn).data().toString(),
             StatusStyle::label(vw::BuildStatus::Failed));
    QCOMPARE(model.index(row, BuildHistoryModel::ErrorColumn).data().toString(),
             changed.errorMessage);
    QCOMPARE(model.index(row, BuildHistoryModel::DurationColumn).data().toString(),
             StatusStyle::duration(61'000));
    // Newest first, no filter: the change moves nothing, so nothing is queried again.
    QTest::qWait(100);
    QCOMPARE(reset.count(), 0);
}

void tst_BuildHistoryModel::createdBuildAppearsOnTop()
{
    QCOMPARE(seed(10).size(), 10);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    model.setLiveRefreshDelay(20);
    QVERIFY(awaitRefresh(model));

    // A build of a project the model has not seen yet.
    AWAIT_OK(project, m_store->ensureProject(QStringLiteral("sb"), QStringLiteral("/mobile"),
                                             QStringLiteral("mobile-app")));
    Build b;
    b.projectId = project.value().id;
    b.sandboxId = QStringLiteral("sb");
    b.trigger = QStringLiteral("agent");
    AWAIT_OK(created, m_store->createBuild(b));
    QSignalSpy refreshed(&model, &BuildHistoryModel::refreshed);
    QSignalSpy projectsChanged(&model, &BuildHistoryModel::projectsChanged);
    m_hub->announceCreated(created.value());
    QVERIFY(refreshed.wait(10'000));
    QCOMPARE(refreshed.count(), 1);
    QCOMPARE(model.rowCount(), 11);
    QCOMPARE(model.index(0, 0).data(BuildHistoryModel::BuildIdRole).toLongLong(),
             created.value().id);
    QTRY_COMPARE(projectsChanged.count(), 1);
    QCOMPARE(model.index(0, BuildHistoryModel::ProjectColumn).data().toString(),
             QStringLiteral("mobile-app"));

    // A build of another project does not touch a project-filtered list.
    model.setProjectFilter(m_projects[0].id);
    QVERIFY(awaitRefresh(model));
    const int before = model.rowCount();
    Build other = b;
    AWAIT_OK(created2, m_store->createBuild(other));
    QSignalSpy reset(&model, &BuildHistoryModel::modelReset);
    m_hub->announceCreated(created2.value());
    QTest::qWait(100);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.rowCount(), before);
}

void tst_BuildHistoryModel::finishedBuildLeavesAStatusFilter()
{
    QList<Build> builds = seed(12);
    QCOMPARE(builds.size(), 12);
    BuildHistoryModel model(m_store.get(), m_hub.get());
    model.setLiveRefreshDelay(20);
    model.setStatusFilter(vw::BuildStatus::Running);
    QVERIFY(awaitRefresh(model));
    QCOMPARE(model.rowCount(), 2); // i = 5 and 11

    Build running = builds[11];
    QCOMPARE(running.status, vw::BuildStatus::Running);
    running.status = vw::BuildStatus::Success;
    running.completedAt = running.startedAt.addSecs(42);
    running.durationMs = 42'000;
    AWAIT_OK(updated, m_store->updateBuild(running));
    QSignalSpy refreshed(&model, &BuildHistoryModel::refreshed);
    m_hub->announceChanged(updated.value());
    m_hub->announceFinished(updated.value());
    QVERIFY(refreshed.wait(10'000));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data(BuildHistoryModel::BuildIdRole).toLongLong(), builds[5].id);
    QTest::qWait(60);
    QCOMPARE(refreshed.count(), 1); // both announcements, one query
}

QTEST_MAIN(tst_BuildHistoryModel)
#include "tst_buildhistorymodel.moc"
