#include "AwaitJob.h"
#include "StoreTestDatabases.h"

#include "models/BuildRepository.h"

#include <QTest>

#include <algorithm>
#include <memory>

using namespace vw;

Q_DECLARE_METATYPE(vw::BuildSortColumn)

// BuildRepository::builds() sorted by every column, in both orders, with filters and small
// pages: the pages, put together, are exactly the matching builds in the order a reference
// implementation (written here in C++) gives — ties broken by id, builds without a value last.
// Every test runs on SQLite and on PostgreSQL.
class tst_BuildQuerySort : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { StoreTestDatabases::addBackendRows(); }

    void pagesFollowTheSortOrder_data();
    void pagesFollowTheSortOrder();
    void missingValuesComeLast_data();
    void missingValuesComeLast();
    void skippingTheCountKeepsThePage();

private:
    // The shared data set of the current backend, created on first use.
    BuildRepository *repository();

    StoreTestDatabases m_databases;
    std::unique_ptr<BuildRepository> m_repository;
    QString m_repositoryBackend;
    QList<Build> m_builds;
    QHash<qint64, QString> m_projectNames;
};

namespace {

const qint64 kStart = 1'750'000'000'000;
const qint64 kHour = 3'600'000;
const int kBuildCount = 60;

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

enum class Filter { None, Project, Statuses, Text, DateRange };

BuildQuery filtered(Filter filter, qint64 projectId)
{
    BuildQuery q;
    switch (filter) {
    case Filter::None:
        break;
    case Filter::Project:
        q.projectId = projectId;
        break;
    case Filter::Statuses:
        q.statuses = {BuildStatus::Failed, BuildStatus::Interrupted, BuildStatus::Running};
        break;
    case Filter::Text:
        q.text = QStringLiteral("ERR");
        break;
    case Filter::DateRange:
        q.createdFrom = at(kStart + 10 * kHour);
        q.createdTo = at(kStart + 45 * kHour);
        break;
    }
    return q;
}

bool matches(const BuildQuery &q, const Build &b)
{
    if (q.projectId && b.projectId != *q.projectId)
        return false;
    if (!q.statuses.isEmpty() && !q.statuses.contains(b.status))
        return false;
    if (q.createdFrom.isValid() && b.createdAt < q.createdFrom)
        return false;
    if (q.createdTo.isValid() && b.createdAt >= q.createdTo)
        return false;
    if (!q.text.isEmpty()) {
        const QString needle = q.text.toLower();
        const bool any =
            b.errorMessage.toLower().contains(needle) || b.currentStep.toLower().contains(needle) ||
            b.trigger.toLower().contains(needle) || b.stack.toLower().contains(needle) ||
            b.daytonaSessionId.toLower().contains(needle);
        if (!any)
            return false;
    }
    return true;
}

// The sort key of a build as a byte string (text, lower-cased) or number; nullopt: no value.
std::optional<QByteArray> textKey(const QString &s)
{
    return s.isEmpty() ? std::nullopt : std::optional<QByteArray>(s.toLower().toUtf8());
}

std::optional<qint64> numberKey(BuildSortColumn column, const Build &b)
{
    switch (column) {
    case BuildSortColumn::Newest:
        return b.id;
    case BuildSortColumn::StatusRank:
        return qint64(allBuildStatuses().indexOf(b.status));
    case BuildSortColumn::Started:
        return b.startedAt.isValid() ? std::optional<qint64>(b.startedAt.toMSecsSinceEpoch())
                                     : std::nullopt;
    case BuildSortColumn::Duration:
        return b.durationMs;
    default:
        return std::nullopt;
    }
}

// The reference order: -1, 0, 1 as a comes before, ties with, or after b (ignoring the id).
template<typename Key>
int compareKeys(const std::optional<Key> &a, const std::optional<Key> &b, Qt::SortOrder order)
{
    if (!a && !b)
        return 0;
    if (!a)
        return 1; // missing values last, in both orders
    if (!b)
        return -1;
    if (*a == *b)
        return 0;
    const bool less = *a < *b;
    return (order == Qt::AscendingOrder) == less ? -1 : 1;
}

} // namespace

