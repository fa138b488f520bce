#include "models/BuildStore.h"

#include "models/AnalyticsRepository.h"
#include "models/BuildRepository.h"
#include "models/Log.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QPointer>
#include <QThread>

namespace vw {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("vw::BuildStore", text);
}

Error closedError()
{
    return Error{QStringLiteral("STORE_CLOSED"), tr("The build store is closed."), 0};
}

} // namespace

// Touched only on the worker thread (the shared_ptr itself is shared so queued work keeps it).
struct BuildStore::WorkerState
{
    std::unique_ptr<BuildRepository> repository = std::make_unique<BuildRepository>();
    // SQLite change detection: the database files are watched (inotify), with a slow timer as a
    // safety net; either only triggers the cheap PRAGMA data_version check.
    std::unique_ptr<QFileSystemWatcher> watcher;
    std::unique_ptr<QTimer> settle;
    std::unique_ptr<QTimer> timer;

    void stopWatching()
    {
        watcher.reset();
        settle.reset();
        timer.reset();
    }

    void watchSqliteFiles(const QString &path, int intervalMs)
    {
        const QStringList files{path, path + QStringLiteral("-wal")};
        watcher = std::make_unique<QFileSystemWatcher>();
        for (const QString &file : files) {
            if (QFileInfo::exists(file))
                watcher->addPath(file);
        }
        BuildRepository *r = repository.get();
        QFileSystemWatcher *w = watcher.get();
        // A commit is several writes, and the watch may report the first of them before the
        // commit is complete: check once the files have been quiet for a moment, or a change
        // would only be noticed with the next one.
        settle = std::make_unique<QTimer>();
        settle->setSingleShot(true);
        settle->setInterval(25);
        QObject::connect(settle.get(), &QTimer::timeout, settle.get(),
                         [r] { r->checkExternalChanges(); });
        QTimer *s = settle.get();
        QObject::connect(w, &QFileSystemWatcher::fileChanged, w, [w, s, files] {
            // A file that was replaced drops out of the watch list; take it back.
            for (const QString &file : files) {
                if (!w->files().contains(file) && QFileInfo::exists(file))
                    w->addPath(file);
            }
            s->start();
        });
        timer = std::make_unique<QTimer>();
        timer->setInterval(std::max(intervalMs, 10));
        QObject::connect(timer.get(), &QTimer::timeout, timer.get(),
                         [r] { r->checkExternalChanges(); });
        timer->start();
    }
};

