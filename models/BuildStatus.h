#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace vw {

// Where a build stands. A build is queued until it starts running; it ends in exactly one of
// success, failed, cancelled (stopped on request) or interrupted (its sandbox session went away
// while nobody followed it). The names are stable (database, CLI, HTTP API, MCP).
enum class BuildStatus { Queued, Running, Success, Failed, Cancelled, Interrupted };

QString buildStatusName(BuildStatus status);
// The status as the user reads it, in the app's language ("success" in English).
QString buildStatusDisplayName(BuildStatus status);
std::optional<BuildStatus> buildStatusFromName(QStringView name);
const QList<BuildStatus> &allBuildStatuses();
// True for the end states (success, failed, cancelled, interrupted).
bool isFinished(BuildStatus status);

} // namespace vw
