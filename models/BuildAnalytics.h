#pragma once

#include "models/Phase.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace vw {

// Which builds the analytics cover: one project or all, created in [from, to).
struct AnalyticsQuery
{
    std::optional<qint64> projectId; // none: every project
    QDateTime from;                  // inclusive; invalid: since the first build
    QDateTime to;                    // exclusive; invalid: up to the last build
    // Up to this many successful builds the duration series has one point per build; above it,
    // one point per time bucket (the chart stays readable and the answer small).
    int maxBuildPoints = 200;
    int slowestCount = 5;            // how many of the slowest builds to name
    int maxErrorGroups = 10;         // how many error groups (the most common)
    int maxBuildsPerErrorGroup = 50; // build ids kept per error group (the newest)
};

// The answer to an AnalyticsQuery: the figures of the analytics view. Durations and phase
// times are those of successful builds (a failed build stops early and would pull them down);
// the success rate is succeeded / (succeeded + failed), cancelled and interrupted builds do not
// count against a project.
struct BuildAnalytics
{
    // One point of the duration chart: a build (builds == 1) or a time bucket.
    struct DurationPoint
    {
        QDateTime at;              // the build's creation, or the bucket's start
        qint64 medianMs = 0;       // of the bucket (the build's duration for a single build)
        qint64 maxMs = 0;          // of the bucket
        qint64 slowestBuildId = 0; // the build behind the point (a bucket's slowest)
        qint64 builds = 0;
    };
    struct SlowBuild
    {
        qint64 buildId = 0;
        QDateTime createdAt;
        qint64 durationMs = 0;
    };
    // The success rate of one time bucket (only buckets with a succeeded or failed build).
    struct RatePoint
    {
        QDateTime at; // the bucket's start
        qint64 succeeded = 0;
        qint64 failed = 0;
        double successRate = 0.0;
    };
    struct PhaseTime
    {
        qint64 averageMs = 0;
        qint64 medianMs = 0;
        qint64 builds = 0; // successful builds that ran the phase (not skipped)
    };
    // Time from creation to start (waiting for a sandbox), of builds that started.
    struct QueueTime
    {
        std::optional<qint64> medianMs;
        std::optional<qint64> p90Ms; // nearest rank
        std::optional<qint64> maxMs;
        qint64 builds = 0;
    };
    // Failed builds whose error lines mask to the same ErrorSignature key.
    struct ErrorGroup
    {
        QString pattern; // the masked line, e.g. "Cannot find module '<str>'"
        QString example; // the newest line of the group as it was
        qint64 count = 0;
        QDateTime lastSeen;
        QList<qint64> buildIds; // newest first, at most AnalyticsQuery::maxBuildsPerErrorGroup
    };

    // The period covered (the query's bounds, or the first and last build's creation), and the
    // bucket size chosen for it (see bucketSizeFor).
    QDateTime from;
    QDateTime to;
    qint64 bucketMs = 0;
    // True when the duration series has one point per build, false when per bucket.
    bool durationsPerBuild = true;

    qint64 total = 0;
    qint64 succeeded = 0;
    qint64 failed = 0;
    qint64 cancelled = 0;
    qint64 interrupted = 0;
    qint64 unfinished = 0;
    double successRate = 0.0;

    QList<DurationPoint> durations; // in time order
    std::optional<qint64> medianDurationMs;
    QList<SlowBuild> slowest;         // slowest first
    QList<RatePoint> successOverTime; // in time order
    QMap<Phase, PhaseTime> phases;
    QueueTime queue;
    QList<ErrorGroup> errorGroups; // most common first (then most recent)

    // The bucket size for a period of `spanMs`: the smallest of 1 h, 3 h, 6 h, 12 h, 1 day,
    // 2 days, 1 week, 2 weeks, 30 days, 90 days, 1 year that gives at most 100 buckets.
    static qint64 bucketSizeFor(qint64 spanMs);
};

} // namespace vw
