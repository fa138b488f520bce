#include "models/AnalyticsRepository.h"

#include "models/BuildRepository.h"
#include "models/BuildStatus.h"
#include "models/ErrorSignature.h"
#include "models/Log.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <algorithm>
#include <cmath>
#include <vector>

namespace vw {
namespace {

QString translate(const char *text)
{
    return QCoreApplication::translate("vw::AnalyticsRepository", text);
}

QDateTime timeAt(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

// Reorders values[0, n) so that values[k] is the one a sort would put there, everything before
// it no larger and everything after it no smaller, and returns it (Hoare's quickselect). Here
// rather than std::nth_element: in the unoptimised builds the tests and CI use, every
// comparison and swap of the standard algorithm is a function call, and the analytics select
// from arrays of 100,000 values several times per answer (~5× slower).
qint64 selectNth(qint64 *values, qsizetype n, qsizetype k)
{
    qsizetype lo = 0;
    qsizetype hi = n - 1;
    while (lo < hi) {
        const qint64 pivot = values[lo + (hi - lo) / 2];
        qsizetype i = lo;
        qsizetype j = hi;
        while (i <= j) {
            while (values[i] < pivot)
                ++i;
            while (values[j] > pivot)
                --j;
            if (i <= j) {
                const qint64 swapped = values[i];
                values[i++] = values[j];
                values[j--] = swapped;
            }
        }
        // [lo, j] <= pivot, (j, i) == pivot, [i, hi] >= pivot
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return values[k];
}

// The median of values (sorted or not; reordered): the middle one, or the mean of the two
// middle ones, rounded down like BuildStatistics.
qint64 medianOf(std::vector<qint64> &values)
{
    const auto n = qsizetype(values.size());
    qint64 *data = values.data();
    const qint64 upper = selectNth(data, n, n / 2);
    if (n % 2)
        return upper;
    // The lower middle one: the largest of the n / 2 values before the upper.
    qint64 lower = data[0];
    for (qsizetype i = 1; i < n / 2; ++i)
        lower = data[i] > lower ? data[i] : lower;
    return (lower + upper) / 2;
}

// The nearest-rank percentile (0 < p <= 1) of values (reordered).
qint64 percentileOf(std::vector<qint64> &values, double p)
{
    const auto rank = std::max<qsizetype>(qsizetype(std::ceil(p * double(values.size()))), 1);
    return selectNth(values.data(), qsizetype(values.size()), rank - 1);
}

QString laps(const QList<qint64> &ms)
{
    QStringList parts;
    for (qint64 v : ms)
        parts << QString::number(v);
    return parts.join(QStringLiteral(", "));
}

// Runs one read-only statement on the repository's connection.
class Reader
{
public:
    explicit Reader(BuildRepository &repository)
        : m_repository(repository)
    {
    }

    Result<QSqlQuery> run(const QString &sql, const QVariantList &binds) const
    {
        QSqlQuery query(m_repository.database());
        query.setForwardOnly(true);
        bool ok = false;
        if (query.prepare(sql)) {
            for (const QVariant &value : binds)
                query.addBindValue(value);
            ok = query.exec();
        }
        if (!ok) {
            const QString reason = query.lastError().text();
            log::get("store")->warn("analytics query failed: {} — {}", reason,
                                    sql.simplified().left(200));
            return Error{QStringLiteral("DB_QUERY"), translate("Database error: %1").arg(reason),
                         0};
        }
        return query;
    }

private:
    BuildRepository &m_repository;
};

} // namespace

qint64 BuildAnalytics::bucketSizeFor(qint64 spanMs)
{
    constexpr qint64 kHour = 3'600'000;
    constexpr qint64 kDay = 24 * kHour;
    static const qint64 sizes[] = {kHour,    3 * kHour, 6 * kHour, 12 * kHour, kDay,      2 * kDay,
                                   7 * kDay, 14 * kDay, 30 * kDay, 90 * kDay,  365 * kDay};
    for (qint64 size : sizes) {
        if (spanMs <= 100 * size)
            return size;
    }
    // Longer than a century: still at most 100 buckets.
    return (spanMs + 99) / 100;
}

Result<BuildAnalytics> AnalyticsRepository::analytics(const AnalyticsQuery &query)
{
    if (!m_repository.isOpen())
        return Error{QStringLiteral("NOT_OPEN"), translate("The build store is not open."), 0};
    const Reader reader(m_repository);
    // Where the time goes, for the debug log (the benchmark's target is 200 ms in all).
    QElapsedTimer clock;
    clock.start();
    QList<qint64> lapMs;
    BuildAnalytics result;

    QStringList where;
    QVariantList binds;
    if (query.projectId) {
        where << QStringLiteral("b.project_id = ?");
        binds << *query.projectId;
    }
    if (query.from.isValid()) {
        where << QStringLiteral("b.created_at >= ?");
        binds << query.from.toMSecsSinceEpoch();
    }
    if (query.to.isValid()) {
        where << QStringLiteral("b.created_at < ?");
        binds << query.to.toMSecsSinceEpoch();
    }
    // " WHERE scope AND extra…" (the scope's binds come first in every statement).
    auto whereWith = [&](const QStringList &extra) {
        const QStringList all = where + extra;
        return all.isEmpty() ? QString()
                             : QStringLiteral(" WHERE ") + all.join(QStringLiteral(" AND "));
    };
    const QString success = QStringLiteral("'%1'").arg(buildStatusName(BuildStatus::Success));
    const QString failed = QStringLiteral("'%1'").arg(buildStatusName(BuildStatus::Failed));

    // Counts per status, and the first and last build (the period of "all time").
    qint64 firstCreated = 0;
    qint64 lastCreated = 0;
    {
        auto q = reader.run(QStringLiteral("SELECT b.status, COUNT(*), MIN(b.created_at), "
                                           "MAX(b.created_at) FROM builds b%1 GROUP BY b.status")
                                .arg(whereWith({})),
                            binds);
        if (!q)
            return q.error();
        QSqlQuery &rows = q.value();
        while (rows.next()) {
            const qint64 n = rows.value(1).toLongLong();
            const qint64 first = rows.value(2).toLongLong();
            const qint64 last = rows.value(3).toLongLong();
            firstCreated = result.total == 0 ? first : std::min(firstCreated, first);
            lastCreated = result.total == 0 ? last : std::max(lastCreated, last);
            result.total += n;
            switch (buildStatusFromName(rows.value(0).toString()).value_or(BuildStatus::Failed)) {
            case BuildStatus::Queued:
            case BuildStatus::Running:
                result.unfinished += n;
                break;
            case BuildStatus::Success:
                result.succeeded += n;
                break;
            case BuildStatus::Failed:
                result.failed += n;
                break;
            case BuildStatus::Cancelled:
                result.cancelled += n;
                break;
            case BuildStatus::Interrupted:
                result.interrupted += n;
                break;
            }
        }
    }
    if (result.succeeded + result.failed > 0)
        result.successRate = double(result.succeeded) / double(result.succeeded + result.failed);
    const qint64 fromMs = query.from.isValid() ? query.from.toMSecsSinceEpoch() : firstCreated;
    const qint64 toMs = query.to.isValid() ? query.to.toMSecsSinceEpoch() : lastCreated + 1;
    result.from = timeAt(fromMs);
    result.to = timeAt(toMs);
    result.bucketMs = BuildAnalytics::bucketSizeFor(std::max<qint64>(toMs - fromMs, 1));
    // Buckets are aligned to multiples of their size since the epoch (whole UTC days, weeks of
    // the epoch's weekday, …), so the same build lands in the same bucket whatever the period.
    const qint64 bucket = result.bucketMs;
    const qint64 origin = fromMs - (((fromMs % bucket) + bucket) % bucket);
    auto bucketOf = [&](qint64 createdMs) { return (createdMs - origin) / bucket; };
    if (result.total == 0)
        return result;

    lapMs << clock.elapsed();
    // Success rate per bucket: failed builds counted by the database (the bucket arithmetic is
    // inlined: both numbers are ours, and PostgreSQL then does integer division without
    // guessing bind types), successful ones in the pass over their rows below.
    std::vector<std::pair<qint64, qint64>> failedPerBucket; // bucket index, builds; in order
    {
        auto q = reader.run(
            QStringLiteral("SELECT (b.created_at - %1) / %2 AS bucket, COUNT(*) FROM builds b%3 "
                           "GROUP BY (b.created_at - %1) / %2 ORDER BY 1")
                .arg(origin)
                .arg(bucket)
                .arg(whereWith({QStringLiteral("b.status = %1").arg(failed)})),
            binds);
        if (!q)
            return q.error();
        QSqlQuery &rows = q.value();
        while (rows.next())
            failedPerBucket.emplace_back(rows.value(0).toLongLong(), rows.value(1).toLongLong());
    }

    lapMs << clock.elapsed();
    // Durations and phase times of successful builds, in one pass over their rows (the phase
    // durations are copied onto builds, see SchemaMigrations version 4): the duration series,
    // the median, the slowest builds, and each phase's average and median.
    {
        QStringList phaseColumns;
        for (Phase phase : allPhases())
            phaseColumns << QStringLiteral("b.%1_ms").arg(phaseName(phase));
        // In creation order: the buckets' rows come one after another (and SQLite reads them
        // in that order from builds_analytics, without sorting).
        auto q = reader.run(QStringLiteral("SELECT b.id, b.created_at, b.duration_ms, %1 FROM "
                                           "builds b%2 ORDER BY b.created_at")
                                .arg(phaseColumns.join(QStringLiteral(", ")),
                                     whereWith({QStringLiteral("b.status = %1").arg(success)})),
                            binds);
        if (!q)
            return q.error();
        struct Row
        {
            qint64 id;
            qint64 created;
            qint64 duration;
        };
        // Filled by index into arrays sized for the successful builds counted above (growing
        // only if some were added since): push_back costs several calls per value in an
        // unoptimised build, and there are five values per row.
        constexpr size_t kPhaseCount = 4;
        Q_ASSERT(size_t(allPhases().size()) == kPhaseCount);
        size_t capacity = size_t(result.succeeded);
        size_t seen = 0;
        std::vector<Row> rows(capacity);
        size_t rowCount = 0;
        std::vector<qint64> phaseDurations[kPhaseCount];
        size_t phaseCounts[kPhaseCount] = {};
        qint64 phaseSums[kPhaseCount] = {};
        for (std::vector<qint64> &values : phaseDurations)
            values.resize(capacity);
        QSqlQuery &sql = q.value();
        std::vector<std::pair<qint64, qint64>> succeededPerBucket; // as failedPerBucket
        while (sql.next()) {
            if (seen++ == capacity) {
                capacity = capacity * 2 + 64;
                rows.resize(capacity);
                for (std::vector<qint64> &values : phaseDurations)
                    values.resize(capacity);
            }
            const qint64 created = sql.value(1).toLongLong();
            const qint64 index = (created - origin) / bucket;
            if (succeededPerBucket.empty() || succeededPerBucket.back().first != index)
                succeededPerBucket.emplace_back(index, 0);
            ++succeededPerBucket.back().second;
            if (const QVariant duration = sql.value(2); !duration.isNull())
                rows[rowCount++] = Row{sql.value(0).toLongLong(), created, duration.toLongLong()};
            for (size_t p = 0; p < kPhaseCount; ++p) {
                if (const QVariant phase = sql.value(int(3 + p)); !phase.isNull()) {
                    const qint64 ms = phase.toLongLong();
                    phaseDurations[p][phaseCounts[p]++] = ms;
                    phaseSums[p] += ms;
                }
            }
        }
        rows.resize(rowCount);
        // The rate series: both lists are in bucket order; a bucket may be in one only.
        for (auto succeeded = succeededPerBucket.cbegin(), failedIt = failedPerBucket.cbegin();
             succeeded != succeededPerBucket.cend() || failedIt != failedPerBucket.cend();) {
            const bool takeSucceeded =
                succeeded != succeededPerBucket.cend() &&
                (failedIt == failedPerBucket.cend() || succeeded->first <= failedIt->first);
            const bool takeFailed =
                failedIt != failedPerBucket.cend() &&
                (succeeded == succeededPerBucket.cend() || failedIt->first <= succeeded->first);
            const qint64 index = takeSucceeded ? succeeded->first : failedIt->first;
            BuildAnalytics::RatePoint point{timeAt(origin + index * bucket), 0, 0, 0.0};
            if (takeSucceeded)
                point.succeeded = (succeeded++)->second;
            if (takeFailed)
                point.failed = (failedIt++)->second;
            point.successRate = double(point.succeeded) / double(point.succeeded + point.failed);
            result.successOverTime.append(point);
        }
        for (size_t p = 0; p < kPhaseCount; ++p) {
            std::vector<qint64> &values = phaseDurations[p];
            values.resize(phaseCounts[p]);
            if (values.empty())
                continue;
            const auto n = qint64(values.size());
            result.phases.insert(
                allPhases().at(qsizetype(p)),
                BuildAnalytics::PhaseTime{qint64(std::llround(double(phaseSums[p]) / double(n))),
                                          medianOf(values), n});
        }
        if (!rows.empty()) {
            std::vector<qint64> durations(rows.size());
            for (size_t i = 0; i < rows.size(); ++i)
                durations[i] = rows[i].duration;
            result.medianDurationMs = medianOf(durations);

            // Slowest first; among equals the newest.
            auto slower = [](const Row &a, const Row &b) {
                return a.duration != b.duration ? a.duration > b.duration : a.id > b.id;
            };
            result.durationsPerBuild = qsizetype(rows.size()) <= query.maxBuildPoints;
            if (result.durationsPerBuild) {
                std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
                    return a.created != b.created ? a.created < b.created : a.id < b.id;
                });
                for (const Row &row : rows)
                    result.durations.append(BuildAnalytics::DurationPoint{
                        timeAt(row.created), row.duration, row.duration, row.id, 1});
            } else {
                // Per bucket (the rows are in creation order): each bucket's median, and its
                // slowest build (the newest among equals).
                std::vector<qint64> values;
                for (size_t begin = 0; begin < rows.size();) {
                    const qint64 index = bucketOf(rows[begin].created);
                    size_t end = begin;
                    size_t slowest = begin;
                    values.clear();
                    while (end < rows.size() && bucketOf(rows[end].created) == index) {
                        if (slower(rows[end], rows[slowest]))
                            slowest = end;
                        values.push_back(rows[end++].duration);
                    }
                    const auto n = qint64(values.size());
                    result.durations.append(BuildAnalytics::DurationPoint{
                        timeAt(origin + index * bucket), medianOf(values), rows[slowest].duration,
                        rows[slowest].id, n});
                    begin = end;
                }
            }
            // Last: it reorders the rows.
            const auto slowCount =
                std::min<size_t>(size_t(std::max(query.slowestCount, 0)), rows.size());
            std::partial_sort(rows.begin(), rows.begin() + qsizetype(slowCount), rows.end(),
                              slower);
            for (size_t i = 0; i < slowCount; ++i)
                result.slowest.append(BuildAnalytics::SlowBuild{rows[i].id, timeAt(rows[i].created),
                                                                rows[i].duration});
        }
    }

