#pragma once

#include "models/Phase.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace vw {

// A timestamped event of a build (table `build_events`). Event ids grow with time across all
// builds, so "events after id N" is how a follower catches up.
struct BuildEvent
{
    // The event types the engine records; stable names. The set is open: a newer version may
    // store types an older one does not know, which it shows as they are.
    struct Type
    {
        static inline const QString Created = QStringLiteral("created");
        static inline const QString Queued = QStringLiteral("queued");
        static inline const QString PhaseStarted = QStringLiteral("phase_started");
        static inline const QString PhaseFinished = QStringLiteral("phase_finished");
        static inline const QString PhaseSkipped = QStringLiteral("phase_skipped");
        static inline const QString CommandStarted = QStringLiteral("command_started");
        static inline const QString CommandExited = QStringLiteral("command_exited");
        static inline const QString CacheHit = QStringLiteral("cache_hit");
        static inline const QString CacheMiss = QStringLiteral("cache_miss");
        static inline const QString Error = QStringLiteral("error");
        static inline const QString Cancelled = QStringLiteral("cancelled");
        static inline const QString Reattached = QStringLiteral("reattached");
        static inline const QString Interrupted = QStringLiteral("interrupted");
        static inline const QString Finished = QStringLiteral("finished");
    };

    qint64 id = 0; // 0 until stored
    qint64 buildId = 0;
    QString type;
    std::optional<Phase> phase;
    QString message;
    QJsonObject metadata;
    QDateTime createdAt; // invalid: the store sets "now"

    QJsonObject toJson() const;
    // A type as the user reads it, in the app's language ("phase started" in English); a type
    // this version does not know as it is.
    static QString typeDisplayName(const QString &type);
};

} // namespace vw
