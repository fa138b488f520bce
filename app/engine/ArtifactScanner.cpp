#include "app/engine/ArtifactScanner.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/ArtifactLocator.h"
#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "models/Log.h"

#include <QDir>
#include <QPointer>

#include <algorithm>
#include <memory>
#include <utility>

namespace vw::engine {

namespace {

QString joined(const QString &directory, const QString &name)
{
    if (name.startsWith(QLatin1Char('/')))
        return QDir::cleanPath(name);
    if (directory.isEmpty())
        return QDir::cleanPath(name);
    return QDir::cleanPath(directory + QLatin1Char('/') + name);
}

// One listing, announced on the hub from its start to its end. Dropped unfinished (the job was
// cancelled, the scanner destroyed), it ends as failed, so no view waits for it forever.
class AnnouncedListing
{
public:
    AnnouncedListing(BuildHub *hub, qint64 buildId)
        : m_hub(hub)
        , m_buildId(buildId)
    {
        if (m_hub)
            m_hub->announceArtifactsListing(m_buildId);
    }
    ~AnnouncedListing() { failed(ArtifactScanner::tr("The listing was cancelled.")); }
    AnnouncedListing(const AnnouncedListing &) = delete;
    AnnouncedListing &operator=(const AnnouncedListing &) = delete;

    void listed()
    {
        if (!std::exchange(m_ended, true) && m_hub)
            m_hub->announceArtifactsListed(m_buildId);
    }
    void failed(const QString &message)
    {
        if (!std::exchange(m_ended, true) && m_hub)
            m_hub->announceArtifactsListingFailed(m_buildId, message);
    }

private:
    QPointer<BuildHub> m_hub;
    qint64 m_buildId;
    bool m_ended = false;
};

// A name a server may send that must never become part of a path.
bool isSafeName(const QString &name)
{
    return !name.isEmpty() && name != QLatin1String(".") && name != QLatin1String("..") &&
           !name.contains(QLatin1Char('/')) && !name.contains(QChar(0));
}

} // namespace

struct ArtifactScanner::Walk
{
    struct Directory
    {
        QString relative; // to the output directory; empty: the output directory itself
        int depth = 0;
    };

    QString sandbox;
    QString projectDirectory;
    QStringList candidates;
    qsizetype candidate = 0;
    QString root; // the output directory found, absolute (or as the server resolves it)
    QList<Directory> pending;
    int entriesSeen = 0;
    Limits limits;
    ArtifactListing listing;
    QPointer<AsyncJobOf<ArtifactListing>> job;

