#include "models/Project.h"

#include "models/JsonValues.h"

namespace vw {

QJsonObject Project::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), json::id(id)},
        {QStringLiteral("name"), name},
        {QStringLiteral("sandbox_id"), sandboxId},
        {QStringLiteral("sandbox_name"), json::text(sandboxName)},
        {QStringLiteral("directory"), directory},
        {QStringLiteral("install_command"), json::text(installCommand)},
        {QStringLiteral("build_command"), json::text(buildCommand)},
        {QStringLiteral("skip_build"), skipBuild},
        {QStringLiteral("output_directory"), json::text(outputDirectory)},
        {QStringLiteral("dev_command"), json::text(devCommand)},
        {QStringLiteral("dev_port"), devPort > 0 ? QJsonValue(devPort) : QJsonValue()},
        {QStringLiteral("settings"), settings},
        {QStringLiteral("created_at"), json::time(createdAt)},
        {QStringLiteral("updated_at"), json::time(updatedAt)},
    };
}

} // namespace vw
