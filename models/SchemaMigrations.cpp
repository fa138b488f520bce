#include "models/SchemaMigrations.h"

#include "models/Log.h"
#include "models/Phase.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vw {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("vw::SchemaMigrations", text);
}

Error queryError(const QString &code, const QString &what, const QSqlError &error)
{
    return Error{code, QStringLiteral("%1: %2").arg(what, error.text()), 0};
}

// Runs one statement; an empty QString on success, else the driver's message.
QString run(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        return query.lastError().text();
    return QString();
}

} // namespace

const QList<SchemaMigrations::Migration> &SchemaMigrations::all()
{
    static const QList<Migration> migrations{
        {1,
         QStringLiteral("projects, builds, build phases, build events and log chunks"),
         {
             QStringLiteral(R"(CREATE TABLE projects (
                id ${ID},
                name TEXT NOT NULL,
                sandbox_id TEXT NOT NULL,
                sandbox_name TEXT,
                directory TEXT NOT NULL,
                install_command TEXT,
                build_command TEXT,
                skip_build INTEGER NOT NULL DEFAULT 0,
                output_directory TEXT,
                dev_command TEXT,
                dev_port INTEGER,
                settings TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (sandbox_id, directory)))"),
             QStringLiteral(R"(CREATE TABLE builds (
                id ${ID},
                project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                sandbox_id TEXT,
                status TEXT NOT NULL,
                phase TEXT NOT NULL,
                current_step TEXT,
                progress INTEGER NOT NULL DEFAULT 0,
                error_message TEXT,
                triggered_by TEXT,
                clean INTEGER NOT NULL DEFAULT 0,
                stack TEXT,
                install_command TEXT,
                build_command TEXT,
                daytona_session_id TEXT,
                daytona_command_id TEXT,
                metadata TEXT,
                log_offset BIGINT NOT NULL DEFAULT 0,
                lease_owner TEXT,
                lease_expires_at BIGINT,
                created_at BIGINT NOT NULL,
                started_at BIGINT,
                completed_at BIGINT,
                duration_ms BIGINT,
                updated_at BIGINT NOT NULL))"),
             QStringLiteral("CREATE INDEX builds_project ON builds (project_id, id)"),
             QStringLiteral("CREATE INDEX builds_status ON builds (status)"),
             QStringLiteral("CREATE INDEX builds_created ON builds (created_at)"),
             QStringLiteral(R"(CREATE TABLE build_phases (
                build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
                phase TEXT NOT NULL,
                started_at BIGINT,
                completed_at BIGINT,
                duration_ms BIGINT,
                exit_code INTEGER,
                skipped INTEGER NOT NULL DEFAULT 0,
                skip_reason TEXT,
                PRIMARY KEY (build_id, phase)))"),
             QStringLiteral(R"(CREATE TABLE build_events (
                id ${ID},
                build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
                event_type TEXT NOT NULL,
                phase TEXT,
                message TEXT,
                metadata TEXT,
                created_at BIGINT NOT NULL))"),
             QStringLiteral("CREATE INDEX build_events_build ON build_events (build_id, id)"),
             // One row per stored piece of output (at most BuildRepository::kMaxChunkBytes).
             // Each chunk carries its start in the four byte sequences a reader may select:
             // the whole build, its phase, its stream, its phase's stream.
             QStringLiteral(R"(CREATE TABLE log_chunks (
                id ${ID},
                build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
                phase TEXT NOT NULL,
                stream TEXT NOT NULL,
                byte_offset BIGINT NOT NULL,
                phase_offset BIGINT NOT NULL,
                stream_offset BIGINT NOT NULL,
                phase_stream_offset BIGINT NOT NULL,
                length INTEGER NOT NULL,
                data ${BLOB} NOT NULL,
                created_at BIGINT NOT NULL))"),
             QStringLiteral(
                 "CREATE UNIQUE INDEX log_chunks_all ON log_chunks (build_id, byte_offset)"),
             QStringLiteral(
                 "CREATE INDEX log_chunks_phase ON log_chunks (build_id, phase, phase_offset)"),
             QStringLiteral(
                 "CREATE INDEX log_chunks_stream ON log_chunks (build_id, stream, stream_offset)"),
             QStringLiteral("CREATE INDEX log_chunks_phase_stream ON log_chunks "
                            "(build_id, phase, stream, phase_stream_offset)"),
         }},
        // The history sorted by start or duration, the way a header click asks first (latest,
        // longest first; see BuildRepository's ORDER BY, which these expressions match): without
        // them each page of 100,000 builds sorts them all (~60 ms on the first page, ~250 ms
        // deep in the list); with them a page is read in index order (~1 ms).
        {2,
         QStringLiteral("indexes for the history sorted by start time or duration"),
         {
             QStringLiteral("CREATE INDEX builds_started_order ON builds "
                            "((started_at IS NULL), started_at DESC, id DESC)"),
             QStringLiteral("CREATE INDEX builds_duration_order ON builds "
                            "((duration_ms IS NULL), duration_ms DESC, id DESC)"),
         }},
        // What a successful build left in its output directory (see engine::ArtifactScanner).
        // build_outputs holds one row per listed build: the directory listed (its path in the
        // sandbox, NULL when none was found), why the list is empty or cut short, and whether
        // it was; build_artifacts one row per file (directories are implied by the paths).
        {3,
         QStringLiteral("build artifacts: the output directory and its files per build"),
         {
             QStringLiteral(R"(CREATE TABLE build_outputs (
                build_id BIGINT PRIMARY KEY REFERENCES builds (id) ON DELETE CASCADE,
                output_directory TEXT,
                reason TEXT,
                truncated INTEGER NOT NULL DEFAULT 0,
                listed_at BIGINT NOT NULL))"),
             QStringLiteral(R"(CREATE TABLE build_artifacts (
                build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                modified_at BIGINT,
                PRIMARY KEY (build_id, path)))"),
         }},
        // The analytics view (issue 6) on 100,000 builds reads what it needs from `builds`
        // alone, and from two covering indexes, not row by row. Each phase's duration is copied
        // onto builds (NULL when skipped or not recorded; BuildRepository keeps the copy current
        // in the same transaction), and so is the ErrorSignature key of the error message (''
        // when it has none; computed in C++, so BuildRepository::open fills it for older rows):
        // joining ~250,000 phase rows took ~250 ms and masking every message ~100 ms.
        // builds_analytics serves counts, rates, durations, phases and queue times (a table
        // scan instead: ~150 ms for the counts alone); it starts with status, so builds_status
        // is redundant. builds_error_signature (only builds with a message) counts the error
        // groups and finds a group's newest builds in order (~70 ms → ~2 ms).
        {4,
         QStringLiteral("phase durations and error signatures on builds, for the analytics view"),
         {
             QStringLiteral("ALTER TABLE builds ADD COLUMN setup_ms BIGINT"),
             QStringLiteral("ALTER TABLE builds ADD COLUMN install_ms BIGINT"),
             QStringLiteral("ALTER TABLE builds ADD COLUMN build_ms BIGINT"),
             QStringLiteral("ALTER TABLE builds ADD COLUMN complete_ms BIGINT"),
             QStringLiteral("ALTER TABLE builds ADD COLUMN error_signature TEXT"),
             QStringLiteral("UPDATE builds SET ${PHASE_DURATIONS} WHERE EXISTS (SELECT 1 FROM "
                            "build_phases p WHERE p.build_id = builds.id)"),
             QStringLiteral("CREATE INDEX builds_analytics ON builds (status, created_at, "
                            "project_id, duration_ms, started_at, setup_ms, install_ms, "
                            "build_ms, complete_ms)"),
             QStringLiteral("CREATE INDEX builds_error_signature ON builds (status, "
                            "error_signature, created_at, id, project_id) WHERE "
                            "error_signature IS NOT NULL"),
             QStringLiteral("DROP INDEX builds_status"),
         }},
        // BuildRepository::open computes the signatures that are missing (rows written by an
        // older Vaporwatch or another tool) with "WHERE error_message IS NOT NULL AND
        // error_signature IS NULL": without an index that scans every build at each start
        // (15-25 ms on 100,000). This one holds only such rows, so it is empty nearly always.
        {5,
         QStringLiteral("an index of the builds whose error signature is still to be computed"),
         {
             QStringLiteral("CREATE INDEX builds_signature_missing ON builds (id) WHERE "
                            "error_message IS NOT NULL AND error_signature IS NULL"),
         }},
    };
    return migrations;
}

