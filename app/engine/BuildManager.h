#pragma once

#include "app/engine/BuildRun.h"
#include "models/AsyncJob.h"
#include "models/Build.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace vw {
class BuildStore;
}
namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

class ArtifactScanner;
class BuildHub;

struct BuildManagerOptions
{
    int maxParallel = 2;  // builds running at once (each in its own sandbox)
    BuildRunSettings run; // leaseOwner empty: "<host>:<pid>:<random>"
};

struct BuildStartOptions
{
    bool clean = false; // ignore the dependency cache
    QString trigger = QStringLiteral("manual");
    QJsonObject metadata;
};

// Starts, queues, cancels and re-attaches builds; one BuildRun per running build.
//
// - startBuild() stores a new build of the project (sandbox + directory, with the project's
//   overrides from the store) as `queued` (events created, queued) and runs it as soon as it may:
//   builds in different sandboxes run at once up to maxParallel, one running build per sandbox;
//   the rest wait as queued, first come first served.
// - rebuild() starts a new build with the same project and settings (clean flag), trigger
//   "rebuild"; a clean build ignores the dependency cache.
// - cancel(): a queued build ends as cancelled at once; a running one per BuildRun::cancel();
//   a build another process follows through its driver's pid (see cancel()).
// - reattachAll() (on start): every unfinished build whose lease is free is taken over — a
//   queued build that never started is queued again; a running one is re-attached
//   (BuildRun::reattach()).
// Destroying the manager stops following (the builds go on in their sandboxes) and releases the
// leases; a later manager on the same store re-attaches them.
class BuildManager : public QObject
{
    Q_OBJECT

public:
    using Options = BuildManagerOptions;
    using StartOptions = BuildStartOptions;

    BuildManager(daytona::DaytonaClient *client, BuildStore *store, BuildHub *hub, Options options,
                 QObject *parent = nullptr);
    ~BuildManager() override;

    // The build as stored (queued, or already running).
    AsyncJobOf<Build> *startBuild(const QString &sandboxId, const QString &directory,
                                  const StartOptions &options = {});
    AsyncJobOf<Build> *rebuild(qint64 buildId, std::optional<bool> clean = std::nullopt);
    // Done when the cancel was handed on; the build then ends as cancelled through the hub of
    // the process that follows it.
    // - A build this manager runs or queues: BuildRun::cancel(), or cancelled at once if queued.
    // - A build another process follows (its lease is live): the driver gets `kill -TERM <pid>`
    //   (pid from the stored metadata) through the sandbox, as BuildRun::cancel() does; that
    //   process sees the driver's `cancelled` end and finishes the build. NOT_READY while the
    //   driver has not announced its pid yet (the build is still in setup there).
    // - A build nobody follows (lease free or expired): taken over like reattachAll() does and
    //   cancelled here.
    // ALREADY_FINISHED for a build that has ended; the store's NOT_FOUND for an unknown id.
    StatusJob *cancel(qint64 buildId);
    // The number of builds taken over (re-attached or queued again).
    AsyncJobOf<int> *reattachAll();

    int maxParallel() const { return m_options.maxParallel; }
    void setMaxParallel(int limit);
    QString leaseOwner() const { return m_options.run.leaseOwner; }
    QList<qint64> runningBuilds() const;
    QList<qint64> queuedBuilds() const;
    // Lists the artifacts of every build this manager finishes successfully (owned here).
    ArtifactScanner *artifactScanner() const { return m_artifactScanner; }

private:
    struct Queued
    {
        Build build;
    };

    void enqueue(const Build &build);
    void schedule();
    void launch(const Build &build, const Project &project, bool reattach);
    void announce(const Build &build, const QString &type, const QString &message);
    bool cancelHere(qint64 buildId); // false: this manager neither runs nor queues it
    void cancelQueued(Build build);
    void cancelStored(const Build &build, StatusJob *job, bool mayRetry);
    void signalDriver(const Build &build, StatusJob *job);
    void takeOver(const Build &build);

    QPointer<daytona::DaytonaClient> m_client;
    QPointer<BuildStore> m_store;
    QPointer<BuildHub> m_hub;
    Options m_options;
    QList<Build> m_queue;
    QHash<qint64, BuildRun *> m_runs;
    QSet<QString> m_busySandboxes; // with a running build, or one being launched
    QSet<qint64> m_launching;      // to be run or re-attached, its BuildRun not created yet
    QSet<qint64> m_cancelOnLaunch; // cancelled while being launched
    QList<QPointer<AsyncJob>> m_jobs;
    ArtifactScanner *m_artifactScanner = nullptr;
};

} // namespace vw::engine
