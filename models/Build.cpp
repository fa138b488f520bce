#include "models/Build.h"

#include "models/JsonValues.h"

#include <QJsonArray>

#include <algorithm>

namespace vw {

const PhaseRecord *Build::phaseRecord(Phase p) const
{
    for (const PhaseRecord &record : phases) {
        if (record.phase == p)
            return &record;
    }
    return nullptr;
}

PhaseRecord &Build::phaseRecord(Phase p)
{
    auto it = std::find_if(phases.begin(), phases.end(),
                           [p](const PhaseRecord &r) { return r.phase >= p; });
    if (it != phases.end() && it->phase == p)
        return *it;
    PhaseRecord record;
    record.phase = p;
    return *phases.insert(it, record);
}

QJsonObject Build::toJson() const
{
    QJsonArray phaseArray;
    for (const PhaseRecord &record : phases)
        phaseArray.append(record.toJson());
    return QJsonObject{
        {QStringLiteral("id"), json::id(id)},
        {QStringLiteral("project_id"), json::id(projectId)},
        {QStringLiteral("sandbox_id"), json::text(sandboxId)},
        {QStringLiteral("status"), buildStatusName(status)},
        {QStringLiteral("phase"), phaseName(phase)},
        {QStringLiteral("current_step"), json::text(currentStep)},
        {QStringLiteral("progress"), progress},
        {QStringLiteral("error_message"), json::text(errorMessage)},
        {QStringLiteral("trigger"), json::text(trigger)},
        {QStringLiteral("clean"), clean},
        {QStringLiteral("stack"), json::text(stack)},
        {QStringLiteral("install_command"), json::text(installCommand)},
        {QStringLiteral("build_command"), json::text(buildCommand)},
        {QStringLiteral("daytona_session_id"), json::text(daytonaSessionId)},
        {QStringLiteral("daytona_command_id"), json::text(daytonaCommandId)},
        {QStringLiteral("metadata"), metadata},
        {QStringLiteral("created_at"), json::time(createdAt)},
        {QStringLiteral("started_at"), json::time(startedAt)},
        {QStringLiteral("completed_at"), json::time(completedAt)},
        {QStringLiteral("duration_ms"), json::optional(durationMs)},
        {QStringLiteral("updated_at"), json::time(updatedAt)},
        {QStringLiteral("phases"), phaseArray},
    };
}

} // namespace vw