BuildRepository *tst_BuildQuerySort::repository()
{
    const QString backend = StoreTestDatabases::currentBackend();
    if (m_repository && m_repositoryBackend == backend)
        return m_repository.get();
    m_repository.reset();
    m_builds.clear();
    m_projectNames.clear();
    const QString url = m_databases.freshUrl(backend);
    if (url.isEmpty()) {
        qWarning("%s", qPrintable(m_databases.error()));
        return nullptr;
    }
    auto repo = std::make_unique<BuildRepository>();
    auto parsed = DatabaseUrl::parse(url);
    if (!parsed || !repo->open(parsed.value()))
        return nullptr;

    // Names that differ only in case from their order: "api" < "docs" < "Web" case-insensitively.
    QList<Project> projects;
    for (const QString &name :
         {QStringLiteral("Web"), QStringLiteral("api"), QStringLiteral("docs")}) {
        auto p = repo->ensureProject(QStringLiteral("sandbox-1"), QLatin1Char('/') + name, name);
        if (!p)
            return nullptr;
        projects.append(p.value());
        m_projectNames.insert(p.value().id, name);
    }
    const QStringList triggers{QStringLiteral("manual"), QStringLiteral("CLI"),
                               QStringLiteral("agent"), QStringLiteral("Rebuild")};
    const QStringList errors{QStringLiteral("npm ERR! code E404"),
                             QStringLiteral("Error: Cannot find module 'vite'"),
                             QStringLiteral("tsc exited with code 2")};
    const QList<BuildStatus> &statuses = allBuildStatuses();
    for (int i = 0; i < kBuildCount; ++i) {
        Build b;
        b.projectId = projects[i % 3].id;
        b.sandboxId = QStringLiteral("sandbox-1");
        b.status = statuses[(i * 5) % statuses.size()];
        b.trigger = i % 5 == 4 ? QString() : triggers[i % 4];
        b.createdAt = at(kStart + i * kHour);
        if (b.status != BuildStatus::Queued)
            b.startedAt = at(kStart + i * kHour + (i % 7) * 1000);
        if (isFinished(b.status))
            b.durationMs = (i % 9) * 1000; // many ties, broken by the id
        if (b.status == BuildStatus::Failed || b.status == BuildStatus::Interrupted)
            b.errorMessage = errors[i % 3];
        auto created = repo->createBuild(b);
        if (!created)
            return nullptr;
        m_builds.append(created.value());
    }
    m_repository = std::move(repo);
    m_repositoryBackend = backend;
    return m_repository.get();
}

void tst_BuildQuerySort::pagesFollowTheSortOrder_data()
{
    QTest::addColumn<BuildSortColumn>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<int>("filter");
    const QList<std::pair<const char *, BuildSortColumn>> columns{
        {"newest", BuildSortColumn::Newest},      {"project", BuildSortColumn::ProjectName},
        {"status", BuildSortColumn::StatusRank},  {"trigger", BuildSortColumn::Trigger},
        {"started", BuildSortColumn::Started},    {"duration", BuildSortColumn::Duration},
        {"error", BuildSortColumn::ErrorMessage},
    };
    const QList<std::pair<const char *, Filter>> filters{
        {"all", Filter::None},  {"project", Filter::Project}, {"statuses", Filter::Statuses},
        {"text", Filter::Text}, {"dates", Filter::DateRange},
    };
    for (const auto &[columnName, column] : columns) {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            for (const auto &[filterName, filter] : filters) {
                QTest::addRow("%s %s %s", columnName, order == Qt::AscendingOrder ? "asc" : "desc",
                              filterName)
                    << column << order << int(filter);
            }
        }
    }
}

