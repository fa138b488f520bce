#pragma once

#include "models/BuildStatus.h"
#include "models/Phase.h"
#include "models/PhaseRecord.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace vw {

// One build of a project in a sandbox, as stored (table `builds`, phases in `build_phases`).
// Its JSON form keeps the original platform's field names (id, project_id, status, phase,
// current_step, progress, error_message, daytona_session_id, started_at, completed_at,
// duration_ms, metadata) and adds the new ones.
struct Build
{
    qint64 id = 0; // 0 until stored
    qint64 projectId = 0;
    QString sandboxId;
    BuildStatus status = BuildStatus::Queued;
    Phase phase = Phase::Setup;
    QString currentStep; // e.g. "Installing dependencies with npm"
    int progress = 0;    // percent, 0…100
    // The first meaningful error line (e.g. an `npm ERR!` line), not just "exit code 1".
    QString errorMessage;
    QString trigger;        // who started it: "manual", "cli", "agent", "rebuild", …
    bool clean = false;     // "clean build": dependency cache ignored
    QString stack;          // detected tech stack, e.g. "node-npm"
    QString installCommand; // the commands the build ran (detected or overridden)
    QString buildCommand;
    QString daytonaSessionId;
    QString daytonaCommandId;
    QJsonObject metadata;

    QDateTime createdAt; // set by the store
    QDateTime startedAt;
    QDateTime completedAt;
    std::optional<qint64> durationMs;
    QDateTime updatedAt; // set by the store on every write

    // Written only with log appends (LogAppend::sourceOffset), never by updateBuild(): the
    // position in the sandbox command's log up to which output is stored. Re-attach resumes here.
    qint64 logOffset = 0;
    // Who follows the build now (see BuildRepository::acquireLease); read-only here.
    QString leaseOwner;
    QDateTime leaseExpiresAt;

    // Recorded phases, in phase order.
    QList<PhaseRecord> phases;

    bool isFinished() const { return vw::isFinished(status); }
    const PhaseRecord *phaseRecord(Phase p) const;
    // The record of a phase, added (in phase order) when missing.
    PhaseRecord &phaseRecord(Phase p);

    QJsonObject toJson() const;
};

} // namespace vw