BuildStore::BuildStore(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_worker(new QObject)
    , m_home(new QObject(this))
    , m_state(std::make_shared<WorkerState>())
{
    m_thread->setObjectName(QStringLiteral("vw-build-store"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(100);
    connect(&m_flushTimer, &QTimer::timeout, this, &BuildStore::sendPendingAppends);
}

BuildStore::~BuildStore()
{
    sendPendingAppends();
    shutDownWorker();
}

void BuildStore::shutDownWorker()
{
    if (!m_thread)
        return;
    auto state = m_state;
    // Runs after everything queued before it: the repository closes on its own thread.
    QMetaObject::invokeMethod(
        m_worker,
        [state] {
            state->stopWatching();
            state->repository.reset();
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait();
    delete m_worker;
    m_worker = nullptr;
    delete m_thread;
    m_thread = nullptr;
    // Hand the last results to their jobs now; the jobs then emit finished() as usual.
    QCoreApplication::sendPostedEvents(m_home);
}

template<typename T>
AsyncJobOf<T> *BuildStore::post(std::function<Result<T>(BuildRepository &)> work, bool needsOpen)
{
    auto *job = new AsyncJobOf<T>();
    if (m_closed || !m_thread) {
        job->fail(closedError());
        return job;
    }
    sendPendingAppends();
    QPointer<AsyncJobOf<T>> target(job);
    QObject *home = m_home;
    auto state = m_state;
    QMetaObject::invokeMethod(
        m_worker,
        [state, home, target, needsOpen, work = std::move(work)] {
            BuildRepository &repository = *state->repository;
            Result<T> result = needsOpen && !repository.isOpen()
                                   ? Result<T>(Error{QStringLiteral("NOT_OPEN"),
                                                     tr("The build database is not open."), 0})
                                   : work(repository);
            // `target` is only looked at on the caller's thread.
            QMetaObject::invokeMethod(
                home,
                [target, result = std::move(result)] {
                    if (!target)
                        return;
                    if (result.ok())
                        target->succeed(result.value());
                    else
                        target->fail(result.error());
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return job;
}

StatusJob *BuildStore::open(const QString &url)
{
    Result<DatabaseUrl> parsed = DatabaseUrl::parse(url);
    if (!parsed) {
        auto *job = new StatusJob();
        job->fail(parsed.error());
        return job;
    }
    return open(parsed.value());
}

StatusJob *BuildStore::open(const DatabaseUrl &url)
{
    m_closed = false;
    m_appendError.reset();
    QPointer<BuildStore> self(this);
    QObject *home = m_home;
    auto state = m_state;
    const int interval = m_changeCheckInterval;
    return post<Done>(
        [url, self, home, state, interval](BuildRepository &r) -> Status {
            state->stopWatching();
            Status opened = r.open(url);
            if (!opened)
                return opened;
            // Runs on the worker; the signal is emitted on the store's thread.
            Status watching = r.watchChanges([self, home](const StoreChange &change) {
                QMetaObject::invokeMethod(
                    home,
                    [self, change] {
                        if (self)
                            emit self->externalChange(change);
                    },
                    Qt::QueuedConnection);
            });
            if (!watching)
                log::get("store")->warn("changes by other processes will not be seen: {}",
                                        watching.error().toString());
            else if (url.backend() == DatabaseUrl::Backend::Sqlite && !url.isInMemory())
                state->watchSqliteFiles(url.sqlitePath(), interval);
            return opened;
        },
        false);
}

StatusJob *BuildStore::close()
{
    auto state = m_state;
    auto *job = post<Done>(
        [state](BuildRepository &r) -> Status {
            state->stopWatching();
            r.close();
            return Done{};
        },
        false);
    m_closed = true;
    return job;
}

AsyncJobOf<Project> *BuildStore::saveProject(const Project &project)
{
    return post<Project>([project](BuildRepository &r) { return r.saveProject(project); });
}

AsyncJobOf<Project> *BuildStore::ensureProject(const QString &sandboxId, const QString &directory,
                                               const QString &name)
{
    return post<Project>([sandboxId, directory, name](BuildRepository &r) {
        return r.ensureProject(sandboxId, directory, name);
    });
}

AsyncJobOf<Project> *BuildStore::project(qint64 id)
{
    return post<Project>([id](BuildRepository &r) { return r.project(id); });
}

AsyncJobOf<std::optional<Project>> *BuildStore::findProject(const QString &sandboxId,
                                                            const QString &directory)
{
    return post<std::optional<Project>>(
        [sandboxId, directory](BuildRepository &r) { return r.findProject(sandboxId, directory); });
}

AsyncJobOf<QList<Project>> *BuildStore::projects()
{
    return post<QList<Project>>([](BuildRepository &r) { return r.projects(); });
}

StatusJob *BuildStore::deleteProject(qint64 id)
{
    return post<Done>([id](BuildRepository &r) { return r.deleteProject(id); });
}

AsyncJobOf<Build> *BuildStore::createBuild(const Build &build)
{
    return post<Build>([build](BuildRepository &r) { return r.createBuild(build); });
}

AsyncJobOf<Build> *BuildStore::updateBuild(const Build &build)
{
    return post<Build>([build](BuildRepository &r) { return r.updateBuild(build); });
}

AsyncJobOf<Build> *BuildStore::build(qint64 id)
{
    return post<Build>([id](BuildRepository &r) { return r.build(id); });
}

AsyncJobOf<BuildPage> *BuildStore::builds(const BuildQuery &query)
{
    return post<BuildPage>([query](BuildRepository &r) { return r.builds(query); });
}

AsyncJobOf<std::optional<Build>> *BuildStore::latestBuild(qint64 projectId)
{
    return post<std::optional<Build>>(
        [projectId](BuildRepository &r) { return r.latestBuild(projectId); });
}

AsyncJobOf<QList<Build>> *BuildStore::latestBuilds()
{
    return post<QList<Build>>([](BuildRepository &r) { return r.latestBuilds(); });
}

AsyncJobOf<QList<Build>> *BuildStore::unfinishedBuilds()
{
    return post<QList<Build>>([](BuildRepository &r) { return r.unfinishedBuilds(); });
}

AsyncJobOf<bool> *BuildStore::acquireLease(qint64 buildId, const QString &owner, qint64 ttlMs)
{
    return post<bool>([buildId, owner, ttlMs](BuildRepository &r) {
        return r.acquireLease(buildId, owner, ttlMs);
    });
}

StatusJob *BuildStore::releaseLease(qint64 buildId, const QString &owner)
{
    return post<Done>(
        [buildId, owner](BuildRepository &r) { return r.releaseLease(buildId, owner); });
}

AsyncJobOf<BuildEvent> *BuildStore::addEvent(const BuildEvent &event)
{
    return post<BuildEvent>([event](BuildRepository &r) { return r.addEvent(event); });
}

AsyncJobOf<QList<BuildEvent>> *BuildStore::events(qint64 buildId, qint64 afterId, int limit)
{
    return post<QList<BuildEvent>>([buildId, afterId, limit](BuildRepository &r) {
        return r.events(buildId, afterId, limit);
    });
}

void BuildStore::appendLog(const LogAppend &append)
{
    if (m_closed || !m_thread) {
        const Error error = closedError();
        log::get("store")->warn("log output for build {} dropped: {}", append.buildId,
                                error.message);
        emit appendFailed(error);
        return;
    }
    m_pending.append(append);
    m_pendingBytes += append.data.size();
    if (m_pendingBytes >= m_flushThreshold)
        sendPendingAppends();
    else if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void BuildStore::sendPendingAppends()
{
    m_flushTimer.stop();
    if (m_pending.isEmpty() || !m_thread)
        return;
    QList<LogAppend> batch = std::move(m_pending);
    m_pending.clear();
    m_pendingBytes = 0;
    QPointer<BuildStore> self(this);
    QObject *home = m_home;
    auto state = m_state;
    QMetaObject::invokeMethod(
        m_worker,
        [state, home, self, batch = std::move(batch)] {
            BuildRepository &repository = *state->repository;
            const Status status = repository.isOpen()
                                      ? repository.appendLogs(batch)
                                      : Status(Error{QStringLiteral("NOT_OPEN"),
                                                     tr("The build database is not open."), 0});
            if (status)
                return;
            log::get("store")->error("storing {} log pieces failed: {}", batch.size(),
                                     status.error().toString());
            QMetaObject::invokeMethod(
                home,
                [self, error = status.error()] {
                    if (!self)
                        return;
                    if (!self->m_appendError)
                        self->m_appendError = error;
                    emit self->appendFailed(error);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

StatusJob *BuildStore::flush()
{
    auto *job = new StatusJob();
    auto *done = post<Done>([](BuildRepository &) -> Status { return Done{}; }, false);
    // Results come back in order, so any failed batch has reported before `done` finishes.
    // The job itself is the context: it finishes even when the store is gone by then.
    QPointer<BuildStore> self(this);
    done->onFinished(job, [self, job](AsyncJob *finished) {
        if (!finished->ok()) {
            job->fail(finished->error());
        } else if (self && self->m_appendError) {
            job->fail(*self->m_appendError);
            self->m_appendError.reset();
        } else {
            job->succeed(Done{});
        }
    });
    return job;
}

AsyncJobOf<LogSlice> *BuildStore::readLog(qint64 buildId, const LogSelection &selection,
                                          qint64 offset, qint64 length)
{
    return post<LogSlice>([buildId, selection, offset, length](BuildRepository &r) {
        return r.readLog(buildId, selection, offset, length);
    });
}

AsyncJobOf<LogSizes> *BuildStore::logSizes(qint64 buildId)
{
    return post<LogSizes>([buildId](BuildRepository &r) { return r.logSizes(buildId); });
}

AsyncJobOf<BuildStatistics> *BuildStore::statistics(const StatisticsQuery &query)
{
    return post<BuildStatistics>([query](BuildRepository &r) { return r.statistics(query); });
}

AsyncJobOf<BuildAnalytics> *BuildStore::analytics(const AnalyticsQuery &query)
{
    return post<BuildAnalytics>(
        [query](BuildRepository &r) { return AnalyticsRepository(r).analytics(query); });
}

AsyncJobOf<ArtifactListing> *BuildStore::setArtifacts(const ArtifactListing &listing)
{
    return post<ArtifactListing>([listing](BuildRepository &r) { return r.setArtifacts(listing); });
}

AsyncJobOf<std::optional<ArtifactListing>> *BuildStore::artifacts(qint64 buildId)
{
    return post<std::optional<ArtifactListing>>(
        [buildId](BuildRepository &r) { return r.artifacts(buildId); });
}

} // namespace vw
