#pragma once

#include "models/ArtifactListing.h"
#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/BuildQuery.h"
#include "models/BuildStatistics.h"
#include "models/DatabaseUrl.h"
#include "models/Error.h"
#include "models/LogAppend.h"
#include "models/LogSelection.h"
#include "models/LogSizes.h"
#include "models/LogSlice.h"
#include "models/Project.h"
#include "models/StoreChange.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

#include <functional>
#include <optional>

class QSqlQuery;

namespace vw {

// The SQL of the build store, synchronous: one connection, used only on the thread that
// opened it. BuildStore runs it on its worker thread; tests and tools may use it directly.
//
// Error codes: BAD_URL, DRIVER_MISSING, DB_OPEN, SCHEMA_TOO_NEW, MIGRATION_FAILED, NOT_OPEN,
// DB_QUERY, NOT_FOUND, INVALID_ARGUMENT, CONFLICT.
class BuildRepository
{
public:
    // Output is stored in chunks of at most this many bytes.
    static constexpr qint64 kMaxChunkBytes = 64 * 1024;

    BuildRepository();
    ~BuildRepository();
    BuildRepository(const BuildRepository &) = delete;
    BuildRepository &operator=(const BuildRepository &) = delete;

    // Connects and migrates to the latest schema. SQLite: creates the file (and its directory),
    // WAL journal, foreign keys on, busy timeout 5 s.
    Status open(const DatabaseUrl &url);
    void close();
    bool isOpen() const;
    DatabaseUrl::Backend backend() const { return m_url.backend(); }
    const DatabaseUrl &url() const { return m_url; }
    int schemaVersion() const { return m_schemaVersion; }
    // The connection, for tests and diagnostics (same thread only).
    QSqlDatabase database() const;
    // The builds whose error signature is still to be computed (when the store opens): served
    // by the index builds_signature_missing, so it costs nothing when there are none.
    static constexpr const char *kMissingSignatures =
        "SELECT id, error_message FROM builds WHERE error_message IS NOT NULL AND "
        "error_signature IS NULL";

    // Projects. saveProject inserts (id 0) or updates; ensureProject returns the project of
    // (sandboxId, directory), created with `name` if it does not exist yet.
    Result<Project> saveProject(const Project &project);
    Result<Project> ensureProject(const QString &sandboxId, const QString &directory,
                                  const QString &name = {});
    Result<Project> project(qint64 id);
    Result<std::optional<Project>> findProject(const QString &sandboxId, const QString &directory);
    Result<QList<Project>> projects();
    // Deletes the project with all its builds, events and logs.
    Status deleteProject(qint64 id);

    // Builds. createBuild stores a new build (id must be 0) with its phase records;
    // updateBuild writes every field the engine owns (not logOffset, not the lease).
    Result<Build> createBuild(const Build &build);
    Result<Build> updateBuild(const Build &build);
    Result<Build> build(qint64 id);
    Result<BuildPage> builds(const BuildQuery &query);
    Result<std::optional<Build>> latestBuild(qint64 projectId);
    // The newest build of every project that has one, newest first.
    Result<QList<Build>> latestBuilds();
    // Queued and running builds, oldest first (to re-attach on start).
    Result<QList<Build>> unfinishedBuilds();

    // Leases: who follows a running build. Acquiring succeeds when the build has no holder, the
    // holder is `owner`, or the holder's lease expired; it then lasts ttlMs from now.
    Result<bool> acquireLease(qint64 buildId, const QString &owner, qint64 ttlMs);
    Status releaseLease(qint64 buildId, const QString &owner);

    // Events. addEvent sets id (and createdAt when invalid). events(): of `buildId` (0: of every
    // build) with id > afterId, oldest first, at most `limit` (<= 0: all).
    Result<BuildEvent> addEvent(const BuildEvent &event);
    Result<QList<BuildEvent>> events(qint64 buildId, qint64 afterId = 0, int limit = 0);

    // Logs. appendLogs stores all pieces in one transaction, merging consecutive pieces of the
    // same build, phase and stream into chunks; nothing of a build's stored log is read to do so.
    Status appendLogs(const QList<LogAppend> &appends);
    // Bytes [offset, offset + length) of a selection (length < 0: to the end).
    Result<LogSlice> readLog(qint64 buildId, const LogSelection &selection, qint64 offset,
                             qint64 length);
    Result<LogSizes> logSizes(qint64 buildId);

    Result<BuildStatistics> statistics(const StatisticsQuery &query);

    // Artifacts. setArtifacts replaces the build's listing (files sorted by path on the way
    // in); artifacts() is nullopt while the build has never been listed.
    Result<ArtifactListing> setArtifacts(const ArtifactListing &listing);
    Result<std::optional<ArtifactListing>> artifacts(qint64 buildId);

    // Changes made by others. Every write through a repository is announced: on PostgreSQL with
    // NOTIFY on kNotifyChannel (delivered when its transaction commits). watchChanges() calls
    // `callback` on this thread for each change another session announced (PostgreSQL: LISTEN,
    // needs a running event loop; SQLite: nothing arrives by itself, call checkExternalChanges).
    static inline const QString kNotifyChannel = QStringLiteral("vaporwatch_changes");
    Status watchChanges(std::function<void(const StoreChange &)> callback);
    // SQLite: true when another connection committed since the previous call (PRAGMA
    // data_version; cheap, no table is read). PostgreSQL: always false (changes are pushed).
    Result<bool> checkExternalChanges();

private:
    void announce(const StoreChange &change);
    Result<QSqlQuery> exec(const QString &sql, const QVariantList &binds = {});
    Status begin();
    Status commit();
    void rollback();
    Status checkOpen() const;
    Status writePhases(const Build &build);
    // Sets builds.error_signature where an error message has none yet (rows written before
    // migration 4, or by other tools): one transaction, once per open.
    Status fillErrorSignatures();
    Result<QList<Build>> selectBuilds(const QString &whereAndOrder, const QVariantList &binds);
    Status loadPhases(QList<Build> &builds);

    DatabaseUrl m_url;
    QString m_connectionName;
    int m_schemaVersion = 0;
    // Where the next bytes of a build's log go, known after its first append in this process.
    QHash<qint64, LogSizes> m_appendCursors;
    std::function<void(const StoreChange &)> m_changeCallback;
    qint64 m_dataVersion = -1;
    bool m_inTransaction = false;
};

} // namespace vw
