#include "models/Phase.h"

namespace vw {

QString phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Setup:
        return QStringLiteral("setup");
    case Phase::Install:
        return QStringLiteral("install");
    case Phase::Build:
        return QStringLiteral("build");
    case Phase::Complete:
        return QStringLiteral("complete");
    }
    return QString();
}

std::optional<Phase> phaseFromName(QStringView name)
{
    for (Phase phase : allPhases()) {
        if (name == phaseName(phase))
            return phase;
    }
    return std::nullopt;
}

const QList<Phase> &allPhases()
{
    static const QList<Phase> phases{Phase::Setup, Phase::Install, Phase::Build, Phase::Complete};
    return phases;
}

} // namespace vw
