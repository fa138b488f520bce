#include "models/BuildEvent.h"

#include "models/JsonValues.h"

namespace vw {

QJsonObject BuildEvent::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), json::id(id)},
        {QStringLiteral("build_id"), json::id(buildId)},
        {QStringLiteral("event_type"), type},
        {QStringLiteral("phase"), phase ? QJsonValue(phaseName(*phase)) : QJsonValue()},
        {QStringLiteral("message"), message},
        {QStringLiteral("metadata"), metadata},
        {QStringLiteral("created_at"), json::time(createdAt)},
    };
}

} // namespace vw
