#pragma once

#include "models/Build.h"
#include "models/Project.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace vw::automation {

// The cctray.xml document (the "Multiple Project Summary Reporting Standard" that CCMenu,
// CCTray, BuildNotify and Nevergreen read): <Projects> with one <Project> per Vaporwatch project,
// each with name, activity, lastBuildStatus, lastBuildLabel, lastBuildTime and webUrl.
//
// - name: the project's name, else its directory; when two projects would show the same name,
//   " (sandbox)" is added to each of them.
// - activity: Building while the newest build is queued or running, else Sleeping.
// - lastBuildStatus / lastBuildLabel / lastBuildTime: of the last build that reached a verdict —
//   success → Success, failed → Failure, interrupted → Exception; Unknown (with an empty label and
//   time) before the first one. A cancelled build is no verdict on the code: monitors would
//   report "broken"/"fixed" for nothing, so the status of the build before it stays.
// - lastBuildTime: ISO 8601 with the zone offset (the completion time).
// - webUrl: the build's details in the HTTP API (the newest build's, else the project's list).
class CctrayFeed
{
public:
    struct Entry
    {
        Project project;
        std::optional<Build> newest;  // the project's newest build (any status)
        std::optional<Build> verdict; // its newest success, failed or interrupted build
    };

    // `baseUrl` e.g. "http://127.0.0.1:4000" (no trailing slash).
    static QByteArray document(const QList<Entry> &entries, const QString &baseUrl);

    static QString activity(const Entry &entry);
    static QString lastBuildStatus(const Entry &entry);
    // The display names of `projects`, in the same order (see the class comment).
    static QStringList names(const QList<Project> &projects);
    // The statuses that are a verdict (the others, queued/running/cancelled, are not).
    static QList<BuildStatus> verdictStatuses();
};

} // namespace vw::automation