    // Takes one directory's entries; false once a bound stopped the walk.
    bool take(const Directory &directory, const QList<daytona::FileInfo> &entries)
    {
        for (const daytona::FileInfo &entry : entries) {
            if (++entriesSeen > limits.maxEntries) {
                listing.truncated = true;
                listing.reason = ArtifactListing::kTooManyEntries;
                pending.clear();
                return false;
            }
            if (!isSafeName(entry.name))
                continue;
            const QString relative = directory.relative.isEmpty()
                                         ? entry.name
                                         : directory.relative + QLatin1Char('/') + entry.name;
            // Go's FileMode.String(): 'L' symbolic link, 'd' directory, '-' regular file.
            if (entry.mode.startsWith(QLatin1Char('L')))
                continue;
            if (entry.isDir) {
                if (directory.depth + 1 > limits.maxDepth) {
                    listing.truncated = true;
                    if (listing.reason.isEmpty())
                        listing.reason = ArtifactListing::kTooDeep;
                    continue;
                }
                pending.append(Directory{relative, directory.depth + 1});
                continue;
            }
            if (!entry.mode.isEmpty() && !entry.mode.startsWith(QLatin1Char('-')))
                continue; // a device, pipe or socket: nothing to download
            listing.files.append(BuildArtifact{
                relative, entry.size, QDateTime::fromString(entry.modifiedAt, Qt::ISODate)});
        }
        return true;
    }
};

ArtifactScanner::ArtifactScanner(daytona::DaytonaClient *client, BuildStore *store, BuildHub *hub,
                                 QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_hub(hub)
{
}

ArtifactScanner::~ArtifactScanner()
{
    const auto jobs = m_jobs;
    for (const QPointer<AsyncJob> &job : jobs) {
        if (job)
            job->cancel();
    }
}

template<typename T>
AsyncJobOf<T> *ArtifactScanner::track(AsyncJobOf<T> *job)
{
    m_jobs.removeIf([](const QPointer<AsyncJob> &tracked) {
        return tracked.isNull() || tracked->isFinished();
    });
    m_jobs.append(job);
    return job;
}

AsyncJobOf<ArtifactListing> *ArtifactScanner::list(const QString &sandbox,
                                                   const QString &projectDirectory,
                                                   const QStringList &candidates)
{
    auto *job = track(new AsyncJobOf<ArtifactListing>);
    if (!m_client) {
        job->fail(Error{QStringLiteral("NOT_CONNECTED"),
                        tr("There is no connection to the sandboxes."), 0});
        return job;
    }
    auto walk = std::make_shared<Walk>();
    walk->sandbox = sandbox;
    walk->projectDirectory = projectDirectory;
    walk->candidates = candidates;
    walk->limits = m_limits;
    walk->job = job;
    if (projectDirectory.isEmpty()) {
        tryCandidate(walk);
        return job;
    }
    // The project directory first: the toolbox answers 404 or 400 for a sandbox that is gone or
    // stopped too, and that must fail the listing, not read as "no output directory here".
    m_client->listFiles(sandbox, projectDirectory)
        ->onResult(this, [this, walk](const Result<QList<daytona::FileInfo>> &entries) {
            if (!walk->job || walk->job->isFinished())
                return;
            if (!entries) {
                walk->job->fail(Error{entries.error().code,
                                      tr("Cannot list the project directory %1 in the sandbox: %2")
                                          .arg(walk->projectDirectory, entries.error().message),
                                      entries.error().httpStatus});
                return;
            }
            tryCandidate(walk);
        });
    return job;
}

void ArtifactScanner::tryCandidate(const std::shared_ptr<Walk> &walk)
{
    if (!walk->job || walk->job->isFinished())
        return;
    if (walk->candidate >= walk->candidates.size()) {
        walk->listing.reason = ArtifactListing::kNoOutputDirectory;
        finishWalk(walk);
        return;
    }
    const QString root = joined(walk->projectDirectory, walk->candidates.at(walk->candidate));
    if (!m_client) {
        walk->job->fail(Error{QStringLiteral("NOT_CONNECTED"),
                              tr("There is no connection to the sandboxes."), 0});
        return;
    }
    m_client->listFiles(walk->sandbox, root)
        ->onResult(this, [this, walk, root](const Result<QList<daytona::FileInfo>> &entries) {
            if (!walk->job || walk->job->isFinished())
                return;
            if (!entries) {
                // 404: not there; 400: there, but not a directory. Either way: the next one.
                const int status = entries.error().httpStatus;
                if (status == 404 || status == 400) {
                    ++walk->candidate;
                    tryCandidate(walk);
                    return;
                }
                walk->job->fail(Error{
                    entries.error().code,
                    tr("Cannot list %1 in the sandbox: %2").arg(root, entries.error().message),
                    entries.error().httpStatus});
                return;
            }
            walk->root = root;
            walk->listing.outputDirectory = root;
            if (walk->take(Walk::Directory{}, entries.value()))
                listNext(walk);
            else
                finishWalk(walk);
        });
}

void ArtifactScanner::listNext(const std::shared_ptr<Walk> &walk)
{
    if (!walk->job || walk->job->isFinished())
        return;
    if (walk->pending.isEmpty() || !m_client) {
        finishWalk(walk);
        return;
    }
    const Walk::Directory directory = walk->pending.takeFirst();
    const QString path = walk->root + QLatin1Char('/') + directory.relative;
    m_client->listFiles(walk->sandbox, path)
        ->onResult(this,
                   [this, walk, directory, path](const Result<QList<daytona::FileInfo>> &entries) {
                       if (!walk->job || walk->job->isFinished())
                           return;
                       if (!entries) {
                           log::get("engine")->warn("listing {} in sandbox {} failed: {}", path,
                                                    walk->sandbox, entries.error().toString());
                           walk->listing.truncated = true;
                           if (walk->listing.reason.isEmpty())
                               walk->listing.reason = ArtifactListing::kListingFailed;
                           listNext(walk);
                           return;
                       }
                       if (walk->take(directory, entries.value()))
                           listNext(walk);
                       else
                           finishWalk(walk);
                   });
}

void ArtifactScanner::finishWalk(const std::shared_ptr<Walk> &walk)
{
    if (!walk->job || walk->job->isFinished())
        return;
    ArtifactListing &listing = walk->listing;
    if (listing.files.isEmpty() && listing.reason.isEmpty())
        listing.reason = ArtifactListing::kEmptyDirectory;
    std::sort(listing.files.begin(), listing.files.end(),
              [](const BuildArtifact &a, const BuildArtifact &b) { return a.path < b.path; });
    listing.listedAt = QDateTime::currentDateTimeUtc();
    walk->job->succeed(listing);
}

AsyncJobOf<ArtifactListing> *ArtifactScanner::scan(const Build &build, const Project &project)
{
    auto *job = track(new AsyncJobOf<ArtifactListing>);
    if (build.status != BuildStatus::Success) {
        job->fail(Error{QStringLiteral("NOT_SUCCEEDED"),
                        tr("Build %1 did not succeed: it has no artifacts to list.").arg(build.id),
                        0});
        return job;
    }
    if (!m_store) {
        job->fail(Error{QStringLiteral("STORE_CLOSED"), tr("The build store is closed."), 0});
        return job;
    }
    const QString directory = project.directory.isEmpty()
                                  ? build.metadata.value(QStringLiteral("directory")).toString()
                                  : project.directory;
    const QStringList candidates = ArtifactLocator::candidates(
        build.stack, project.outputDirectory,
        build.metadata.value(QStringLiteral("output_directory")).toString());
    QPointer<AsyncJobOf<ArtifactListing>> guard(job);
    const qint64 buildId = build.id;
    const QString sandbox = build.sandboxId.isEmpty() ? project.sandboxId : build.sandboxId;
    auto announced = std::make_shared<AnnouncedListing>(m_hub, buildId);
    list(sandbox, directory, candidates)
        ->onResult(this, [this, guard, buildId, announced](const Result<ArtifactListing> &listed) {
            if (!guard)
                return;
            if (!listed) {
                announced->failed(listed.error().message);
                guard->fail(listed.error());
                return;
            }
            if (!m_store) {
                const Error closed{QStringLiteral("STORE_CLOSED"), tr("The build store is closed."),
                                   0};
                announced->failed(closed.message);
                guard->fail(closed);
                return;
            }
            ArtifactListing listing = listed.value();
            listing.buildId = buildId;
            m_store->setArtifacts(listing)->onResult(
                this, [guard, buildId, announced](const Result<ArtifactListing> &stored) {
                    // Announced whether or not anyone still waits for the job: views wait too.
                    if (!stored) {
                        announced->failed(stored.error().message);
                        if (guard)
                            guard->fail(stored.error());
                        return;
                    }
                    log::get("engine")->info(
                        "build {}: {} artifacts ({} bytes) in {}{}", buildId,
                        stored.value().files.size(), stored.value().totalBytes(),
                        stored.value().outputDirectory.isEmpty()
                            ? QStringLiteral("no output directory")
                            : stored.value().outputDirectory,
                        stored.value().truncated ? QStringLiteral(" (truncated)") : QString());
                    if (guard)
                        guard->succeed(stored.value());
                    announced->listed();
                });
        });
    return job;
}

AsyncJobOf<ArtifactListing> *ArtifactScanner::scan(qint64 buildId)
{
    auto *job = track(new AsyncJobOf<ArtifactListing>);
    if (!m_store) {
        job->fail(Error{QStringLiteral("STORE_CLOSED"), tr("The build store is closed."), 0});
        return job;
    }
    QPointer<AsyncJobOf<ArtifactListing>> guard(job);
    m_store->build(buildId)->onResult(this, [this, guard](const Result<Build> &build) {
        if (!guard)
            return;
        if (!build) {
            guard->fail(build.error());
            return;
        }
        if (!m_store) {
            guard->fail(Error{QStringLiteral("STORE_CLOSED"), tr("The build store is closed."), 0});
            return;
        }
        m_store->project(build.value().projectId)
            ->onResult(this, [this, guard, build = build.value()](const Result<Project> &project) {
                if (!guard)
                    return;
                if (!project) {
                    guard->fail(project.error());
                    return;
                }
                scan(build, project.value())
                    ->onResult(this, [guard](const Result<ArtifactListing> &listing) {
                        if (!guard)
                            return;
                        if (listing)
                            guard->succeed(listing.value());
                        else
                            guard->fail(listing.error());
                    });
            });
    });
    return job;
}

} // namespace vw::engine