void tst_BuildQuerySort::pagesFollowTheSortOrder()
{
    QFETCH(BuildSortColumn, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(int, filter);
    BuildRepository *repo = repository();
    QVERIFY2(repo, "the data set could not be created");

    // "api" is the project of every third build from the second one on.
    const qint64 apiProject = m_builds[1].projectId;
    BuildQuery query = filtered(Filter(filter), apiProject);
    query.sortColumn = column;
    query.sortOrder = order;

    QList<Build> expected;
    for (const Build &b : std::as_const(m_builds)) {
        if (matches(query, b))
            expected.append(b);
    }
    QVERIFY(expected.size() >= 10); // enough for several pages
    std::sort(expected.begin(), expected.end(), [&](const Build &a, const Build &b) {
        int c = 0;
        switch (column) {
        case BuildSortColumn::ProjectName:
            c = compareKeys(textKey(m_projectNames.value(a.projectId)),
                            textKey(m_projectNames.value(b.projectId)), order);
            break;
        case BuildSortColumn::Trigger:
            c = compareKeys(textKey(a.trigger), textKey(b.trigger), order);
            break;
        case BuildSortColumn::ErrorMessage:
            c = compareKeys(textKey(a.errorMessage), textKey(b.errorMessage), order);
            break;
        default:
            c = compareKeys(numberKey(column, a), numberKey(column, b), order);
            break;
        }
        if (c != 0)
            return c < 0;
        return order == Qt::AscendingOrder ? a.id < b.id : a.id > b.id;
    });

    const int pageSize = 7;
    QList<qint64> actual;
    for (int offset = 0; offset < expected.size() + pageSize; offset += pageSize) {
        query.limit = pageSize;
        query.offset = offset;
        auto page = repo->builds(query);
        QVERIFY2(page.ok(), qPrintable(describe(page)));
        QCOMPARE(page.value().total, qint64(expected.size()));
        QVERIFY(page.value().builds.size() <= pageSize);
        for (const Build &b : page.value().builds)
            actual.append(b.id);
    }
    QList<qint64> expectedIds;
    for (const Build &b : std::as_const(expected))
        expectedIds.append(b.id);
    QCOMPARE(actual, expectedIds);
}

void tst_BuildQuerySort::missingValuesComeLast_data()
{
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::newRow("ascending") << Qt::AscendingOrder;
    QTest::newRow("descending") << Qt::DescendingOrder;
}

void tst_BuildQuerySort::missingValuesComeLast()
{
    QFETCH(Qt::SortOrder, order);
    BuildRepository *repo = repository();
    QVERIFY2(repo, "the data set could not be created");

    for (BuildSortColumn column : {BuildSortColumn::Started, BuildSortColumn::Duration}) {
        BuildQuery query;
        query.sortColumn = column;
        query.sortOrder = order;
        query.limit = 0;
        auto all = repo->builds(query);
        QVERIFY2(all.ok(), qPrintable(describe(all)));
        const QList<Build> &builds = all.value().builds;
        QCOMPARE(builds.size(), qsizetype(kBuildCount));
        auto hasValue = [column](const Build &b) {
            return column == BuildSortColumn::Started ? b.startedAt.isValid()
                                                      : b.durationMs.has_value();
        };
        const auto firstMissing = std::find_if_not(builds.begin(), builds.end(), hasValue);
        QVERIFY(firstMissing != builds.end()); // the data set has builds without a value
        QVERIFY(firstMissing != builds.begin());
        QVERIFY(std::none_of(firstMissing, builds.end(), hasValue));
    }
}

void tst_BuildQuerySort::skippingTheCountKeepsThePage()
{
    BuildRepository *repo = repository();
    QVERIFY2(repo, "the data set could not be created");
    BuildQuery query;
    query.sortColumn = BuildSortColumn::Duration;
    query.limit = 10;
    query.offset = 20;
    auto counted = repo->builds(query);
    QVERIFY2(counted.ok(), qPrintable(describe(counted)));
    query.countTotal = false;
    auto uncounted = repo->builds(query);
    QVERIFY2(uncounted.ok(), qPrintable(describe(uncounted)));
    QCOMPARE(counted.value().total, qint64(kBuildCount));
    QCOMPARE(uncounted.value().total, qint64(-1));
    QCOMPARE(uncounted.value().builds.size(), 10);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(uncounted.value().builds[i].id, counted.value().builds[i].id);
}

QTEST_GUILESS_MAIN(tst_BuildQuerySort)
#include "tst_buildquerysort.moc"
