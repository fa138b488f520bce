#include "app/engine/BuildManager.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/ArtifactScanner.h"
#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "models/Log.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QRandomGenerator>
#include <QSysInfo>

#include <memory>

namespace vw::engine {

BuildManager::BuildManager(daytona::DaytonaClient *client, BuildStore *store, BuildHub *hub,
                           Options options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_hub(hub)
    , m_options(std::move(options))
{
    if (m_options.run.leaseOwner.isEmpty()) {
        m_options.run.leaseOwner =
            QStringLiteral("%1:%2:%3")
                .arg(QSysInfo::machineHostName())
                .arg(QCoreApplication::applicationPid())
                .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    }
    m_options.maxParallel = std::max(1, m_options.maxParallel);
    m_artifactScanner = new ArtifactScanner(client, store, hub, this);
    if (store) {
        // The store does not say whose output a failed batch held: every running build is told.
        connect(store, &BuildStore::appendFailed, this, [this](const Error &error) {
            for (BuildRun *run : std::as_const(m_runs))
                run->reportLogNotStored(error);
        });
    }
}

BuildManager::~BuildManager()
{
    // The runs stop following and release their leases; the builds go on in their sandboxes.
    const auto runs = m_runs;
    m_runs.clear();
    for (BuildRun *run : runs) {
        run->disconnect(this);
        delete run;
    }
    for (const QPointer<AsyncJob> &job : std::as_const(m_jobs)) {
        if (job && !job->isFinished())
            job->cancel();
    }
}

void BuildManager::setMaxParallel(int limit)
{
    m_options.maxParallel = std::max(1, limit);
    schedule();
}

QList<qint64> BuildManager::runningBuilds() const
{
    return m_runs.keys();
}

QList<qint64> BuildManager::queuedBuilds() const
{
    QList<qint64> ids;
    for (const Build &build : m_queue)
        ids.append(build.id);
    return ids;
}

void BuildManager::announce(const Build &build, const QString &type, const QString &message)
{
    BuildEvent event;
    event.buildId = build.id;
    event.type = type;
    event.message = message;
    event.createdAt = QDateTime::currentDateTimeUtc();
    QPointer<BuildHub> hub = m_hub;
    m_store->addEvent(event)->onResult(m_hub, [hub](const Result<BuildEvent> &stored) {
        if (stored && hub)
            hub->announceEvent(stored.value());
    });
}

AsyncJobOf<Build> *BuildManager::startBuild(const QString &sandboxId, const QString &directory,
                                            const StartOptions &options)
{
    auto *job = new AsyncJobOf<Build>(this);
    m_jobs.append(job);
    m_store->ensureProject(sandboxId, directory)
        ->onResult(this, [this, job, options](const Result<Project> &project) {
            if (!project) {
                job->fail(project.error());
                return;
            }
            Build build;
            build.projectId = project.value().id;
            build.sandboxId = project.value().sandboxId;
            build.status = BuildStatus::Queued;
            build.phase = Phase::Setup;
            build.trigger = options.trigger;
            build.clean = options.clean;
            build.metadata = options.metadata;
            build.metadata.insert(QStringLiteral("directory"), project.value().directory);
            build.currentStep = tr("Waiting for a free slot");
            m_store->createBuild(build)->onResult(this, [this, job](const Result<Build> &stored) {
                if (!stored) {
                    job->fail(stored.error());
                    return;
                }
                const Build &created = stored.value();
                if (m_hub)
                    m_hub->announceCreated(created);
                announce(created, BuildEvent::Type::Created,
                         tr("Build #%1 created (%2)").arg(created.id).arg(created.trigger));
                announce(created, BuildEvent::Type::Queued, tr("Waiting for a free slot"));
                enqueue(created);
                job->succeed(created);
            });
        });
    return job;
}

AsyncJobOf<Build> *BuildManager::rebuild(qint64 buildId, std::optional<bool> clean)
{
    auto *job = new AsyncJobOf<Build>(this);
    m_jobs.append(job);
    m_store->build(buildId)->onResult(
        this, [this, job, buildId, clean](const Result<Build> &earlier) {
            if (!earlier) {
                job->fail(earlier.error());
                return;
            }
            m_store->project(earlier.value().projectId)
                ->onResult(this, [this, job, buildId, clean,
                                  old = earlier.value()](const Result<Project> &project) {
                    if (!project) {
                        job->fail(project.error());
                        return;
                    }
                    StartOptions options;
                    options.clean = clean.value_or(old.clean);
                    options.trigger = QStringLiteral("rebuild");
                    options.metadata.insert(QStringLiteral("rebuild_of"), buildId);
                    startBuild(project.value().sandboxId, project.value().directory, options)
                        ->onResult(this, [job](const Result<Build> &started) {
                            if (started)
                                job->succeed(started.value());
                            else
                                job->fail(started.error());
                        });
                });
        });
    return job;
}

StatusJob *BuildManager::cancel(qint64 buildId)
{
    auto *job = new StatusJob(this);
    if (cancelHere(buildId)) {
        job->succeed(Done{});
        return job;
    }
    // Not ours: look at the stored build to see who follows it.
    m_jobs.append(job);
    m_store->build(buildId)->onResult(this, [this, job](const Result<Build> &stored) {
        if (!stored)
            job->fail(stored.error());
        else
            cancelStored(stored.value(), job, true);
    });
    return job;
}

bool BuildManager::cancelHere(qint64 buildId)
{
    if (BuildRun *run = m_runs.value(buildId)) {
        run->cancel();
        return true;
    }
    if (m_launching.contains(buildId)) {
        m_cancelOnLaunch.insert(buildId);
        return true;
    }
    for (qsizetype i = 0; i < m_queue.size(); ++i) {
        if (m_queue[i].id == buildId) {
            cancelQueued(m_queue.takeAt(i));
            return true;
        }
    }
    return false;
}

void BuildManager::cancelQueued(Build build)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    build.status = BuildStatus::Cancelled;
    build.phase = Phase::Complete;
    build.currentStep = tr("Build cancelled");
    build.completedAt = now;
    PhaseRecord &complete = build.phaseRecord(Phase::Complete);
    complete.startedAt = now;
    complete.completedAt = now;
    complete.durationMs = 0;
    m_store->updateBuild(build);
    announce(build, BuildEvent::Type::Cancelled, tr("Cancelled while queued"));
    announce(build, BuildEvent::Type::Finished, tr("Build finished: cancelled"));
    m_store->releaseLease(build.id, m_options.run.leaseOwner);
    if (m_hub) {
        m_hub->announceChanged(build);
        m_hub->announceFinished(build);
    }
}

void BuildManager::cancelStored(const Build &build, StatusJob *job, bool mayRetry)
{
    if (build.isFinished()) {
        job->fail(Error{QStringLiteral("ALREADY_FINISHED"),
                        tr("Build #%1 has already ended (%2)")
                            .arg(build.id)
                            .arg(buildStatusDisplayName(build.status)),
                        0});
        return;
    }
    if (cancelHere(build.id)) { // taken over here meanwhile
        job->succeed(Done{});
        return;
    }
    const bool followedElsewhere = !build.leaseOwner.isEmpty() &&
                                   build.leaseOwner != m_options.run.leaseOwner &&
                                   build.leaseExpiresAt > QDateTime::currentDateTimeUtc();
    if (followedElsewhere) {
        signalDriver(build, job);
        return;
    }
    // Nobody follows it: take it over (as reattachAll() does) and cancel it here.
    m_store->acquireLease(build.id, m_options.run.leaseOwner, m_options.run.leaseTtlMs)
        ->onResult(this, [this, job, build, mayRetry](const Result<bool> &acquired) {
            if (!acquired) {
                job->fail(acquired.error());
                return;
            }
            if (acquired.value()) {
                // Our lease also when reattachAll() took the build meanwhile: cancel that run.
                if (!cancelHere(build.id))
                    takeOver(build);
                job->succeed(Done{});
                return;
            }
            if (!mayRetry) {
                job->fail(Error{QStringLiteral("CONFLICT"),
                                tr("Build #%1 keeps changing hands; try again").arg(build.id), 0});
                return;
            }
            // Another process took it over just now: cancel it through that one.
            m_store->build(build.id)->onResult(this, [this, job](const Result<Build> &again) {
                if (!again)
                    job->fail(again.error());
                else
                    cancelStored(again.value(), job, false);
            });
        });
}

// The same signal BuildRun::sendKill() sends; the process that follows the build sees the
// driver end as cancelled and finishes the build.
void BuildManager::signalDriver(const Build &build, StatusJob *job)
{
    bool numeric = false;
    const qint64 pid = build.metadata.value(QStringLiteral("pid")).toString().toLongLong(&numeric);
    if (!numeric || pid <= 1) {
        job->fail(Error{QStringLiteral("NOT_READY"),
                        tr("Build #%1 is still being set up by another Vaporwatch process (%2); "
                           "try again in a moment")
                            .arg(build.id)
                            .arg(build.leaseOwner),
                        0});
        return;
    }
    daytona::ExecuteRequest request;
    request.command = QStringLiteral("kill -TERM %1").arg(pid);
    request.timeoutSeconds = 30;
    m_client->execute(build.sandboxId, request)
        ->onResult(this, [job, id = build.id](const Result<daytona::ExecuteResult> &result) {
            if (!result) {
                job->fail(result.error());
            } else if (result.value().exitCode != 0) {
                job->fail(Error{QStringLiteral("CANCEL_FAILED"),
                                tr("The driver of build #%1 could not be signalled (exit code %2)")
                                    .arg(id)
                                    .arg(result.value().exitCode),
                                0});
            } else {
                job->succeed(Done{});
            }
        });
}

// A build whose lease this manager now holds, with a cancel to carry out.
void BuildManager::takeOver(const Build &build)
{
    if (build.status == BuildStatus::Queued && build.daytonaCommandId.isEmpty()) {
        cancelQueued(build);
        return;
    }
    Build cancelling = build;
    // BuildRun::reattach() signals the driver as soon as it follows the build again.
    cancelling.metadata.insert(QStringLiteral("cancel_requested"), true);
    m_busySandboxes.insert(build.sandboxId);
    m_launching.insert(build.id);
    m_store->project(build.projectId)
        ->onResult(this, [this, cancelling](const Result<Project> &project) {
            launch(cancelling, project ? project.value() : Project{}, true);
        });
}

void BuildManager::enqueue(const Build &build)
{
    m_queue.append(build);
    schedule();
}

void BuildManager::schedule()
{
    for (qsizetype i = 0; i < m_queue.size();) {
        if (m_busySandboxes.size() >= m_options.maxParallel)
            return;
        if (m_busySandboxes.contains(m_queue[i].sandboxId)) {
            ++i;
            continue;
        }
        const Build build = m_queue.takeAt(i);
        m_busySandboxes.insert(build.sandboxId);
        m_launching.insert(build.id);
        m_store->build(build.id)->onResult(this, [this, build](const Result<Build> &latest) {
            // Another process may have cancelled it (BuildManager::cancel) while it waited here.
            if (latest && latest.value().isFinished()) {
                m_launching.remove(build.id);
                m_cancelOnLaunch.remove(build.id);
                m_busySandboxes.remove(build.sandboxId);
                schedule();
                return;
            }
            m_store->project(build.projectId)
                ->onResult(this, [this, build](const Result<Project> &project) {
                    Project p;
                    if (project) {
                        p = project.value();
                    } else {
                        p.id = build.projectId;
                        p.sandboxId = build.sandboxId;
                        p.directory = build.metadata.value(QStringLiteral("directory")).toString();
                    }
                    launch(build, p, false);
                });
        });
    }
}

void BuildManager::launch(const Build &build, const Project &project, bool reattach)
{
    auto *run = new BuildRun(m_client, m_store, m_hub, build, project, m_options.run, this);
    m_runs.insert(build.id, run);
    m_busySandboxes.insert(build.sandboxId);
    connect(run, &BuildRun::finished, this, [this, run, project](qint64 id) {
        m_runs.remove(id);
        if (run->build().status == BuildStatus::Success) {
            // What the build produced is listed while its sandbox still holds it.
            m_artifactScanner->scan(run->build(), project)
                ->onResult(this, [id](const Result<ArtifactListing> &listing) {
                    if (!listing)
                        log::get("engine")->warn("build {}: its artifacts were not listed: {}", id,
                                                 listing.error().toString());
                });
        }
        bool sandboxStillBusy = false;
        for (BuildRun *other : std::as_const(m_runs))
            sandboxStillBusy |= other->build().sandboxId == run->build().sandboxId;
        if (!sandboxStillBusy)
            m_busySandboxes.remove(run->build().sandboxId);
        run->deleteLater();
        schedule();
    });
    m_launching.remove(build.id);
    if (reattach)
        run->reattach();
    else
        run->start();
    if (m_cancelOnLaunch.remove(build.id))
        run->cancel();
}

AsyncJobOf<int> *BuildManager::reattachAll()
{
    auto *job = new AsyncJobOf<int>(this);
    m_jobs.append(job);
    m_store->unfinishedBuilds()->onResult(this, [this, job](const Result<QList<Build>> &builds) {
        if (!builds) {
            job->fail(builds.error());
            return;
        }
        struct State
        {
            int pending = 0;
            int taken = 0;
        };
        auto state = std::make_shared<State>();
        state->pending = int(builds.value().size());
        if (state->pending == 0) {
            job->succeed(0);
            return;
        }
        for (const Build &build : builds.value()) {
            if (m_runs.contains(build.id) || m_launching.contains(build.id) ||
                queuedBuilds().contains(build.id)) {
                if (--state->pending == 0)
                    job->succeed(state->taken);
                continue;
            }
            m_store->acquireLease(build.id, m_options.run.leaseOwner, m_options.run.leaseTtlMs)
                ->onResult(this, [this, job, state, build](const Result<bool> &acquired) {
                    if (acquired && acquired.value()) {
                        ++state->taken;
                        if (build.status == BuildStatus::Queued &&
                            build.daytonaCommandId.isEmpty()) {
                            enqueue(build);
                        } else {
                            m_busySandboxes.insert(build.sandboxId);
                            m_launching.insert(build.id);
                            m_store->project(build.projectId)
                                ->onResult(this, [this, build](const Result<Project> &project) {
                                    Project p;
                                    if (project)
                                        p = project.value();
                                    launch(build, p, true);
                                });
                        }
                    }
                    if (--state->pending == 0)
                        job->succeed(state->taken);
                });
        }
    });
    return job;
}

} // namespace vw::engine
