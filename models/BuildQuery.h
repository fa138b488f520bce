#pragma once

#include "models/Build.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace vw {

// A filtered, paged list of builds, newest first (by id, which grows with creation time).
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
    int limit = 50; // <= 0: all
    int offset = 0;
};

// One page of a BuildQuery, with the number of all builds that match it.
struct BuildPage
{
    QList<Build> builds;
    qint64 total = 0;
};

} // namespace vw
