#pragma once

#include "models/ArtifactListing.h"
#include "models/AsyncJob.h"
#include "models/Build.h"
#include "models/Project.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

namespace vw {
class BuildStore;
}
namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

class BuildHub;

// How far ArtifactScanner goes: an output directory can be huge (node_modules copied into it,
// a whole target/ tree), and the listing is stored and shown whole.
struct ArtifactScanLimits
{
    int maxEntries = 10000; // files and directories seen; beyond: truncated, "too-many-entries"
    int maxDepth = 16;      // directories below the output directory; deeper: "too-deep"
};

// Lists what a successful build left in its output directory and stores it with the build.
//
// The output directory is the first of ArtifactLocator's candidates that exists under the
// project's directory in the sandbox; it is listed recursively through the toolbox file API
// (GET /files), one directory at a time, within ArtifactScanLimits. Only regular files are
// listed: directories are implied by the paths, and symbolic links are skipped — the API
// reports the link's own size, and following links could loop.
//
// A build with no output directory is stored with an empty list and the reason
// "no-output-directory" (likewise "empty-directory"), so every reader can tell "nothing there"
// from "not listed yet". A subdirectory that cannot be listed marks the listing truncated with
// "listing-failed"; when the project directory, or the output directory itself for another
// reason than "not there", cannot be listed (the sandbox is gone, stopped or unreachable),
// nothing is stored and the job fails.
//
// BuildManager runs scan() for every build it finishes successfully; views run it for a
// successful build that has no listing yet (e.g. one a CLI process built and exited).
class ArtifactScanner : public QObject
{
    Q_OBJECT

public:
    using Limits = ArtifactScanLimits;

    // `hub` may be null (nothing is announced).
    ArtifactScanner(daytona::DaytonaClient *client, BuildStore *store, BuildHub *hub,
                    QObject *parent = nullptr);
    // Unfinished jobs end with CANCELED.
    ~ArtifactScanner() override;

    Limits limits() const { return m_limits; }
    void setLimits(const Limits &limits) { m_limits = limits; }

    // Lists and stores the output directory of `build` (a successful build of `project`); the
    // hub hears of it from start (isListingArtifacts) to end (artifactsListed or
    // artifactsListingFailed). NOT_SUCCEEDED for a build that did not succeed.
    AsyncJobOf<ArtifactListing> *scan(const Build &build, const Project &project);
    // The same for a stored build (its project read from the store).
    AsyncJobOf<ArtifactListing> *scan(qint64 buildId);

    // Lists without storing: the first of `candidates` (relative to `projectDirectory`, or
    // absolute) that exists in `sandbox`. The listing's buildId is 0.
    AsyncJobOf<ArtifactListing> *list(const QString &sandbox, const QString &projectDirectory,
                                      const QStringList &candidates);

private:
    struct Walk;

    void tryCandidate(const std::shared_ptr<Walk> &walk);
    void listNext(const std::shared_ptr<Walk> &walk);
    void finishWalk(const std::shared_ptr<Walk> &walk);
    template<typename T>
    AsyncJobOf<T> *track(AsyncJobOf<T> *job);

    QPointer<daytona::DaytonaClient> m_client;
    QPointer<BuildStore> m_store;
    QPointer<BuildHub> m_hub;
    Limits m_limits;
    QList<QPointer<AsyncJob>> m_jobs;
};

} // namespace vw::engine
