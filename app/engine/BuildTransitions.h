#pragma once

#include "app/engine/AppSettings.h"
#include "models/Build.h"

#include <QList>
#include <QString>

#include <optional>

namespace vw::engine {

// What a build's change means to someone watching a project, in the tray monitors' words
// (CCMenu, BuildNotify, CCTray): it started; it succeeded (after a success), is fixed (a success
// after a failure), failed (broken: after a success, or the first build), is still failing.
enum class BuildTransition { None, Started, Succeeded, Fixed, Failed, StillFailing };

class BuildTransitions
{
public:
    // `previous`: how the project's last build that succeeded or failed ended (none: there is
    // none yet; callers skip cancelled and interrupted builds, which only count as "not failed").
    // `build` as just announced; `started`: it has just begun running (a start, not an update).
    // Cancelled and interrupted builds are no news: they neither fix nor break a project.
    static BuildTransition classify(std::optional<BuildStatus> previous, const Build &build,
                                    bool started);
    // Whether the user wants to hear about it (pausing silences everything).
    static bool wanted(BuildTransition transition, const NotificationSettings &settings);
    // The tray's state across projects: failed first, then building (queued or running), then
    // success; none when no project has a build. Cancelled/interrupted count as nothing.
    static std::optional<BuildStatus> mostSevere(const QList<Build> &latestPerProject);
    // A notification's title, e.g. "web: build fixed".
    static QString title(BuildTransition transition, const QString &projectName);
};

} // namespace vw::engine
