#pragma once

#include "models/Build.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QtCore/qnamespace.h>

#include <optional>

namespace vw {

// What a list of builds is ordered by. Every order ends with the build id (in the same
// direction) as a tie-breaker, so pages of one query never overlap or skip a build. Builds
// without a value (not started, no duration, no trigger, no error) come last in both directions.
enum class BuildSortColumn {
    Newest,       // by id, which grows with creation time
    ProjectName,  // by project name, case-insensitive
    StatusRank,   // in BuildStatus order: queued, running, success, failed, cancelled, interrupted
    Trigger,      // case-insensitive
    Started,      // started_at
    Duration,     // duration_ms
    ErrorMessage, // error message, case-insensitive
};

// A filtered, sorted, paged list of builds; by default newest first.
struct BuildQuery
{
    std::optional<qint64> projectId;
    QList<BuildStatus> statuses; // empty: any
    QDateTime createdFrom;       // inclusive; invalid: no lower bound
    QDateTime createdTo;         // exclusive; invalid: no upper bound
    // Only builds written (created or updated) after this moment; invalid: any. For catching up
    // after StoreChange::Kind::Unknown (SQLite): read the builds changed since the last look.
    QDateTime updatedAfter;
    // Case-insensitive substring of the error message, current step, trigger, stack or
    // Daytona session id; empty: any.
    QString text;
    BuildSortColumn sortColumn = BuildSortColumn::Newest;
    Qt::SortOrder sortOrder = Qt::DescendingOrder;
    int limit = 50; // <= 0: all
    int offset = 0;
    // false: skip counting the matches (BuildPage::total is then -1), for the further pages of a
    // query whose total is known already.
    bool countTotal = true;
};

// One page of a BuildQuery, with the number of all builds that match it.
struct BuildPage
{
    QList<Build> builds;
    qint64 total = 0; // -1 when the query asked not to count
};

} // namespace vw
