#include "models/Phase.h"

#include <QCoreApplication>

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

QString phaseDisplayName(Phase phase)
{
    switch (phase) {
    case Phase::Setup:
        return QCoreApplication::translate("vw::Phase", "setup");
    case Phase::Install:
        return QCoreApplication::translate("vw::Phase", "install");
    case Phase::Build:
        return QCoreApplication::translate("vw::Phase", "build");
    case Phase::Complete:
        return QCoreApplication::translate("vw::Phase", "complete");
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
