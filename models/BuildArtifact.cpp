#include "models/BuildArtifact.h"

#include "models/JsonValues.h"

namespace vw {

QJsonObject BuildArtifact::toJson() const
{
    return {
        {QStringLiteral("path"), path},
        {QStringLiteral("size_bytes"), sizeBytes},
        {QStringLiteral("modified_at"), json::time(modifiedAt)},
    };
}

} // namespace vw
