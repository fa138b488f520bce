#include "models/BuildRepository.h"

#include "models/ErrorSignature.h"
#include "models/Log.h"
#include "models/SchemaMigrations.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>
#include <cmath>

namespace vw {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("vw::BuildRepository", text);
}

// ---- conversions between the domain types and SQL values ----

QVariant timeValue(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch())
                       : QVariant(QMetaType::fromType<qlonglong>());
}

QDateTime timeFrom(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QVariant textValue(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

// builds.error_signature of an error message: NULL without a message, '' when nothing in it
// can be grouped (a blank message).
QVariant signatureValue(const QString &errorMessage)
{
    return errorMessage.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                  : QVariant(ErrorSignature::key(errorMessage));
}

QVariant optionalValue(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType::fromType<qlonglong>());
}

std::optional<qint64> optionalFrom(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}

QVariant jsonValue(const QJsonObject &o)
{
    return o.isEmpty()
               ? QVariant(QMetaType::fromType<QString>())
               : QVariant(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
}

QJsonObject jsonFrom(const QVariant &v)
{
    return v.isNull() ? QJsonObject() : QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

Error notFound(const QString &what)
{
    return Error{QStringLiteral("NOT_FOUND"), what, 0};
}

const QString kProjectColumns = QStringLiteral(
    "id, name, sandbox_id, sandbox_name, directory, install_command, build_command, skip_build, "
    "output_directory, dev_command, dev_port, settings, created_at, updated_at");

Project projectFrom(const QSqlQuery &q)
{
    Project p;
    p.id = q.value(0).toLongLong();
    p.name = q.value(1).toString();
    p.sandboxId = q.value(2).toString();
    p.sandboxName = q.value(3).toString();
    p.directory = q.value(4).toString();
    p.installCommand = q.value(5).toString();
    p.buildCommand = q.value(6).toString();
    p.skipBuild = q.value(7).toInt() != 0;
    p.outputDirectory = q.value(8).toString();
    p.devCommand = q.value(9).toString();
    p.devPort = q.value(10).toInt();
    p.settings = jsonFrom(q.value(11));
    p.createdAt = timeFrom(q.value(12));
    p.updatedAt = timeFrom(q.value(13));
    return p;
}

const QString kBuildColumns = QStringLiteral(
    "id, project_id, sandbox_id, status, phase, current_step, progress, error_message, "
    "triggered_by, clean, stack, install_command, build_command, daytona_session_id, "
    "daytona_command_id, metadata, log_offset, lease_owner, lease_expires_at, created_at, "
    "started_at, completed_at, duration_ms, updated_at");

Build buildFrom(const QSqlQuery &q)
{
    Build b;
    b.id = q.value(0).toLongLong();
    b.projectId = q.value(1).toLongLong();
    b.sandboxId = q.value(2).toString();
    b.status = buildStatusFromName(q.value(3).toString()).value_or(BuildStatus::Failed);
    b.phase = phaseFromName(q.value(4).toString()).value_or(Phase::Setup);
    b.currentStep = q.value(5).toString();
    b.progress = q.value(6).toInt();
    b.errorMessage = q.value(7).toString();
    b.trigger = q.value(8).toString();
    b.clean = q.value(9).toInt() != 0;
    b.stack = q.value(10).toString();
    b.installCommand = q.value(11).toString();
    b.buildCommand = q.value(12).toString();
    b.daytonaSessionId = q.value(13).toString();
    b.daytonaCommandId = q.value(14).toString();
    b.metadata = jsonFrom(q.value(15));
    b.logOffset = q.value(16).toLongLong();
    b.leaseOwner = q.value(17).toString();
    b.leaseExpiresAt = timeFrom(q.value(18));
    b.createdAt = timeFrom(q.value(19));
    b.startedAt = timeFrom(q.value(20));
    b.completedAt = timeFrom(q.value(21));
    b.durationMs = optionalFrom(q.value(22));
    b.updatedAt = timeFrom(q.value(23));
    return b;
}

const QString kEventColumns =
    QStringLiteral("id, build_id, event_type, phase, message, metadata, created_at");

BuildEvent eventFrom(const QSqlQuery &q)
{
    BuildEvent e;
    e.id = q.value(0).toLongLong();
    e.buildId = q.value(1).toLongLong();
    e.type = q.value(2).toString();
    e.phase = q.value(3).isNull() ? std::nullopt : phaseFromName(q.value(3).toString());
    e.message = q.value(4).toString();
    e.metadata = jsonFrom(q.value(5));
    e.createdAt = timeFrom(q.value(6));
    return e;
}

// "?, ?, ?" for n values.
QString placeholders(qsizetype n)
{
    QStringList marks(n, QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

// A LIKE pattern for a case-insensitive substring match, with '!' as the escape character.
QString containsPattern(const QString &text)
{
    QString escaped = text.toLower();
    escaped.replace(QLatin1Char('!'), QStringLiteral("!!"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("!%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("!_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

// The WHERE conditions (joined with AND) for builds created in a range of a project.
void addScope(QStringList &where, QVariantList &binds, const QString &prefix,
              const std::optional<qint64> &projectId, const QDateTime &from, const QDateTime &to)
{
    if (projectId) {
        where << prefix + QStringLiteral("project_id = ?");
        binds << *projectId;
    }
    if (from.isValid()) {
        where << prefix + QStringLiteral("created_at >= ?");
        binds << from.toMSecsSinceEpoch();
    }
    if (to.isValid()) {
        where << prefix + QStringLiteral("created_at < ?");
        binds << to.toMSecsSinceEpoch();
    }
}

QString whereClause(const QStringList &where)
{
    return where.isEmpty() ? QString()
                           : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
}

// The offset column of a selection's byte sequence.
QString offsetColumn(const LogSelection &s)
{
    if (s.phase && s.stream)
        return QStringLiteral("phase_stream_offset");
    if (s.phase)
        return QStringLiteral("phase_offset");
    if (s.stream)
        return QStringLiteral("stream_offset");
    return QStringLiteral("byte_offset");
}

// " ORDER BY …" for a sort column: the key (nullable keys behind an "IS NULL" key, so that
// builds without a value come last in both directions), then the id as a tie-breaker. Text keys
// compare lower-cased and, on PostgreSQL, byte-wise (COLLATE "C") like SQLite, so both
// backends agree on the order.
QString orderClause(BuildSortColumn column, Qt::SortOrder order, DatabaseUrl::Backend backend)
{
    const QString direction =
        order == Qt::AscendingOrder ? QStringLiteral(" ASC") : QStringLiteral(" DESC");
    const QString collate =
        backend == DatabaseUrl::Backend::Postgres ? QStringLiteral(" COLLATE \"C\"") : QString();
    QString key;
    bool nullable = true;
    switch (column) {
    case BuildSortColumn::Newest:
        return QStringLiteral(" ORDER BY id") + direction;
    case BuildSortColumn::ProjectName:
        key = QStringLiteral("(SELECT LOWER(p.name)%1 FROM projects p WHERE p.id = "
                             "builds.project_id)")
                  .arg(collate);
        nullable = false; // every build has a project (foreign key)
        break;
    case BuildSortColumn::StatusRank: {
        // The status names are fixed identifiers, written into the SQL as literals.
        QString cases;
        const QList<BuildStatus> &statuses = allBuildStatuses();
        for (qsizetype i = 0; i < statuses.size(); ++i)
            cases += QStringLiteral(" WHEN '%1' THEN %2").arg(buildStatusName(statuses[i])).arg(i);
        key = QStringLiteral("(CASE status%1 ELSE %2 END)").arg(cases).arg(statuses.size());
        nullable = false;
        break;
    }
    case BuildSortColumn::Trigger:
        key = QStringLiteral("LOWER(triggered_by)") + collate;
        break;
    case BuildSortColumn::Started:
        key = QStringLiteral("started_at");
        break;
    case BuildSortColumn::Duration:
        key = QStringLiteral("duration_ms");
        break;
    case BuildSortColumn::ErrorMessage:
        key = QStringLiteral("LOWER(error_message)") + collate;
        break;
    }
    QString clause = QStringLiteral(" ORDER BY ");
    if (nullable)
        clause += QStringLiteral("(%1 IS NULL), ").arg(key);
    return clause + key + direction + QStringLiteral(", id") + direction;
}

QAtomicInteger<quint64> connectionCounter;

} // namespace

BuildRepository::BuildRepository()
    : m_connectionName(
          QStringLiteral("vw-build-repository-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{
}

BuildRepository::~BuildRepository()
{
    close();
}

QSqlDatabase BuildRepository::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool BuildRepository::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && database().isOpen();
}

void BuildRepository::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = database();
        if (db.isOpen()) {
            db.close();
            log::get("store")->info("closed {}", m_url.toDisplayString());
        }
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    m_appendCursors.clear();
    m_schemaVersion = 0;
    m_changeCallback = nullptr;
    m_dataVersion = -1;
    m_inTransaction = false;
}

Status BuildRepository::open(const DatabaseUrl &url)
{
    close();
    auto logger = log::get("store");
    m_url = url;
    const bool pg = url.backend() == DatabaseUrl::Backend::Postgres;
    const QString driver = pg ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE");
    if (!QSqlDatabase::isDriverAvailable(driver))
        return Error{QStringLiteral("DRIVER_MISSING"),
                     pg ? tr("The Qt PostgreSQL driver (QPSQL) is not installed; install "
                             "libqt6sql6-psql.")
                        : tr("The Qt SQLite driver (QSQLITE) is not installed; install "
                             "libqt6sql6-sqlite."),
                     0};
    if (pg && !url.password().isEmpty())
        log::registerSecret(url.password()); // belt and braces: whatever logs it, it is masked

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, m_connectionName);
        if (pg) {
            db.setHostName(url.host());
            if (url.port() > 0)
                db.setPort(url.port());
            db.setUserName(url.userName());
            db.setPassword(url.password());
            db.setDatabaseName(url.databaseName());
            QString options = url.connectOptions();
            if (!options.contains(QStringLiteral("connect_timeout=")))
                options += QStringLiteral("%1connect_timeout='10'")
                               .arg(options.isEmpty() ? QString() : QStringLiteral(";"));
            db.setConnectOptions(options);
        } else {
            if (!url.isInMemory()) {
                const QFileInfo file(url.sqlitePath());
                if (!QDir().mkpath(file.absolutePath()))
                    return Error{QStringLiteral("DB_OPEN"),
                                 tr("Cannot create the directory %1 for the database.")
                                     .arg(file.absolutePath()),
                                 0};
            }
            db.setDatabaseName(url.sqlitePath());
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        }
        logger->debug("opening {}", url.toDisplayString());
        if (!db.open()) {
            const QString reason = db.lastError().text();
            Error error{QStringLiteral("DB_OPEN"),
                        tr("Cannot open the database %1: %2").arg(url.toDisplayString(), reason),
                        0};
            logger->error("{}", error.message);
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_connectionName);
            return error;
        }
    }

    auto failOpen = [this, &logger](Error error) -> Status {
        logger->error("{}", error.message);
        close();
        return error;
    };

    if (!pg) {
        // WAL: readers never block the writer, and other processes can read while we write.
        auto wal = exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        if (!wal)
            return failOpen(wal.error());
        if (!url.isInMemory() &&
            (!wal.value().next() || wal.value().value(0).toString().toLower() != u"wal"))
            return failOpen(Error{
                QStringLiteral("DB_OPEN"),
                tr("The database %1 cannot use the WAL journal.").arg(url.toDisplayString()), 0});
        for (const QString &pragma : {QStringLiteral("PRAGMA foreign_keys=ON"),
                                      QStringLiteral("PRAGMA synchronous=NORMAL")}) {
            if (auto r = exec(pragma); !r)
                return failOpen(r.error());
        }
    }

    Result<int> migrated = [&] {
        QSqlDatabase db = database(); // released before a failure closes the connection
        return SchemaMigrations::migrate(db, url.backend());
    }();
    if (!migrated)
        return failOpen(migrated.error());
    m_schemaVersion = migrated.value();
    if (Status filled = fillErrorSignatures(); !filled)
        return failOpen(filled.error());
    logger->info("opened {} (schema version {})", url.toDisplayString(), m_schemaVersion);
    return Done{};
}

Status BuildRepository::fillErrorSignatures()
{
    auto missing = exec(QString::fromLatin1(kMissingSignatures));
    if (!missing)
        return missing.error();
    QList<std::pair<qint64, QString>> rows;
    while (missing.value().next())
        rows.append({missing.value().value(0).toLongLong(), missing.value().value(1).toString()});
    missing.value().finish();
    if (rows.isEmpty())
        return Done{};
    QElapsedTimer clock;
    clock.start();
    if (Status s = begin(); !s)
        return s.error();
    QSqlQuery update(database());
    if (!update.prepare(QStringLiteral("UPDATE builds SET error_signature = ? WHERE id = ?"))) {
        const QString reason = update.lastError().text();
        rollback();
        return Error{QStringLiteral("DB_QUERY"), tr("Database error: %1").arg(reason), 0};
    }
    // A history repeats the same few messages: each distinct one is masked once.
    QHash<QString, QString> keyOfMessage;
    for (const auto &[id, message] : std::as_const(rows)) {
        auto known = keyOfMessage.constFind(message);
        if (known == keyOfMessage.constEnd())
            known = keyOfMessage.insert(message, ErrorSignature::key(message));
        update.addBindValue(known.value());
        update.addBindValue(id);
        if (!update.exec()) {
            const QString reason = update.lastError().text();
            update.finish();
            rollback();
            return Error{QStringLiteral("DB_QUERY"), tr("Database error: %1").arg(reason), 0};
        }
    }
    update.finish();
    if (Status s = commit(); !s)
        return s.error();
    log::get("store")->info("computed the error signature of {} builds in {} ms", rows.size(),
                            clock.elapsed());
    return Done{};
}

Status BuildRepository::checkOpen() const
{
    if (!isOpen())
        return Error{QStringLiteral("NOT_OPEN"), tr("The build database is not open."), 0};
    return Done{};
}

Result<QSqlQuery> BuildRepository::exec(const QString &sql, const QVariantList &binds)
{
    if (Status open = checkOpen(); !open)
        return open.error();
    QSqlQuery query(database());
    query.setForwardOnly(true);
    bool ok = false;
    if (binds.isEmpty()) {
        ok = query.exec(sql);
    } else if (query.prepare(sql)) {
        for (const QVariant &value : binds)
            query.addBindValue(value);
        ok = query.exec();
    }
    if (!ok) {
        const QString reason = query.lastError().text();
        log::get("store")->warn("query failed: {} — {}", reason, sql.simplified().left(200));
        // PostgreSQL has aborted the transaction already; end it while the failed statement still
        // exists, so that freeing it (on destruction) is not refused by the aborted transaction.
        if (m_inTransaction && backend() == DatabaseUrl::Backend::Postgres)
            rollback();
        return Error{QStringLiteral("DB_QUERY"), tr("Database error: %1").arg(reason), 0};
    }
    return query;
}

Status BuildRepository::begin()
{
    auto r = exec(backend() == DatabaseUrl::Backend::Postgres ? QStringLiteral("BEGIN")
                                                              : QStringLiteral("BEGIN IMMEDIATE"));
    if (!r)
        return r.error();
    m_inTransaction = true;
    return Done{};
}

Status BuildRepository::commit()
{
    auto r = exec(QStringLiteral("COMMIT"));
    if (!r) {
        rollback();
        return r.error();
    }
    m_inTransaction = false;
    return Done{};
}

void BuildRepository::rollback()
{
    if (!m_inTransaction)
        return;
    m_inTransaction = false;
    if (isOpen()) {
        QSqlQuery query(database());
        query.exec(QStringLiteral("ROLLBACK"));
    }
}

// ---------------------------------------------------------------- projects

Result<Project> BuildRepository::saveProject(const Project &p)
{
    if (p.sandboxId.isEmpty() || p.directory.isEmpty())
        return Error{QStringLiteral("INVALID_ARGUMENT"),
                     tr("A project needs a sandbox and a directory."), 0};
    const qint64 now = nowMs();
    const QVariantList values{
        p.name.isEmpty() ? QFileInfo(p.directory).fileName() : p.name,
        p.sandboxId,
        textValue(p.sandboxName),
        p.directory,
        textValue(p.installCommand),
        textValue(p.buildCommand),
        p.skipBuild ? 1 : 0,
        textValue(p.outputDirectory),
        textValue(p.devCommand),
        p.devPort > 0 ? QVariant(p.devPort) : QVariant(QMetaType::fromType<int>()),
        jsonValue(p.settings),
    };
    if (p.id == 0) {
        auto q = exec(QStringLiteral("INSERT INTO projects (name, sandbox_id, sandbox_name, "
                                     "directory, install_command, build_command, skip_build, "
                                     "output_directory, dev_command, dev_port, settings, "
                                     "created_at, updated_at) VALUES (%1) RETURNING id")
                          .arg(placeholders(13)),
                      values + QVariantList{now, now});
        if (!q)
            return q.error();
        if (!q.value().next())
            return Error{QStringLiteral("DB_QUERY"), tr("The new project got no id."), 0};
        const qint64 id = q.value().value(0).toLongLong();
        q.value().finish();
        announce(StoreChange{StoreChange::Kind::Project, id, 0, 0});
        return project(id);
    }
    auto q = exec(QStringLiteral("UPDATE projects SET name = ?, sandbox_id = ?, sandbox_name = ?, "
                                 "directory = ?, install_command = ?, build_command = ?, "
                                 "skip_build = ?, output_directory = ?, dev_command = ?, "
                                 "dev_port = ?, settings = ?, updated_at = ? WHERE id = ?"),
                  values + QVariantList{now, p.id});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() == 0)
        return notFound(tr("There is no project %1.").arg(p.id));
    announce(StoreChange{StoreChange::Kind::Project, p.id, 0, 0});
    return project(p.id);
}

Result<Project> BuildRepository::ensureProject(const QString &sandboxId, const QString &directory,
                                               const QString &name)
{
    auto found = findProject(sandboxId, directory);
    if (!found)
        return found.error();
    if (found.value())
        return *found.value();
    Project p;
    p.sandboxId = sandboxId;
    p.directory = directory;
    p.name = name;
    auto saved = saveProject(p);
    if (saved)
        return saved;
    // Created by another process in the meantime?
    auto again = findProject(sandboxId, directory);
    if (again && again.value())
        return *again.value();
    return saved;
}

Result<Project> BuildRepository::project(qint64 id)
{
    auto q =
        exec(QStringLiteral("SELECT %1 FROM projects WHERE id = ?").arg(kProjectColumns), {id});
    if (!q)
        return q.error();
    if (!q.value().next())
        return notFound(tr("There is no project %1.").arg(id));
    return projectFrom(q.value());
}

Result<std::optional<Project>> BuildRepository::findProject(const QString &sandboxId,
                                                            const QString &directory)
{
    auto q = exec(QStringLiteral("SELECT %1 FROM projects WHERE sandbox_id = ? AND directory = ?")
                      .arg(kProjectColumns),
                  {sandboxId, directory});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<Project>();
    return std::optional<Project>(projectFrom(q.value()));
}

Result<QList<Project>> BuildRepository::projects()
{
    auto q = exec(QStringLiteral("SELECT %1 FROM projects ORDER BY name, id").arg(kProjectColumns));
    if (!q)
        return q.error();
    QList<Project> list;
    while (q.value().next())
        list.append(projectFrom(q.value()));
    return list;
}

Status BuildRepository::deleteProject(qint64 id)
{
    auto q = exec(QStringLiteral("DELETE FROM projects WHERE id = ?"), {id});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() == 0)
        return notFound(tr("There is no project %1.").arg(id));
    m_appendCursors.clear();
    announce(StoreChange{StoreChange::Kind::Project, id, 0, 0});
    return Done{};
}

// ---------------------------------------------------------------- builds

Status BuildRepository::writePhases(const Build &b)
{
    for (const PhaseRecord &r : b.phases) {
        auto q = exec(
            QStringLiteral(
                "INSERT INTO build_phases (build_id, phase, started_at, completed_at, "
                "duration_ms, exit_code, skipped, skip_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (build_id, phase) DO UPDATE SET started_at = excluded.started_at, "
                "completed_at = excluded.completed_at, duration_ms = excluded.duration_ms, "
                "exit_code = excluded.exit_code, skipped = excluded.skipped, "
                "skip_reason = excluded.skip_reason"),
            {b.id, phaseName(r.phase), timeValue(r.startedAt), timeValue(r.completedAt),
             optionalValue(r.durationMs),
             r.exitCode ? QVariant(*r.exitCode) : QVariant(QMetaType::fromType<int>()),
             r.skipped ? 1 : 0, textValue(r.skipReason)});
        if (!q)
            return q.error();
    }
    // The copy of the phase durations on builds (for the analytics), from the rows just written
    // and any written before.
    auto copied = exec(QStringLiteral("UPDATE builds SET %1 WHERE id = ?")
                           .arg(SchemaMigrations::phaseDurationAssignments()),
                       {b.id});
    if (!copied)
        return copied.error();
    return Done{};
}

Result<Build> BuildRepository::createBuild(const Build &input)
{
    if (input.id != 0)
        return Error{QStringLiteral("INVALID_ARGUMENT"),
                     tr("Build %1 is stored already.").arg(input.id), 0};
    if (Status s = begin(); !s)
        return s.error();
    const qint64 now = nowMs();
    auto q = exec(
        QStringLiteral("INSERT INTO builds (project_id, sandbox_id, status, phase, current_step, "
                       "progress, error_message, triggered_by, clean, stack, install_command, "
                       "build_command, daytona_session_id, daytona_command_id, metadata, "
                       "created_at, started_at, completed_at, duration_ms, updated_at, "
                       "error_signature) VALUES (%1) RETURNING id")
            .arg(placeholders(21)),
        {input.projectId,
         textValue(input.sandboxId),
         buildStatusName(input.status),
         phaseName(input.phase),
         textValue(input.currentStep),
         input.progress,
         textValue(input.errorMessage),
         textValue(input.trigger),
         input.clean ? 1 : 0,
         textValue(input.stack),
         textValue(input.installCommand),
         textValue(input.buildCommand),
         textValue(input.daytonaSessionId),
         textValue(input.daytonaCommandId),
         jsonValue(input.metadata),
         input.createdAt.isValid() ? input.createdAt.toMSecsSinceEpoch() : now,
         timeValue(input.startedAt),
         timeValue(input.completedAt),
         optionalValue(input.durationMs),
         now,
         signatureValue(input.errorMessage)});
    if (!q) {
        rollback();
        return q.error();
    }
    Build stored = input;
    if (!q.value().next()) {
        rollback();
        return Error{QStringLiteral("DB_QUERY"), tr("The new build got no id."), 0};
    }
    stored.id = q.value().value(0).toLongLong();
    q.value().finish();
    if (Status s = writePhases(stored); !s) {
        rollback();
        return s.error();
    }
    announce(StoreChange{StoreChange::Kind::Build, stored.projectId, stored.id, 0});
    if (Status s = commit(); !s)
        return s.error();
    return build(stored.id);
}

Result<Build> BuildRepository::updateBuild(const Build &b)
{
    if (Status s = begin(); !s)
        return s.error();
    auto q = exec(
        QStringLiteral("UPDATE builds SET project_id = ?, sandbox_id = ?, status = ?, phase = ?, "
                       "current_step = ?, progress = ?, error_message = ?, triggered_by = ?, "
                       "clean = ?, stack = ?, install_command = ?, build_command = ?, "
                       "daytona_session_id = ?, daytona_command_id = ?, metadata = ?, "
                       "started_at = ?, completed_at = ?, duration_ms = ?, updated_at = ?, "
                       "error_signature = ? WHERE id = ?"),
        {b.projectId,
         textValue(b.sandboxId),
         buildStatusName(b.status),
         phaseName(b.phase),
         textValue(b.currentStep),
         b.progress,
         textValue(b.errorMessage),
         textValue(b.trigger),
         b.clean ? 1 : 0,
         textValue(b.stack),
         textValue(b.installCommand),
         textValue(b.buildCommand),
         textValue(b.daytonaSessionId),
         textValue(b.daytonaCommandId),
         jsonValue(b.metadata),
         timeValue(b.startedAt),
         timeValue(b.completedAt),
         optionalValue(b.durationMs),
         nowMs(),
         signatureValue(b.errorMessage),
         b.id});
    if (!q) {
        rollback();
        return q.error();
    }
    if (q.value().numRowsAffected() == 0) {
        rollback();
        return notFound(tr("There is no build %1.").arg(b.id));
    }
    if (Status s = writePhases(b); !s) {
        rollback();
        return s.error();
    }
    announce(StoreChange{StoreChange::Kind::Build, b.projectId, b.id, 0});
    if (Status s = commit(); !s)
        return s.error();
    return build(b.id);
}

Status BuildRepository::loadPhases(QList<Build> &builds)
{
    if (builds.isEmpty())
        return Done{};
    QStringList ids;
    QHash<qint64, qsizetype> index;
    for (qsizetype i = 0; i < builds.size(); ++i) {
        ids << QString::number(builds[i].id);
        index.insert(builds[i].id, i);
    }
    auto q = exec(QStringLiteral("SELECT build_id, phase, started_at, completed_at, duration_ms, "
                                 "exit_code, skipped, skip_reason FROM build_phases "
                                 "WHERE build_id IN (%1)")
                      .arg(ids.join(QLatin1Char(','))));
    if (!q)
        return q.error();
    QSqlQuery &rows = q.value();
    while (rows.next()) {
        const auto phase = phaseFromName(rows.value(1).toString());
        if (!phase)
            continue; // a phase of a newer version
        PhaseRecord &r = builds[index.value(rows.value(0).toLongLong())].phaseRecord(*phase);
        r.startedAt = timeFrom(rows.value(2));
        r.completedAt = timeFrom(rows.value(3));
        r.durationMs = optionalFrom(rows.value(4));
        r.exitCode =
            rows.value(5).isNull() ? std::nullopt : std::optional<int>(rows.value(5).toInt());
        r.skipped = rows.value(6).toInt() != 0;
        r.skipReason = rows.value(7).toString();
    }
    return Done{};
}

Result<QList<Build>> BuildRepository::selectBuilds(const QString &whereAndOrder,
                                                   const QVariantList &binds)
{
    auto q =
        exec(QStringLiteral("SELECT %1 FROM builds%2").arg(kBuildColumns, whereAndOrder), binds);
    if (!q)
        return q.error();
    QList<Build> list;
    while (q.value().next())
        list.append(buildFrom(q.value()));
    q.value().finish();
    if (Status s = loadPhases(list); !s)
        return s.error();
    return list;
}

Result<Build> BuildRepository::build(qint64 id)
{
    auto list = selectBuilds(QStringLiteral(" WHERE id = ?"), {id});
    if (!list)
        return list.error();
    if (list.value().isEmpty())
        return notFound(tr("There is no build %1.").arg(id));
    return list.value().constFirst();
}

Result<BuildPage> BuildRepository::builds(const BuildQuery &query)
{
    QStringList where;
    QVariantList binds;
    addScope(where, binds, QString(), query.projectId, query.createdFrom, query.createdTo);
    if (query.updatedAfter.isValid()) {
        where << QStringLiteral("updated_at > ?");
        binds << query.updatedAfter.toMSecsSinceEpoch();
    }
    if (!query.statuses.isEmpty()) {
        where << QStringLiteral("status IN (%1)").arg(placeholders(query.statuses.size()));
        for (BuildStatus s : query.statuses)
            binds << buildStatusName(s);
    }
    if (!query.text.isEmpty()) {
        // Case-insensitive without LOWER() on every row (three times faster on 100,000 builds):
        // SQLite's LIKE ignores ASCII case (as its LOWER() does), PostgreSQL has ILIKE. A NULL
        // column matches nothing.
        const QString like = backend() == DatabaseUrl::Backend::Postgres
                                 ? QStringLiteral("%1 ILIKE ? ESCAPE '!'")
                                 : QStringLiteral("%1 LIKE ? ESCAPE '!'");
        QStringList any;
        for (const char *column :
             {"error_message", "current_step", "triggered_by", "stack", "daytona_session_id"}) {
            any << like.arg(QLatin1String(column));
            binds << containsPattern(query.text);
        }
        where << QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')');
    }
    const QString filter = whereClause(where);

    BuildPage page;
    page.total = -1;
    if (query.countTotal) {
        auto count = exec(QStringLiteral("SELECT COUNT(*) FROM builds") + filter, binds);
        if (!count)
            return count.error();
        page.total = count.value().next() ? count.value().value(0).toLongLong() : 0;
        count.value().finish();
    }

    QString order = orderClause(query.sortColumn, query.sortOrder, backend());
    QVariantList pageBinds = binds;
    if (query.limit > 0) {
        order += QStringLiteral(" LIMIT ? OFFSET ?");
        pageBinds << query.limit << std::max(0, query.offset);
    } else if (query.offset > 0) {
        // LIMIT is required before OFFSET in SQLite; PostgreSQL takes LIMIT ALL, SQLite -1.
        order += backend() == DatabaseUrl::Backend::Postgres ? QStringLiteral(" LIMIT ALL OFFSET ?")
                                                             : QStringLiteral(" LIMIT -1 OFFSET ?");
        pageBinds << query.offset;
    }
    if (query.limit <= 0) {
        auto list = selectBuilds(filter + order, pageBinds);
        if (!list)
            return list.error();
        page.builds = std::move(list.value());
        return page;
    }
    // A page in two steps: the ids (the sort and the OFFSET skip carry only the key and the id,
    // not whole rows: ten times faster deep into 100,000 builds), then those builds.
    QList<qint64> ids;
    {
        auto q = exec(QStringLiteral("SELECT id FROM builds") + filter + order, pageBinds);
        if (!q)
            return q.error();
        while (q.value().next())
            ids.append(q.value().value(0).toLongLong());
        q.value().finish();
    }
    if (ids.isEmpty())
        return page;
    QStringList idList;
    QHash<qint64, qsizetype> position;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        idList << QString::number(ids[i]);
        position.insert(ids[i], i);
    }
    auto list =
        selectBuilds(QStringLiteral(" WHERE id IN (%1)").arg(idList.join(QLatin1Char(','))), {});
    if (!list)
        return list.error();
    page.builds = std::move(list.value());
    std::sort(page.builds.begin(), page.builds.end(), [&position](const Build &a, const Build &b) {
        return position.value(a.id) < position.value(b.id);
    });
    return page;
}

