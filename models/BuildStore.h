#pragma once

#include "models/ArtifactListing.h"
#include "models/AsyncJob.h"
#include "models/BuildAnalytics.h"
#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/BuildQuery.h"
#include "models/BuildStatistics.h"
#include "models/DatabaseUrl.h"
#include "models/LogAppend.h"
#include "models/LogSelection.h"
#include "models/LogSizes.h"
#include "models/LogSlice.h"
#include "models/Project.h"
#include "models/StoreChange.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace vw {

class BuildRepository;

// The build store, asynchronous: every query runs on one worker thread that owns the database
// connection (a BuildRepository); the caller's event loop never waits for the database. Use it
// from one thread (the one that created it); results are delivered there.
//
// Every operation returns a job whose finished() always fires, errors included: STORE_CLOSED
// after close(), NOT_OPEN before a successful open(), otherwise BuildRepository's codes.
// Operations run in the order they were called, so a read sees every write (and every
// appendLog) issued before it.
//
// Log output is not written one piece at a time: appendLog() queues it and the queue goes to the
// worker in one batch (one transaction) every flushInterval (100 ms) or when flushThreshold
// bytes (256 KiB) are waiting, before any other operation, on flush(), on close() and in the
// destructor. A failed batch emits appendFailed() and makes the next flush() fail.
//
//     auto *store = new vw::BuildStore(this);
//     store->open(DatabaseUrl::sqlite(DatabaseUrl::defaultSqlitePath()));
//     store->createBuild(build)->onResult(this, [](const vw::Result<vw::Build> &r) { … });
//     store->appendLog({buildId, vw::Phase::Install, vw::LogStream::Stderr, bytes});
class BuildStore : public QObject
{
    Q_OBJECT

public:
    explicit BuildStore(QObject *parent = nullptr);
    // Flushes queued log output, closes the database and joins the worker thread (this waits
    // for operations already queued).
    ~BuildStore() override;

    // Opens (and migrates) the database; a store that was open is closed first. The text form
    // takes what DatabaseUrl::parse() takes (empty: the default SQLite file).
    StatusJob *open(const DatabaseUrl &url);
    StatusJob *open(const QString &url);
    // Flushes queued log output and closes; later operations fail with STORE_CLOSED until the
    // next open().
    StatusJob *close();

    AsyncJobOf<Project> *saveProject(const Project &project);
    AsyncJobOf<Project> *ensureProject(const QString &sandboxId, const QString &directory,
                                       const QString &name = {});
    AsyncJobOf<Project> *project(qint64 id);
    AsyncJobOf<std::optional<Project>> *findProject(const QString &sandboxId,
                                                    const QString &directory);
    AsyncJobOf<QList<Project>> *projects();
    StatusJob *deleteProject(qint64 id);

    AsyncJobOf<Build> *createBuild(const Build &build);
    AsyncJobOf<Build> *updateBuild(const Build &build);
    AsyncJobOf<Build> *build(qint64 id);
    AsyncJobOf<BuildPage> *builds(const BuildQuery &query);
    AsyncJobOf<std::optional<Build>> *latestBuild(qint64 projectId);
    AsyncJobOf<QList<Build>> *latestBuilds();
    AsyncJobOf<QList<Build>> *unfinishedBuilds();
    AsyncJobOf<bool> *acquireLease(qint64 buildId, const QString &owner, qint64 ttlMs);
    StatusJob *releaseLease(qint64 buildId, const QString &owner);

    AsyncJobOf<BuildEvent> *addEvent(const BuildEvent &event);
    AsyncJobOf<QList<BuildEvent>> *events(qint64 buildId, qint64 afterId = 0, int limit = 0);

    // Queues output for the build's log (see the class comment). Never blocks.
    void appendLog(const LogAppend &append);
    // Sends queued output to the database; fails when a batch since the last flush failed.
    StatusJob *flush();
    AsyncJobOf<LogSlice> *readLog(qint64 buildId, const LogSelection &selection, qint64 offset,
                                  qint64 length);
    AsyncJobOf<LogSizes> *logSizes(qint64 buildId);

    AsyncJobOf<BuildStatistics> *statistics(const StatisticsQuery &query);
    // The figures of the analytics view (see AnalyticsRepository).
    AsyncJobOf<BuildAnalytics> *analytics(const AnalyticsQuery &query);

    AsyncJobOf<ArtifactListing> *setArtifacts(const ArtifactListing &listing);
    AsyncJobOf<std::optional<ArtifactListing>> *artifacts(qint64 buildId);

    int flushInterval() const { return m_flushTimer.interval(); }
    void setFlushInterval(int ms) { m_flushTimer.setInterval(ms); }
    qint64 flushThreshold() const { return m_flushThreshold; }
    void setFlushThreshold(qint64 bytes) { m_flushThreshold = bytes; }
    // Bytes queued by appendLog() and not yet handed to the worker.
    qint64 pendingLogBytes() const { return m_pendingBytes; }

    // How often an open SQLite store looks for other processes' commits in addition to
    // watching the database files (default 1000 ms). PostgreSQL pushes changes (LISTEN/NOTIFY).
    void setChangeCheckInterval(int ms) { m_changeCheckInterval = ms; }

signals:
    void appendFailed(const vw::Error &error);
    // Another process (or connection) changed the store: with PostgreSQL one signal per
    // announced write (exact kind and ids), with SQLite Kind::Unknown once per detected commit
    // (read what is new, e.g. events after the last id seen). Never for this store's own writes.
    void externalChange(const vw::StoreChange &change);

private:
    struct WorkerState;

    template<typename T>
    AsyncJobOf<T> *post(std::function<Result<T>(BuildRepository &)> work, bool needsOpen = true);
    void sendPendingAppends();
    void shutDownWorker();

    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr; // lives on m_thread; context of the queued work
    QObject *m_home = nullptr;   // lives here; context of the results coming back
    std::shared_ptr<WorkerState> m_state;
    bool m_closed = false;

    QList<LogAppend> m_pending;
    qint64 m_pendingBytes = 0;
    qint64 m_flushThreshold = 256 * 1024;
    QTimer m_flushTimer;
    std::optional<Error> m_appendError;
    int m_changeCheckInterval = 1000;
};

} // namespace vw
