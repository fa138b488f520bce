#include "models/ArtifactListing.h"

#include "models/JsonValues.h"

#include <QJsonArray>

namespace vw {

QJsonObject ArtifactListing::toJson() const
{
    QJsonArray list;
    for (const BuildArtifact &file : files)
        list.append(file.toJson());
    return {
        {QStringLiteral("build_id"), buildId},
        {QStringLiteral("output_directory"), json::text(outputDirectory)},
        {QStringLiteral("reason"), json::text(reason)},
        {QStringLiteral("truncated"), truncated},
        {QStringLiteral("listed_at"), json::time(listedAt)},
        {QStringLiteral("total_bytes"), totalBytes()},
        {QStringLiteral("files"), list},
    };
}

} // namespace vw