Result<std::optional<Build>> BuildRepository::latestBuild(qint64 projectId)
{
    auto list =
        selectBuilds(QStringLiteral(" WHERE project_id = ? ORDER BY id DESC LIMIT 1"), {projectId});
    if (!list)
        return list.error();
    if (list.value().isEmpty())
        return std::optional<Build>();
    return std::optional<Build>(list.value().constFirst());
}

Result<QList<Build>> BuildRepository::latestBuilds()
{
    return selectBuilds(QStringLiteral(" WHERE id IN (SELECT MAX(id) FROM builds GROUP BY "
                                       "project_id) ORDER BY id DESC"),
                        {});
}

Result<QList<Build>> BuildRepository::unfinishedBuilds()
{
    return selectBuilds(
        QStringLiteral(" WHERE status IN (?, ?) ORDER BY id"),
        {buildStatusName(BuildStatus::Queued), buildStatusName(BuildStatus::Running)});
}

Result<bool> BuildRepository::acquireLease(qint64 buildId, const QString &owner, qint64 ttlMs)
{
    if (owner.isEmpty() || ttlMs <= 0)
        return Error{QStringLiteral("INVALID_ARGUMENT"),
                     tr("A lease needs an owner and a duration."), 0};
    const qint64 now = nowMs();
    auto q = exec(QStringLiteral("UPDATE builds SET lease_owner = ?, lease_expires_at = ? "
                                 "WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR "
                                 "lease_expires_at IS NULL OR lease_expires_at < ?)"),
                  {owner, now + ttlMs, buildId, owner, now});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() > 0)
        return true;
    auto exists = exec(QStringLiteral("SELECT 1 FROM builds WHERE id = ?"), {buildId});
    if (!exists)
        return exists.error();
    if (!exists.value().next())
        return notFound(tr("There is no build %1.").arg(buildId));
    return false;
}