QString SchemaMigrations::phaseDurationAssignments()
{
    QStringList assignments;
    for (Phase phase : allPhases())
        assignments << QStringLiteral("%1_ms = (SELECT p.duration_ms FROM build_phases p WHERE "
                                      "p.build_id = builds.id AND p.phase = '%1' AND "
                                      "p.skipped = 0)")
                           .arg(phaseName(phase));
    return assignments.join(QStringLiteral(", "));
}

int SchemaMigrations::latestVersion()
{
    return all().constLast().version;
}

QStringList SchemaMigrations::statements(const Migration &migration, DatabaseUrl::Backend backend)
{
    const bool pg = backend == DatabaseUrl::Backend::Postgres;
    QStringList result;
    for (QString sql : migration.statements) {
        sql.replace(QStringLiteral("${ID}"),
                    pg ? QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
                       : QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT"));
        sql.replace(QStringLiteral("${BLOB}"),
                    pg ? QStringLiteral("BYTEA") : QStringLiteral("BLOB"));
        sql.replace(QStringLiteral("${PHASE_DURATIONS}"), phaseDurationAssignments());
        result.append(sql);
    }
    return result;
}

Result<int> SchemaMigrations::currentVersion(QSqlDatabase &db)
{
    if (!db.tables().contains(QStringLiteral("schema_version")))
        return 0;
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")))
        return queryError(QStringLiteral("DB_QUERY"), tr("Cannot read the schema version"),
                          query.lastError());
    return query.next() && !query.value(0).isNull() ? query.value(0).toInt() : 0;
}

Result<int> SchemaMigrations::migrate(QSqlDatabase &db, DatabaseUrl::Backend backend)
{
    return migrate(db, backend, all());
}

Result<int> SchemaMigrations::migrate(QSqlDatabase &db, DatabaseUrl::Backend backend,
                                      const QList<Migration> &migrations)
{
    auto logger = log::get("store");
    const bool pg = backend == DatabaseUrl::Backend::Postgres;
    const int latest = migrations.isEmpty() ? 0 : migrations.constLast().version;

    // Refuse a newer database before touching anything.
    Result<int> before = currentVersion(db);
    if (!before)
        return before.error();
    if (before.value() > latest)
        return Error{QStringLiteral("SCHEMA_TOO_NEW"),
                     tr("The database has schema version %1, but this Vaporwatch knows only "
                        "versions up to %2. Use a newer Vaporwatch with this database.")
                         .arg(before.value())
                         .arg(latest),
                     0};
    if (before.value() == latest)
        return latest;

    const QString create =
        QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                       "description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    if (db.tables().contains(QStringLiteral("schema_version"))) {
        // exists (an older schema): nothing to create
    } else if (QString failure = run(db, create); !failure.isEmpty()) {
        // Another process may have created it at the same moment (PostgreSQL reports that as
        // a unique violation); once more settles it.
        if (QString again = run(db, create); !again.isEmpty())
            return Error{QStringLiteral("MIGRATION_FAILED"),
                         tr("Cannot create the schema_version table: %1").arg(again), 0};
    }

    int version = before.value();
    for (const Migration &migration : migrations) {
        if (migration.version <= version)
            continue;
        // SQLite: BEGIN IMMEDIATE takes the write lock now; PostgreSQL: an exclusive lock on
        // schema_version. Either way a second process waits here and then sees the new version.
        const QString begin = pg ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE");
        if (QString failure = run(db, begin); !failure.isEmpty())
            return Error{QStringLiteral("MIGRATION_FAILED"),
                         tr("Cannot start the migration to version %1: %2")
                             .arg(migration.version)
                             .arg(failure),
                         0};
        auto fail = [&](const QString &failure) -> Result<int> {
            run(db, QStringLiteral("ROLLBACK"));
            logger->error("migration to schema version {} failed: {}", migration.version, failure);
            return Error{QStringLiteral("MIGRATION_FAILED"),
                         tr("The migration to schema version %1 failed: %2")
                             .arg(migration.version)
                             .arg(failure),
                         0};
        };
        if (pg) {
            if (QString failure =
                    run(db, QStringLiteral("LOCK TABLE schema_version IN EXCLUSIVE MODE"));
                !failure.isEmpty())
                return fail(failure);
        }
        QSqlQuery check(db);
        if (!check.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")))
            return fail(check.lastError().text());
        const int now = check.next() ? check.value(0).toInt() : 0;
        check.finish();
        if (now >= migration.version) { // applied meanwhile by another process
            run(db, QStringLiteral("COMMIT"));
            version = now;
            continue;
        }
        for (const QString &sql : statements(migration, backend)) {
            if (QString failure = run(db, sql); !failure.isEmpty())
                return fail(failure);
        }
        QSqlQuery record(db);
        record.prepare(QStringLiteral(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"));
        record.addBindValue(migration.version);
        record.addBindValue(migration.description);
        record.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!record.exec())
            return fail(record.lastError().text());
        record.finish();
        if (QString failure = run(db, QStringLiteral("COMMIT")); !failure.isEmpty())
            return fail(failure);
        logger->info("applied schema migration {}: {}", migration.version, migration.description);
        version = migration.version;
    }
    if (version > latest)
        return Error{QStringLiteral("SCHEMA_TOO_NEW"),
                     tr("The database has schema version %1, but this Vaporwatch knows only "
                        "versions up to %2.")
                         .arg(version)
                         .arg(latest),
                     0};
    return version;
}

} // namespace vw
