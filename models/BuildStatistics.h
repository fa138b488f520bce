#pragma once

#include "models/Phase.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace vw {

// Which builds the history statistics cover.
struct StatisticsQuery
{
    std::optional<qint64> projectId; // none: every project
    QDateTime createdFrom;           // inclusive; invalid: no lower bound
    QDateTime createdTo;             // exclusive; invalid: no upper bound
    int maxErrors = 5;               // how many of the most common error lines to return
};

// History statistics: counts, success rate, durations and the most common error lines.
struct BuildStatistics
{
    struct ErrorCount
    {
        QString message;
        qint64 count = 0;
        QDateTime lastSeen;
    };

    qint64 total = 0;
    qint64 succeeded = 0;
    qint64 failed = 0;
    qint64 cancelled = 0;
    qint64 interrupted = 0;
    qint64 unfinished = 0; // queued or running
    // succeeded / (succeeded + failed); cancelled and interrupted builds do not count against a
    // project. 0 when there is neither.
    double successRate = 0.0;

    // Durations of the successful builds with a recorded duration (none when there are none).
    std::optional<qint64> averageDurationMs;
    std::optional<qint64> medianDurationMs;
    std::optional<qint64> p90DurationMs;
    std::optional<qint64> minDurationMs;
    std::optional<qint64> maxDurationMs;
    // Average duration of each phase in successful builds, skipped phases left out (for ETAs).
    QMap<Phase, qint64> averagePhaseDurationMs;

    // The most common error messages of failed builds, most frequent first.
    QList<ErrorCount> commonErrors;
};

} // namespace vw