Status BuildRepository::releaseLease(qint64 buildId, const QString &owner)
{
    auto q = exec(QStringLiteral("UPDATE builds SET lease_owner = NULL, lease_expires_at = NULL "
                                 "WHERE id = ? AND lease_owner = ?"),
                  {buildId, owner});
    if (!q)
        return q.error();
    return Done{};
}

// ---------------------------------------------------------------- events

Result<BuildEvent> BuildRepository::addEvent(const BuildEvent &event)
{
    if (event.type.isEmpty())
        return Error{QStringLiteral("INVALID_ARGUMENT"), tr("An event needs a type."), 0};
    BuildEvent stored = event;
    if (!stored.createdAt.isValid())
        stored.createdAt = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    auto q = exec(
        QStringLiteral("INSERT INTO build_events (build_id, event_type, phase, message, "
                       "metadata, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
        {event.buildId, event.type,
         event.phase ? QVariant(phaseName(*event.phase)) : QVariant(QMetaType::fromType<QString>()),
         event.message, jsonValue(event.metadata), stored.createdAt.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    if (!q.value().next())
        return Error{QStringLiteral("DB_QUERY"), tr("The new event got no id."), 0};
    stored.id = q.value().value(0).toLongLong();
    q.value().finish();
    announce(StoreChange{StoreChange::Kind::Event, 0, stored.buildId, stored.id});
    return stored;
}

Result<QList<BuildEvent>> BuildRepository::events(qint64 buildId, qint64 afterId, int limit)
{
    QStringList where{QStringLiteral("id > ?")};
    QVariantList binds{afterId};
    if (buildId > 0) {
        where << QStringLiteral("build_id = ?");
        binds << buildId;
    }
    QString sql = QStringLiteral("SELECT %1 FROM build_events%2 ORDER BY id")
                      .arg(kEventColumns, whereClause(where));
    if (limit > 0) {
        sql += QStringLiteral(" LIMIT ?");
        binds << limit;
    }
    auto q = exec(sql, binds);
    if (!q)
        return q.error();
    QList<BuildEvent> list;
    while (q.value().next())
        list.append(eventFrom(q.value()));
    return list;
}

// ---------------------------------------------------------------- logs

Result<LogSizes> BuildRepository::logSizes(qint64 buildId)
{
    auto q = exec(QStringLiteral("SELECT phase, stream, SUM(length) FROM log_chunks "
                                 "WHERE build_id = ? GROUP BY phase, stream"),
                  {buildId});
    if (!q)
        return q.error();
    LogSizes sizes;
    while (q.value().next()) {
        const auto phase = phaseFromName(q.value().value(0).toString());
        const auto stream = logStreamFromName(q.value().value(1).toString());
        if (phase && stream)
            sizes.bytes[size_t(*phase)][size_t(*stream)] = q.value().value(2).toLongLong();
    }
    return sizes;
}

Status BuildRepository::appendLogs(const QList<LogAppend> &appends)
{
    if (Status open = checkOpen(); !open)
        return open;
    struct Chunk
    {
        qint64 buildId;
        Phase phase;
        LogStream stream;
        QByteArray data;
    };
    // Merge consecutive pieces of the same build, phase and stream; keep each build's order.
    QList<Chunk> chunks;
    QHash<qint64, qsizetype> lastChunk; // build → index in chunks
    QHash<qint64, qint64> sourceOffsets;
    for (const LogAppend &a : appends) {
        if (a.buildId <= 0)
            return Error{QStringLiteral("INVALID_ARGUMENT"), tr("A log piece needs a build."), 0};
        if (a.sourceOffset >= 0)
            sourceOffsets.insert(a.buildId, a.sourceOffset);
        qsizetype pos = 0;
        while (pos < a.data.size()) {
            auto it = lastChunk.constFind(a.buildId);
            Chunk *open = it != lastChunk.cend() ? &chunks[*it] : nullptr;
            if (!open || open->phase != a.phase || open->stream != a.stream ||
                open->data.size() >= kMaxChunkBytes) {
                chunks.append(Chunk{a.buildId, a.phase, a.stream, {}});
                lastChunk.insert(a.buildId, chunks.size() - 1);
                open = &chunks.last();
            }
            const qsizetype take =
                std::min<qsizetype>(a.data.size() - pos, kMaxChunkBytes - open->data.size());
            open->data.append(a.data.constData() + pos, take);
            pos += take;
        }
    }
    if (chunks.isEmpty() && sourceOffsets.isEmpty())
        return Done{};

    // Up to two attempts: a cursor may be stale when another process appended to the same build
    // (a lease changed hands); the unique (build_id, byte_offset) index then refuses the chunk.
    Error lastError;
    for (int attempt = 0; attempt < 2; ++attempt) {
        QHash<qint64, LogSizes> cursors;
        bool cursorsOk = true;
        for (const Chunk &c : chunks) {
            if (cursors.contains(c.buildId))
                continue;
            if (auto known = m_appendCursors.constFind(c.buildId);
                known != m_appendCursors.cend()) {
                cursors.insert(c.buildId, *known);
                continue;
            }
            auto sizes = logSizes(c.buildId);
            if (!sizes) {
                lastError = sizes.error();
                cursorsOk = false;
                break;
            }
            cursors.insert(c.buildId, sizes.value());
        }
        if (!cursorsOk)
            return lastError;

        if (Status s = begin(); !s)
            return s;
        bool failed = false;
        const qint64 now = nowMs();
        for (const Chunk &c : chunks) {
            LogSizes &cur = cursors[c.buildId];
            auto q = exec(QStringLiteral("INSERT INTO log_chunks (build_id, phase, stream, "
                                         "byte_offset, phase_offset, stream_offset, "
                                         "phase_stream_offset, length, data, created_at) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                          {c.buildId, phaseName(c.phase), logStreamName(c.stream), cur.total(),
                           cur.size(c.phase), cur.size(c.stream),
                           cur.bytes[size_t(c.phase)][size_t(c.stream)], qint64(c.data.size()),
                           c.data, now});
            if (!q) {
                lastError = q.error();
                failed = true;
                break;
            }
            cur.bytes[size_t(c.phase)][size_t(c.stream)] += c.data.size();
        }
        for (auto it = sourceOffsets.cbegin(); !failed && it != sourceOffsets.cend(); ++it) {
            auto q = exec(QStringLiteral("UPDATE builds SET log_offset = ? WHERE id = ?"),
                          {it.value(), it.key()});
            if (!q) {
                lastError = q.error();
                failed = true;
            } else if (q.value().numRowsAffected() == 0) {
                lastError = notFound(tr("There is no build %1.").arg(it.key()));
                failed = true;
            }
        }
        if (!failed) {
            for (auto it = cursors.cbegin(); it != cursors.cend(); ++it)
                announce(StoreChange{StoreChange::Kind::Log, 0, it.key(), 0});
            if (Status s = commit(); !s) {
                lastError = s.error();
                failed = true;
            }
        } else {
            rollback();
        }
        if (!failed) {
            for (auto it = cursors.cbegin(); it != cursors.cend(); ++it)
                m_appendCursors.insert(it.key(), it.value());
            return Done{};
        }
        for (auto it = cursors.cbegin(); it != cursors.cend(); ++it)
            m_appendCursors.remove(it.key());
    }
    return lastError;
}

Result<LogSlice> BuildRepository::readLog(qint64 buildId, const LogSelection &selection,
                                          qint64 offset, qint64 length)
{
    if (offset < 0)
        return Error{QStringLiteral("INVALID_ARGUMENT"), tr("A log offset cannot be negative."), 0};
    const QString column = offsetColumn(selection);
    QStringList where{QStringLiteral("build_id = ?")};
    QVariantList binds{buildId};
    if (selection.phase) {
        where << QStringLiteral("phase = ?");
        binds << phaseName(*selection.phase);
    }
    if (selection.stream) {
        where << QStringLiteral("stream = ?");
        binds << logStreamName(*selection.stream);
    }

    LogSlice slice;
    {
        auto last = exec(QStringLiteral("SELECT %1 + length FROM log_chunks%2 ORDER BY %1 DESC "
                                        "LIMIT 1")
                             .arg(column, whereClause(where)),
                         binds);
        if (!last)
            return last.error();
        slice.totalSize = last.value().next() ? last.value().value(0).toLongLong() : 0;
    }
    const qint64 end = length < 0 ? slice.totalSize : std::min(slice.totalSize, offset + length);
    slice.offset = std::min(offset, slice.totalSize);
    if (offset >= end)
        return slice;

    // Chunks are at most kMaxChunkBytes long, so the first one that reaches `offset` starts no
    // earlier than offset - kMaxChunkBytes: both bounds use the index.
    where << QStringLiteral("%1 > ?").arg(column) << QStringLiteral("%1 < ?").arg(column);
    binds << offset - kMaxChunkBytes - 1 << end;
    auto q = exec(QStringLiteral("SELECT phase, stream, %1, data FROM log_chunks%2 ORDER BY %1")
                      .arg(column, whereClause(where)),
                  binds);
    if (!q)
        return q.error();
    while (q.value().next()) {
        const qint64 start = q.value().value(2).toLongLong();
        QByteArray data = q.value().value(3).toByteArray();
        const qint64 chunkEnd = start + data.size();
        if (chunkEnd <= offset)
            continue;
        const qint64 from = std::max(offset, start) - start;
        const qint64 to = std::min(end, chunkEnd) - start;
        LogSlice::Piece piece;
        piece.phase = phaseFromName(q.value().value(0).toString()).value_or(Phase::Setup);
        piece.stream = logStreamFromName(q.value().value(1).toString()).value_or(LogStream::Stdout);
        piece.data = (from == 0 && to == data.size()) ? data : data.mid(from, to - from);
        slice.pieces.append(std::move(piece));
    }
    slice.offset = offset;
    return slice;
}

// ---------------------------------------------------------------- statistics

Result<BuildStatistics> BuildRepository::statistics(const StatisticsQuery &query)
{
    BuildStatistics stats;
    QStringList where;
    QVariantList binds;
    addScope(where, binds, QStringLiteral("b."), query.projectId, query.createdFrom,
             query.createdTo);

    {
        auto q = exec(QStringLiteral("SELECT b.status, COUNT(*) FROM builds b%1 GROUP BY b.status")
                          .arg(whereClause(where)),
                      binds);
        if (!q)
            return q.error();
        while (q.value().next()) {
            const qint64 n = q.value().value(1).toLongLong();
            stats.total += n;
            switch (
                buildStatusFromName(q.value().value(0).toString()).value_or(BuildStatus::Failed)) {
            case BuildStatus::Queued:
            case BuildStatus::Running:
                stats.unfinished += n;
                break;
            case BuildStatus::Success:
                stats.succeeded += n;
                break;
            case BuildStatus::Failed:
                stats.failed += n;
                break;
            case BuildStatus::Cancelled:
                stats.cancelled += n;
                break;
            case BuildStatus::Interrupted:
                stats.interrupted += n;
                break;
            }
        }
        if (stats.succeeded + stats.failed > 0)
            stats.successRate = double(stats.succeeded) / double(stats.succeeded + stats.failed);
    }

    QStringList successWhere = where;
    QVariantList successBinds = binds;
    successWhere << QStringLiteral("b.status = ?");
    successBinds << buildStatusName(BuildStatus::Success);
    {
        auto q = exec(QStringLiteral("SELECT b.duration_ms FROM builds b%1 ORDER BY b.duration_ms")
                          .arg(whereClause(QStringList(successWhere)
                                           << QStringLiteral("b.duration_ms IS NOT NULL"))),
                      successBinds);
        if (!q)
            return q.error();
        QList<qint64> durations;
        while (q.value().next())
            durations.append(q.value().value(0).toLongLong());
        if (!durations.isEmpty()) {
            qint64 sum = 0;
            for (qint64 d : durations)
                sum += d;
            const qsizetype n = durations.size();
            stats.averageDurationMs = sum / n;
            stats.medianDurationMs =
                n % 2 ? durations[n / 2] : (durations[n / 2 - 1] + durations[n / 2]) / 2;
            // Nearest rank.
            const qsizetype rank = qsizetype(std::ceil(0.9 * double(n)));
            stats.p90DurationMs = durations[std::max<qsizetype>(rank, 1) - 1];
            stats.minDurationMs = durations.constFirst();
            stats.maxDurationMs = durations.constLast();
        }
    }
    {
        QStringList phaseWhere = successWhere;
        phaseWhere << QStringLiteral("p.skipped = 0")
                   << QStringLiteral("p.duration_ms IS NOT NULL");
        auto q = exec(QStringLiteral("SELECT p.phase, AVG(p.duration_ms) FROM build_phases p "
                                     "JOIN builds b ON b.id = p.build_id%1 GROUP BY p.phase")
                          .arg(whereClause(phaseWhere)),
                      successBinds);
        if (!q)
            return q.error();
        while (q.value().next()) {
            if (auto phase = phaseFromName(q.value().value(0).toString()))
                stats.averagePhaseDurationMs.insert(
                    *phase, qint64(std::llround(q.value().value(1).toDouble())));
        }
    }
    if (query.maxErrors > 0) {
        QStringList errorWhere = where;
        QVariantList errorBinds = binds;
        errorWhere << QStringLiteral("b.status = ?")
                   << QStringLiteral("b.error_message IS NOT NULL");
        errorBinds << buildStatusName(BuildStatus::Failed) << query.maxErrors;
        auto q = exec(QStringLiteral("SELECT b.error_message, COUNT(*) AS n, MAX(b.created_at) AS "
                                     "last_seen FROM builds b%1 GROUP BY b.error_message "
                                     "ORDER BY n DESC, last_seen DESC LIMIT ?")
                          .arg(whereClause(errorWhere)),
                      errorBinds);
        if (!q)
            return q.error();
        while (q.value().next())
            stats.commonErrors.append(BuildStatistics::ErrorCount{q.value().value(0).toString(),
                                                                  q.value().value(1).toLongLong(),
                                                                  timeFrom(q.value().value(2))});
    }
    return stats;
}

// ---------------------------------------------------------------- changes

void BuildRepository::announce(const StoreChange &change)
{
    if (backend() != DatabaseUrl::Backend::Postgres || !isOpen())
        return;
    // pg_notify() inside a transaction is delivered when it commits (and never if it rolls back).
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
    q.addBindValue(kNotifyChannel);
    q.addBindValue(change.toPayload());
    if (!q.exec())
        log::get("store")->warn("cannot announce a change: {}", q.lastError().text());
}

Status BuildRepository::watchChanges(std::function<void(const StoreChange &)> callback)
{
    if (Status open = checkOpen(); !open)
        return open;
    m_changeCallback = std::move(callback);
    if (backend() != DatabaseUrl::Backend::Postgres) {
        m_dataVersion = -1;
        Result<bool> baseline = checkExternalChanges(); // remembers the current version
        if (!baseline)
            return baseline.error();
        return Done{};
    }
    QSqlDriver *driver = database().driver();
    if (!driver->subscribedToNotifications().contains(kNotifyChannel)) {
        if (!driver->subscribeToNotification(kNotifyChannel))
            return Error{QStringLiteral("DB_QUERY"),
                         tr("Cannot listen for changes: %1").arg(driver->lastError().text()), 0};
        QObject::connect(driver, &QSqlDriver::notification,
                         [this](const QString &name, QSqlDriver::NotificationSource source,
                                const QVariant &payload) {
                             if (name != kNotifyChannel || source == QSqlDriver::SelfSource ||
                                 !m_changeCallback)
                                 return;
                             if (auto change = StoreChange::fromPayload(payload.toString()))
                                 m_changeCallback(*change);
                         });
    }
    return Done{};
}

Result<bool> BuildRepository::checkExternalChanges()
{
    if (backend() != DatabaseUrl::Backend::Sqlite)
        return false;
    auto q = exec(QStringLiteral("PRAGMA data_version"));
    if (!q)
        return q.error();
    if (!q.value().next())
        return false;
    const qint64 version = q.value().value(0).toLongLong();
    const bool changed = m_dataVersion >= 0 && version != m_dataVersion;
    m_dataVersion = version;
    if (changed && m_changeCallback)
        m_changeCallback(StoreChange{});
    return changed;
}

// ---------------------------------------------------------------- artifacts

Result<ArtifactListing> BuildRepository::setArtifacts(const ArtifactListing &input)
{
    auto owner =
        exec(QStringLiteral("SELECT project_id FROM builds WHERE id = ?"), {input.buildId});
    if (!owner)
        return owner.error();
    if (!owner.value().next())
        return notFound(tr("There is no build %1.").arg(input.buildId));
    const qint64 projectId = owner.value().value(0).toLongLong();
    owner.value().finish();

    ArtifactListing stored = input;
    if (!stored.listedAt.isValid())
        stored.listedAt = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    std::sort(stored.files.begin(), stored.files.end(),
              [](const BuildArtifact &a, const BuildArtifact &b) { return a.path < b.path; });

    if (Status s = begin(); !s)
        return s.error();
    auto fail = [this](const Error &error) -> Result<ArtifactListing> {
        rollback();
        return error;
    };
    if (auto q = exec(QStringLiteral("DELETE FROM build_artifacts WHERE build_id = ?"),
                      {stored.buildId});
        !q)
        return fail(q.error());
    if (auto q =
            exec(QStringLiteral("DELETE FROM build_outputs WHERE build_id = ?"), {stored.buildId});
        !q)
        return fail(q.error());
    if (auto q = exec(QStringLiteral("INSERT INTO build_outputs (build_id, output_directory, "
                                     "reason, truncated, listed_at) VALUES (?, ?, ?, ?, ?)"),
                      {stored.buildId, textValue(stored.outputDirectory), textValue(stored.reason),
                       stored.truncated ? 1 : 0, stored.listedAt.toMSecsSinceEpoch()});
        !q)
        return fail(q.error());
    // Many rows per statement: a listing can hold thousands of files, and one round trip each
    // would make PostgreSQL take seconds. 4 values a row stays far below either driver's limit.
    constexpr qsizetype kRowsPerInsert = 250;
    for (qsizetype first = 0; first < stored.files.size(); first += kRowsPerInsert) {
        const qsizetype count = std::min(kRowsPerInsert, stored.files.size() - first);
        QStringList rows(count, QStringLiteral("(?, ?, ?, ?)"));
        QVariantList binds;
        binds.reserve(count * 4);
        for (qsizetype i = first; i < first + count; ++i) {
            const BuildArtifact &file = stored.files.at(i);
            binds << stored.buildId << file.path << file.sizeBytes << timeValue(file.modifiedAt);
        }
        if (auto q = exec(QStringLiteral("INSERT INTO build_artifacts (build_id, path, "
                                         "size_bytes, modified_at) VALUES %1")
                              .arg(rows.join(QStringLiteral(", "))),
                          binds);
            !q)
            return fail(q.error());
    }
    // Others see the build as changed: its artifacts are part of what they show about it.
    announce(StoreChange{StoreChange::Kind::Build, projectId, stored.buildId, 0});
    if (Status s = commit(); !s)
        return s.error();
    return stored;
}

Result<std::optional<ArtifactListing>> BuildRepository::artifacts(qint64 buildId)
{
    auto head = exec(QStringLiteral("SELECT output_directory, reason, truncated, listed_at "
                                    "FROM build_outputs WHERE build_id = ?"),
                     {buildId});
    if (!head)
        return head.error();
    if (!head.value().next())
        return std::optional<ArtifactListing>();
    ArtifactListing listing;
    listing.buildId = buildId;
    listing.outputDirectory = head.value().value(0).toString();
    listing.reason = head.value().value(1).toString();
    listing.truncated = head.value().value(2).toInt() != 0;
    listing.listedAt = timeFrom(head.value().value(3));
    head.value().finish();
    auto q = exec(QStringLiteral("SELECT path, size_bytes, modified_at FROM build_artifacts "
                                 "WHERE build_id = ? ORDER BY path"),
                  {buildId});
    if (!q)
        return q.error();
    while (q.value().next()) {
        listing.files.append(BuildArtifact{q.value().value(0).toString(),
                                           q.value().value(1).toLongLong(),
                                           timeFrom(q.value().value(2))});
    }
    // PostgreSQL's ORDER BY follows the database's collation; the listing promises code order.
    std::sort(listing.files.begin(), listing.files.end(),
              [](const BuildArtifact &a, const BuildArtifact &b) { return a.path < b.path; });
    return std::optional<ArtifactListing>(listing);
}

} // namespace vw
