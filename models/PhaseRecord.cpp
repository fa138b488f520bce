#include "models/PhaseRecord.h"

#include "models/JsonValues.h"

namespace vw {

QJsonObject PhaseRecord::toJson() const
{
    return QJsonObject{
        {QStringLiteral("phase"), phaseName(phase)},
        {QStringLiteral("started_at"), json::time(startedAt)},
        {QStringLiteral("completed_at"), json::time(completedAt)},
        {QStringLiteral("duration_ms"), json::optional(durationMs)},
        {QStringLiteral("exit_code"), exitCode ? QJsonValue(*exitCode) : QJsonValue()},
        {QStringLiteral("skipped"), skipped},
        {QStringLiteral("skip_reason"), json::text(skipReason)},
    };
}

} // namespace vw
