#pragma once

#include "models/LogSelection.h"

#include <QString>
#include <QStringView>

#include <optional>

namespace vw {

// The logs a view or a tool asks for by name, as the original platform's API named them:
// live_output (the whole build, every phase), install_logs (the install phase), build_logs (the
// build phase). Each is a LogSelection over the build's stored log chunks.
enum class LogKind { LiveOutput, InstallLog, BuildLog };

QString logKindName(LogKind kind);
std::optional<LogKind> logKindFromName(QStringView name);
LogSelection logSelection(LogKind kind);

} // namespace vw
