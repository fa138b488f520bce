#pragma once

#include "models/Phase.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace vw {

// What a build recorded about one of its phases.
struct PhaseRecord
{
    Phase phase = Phase::Setup;
    QDateTime startedAt;   // invalid: not started
    QDateTime completedAt; // invalid: not finished
    std::optional<qint64> durationMs;
    std::optional<int> exitCode; // of the phase's command, where it ran one
    bool skipped = false;
    QString skipReason; // e.g. "dependencies unchanged since the last successful install"

    QJsonObject toJson() const;

    friend bool operator==(const PhaseRecord &, const PhaseRecord &) = default;
};

} // namespace vw
