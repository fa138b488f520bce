#include "app/engine/BuildTransitions.h"

#include <QCoreApplication>

namespace vw::engine {

BuildTransition BuildTransitions::classify(std::optional<BuildStatus> previous, const Build &build,
                                           bool started)
{
    if (started && build.status == BuildStatus::Running)
        return BuildTransition::Started;
    const bool previousFailed = previous == BuildStatus::Failed;
    switch (build.status) {
    case BuildStatus::Success:
        return previousFailed ? BuildTransition::Fixed : BuildTransition::Succeeded;
    case BuildStatus::Failed:
        return previousFailed ? BuildTransition::StillFailing : BuildTransition::Failed;
    default:
        return BuildTransition::None;
    }
}

bool BuildTransitions::wanted(BuildTransition transition, const NotificationSettings &settings)
{
    if (settings.paused)
        return false;
    switch (transition) {
    case BuildTransition::Started:
        return settings.started;
    case BuildTransition::Succeeded:
        return settings.succeeded;
    case BuildTransition::Fixed:
        return settings.fixed;
    case BuildTransition::Failed:
        return settings.failed;
    case BuildTransition::StillFailing:
        return settings.stillFailing;
    case BuildTransition::None:
        break;
    }
    return false;
}

std::optional<BuildStatus> BuildTransitions::mostSevere(const QList<Build> &latestPerProject)
{
    bool building = false;
    bool succeeded = false;
    for (const Build &b : latestPerProject) {
        switch (b.status) {
        case BuildStatus::Failed:
            return BuildStatus::Failed;
        case BuildStatus::Queued:
        case BuildStatus::Running:
            building = true;
            break;
        case BuildStatus::Success:
            succeeded = true;
            break;
        case BuildStatus::Cancelled:
        case BuildStatus::Interrupted:
            break;
        }
    }
    if (building)
        return BuildStatus::Running;
    if (succeeded)
        return BuildStatus::Success;
    return std::nullopt;
}

QString BuildTransitions::title(BuildTransition transition, const QString &projectName)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("BuildTransitions", text);
    };
    switch (transition) {
    case BuildTransition::Started:
        return tr("%1: build started").arg(projectName);
    case BuildTransition::Succeeded:
        return tr("%1: build succeeded").arg(projectName);
    case BuildTransition::Fixed:
        return tr("%1: build fixed").arg(projectName);
    case BuildTransition::Failed:
        return tr("%1: build failed").arg(projectName);
    case BuildTransition::StillFailing:
        return tr("%1: build still failing").arg(projectName);
    case BuildTransition::None:
        break;
    }
    return projectName;
}

} // namespace vw::engine
