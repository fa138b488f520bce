#include "models/LogKind.h"

namespace vw {

QString logKindName(LogKind kind)
{
    switch (kind) {
    case LogKind::LiveOutput:
        return QStringLiteral("live_output");
    case LogKind::InstallLog:
        return QStringLiteral("install_logs");
    case LogKind::BuildLog:
        return QStringLiteral("build_logs");
    }
    return QString();
}

std::optional<LogKind> logKindFromName(QStringView name)
{
    for (LogKind kind : {LogKind::LiveOutput, LogKind::InstallLog, LogKind::BuildLog}) {
        if (name == logKindName(kind))
            return kind;
    }
    return std::nullopt;
}

LogSelection logSelection(LogKind kind)
{
    switch (kind) {
    case LogKind::LiveOutput:
        return LogSelection{};
    case LogKind::InstallLog:
        return LogSelection{Phase::Install, std::nullopt};
    case LogKind::BuildLog:
        return LogSelection{Phase::Build, std::nullopt};
    }
    return LogSelection{};
}

} // namespace vw