    lapMs << clock.elapsed();
    // Queue time: creation to start.
    {
        auto q = reader.run(QStringLiteral("SELECT b.started_at - b.created_at FROM builds b%1")
                                .arg(whereWith({QStringLiteral("b.started_at IS NOT NULL")})),
                            binds);
        if (!q)
            return q.error();
        std::vector<qint64> waits;
        waits.reserve(size_t(result.total));
        qint64 longest = 0;
        QSqlQuery &sql = q.value();
        while (sql.next()) {
            const qint64 wait = std::max<qint64>(sql.value(0).toLongLong(), 0);
            longest = std::max(longest, wait);
            waits.push_back(wait);
        }
        if (!waits.empty()) {
            result.queue.builds = qint64(waits.size());
            result.queue.maxMs = longest;
            result.queue.p90Ms = percentileOf(waits, 0.9);
            result.queue.medianMs = medianOf(waits);
        }
    }

    lapMs << clock.elapsed();
    // Error lines of failed builds grouped by their signature (ErrorSignature::key, stored on
    // builds when the message is written; '' for a message with nothing to group). The
    // database counts the groups; the top ones then read their newest builds (index
    // builds_error_signature), which give the example line and the build ids.
    if (query.maxErrorGroups > 0) {
        const QString failedWithSignature = QStringLiteral("b.status = %1").arg(failed);
        auto q = reader.run(
            QStringLiteral("SELECT b.error_signature, COUNT(*), MAX(b.created_at) "
                           "FROM builds b%1 GROUP BY b.error_signature")
                .arg(whereWith({failedWithSignature, QStringLiteral("b.error_signature <> ''")})),
            binds);
        if (!q)
            return q.error();
        struct Group
        {
            BuildAnalytics::ErrorGroup group;
            qint64 lastSeenMs = 0;
            qint64 newestId = 0;
        };
        std::vector<Group> groups;
        QSqlQuery &sql = q.value();
        while (sql.next()) {
            Group g;
            g.group.pattern = sql.value(0).toString();
            g.group.count = sql.value(1).toLongLong();
            g.lastSeenMs = sql.value(2).toLongLong();
            groups.push_back(g);
        }
        sql.finish();
        // Most common first, then the most recent (the newest build; its id among equal times).
        auto before = [](const Group &a, const Group &b) {
            if (a.group.count != b.group.count)
                return a.group.count > b.group.count;
            if (a.lastSeenMs != b.lastSeenMs)
                return a.lastSeenMs > b.lastSeenMs;
            return a.newestId > b.newestId;
        };
        std::sort(groups.begin(), groups.end(), before);
        // The top groups, and those tied with the last of them until their newest ids decide.
        size_t wanted = std::min(size_t(query.maxErrorGroups), groups.size());
        while (wanted > 0 && wanted < groups.size() &&
               groups[wanted].group.count == groups[wanted - 1].group.count &&
               groups[wanted].lastSeenMs == groups[wanted - 1].lastSeenMs)
            ++wanted;
        groups.resize(wanted);
        const int idsWanted = std::max(query.maxBuildsPerErrorGroup, 1);
        for (Group &g : groups) {
            QVariantList groupBinds = binds;
            groupBinds << g.group.pattern;
            auto newest = reader.run(
                QStringLiteral("SELECT b.id, b.created_at, b.error_message FROM builds b%1 ORDER "
                               "BY b.created_at DESC, b.id DESC LIMIT %2")
                    .arg(whereWith({failedWithSignature, QStringLiteral("b.error_signature = ?")}))
                    .arg(idsWanted),
                groupBinds);
            if (!newest)
                return newest.error();
            QSqlQuery &rows = newest.value();
            while (rows.next()) {
                if (g.newestId == 0) {
                    g.newestId = rows.value(0).toLongLong();
                    g.group.lastSeen = timeAt(rows.value(1).toLongLong());
                    g.group.example = ErrorSignature::firstLine(rows.value(2).toString());
                }
                if (g.group.buildIds.size() < query.maxBuildsPerErrorGroup)
                    g.group.buildIds.append(rows.value(0).toLongLong());
            }
        }
        std::sort(groups.begin(), groups.end(), before);
        for (const Group &g : groups) {
            if (result.errorGroups.size() == query.maxErrorGroups)
                break;
            result.errorGroups.append(g.group);
        }
    }
    lapMs << clock.elapsed();
    log::get("store")->debug("analytics of {} builds in {} ms (counts, failures per bucket, "
                             "successful builds, queue, errors end at {})",
                             result.total, lapMs.constLast(), laps(lapMs).toStdString());
    return result;
}

} // namespace vw
