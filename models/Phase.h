#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace vw {

// The phases of a build, in the order they run. Their names (setup, install, build, complete)
// are stable: they are stored in the database and used by the CLI, the HTTP API and MCP.
enum class Phase { Setup, Install, Build, Complete };

QString phaseName(Phase phase);
// The phase as the user reads it, in the app's language ("setup" in English).
QString phaseDisplayName(Phase phase);
std::optional<Phase> phaseFromName(QStringView name);
// All phases in run order.
const QList<Phase> &allPhases();

} // namespace vw
