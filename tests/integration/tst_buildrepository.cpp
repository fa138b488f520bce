#include "StoreTestDatabases.h"

#include "models/BuildRepository.h"
#include "models/ErrorSignature.h"
#include "models/SchemaMigrations.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>

using namespace vw;

// The synchronous SQL layer of the build store, every test on SQLite and on PostgreSQL.
class tst_BuildRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { StoreTestDatabases::addBackendRows(); }

    void freshDatabaseIsMigrated();
    void reopeningIsIdempotent();
    void newerSchemaIsRefused();
    void failedMigrationRollsBack();
    void upgradeFillsAnalyticsColumns();
    void analyticsColumnsFollowWrites();
    void missingSignaturesAreFoundThroughTheirIndex();
    void projects();
    void builds();
    void eventsAfterId();
    void logChunksAreBatchedAndReadByRange();
    void logAppendsContinueAcrossConnections();
    void latestBuildPerProject();
    void filtersAndPaging();
    void statistics();
    void unfinishedBuildsAndLeases();
    void badConnections();

private:
    StoreTestDatabases m_databases;
};

#define OPEN(repo, url)                                                                            \
    do {                                                                                           \
        auto parsed_ = DatabaseUrl::parse(url);                                                    \
        QVERIFY2(parsed_.ok(), qPrintable(describe(parsed_)));                                     \
        const Status opened_ = (repo).open(parsed_.value());                                       \
        QVERIFY2(opened_.ok(), qPrintable(describe(opened_)));                                     \
    } while (false)

// Evaluates `expression` once.
#define CHECK_OK(expression)                                                                       \
    do {                                                                                           \
        const auto &result_ = (expression);                                                        \
        QVERIFY2(result_.ok(), qPrintable(describe(result_)));                                     \
    } while (false)

namespace {

template<typename T>
QString describe(const Result<T> &r)
{
    return r.ok() ? QString() : r.error().toString();
}

qint64 scalar(BuildRepository &repo, const QString &sql)
{
    QSqlQuery q(repo.database());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

Project makeProject(BuildRepository &repo, const QString &dir)
{
    auto p = repo.ensureProject(QStringLiteral("sandbox-1"), dir);
    return p.ok() ? p.value() : Project{};
}

Build makeBuild(qint64 projectId, BuildStatus status = BuildStatus::Queued)
{
    Build b;
    b.projectId = projectId;
    b.sandboxId = QStringLiteral("sandbox-1");
    b.status = status;
    b.trigger = QStringLiteral("test");
    return b;
}

// A connection of our own to the database at `url` (for a schema older than the code's).
QSqlDatabase rawConnection(const DatabaseUrl &url, const QString &name)
{
    const bool pg = url.backend() == DatabaseUrl::Backend::Postgres;
    QSqlDatabase db =
        QSqlDatabase::addDatabase(pg ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), name);
    if (pg) {
        db.setHostName(url.host());
        if (url.port() > 0)
            db.setPort(url.port());
        db.setUserName(url.userName());
        db.setPassword(url.password());
        db.setDatabaseName(url.databaseName());
        db.setConnectOptions(url.connectOptions());
    } else {
        QDir().mkpath(QFileInfo(url.sqlitePath()).absolutePath());
        db.setDatabaseName(url.sqlitePath());
    }
    db.open();
    return db;
}

// The analytics columns of build `id`: setup_ms, install_ms, build_ms, complete_ms,
// error_signature (invalid QVariants for NULL).
QVariantList analyticsColumns(BuildRepository &repo, qint64 id)
{
    QSqlQuery q(repo.database());
    if (!q.exec(QStringLiteral("SELECT setup_ms, install_ms, build_ms, complete_ms, "
                               "error_signature FROM builds WHERE id = %1")
                    .arg(id)) ||
        !q.next())
        return {QStringLiteral("no build %1: %2").arg(id).arg(q.lastError().text())};
    QVariantList values;
    for (int i = 0; i < 5; ++i)
        values << (q.value(i).isNull() ? QVariant() : q.value(i));
    return values;
}

} // namespace

void tst_BuildRepository::freshDatabaseIsMigrated()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    QCOMPARE(repo.schemaVersion(), SchemaMigrations::latestVersion());
    const QStringList tables = repo.database().tables();
    for (const char *table :
         {"schema_version", "projects", "builds", "build_phases", "build_events", "log_chunks"})
        QVERIFY2(tables.contains(QLatin1String(table)), table);
    QCOMPARE(scalar(repo, QStringLiteral("SELECT COUNT(*) FROM schema_version")),
             qint64(SchemaMigrations::all().size()));
    if (repo.backend() == DatabaseUrl::Backend::Sqlite) {
        QSqlQuery q(repo.database());
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QCOMPARE(scalar(repo, QStringLiteral("PRAGMA foreign_keys")), 1);
    }
}

void tst_BuildRepository::reopeningIsIdempotent()
{
    VW_FRESH_DATABASE(url);
    qint64 projectId = 0;
    {
        BuildRepository repo;
        OPEN(repo, url);
        projectId = makeProject(repo, QStringLiteral("/work/app")).id;
        QVERIFY(projectId > 0);
    }
    BuildRepository repo;
    OPEN(repo, url);
    OPEN(repo, url); // open on an open repository reconnects
    QCOMPARE(repo.schemaVersion(), SchemaMigrations::latestVersion());
    QCOMPARE(scalar(repo, QStringLiteral("SELECT COUNT(*) FROM schema_version")),
             qint64(SchemaMigrations::all().size()));
    auto p = repo.project(projectId);
    CHECK_OK(p);
    QCOMPARE(p.value().directory, QStringLiteral("/work/app"));
}

void tst_BuildRepository::newerSchemaIsRefused()
{
    VW_FRESH_DATABASE(url);
    const int future = SchemaMigrations::latestVersion() + 1;
    {
        BuildRepository repo;
        OPEN(repo, url);
        QSqlQuery q(repo.database());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version (version, description, "
                                      "applied_at) VALUES (%1, 'from the future', 0)")
                           .arg(future)));
    }
    BuildRepository repo;
    auto parsed = DatabaseUrl::parse(url);
    CHECK_OK(parsed);
    const Status opened = repo.open(parsed.value());
    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, QStringLiteral("SCHEMA_TOO_NEW"));
    QVERIFY2(opened.error().message.contains(QString::number(future)),
             qPrintable(opened.error().message));
    QVERIFY(!repo.isOpen());
    QCOMPARE(repo.projects().error().code, QStringLiteral("NOT_OPEN"));
}

void tst_BuildRepository::failedMigrationRollsBack()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    QList<SchemaMigrations::Migration> migrations = SchemaMigrations::all();
    const int next = SchemaMigrations::latestVersion() + 1;
    migrations.append({next,
                       QStringLiteral("broken"),
                       {QStringLiteral("CREATE TABLE half_done (id INTEGER)"),
                        QStringLiteral("CREATE TABLE this is not sql")}});
    QSqlDatabase db = repo.database();
    Result<int> result = SchemaMigrations::migrate(db, repo.backend(), migrations);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, QStringLiteral("MIGRATION_FAILED"));
    QCOMPARE(SchemaMigrations::currentVersion(db).value(), SchemaMigrations::latestVersion());
    QVERIFY(!db.tables().contains(QStringLiteral("half_done")));

    // A good migration after it applies once.
    migrations.last().statements = {QStringLiteral("CREATE TABLE extra (id INTEGER)")};
    QCOMPARE(SchemaMigrations::migrate(db, repo.backend(), migrations).value(), next);
    QCOMPARE(SchemaMigrations::migrate(db, repo.backend(), migrations).value(), next);
    QVERIFY(db.tables().contains(QStringLiteral("extra")));
    QCOMPARE(
        scalar(repo,
               QStringLiteral("SELECT COUNT(*) FROM schema_version WHERE version = %1").arg(next)),
        1);
}

// A database written before schema version 4 (no analytics columns): opening it copies the
// phase durations (skipped phases: NULL) and computes each error message's signature.
void tst_BuildRepository::upgradeFillsAnalyticsColumns()
{
    VW_FRESH_DATABASE(url);
    auto parsed = DatabaseUrl::parse(url);
    CHECK_OK(parsed);
    const QString timeout = QStringLiteral("Test timed out after 5000 ms\nat worker 3");
    const QString missing = QStringLiteral("Error: Cannot find module '/app/src/a.js'");
    {
        QSqlDatabase db = rawConnection(parsed.value(), QStringLiteral("v3"));
        QVERIFY2(db.isOpen(), qPrintable(db.lastError().text()));
        const QList<SchemaMigrations::Migration> upToThree = SchemaMigrations::all().mid(0, 3);
        QCOMPARE(upToThree.constLast().version, 3);
        QCOMPARE(SchemaMigrations::migrate(db, parsed.value().backend(), upToThree).value(), 3);
        QSqlQuery q(db);
        QVERIFY2(q.exec(QStringLiteral("INSERT INTO projects (id, name, sandbox_id, directory, "
                                       "created_at, updated_at) VALUES (1, 'app', 's', '/app', "
                                       "0, 0)")),
                 qPrintable(q.lastError().text()));
        QVERIFY(q.prepare(QStringLiteral(
            "INSERT INTO builds (id, project_id, status, phase, error_message, created_at, "
            "updated_at) VALUES (?, 1, ?, 'complete', ?, 0, 0)")));
        const QVariant none(QMetaType::fromType<QString>());
        const QList<QVariantList> builds{{1, QStringLiteral("success"), none},
                                         {2, QStringLiteral("failed"), timeout},
                                         {3, QStringLiteral("failed"), missing},
                                         {4, QStringLiteral("queued"), none}};
        for (const QVariantList &row : builds) {
            for (const QVariant &value : row)
                q.addBindValue(value);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        QVERIFY(q.prepare(QStringLiteral("INSERT INTO build_phases (build_id, phase, "
                                         "duration_ms, skipped) VALUES (?, ?, ?, ?)")));
        const QList<QVariantList> phases{
            {1, QStringLiteral("setup"), 1000, 0}, {1, QStringLiteral("install"), 20'000, 0},
            {1, QStringLiteral("build"), 7, 1},    {1, QStringLiteral("complete"), 0, 0},
            {2, QStringLiteral("setup"), 1500, 0}, {2, QStringLiteral("install"), none, 0}};
        for (const QVariantList &row : phases) {
            for (const QVariant &value : row)
                q.addBindValue(value);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v3"));

    BuildRepository repo;
    OPEN(repo, url);
    QCOMPARE(repo.schemaVersion(), SchemaMigrations::latestVersion());
    const QVariant null;
    QCOMPARE(analyticsColumns(repo, 1), (QVariantList{1000, 20'000, null, 0, null}));
    QCOMPARE(analyticsColumns(repo, 2),
             (QVariantList{1500, null, null, null, ErrorSignature::key(timeout)}));
    QCOMPARE(analyticsColumns(repo, 3), (QVariantList{null, null, null, null,
                                                      QStringLiteral("Error: Cannot find module "
                                                                     "'<str>'")}));
    QCOMPARE(analyticsColumns(repo, 4), (QVariantList{null, null, null, null, null}));
    QCOMPARE(ErrorSignature::key(timeout), QStringLiteral("Test timed out after <n> ms"));
}

// Opening the store looks for builds whose error signature is missing; on a large history a
// table scan for that would cost every start-up (the planner must use the partial index).
void tst_BuildRepository::missingSignaturesAreFoundThroughTheirIndex()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    QSqlQuery q(repo.database());
    const QString query = QString::fromLatin1(BuildRepository::kMissingSignatures);
    QString plan;
    if (repo.backend() == DatabaseUrl::Backend::Postgres) {
        // An empty table is read whole whatever the indexes; forbidding sequential scans
        // shows whether the index can answer the query at all.
        QVERIFY2(q.exec(QStringLiteral("SET enable_seqscan = off")),
                 qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(QStringLiteral("EXPLAIN ") + query), qPrintable(q.lastError().text()));
        while (q.next())
            plan += q.value(0).toString() + u'\n';
        QVERIFY(q.exec(QStringLiteral("RESET enable_seqscan")));
    } else {
        QVERIFY2(q.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + query),
                 qPrintable(q.lastError().text()));
        while (q.next())
            plan += q.value(3).toString() + u'\n';
    }
    QVERIFY2(plan.contains(QStringLiteral("builds_signature_missing")), qPrintable(plan));
}

// createBuild and updateBuild keep the analytics columns in step with the phases and the error
// message they write.
void tst_BuildRepository::analyticsColumnsFollowWrites()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project project = makeProject(repo, QStringLiteral("/work/app"));
    Build input = makeBuild(project.id, BuildStatus::Running);
    input.phaseRecord(Phase::Setup).durationMs = 800;
    auto created = repo.createBuild(input);
    CHECK_OK(created);
    const QVariant null;
    Build b = created.value();
    QCOMPARE(analyticsColumns(repo, b.id), (QVariantList{800, null, null, null, null}));

    b.status = BuildStatus::Failed;
    b.errorMessage = QStringLiteral("npm ERR! code E404\nnpm ERR! 404 Not Found");
    b.phaseRecord(Phase::Install).durationMs = 4000;
    b.phaseRecord(Phase::Build).skipped = true;
    b.phaseRecord(Phase::Build).durationMs = 5;
    CHECK_OK(repo.updateBuild(b));
    QCOMPARE(analyticsColumns(repo, b.id),
             (QVariantList{800, 4000, null, null, QStringLiteral("npm ERR! code E404")}));

    // A phase left out of a later write keeps its stored duration; a cleared message clears
    // the signature; a blank one has nothing to group ('').
    b.phases.removeIf([](const PhaseRecord &r) { return r.phase == Phase::Install; });
    b.phaseRecord(Phase::Setup).skipped = true;
    b.errorMessage.clear();
    CHECK_OK(repo.updateBuild(b));
    QCOMPARE(analyticsColumns(repo, b.id), (QVariantList{null, 4000, null, null, null}));
    b.errorMessage = QStringLiteral("  \n ");
    CHECK_OK(repo.updateBuild(b));
    QCOMPARE(analyticsColumns(repo, b.id).constLast(), QVariant(QString()));
}

void tst_BuildRepository::projects()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);

    auto created = repo.ensureProject(QStringLiteral("sb"), QStringLiteral("/home/app/web"));
    CHECK_OK(created);
    QCOMPARE(created.value().name, QStringLiteral("web")); // from the directory
    QVERIFY(created.value().createdAt.isValid());
    auto again = repo.ensureProject(QStringLiteral("sb"), QStringLiteral("/home/app/web"));
    QCOMPARE(again.value().id, created.value().id);

    Project p = created.value();
    p.sandboxName = QStringLiteral("my sandbox");
    p.installCommand = QStringLiteral("pnpm install --frozen-lockfile");
    p.buildCommand = QStringLiteral("pnpm build");
    p.skipBuild = true;
    p.outputDirectory = QStringLiteral("out");
    p.devCommand = QStringLiteral("pnpm dev");
    p.devPort = 5173;
    p.settings = QJsonObject{{QStringLiteral("env"), QJsonObject{{QStringLiteral("CI"), "1"}}}};
    auto saved = repo.saveProject(p);
    CHECK_OK(saved);
    auto read = repo.project(p.id);
    CHECK_OK(read);
    QCOMPARE(read.value().installCommand, p.installCommand);
    QCOMPARE(read.value().buildCommand, p.buildCommand);
    QCOMPARE(read.value().skipBuild, true);
    QCOMPARE(read.value().outputDirectory, QStringLiteral("out"));
    QCOMPARE(read.value().devCommand, p.devCommand);
    QCOMPARE(read.value().devPort, 5173);
    QCOMPARE(read.value().settings, p.settings);
    QCOMPARE(read.value().sandboxName, QStringLiteral("my sandbox"));

    auto found = repo.findProject(QStringLiteral("sb"), QStringLiteral("/home/app/web"));
    QVERIFY(found.ok() && found.value() && found.value()->id == p.id);
    QVERIFY(!repo.findProject(QStringLiteral("sb"), QStringLiteral("/other")).value());

    // (sandbox, directory) is unique.
    Project duplicate;
    duplicate.sandboxId = QStringLiteral("sb");
    duplicate.directory = QStringLiteral("/home/app/web");
    QCOMPARE(repo.saveProject(duplicate).error().code, QStringLiteral("DB_QUERY"));
    QCOMPARE(repo.saveProject(Project{}).error().code, QStringLiteral("INVALID_ARGUMENT"));

    auto other =
        repo.ensureProject(QStringLiteral("sb2"), QStringLiteral("/a"), QStringLiteral("A"));
    CHECK_OK(other);
    QCOMPARE(repo.projects().value().size(), 2);

    // Deleting a project deletes its builds, their events and logs.
    auto build = repo.createBuild(makeBuild(p.id));
    CHECK_OK(build);
    CHECK_OK(
        repo.addEvent(BuildEvent{0, build.value().id, BuildEvent::Type::Created, {}, {}, {}, {}}));
    CHECK_OK(
        repo.appendLogs({LogAppend{build.value().id, Phase::Setup, LogStream::Stdout, "x", -1}}));
    CHECK_OK(repo.deleteProject(p.id));
    QCOMPARE(repo.project(p.id).error().code, QStringLiteral("NOT_FOUND"));
    QCOMPARE(repo.build(build.value().id).error().code, QStringLiteral("NOT_FOUND"));
    QCOMPARE(scalar(repo, QStringLiteral("SELECT COUNT(*) FROM build_events")), 0);
    QCOMPARE(scalar(repo, QStringLiteral("SELECT COUNT(*) FROM log_chunks")), 0);
    QCOMPARE(repo.deleteProject(p.id).error().code, QStringLiteral("NOT_FOUND"));
}

void tst_BuildRepository::builds()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project project = makeProject(repo, QStringLiteral("/app"));

    Build b = makeBuild(project.id);
    b.clean = true;
    b.metadata = QJsonObject{{QStringLiteral("branch"), QStringLiteral("main")},
                             {QStringLiteral("attempt"), 2}};
    b.phaseRecord(Phase::Setup).startedAt = at(1'700'000'000'000);
    auto created = repo.createBuild(b);
    CHECK_OK(created);
    Build stored = created.value();
    QVERIFY(stored.id > 0);
    QVERIFY(stored.createdAt.isValid());
    QVERIFY(stored.updatedAt.isValid());
    QCOMPARE(stored.status, BuildStatus::Queued);
    QCOMPARE(stored.clean, true);
    QCOMPARE(stored.trigger, QStringLiteral("test"));
    QCOMPARE(stored.metadata, b.metadata);
    QCOMPARE(stored.phases.size(), 1);
    QCOMPARE(stored.phases[0].startedAt, at(1'700'000'000'000));
    QCOMPARE(repo.createBuild(stored).error().code, QStringLiteral("INVALID_ARGUMENT"));

    // The engine's fields, all of them.
    stored.status = BuildStatus::Failed;
    stored.phase = Phase::Install;
    stored.currentStep = QStringLiteral("Installing dependencies with npm");
    stored.progress = 40;
    stored.errorMessage = QStringLiteral("npm ERR! 404 Not Found - GET https://registry/x");
    stored.stack = QStringLiteral("node-npm");
    stored.installCommand = QStringLiteral("npm ci");
    stored.buildCommand = QStringLiteral("npm run build");
    stored.daytonaSessionId = QStringLiteral("vw-build-1");
    stored.daytonaCommandId = QStringLiteral("cmd-9");
    stored.startedAt = at(1'700'000'000'000);
    stored.completedAt = at(1'700'000'012'345);
    stored.durationMs = 12'345;
    PhaseRecord &setup = stored.phaseRecord(Phase::Setup);
    setup.completedAt = at(1'700'000'001'000);
    setup.durationMs = 1000;
    setup.exitCode = 0;
    PhaseRecord &install = stored.phaseRecord(Phase::Install);
    install.startedAt = at(1'700'000'001'000);
    install.completedAt = at(1'700'000'012'345);
    install.durationMs = 11'345;
    install.exitCode = 1;
    PhaseRecord &build = stored.phaseRecord(Phase::Build);
    build.skipped = true;
    build.skipReason = QStringLiteral("install failed");
    stored.logOffset = 999; // not the engine's to write
    auto updated = repo.updateBuild(stored);
    CHECK_OK(updated);
    const Build &u = updated.value();
    QCOMPARE(u.status, BuildStatus::Failed);
    QCOMPARE(u.phase, Phase::Install);
    QCOMPARE(u.currentStep, stored.currentStep);
    QCOMPARE(u.progress, 40);
    QCOMPARE(u.errorMessage, stored.errorMessage);
    QCOMPARE(u.stack, stored.stack);
    QCOMPARE(u.installCommand, stored.installCommand);
    QCOMPARE(u.buildCommand, stored.buildCommand);
    QCOMPARE(u.daytonaSessionId, stored.daytonaSessionId);
    QCOMPARE(u.daytonaCommandId, stored.daytonaCommandId);
    QCOMPARE(u.startedAt, stored.startedAt);
    QCOMPARE(u.completedAt, stored.completedAt);
    QCOMPARE(u.durationMs, std::optional<qint64>(12'345));
    QCOMPARE(u.logOffset, 0);
    QCOMPARE(u.phases.size(), 3);
    QCOMPARE(u.phases[0], stored.phases[0]);
    QCOMPARE(u.phases[1], stored.phases[1]);
    QCOMPARE(u.phases[2], stored.phases[2]);
    QCOMPARE(u.phaseRecord(Phase::Install)->exitCode, std::optional<int>(1));
    QVERIFY(!u.phaseRecord(Phase::Build)->exitCode);
    QVERIFY(u.phaseRecord(Phase::Build)->skipped);

    Build missing = u;
    missing.id = 123456;
    QCOMPARE(repo.updateBuild(missing).error().code, QStringLiteral("NOT_FOUND"));
    QCOMPARE(repo.build(123456).error().code, QStringLiteral("NOT_FOUND"));
    // A build belongs to a stored project.
    QCOMPARE(repo.createBuild(makeBuild(987654)).error().code, QStringLiteral("DB_QUERY"));
}

void tst_BuildRepository::eventsAfterId()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project project = makeProject(repo, QStringLiteral("/app"));
    const qint64 b1 = repo.createBuild(makeBuild(project.id)).value().id;
    const qint64 b2 = repo.createBuild(makeBuild(project.id)).value().id;

    QList<qint64> ids1;
    for (int i = 0; i < 6; ++i) {
        BuildEvent e;
        e.buildId = i % 2 ? b2 : b1;
        e.type = i == 0 ? BuildEvent::Type::Created : BuildEvent::Type::PhaseStarted;
        e.phase = i == 0 ? std::nullopt : std::optional<Phase>(Phase::Install);
        e.message = QStringLiteral("event %1").arg(i);
        e.metadata = QJsonObject{{QStringLiteral("i"), i}};
        auto added = repo.addEvent(e);
        CHECK_OK(added);
        QVERIFY(added.value().id > 0);
        QVERIFY(added.value().createdAt.isValid());
        if (e.buildId == b1)
            ids1 << added.value().id;
    }
    auto all1 = repo.events(b1);
    CHECK_OK(all1);
    QCOMPARE(all1.value().size(), 3);
    QCOMPARE(all1.value()[0].type, BuildEvent::Type::Created);
    QVERIFY(!all1.value()[0].phase);
    QCOMPARE(all1.value()[1].phase, std::optional<Phase>(Phase::Install));
    QCOMPARE(all1.value()[2].message, QStringLiteral("event 4"));
    QCOMPARE(all1.value()[2].metadata.value(QStringLiteral("i")).toInt(), 4);

    auto after = repo.events(b1, ids1[0]);
    QCOMPARE(after.value().size(), 2);
    QCOMPARE(after.value()[0].id, ids1[1]);
    QCOMPARE(repo.events(b1, ids1[2]).value().size(), 0);
    QCOMPARE(repo.events(b1, 0, 1).value().size(), 1);
    QCOMPARE(repo.events(0, ids1[0]).value().size(), 5); // every build's
    QCOMPARE(repo.addEvent(BuildEvent{}).error().code, QStringLiteral("INVALID_ARGUMENT"));
}

void tst_BuildRepository::logChunksAreBatchedAndReadByRange()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project project = makeProject(repo, QStringLiteral("/app"));
    const qint64 id = repo.createBuild(makeBuild(project.id)).value().id;
    const qint64 other = repo.createBuild(makeBuild(project.id)).value().id;

    // Many small pieces: install on stdout, a few stderr lines in between, then build output;
    // another build's output interleaved.
    struct Expected
    {
        Phase phase;
        LogStream stream;
        QByteArray data;
    };
    QList<Expected> expected;
    QList<LogAppend> batch;
    for (int i = 0; i < 4000; ++i) {
        const Phase phase = i < 3000 ? Phase::Install : Phase::Build;
        const LogStream stream = i % 500 == 499 ? LogStream::Stderr : LogStream::Stdout;
        QByteArray line = QByteArray::number(i).rightJustified(6, '0') + ' ' +
                          QByteArray(i % 97, char('a' + i % 26)) + '\n';
        if (i == 1234)
            line = QByteArray("binary \x00\x01\xff\xfe end\n", 17);
        expected.append({phase, stream, line});
        batch.append(LogAppend{id, phase, stream, line, -1});
        if (i % 10 == 0)
            batch.append(LogAppend{other, Phase::Setup, LogStream::Stdout, "other\n", -1});
    }
    batch.last().sourceOffset = 777'000;
    CHECK_OK(repo.appendLogs(batch));

    auto reference = [&](std::optional<Phase> phase, std::optional<LogStream> stream) {
        QByteArray all;
        for (const Expected &e : expected) {
            if ((!phase || *phase == e.phase) && (!stream || *stream == e.stream))
                all += e.data;
        }
        return all;
    };
    const QByteArray whole = reference({}, {});
    QVERIFY(whole.size() > 3 * BuildRepository::kMaxChunkBytes);

    // Batched: consecutive pieces of one phase and stream share chunks filled up to the maximum,
    // so the number of chunks follows from the runs, not from the 4000 appends.
    qint64 expectedChunks = 0;
    for (qsizetype i = 0; i < expected.size();) {
        qint64 run = 0;
        qsizetype j = i;
        for (; j < expected.size() && expected[j].phase == expected[i].phase &&
               expected[j].stream == expected[i].stream;
             ++j)
            run += expected[j].data.size();
        expectedChunks +=
            (run + BuildRepository::kMaxChunkBytes - 1) / BuildRepository::kMaxChunkBytes;
        i = j;
    }
    QVERIFY(expectedChunks < 40);
    QCOMPARE(
        scalar(repo, QStringLiteral("SELECT COUNT(*) FROM log_chunks WHERE build_id = %1").arg(id)),
        expectedChunks);
    QVERIFY(scalar(repo, QStringLiteral("SELECT MAX(length) FROM log_chunks")) <=
            BuildRepository::kMaxChunkBytes);
    QCOMPARE(repo.build(id).value().logOffset, 777'000);
    QCOMPARE(repo.build(other).value().logOffset, 0);

    auto sizes = repo.logSizes(id);
    CHECK_OK(sizes);
    QCOMPARE(sizes.value().total(), whole.size());
    QCOMPARE(sizes.value().size(LogStream::Stderr), reference({}, LogStream::Stderr).size());
    QCOMPARE(sizes.value().size(Phase::Install), reference(Phase::Install, {}).size());
    QCOMPARE(sizes.value().size(Phase::Setup), 0);

    // Ranges in every selection, across chunk boundaries, cut exactly.
    const QList<QPair<std::optional<Phase>, std::optional<LogStream>>> selections{
        {{}, {}},
        {Phase::Install, {}},
        {Phase::Build, {}},
        {{}, LogStream::Stderr},
        {{}, LogStream::Stdout},
        {Phase::Build, LogStream::Stderr}};
    for (const auto &[phase, stream] : selections) {
        const QByteArray ref = reference(phase, stream);
        const LogSelection selection{phase, stream};
        const qint64 k = BuildRepository::kMaxChunkBytes;
        const QList<QPair<qint64, qint64>> ranges{{0, 10},
                                                  {0, ref.size()},
                                                  {k - 5, 10},
                                                  {k - 1, 2 * k + 3},
                                                  {ref.size() - 7, 100},
                                                  {ref.size(), 10},
                                                  {ref.size() + 50, 10},
                                                  {3, -1},
                                                  {12'345, 1}};
        for (const auto &[offset, length] : ranges) {
            auto slice = repo.readLog(id, selection, offset, length);
            CHECK_OK(slice);
            const QByteArray want =
                offset >= ref.size() ? QByteArray() : ref.mid(offset, length < 0 ? -1 : length);
            QVERIFY2(slice.value().bytes() == want,
                     qPrintable(QStringLiteral("selection %1/%2 range %3+%4")
                                    .arg(phase ? phaseName(*phase) : QStringLiteral("all"),
                                         stream ? logStreamName(*stream) : QStringLiteral("both"))
                                    .arg(offset)
                                    .arg(length)));
            QCOMPARE(slice.value().totalSize, qint64(ref.size()));
            for (const LogSlice::Piece &piece : slice.value().pieces) {
                if (phase)
                    QCOMPARE(piece.phase, *phase);
                if (stream)
                    QCOMPARE(piece.stream, *stream);
            }
        }
    }

    // stdout and stderr stay distinguishable in the whole log: piece by piece, in order.
    auto whole1 = repo.readLog(id, LogSelection{}, 0, -1);
    CHECK_OK(whole1);
    QByteArray rebuiltStderr;
    for (const LogSlice::Piece &piece : whole1.value().pieces) {
        if (piece.stream == LogStream::Stderr)
            rebuiltStderr += piece.data;
    }
    QCOMPARE(rebuiltStderr, reference({}, LogStream::Stderr));
    QVERIFY(rebuiltStderr.startsWith("000499 "));

    QCOMPARE(repo.readLog(id, LogSelection{}, -1, 5).error().code,
             QStringLiteral("INVALID_ARGUMENT"));
    QCOMPARE(repo.readLog(424242, LogSelection{}, 0, 5).value().totalSize, 0);
    // Appending to a build that does not exist changes nothing.
    QVERIFY(!repo.appendLogs({LogAppend{424242, Phase::Setup, LogStream::Stdout, "x", -1}}).ok());
    QCOMPARE(repo.logSizes(id).value().total(), whole.size());
}

void tst_BuildRepository::logAppendsContinueAcrossConnections()
{
    VW_FRESH_DATABASE(url);
    BuildRepository first;
    BuildRepository second;
    OPEN(first, url);
    OPEN(second, url);
    const Project project = makeProject(first, QStringLiteral("/app"));
    const qint64 id = first.createBuild(makeBuild(project.id)).value().id;

    // Alternating writers (a lease changing hands): each one's cached position goes stale and
    // must be corrected, never leaving a gap or an overlap.
    QByteArray expected;
    for (int round = 0; round < 6; ++round) {
        BuildRepository &writer = round % 2 ? second : first;
        const QByteArray piece = QByteArray(1000 + round, char('A' + round));
        expected += piece;
        CHECK_OK(writer.appendLogs(
            {LogAppend{id, Phase::Install, round % 3 ? LogStream::Stdout : LogStream::Stderr, piece,
                       expected.size()}}));
    }
    BuildRepository reader;
    OPEN(reader, url);
    QCOMPARE(reader.readLog(id, LogSelection{}, 0, -1).value().bytes(), expected);
    QCOMPARE(reader.logSizes(id).value().total(), expected.size());
    QCOMPARE(reader.build(id).value().logOffset, expected.size());
}

void tst_BuildRepository::latestBuildPerProject()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project a = makeProject(repo, QStringLiteral("/a"));
    const Project b = makeProject(repo, QStringLiteral("/b"));
    const Project c = makeProject(repo, QStringLiteral("/c"));
    QVERIFY(!repo.latestBuild(a.id).value());
    qint64 lastA = 0, lastB = 0;
    for (int i = 0; i < 5; ++i) {
        lastA = repo.createBuild(makeBuild(a.id, BuildStatus::Success)).value().id;
        lastB = repo.createBuild(makeBuild(b.id, BuildStatus::Failed)).value().id;
    }
    QCOMPARE(repo.latestBuild(a.id).value()->id, lastA);
    QCOMPARE(repo.latestBuild(b.id).value()->id, lastB);
    QVERIFY(!repo.latestBuild(c.id).value());
    auto latest = repo.latestBuilds();
    CHECK_OK(latest);
    QCOMPARE(latest.value().size(), 2);
    QCOMPARE(latest.value()[0].id, lastB); // newest first
    QCOMPARE(latest.value()[1].id, lastA);
}

void tst_BuildRepository::filtersAndPaging()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project a = makeProject(repo, QStringLiteral("/a"));
    const Project b = makeProject(repo, QStringLiteral("/b"));
    const qint64 t0 = 1'750'000'000'000;
    const qint64 hour = 3'600'000;
    QList<Build> all;
    for (int i = 0; i < 1000; ++i) {
        Build build = makeBuild(i % 4 == 3 ? b.id : a.id,
                                i % 10 == 0 ? BuildStatus::Failed : BuildStatus::Success);
        build.createdAt = at(t0 + i * hour);
        if (build.status == BuildStatus::Failed)
            build.errorMessage = i % 20 == 0 ? QStringLiteral("npm ERR! code E404 (100%_sure)")
                                             : QStringLiteral("error TS2304: Cannot find name");
        auto created = repo.createBuild(build);
        CHECK_OK(created);
        all.append(created.value());
    }

    BuildQuery q;
    q.projectId = a.id;
    q.limit = 100;
    QSet<qint64> seen;
    qint64 previous = std::numeric_limits<qint64>::max();
    for (int page = 0; page < 8; ++page) {
        q.offset = page * 100;
        auto result = repo.builds(q);
        CHECK_OK(result);
        QCOMPARE(result.value().total, 750);
        QCOMPARE(result.value().builds.size(), page < 7 ? 100 : 50);
        for (const Build &build : result.value().builds) {
            QCOMPARE(build.projectId, a.id);
            QVERIFY(build.id < previous); // newest first, no overlap between pages
            previous = build.id;
            seen.insert(build.id);
        }
    }
    QCOMPARE(seen.size(), 750);

    BuildQuery failed;
    failed.statuses = {BuildStatus::Failed};
    failed.limit = 0;
    auto f = repo.builds(failed);
    CHECK_OK(f);
    QCOMPARE(f.value().total, 100);
    QCOMPARE(f.value().builds.size(), 100);

    BuildQuery range;
    range.createdFrom = at(t0 + 100 * hour);
    range.createdTo = at(t0 + 200 * hour);
    range.limit = 10;
    range.offset = 95;
    auto r = repo.builds(range);
    CHECK_OK(r);
    QCOMPARE(r.value().total, 100);
    QCOMPARE(r.value().builds.size(), 5);
    QCOMPARE(r.value().builds.last().createdAt, at(t0 + 100 * hour));

    BuildQuery text;
    text.text = QStringLiteral("E404 (100%_");
    text.limit = 0;
    text.offset = 10; // offset without limit
    auto t = repo.builds(text);
    CHECK_OK(t);
    QCOMPARE(t.value().total, 50);
    QCOMPARE(t.value().builds.size(), 40);
    text.text = QStringLiteral("%"); // a literal percent sign, not a wildcard
    text.offset = 0;
    QCOMPARE(repo.builds(text).value().total, 50);
    text.text = QStringLiteral("cannot FIND"); // case-insensitive
    QCOMPARE(repo.builds(text).value().total, 50);

    BuildQuery combined;
    combined.projectId = b.id;
    combined.statuses = {BuildStatus::Failed, BuildStatus::Cancelled};
    combined.createdFrom = at(t0);
    combined.text = QStringLiteral("ts2304");
    QCOMPARE(repo.builds(combined).value().total, 0); // project b's builds (odd i) never fail
    combined.statuses = {BuildStatus::Success};
    combined.text.clear();
    QCOMPARE(repo.builds(combined).value().total, 250);

    // Changed since a moment: only what was written after it.
    Build touched = all[10];
    const QDateTime before = all.last().updatedAt; // the newest write so far
    QTest::qWait(5);
    touched.progress = 77;
    CHECK_OK(repo.updateBuild(touched));
    BuildQuery changed;
    changed.updatedAfter = before;
    auto c = repo.builds(changed);
    CHECK_OK(c);
    QCOMPARE(c.value().total, 1);
    QCOMPARE(c.value().builds[0].id, touched.id);
    QCOMPARE(c.value().builds[0].progress, 77);
}

void tst_BuildRepository::statistics()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project a = makeProject(repo, QStringLiteral("/a"));
    const Project b = makeProject(repo, QStringLiteral("/b"));

    auto add = [&](qint64 project, BuildStatus status, std::optional<qint64> duration,
                   const QString &error = {}, qint64 installMs = 0) {
        Build build = makeBuild(project, status);
        build.durationMs = duration;
        build.errorMessage = error;
        if (installMs > 0) {
            build.phaseRecord(Phase::Install).durationMs = installMs;
            build.phaseRecord(Phase::Build).skipped = true;
            build.phaseRecord(Phase::Build).durationMs = 1;
        }
        return repo.createBuild(build).ok();
    };
    // Successful durations 10, 20, 30, 40, 100 (s).
    for (qint64 d : {30'000, 10'000, 100'000, 20'000, 40'000})
        QVERIFY(add(a.id, BuildStatus::Success, d, {}, d / 2));
    QVERIFY(add(a.id, BuildStatus::Success, std::nullopt));
    QVERIFY(add(a.id, BuildStatus::Failed, 5000, QStringLiteral("npm ERR! code E404")));
    QVERIFY(add(a.id, BuildStatus::Failed, 5000, QStringLiteral("npm ERR! code E404")));
    QVERIFY(add(a.id, BuildStatus::Failed, 5000, QStringLiteral("npm ERR! code E404")));
    QVERIFY(add(a.id, BuildStatus::Failed, 5000, QStringLiteral("error TS2304")));
    QVERIFY(add(a.id, BuildStatus::Cancelled, 1000));
    QVERIFY(add(a.id, BuildStatus::Interrupted, 1000));
    QVERIFY(add(a.id, BuildStatus::Running, std::nullopt));
    QVERIFY(add(b.id, BuildStatus::Failed, 1, QStringLiteral("only in b")));

    StatisticsQuery q;
    q.projectId = a.id;
    auto stats = repo.statistics(q);
    CHECK_OK(stats);
    const BuildStatistics &s = stats.value();
    QCOMPARE(s.total, 13);
    QCOMPARE(s.succeeded, 6);
    QCOMPARE(s.failed, 4);
    QCOMPARE(s.cancelled, 1);
    QCOMPARE(s.interrupted, 1);
    QCOMPARE(s.unfinished, 1);
    QCOMPARE(s.successRate, 0.6);
    QCOMPARE(s.averageDurationMs, std::optional<qint64>(40'000));
    QCOMPARE(s.medianDurationMs, std::optional<qint64>(30'000));
    QCOMPARE(s.p90DurationMs, std::optional<qint64>(100'000));
    QCOMPARE(s.minDurationMs, std::optional<qint64>(10'000));
    QCOMPARE(s.maxDurationMs, std::optional<qint64>(100'000));
    QCOMPARE(s.averagePhaseDurationMs.value(Phase::Install), 20'000);
    QVERIFY(!s.averagePhaseDurationMs.contains(Phase::Build)); // skipped phases left out
    QCOMPARE(s.commonErrors.size(), 2);
    QCOMPARE(s.commonErrors[0].message, QStringLiteral("npm ERR! code E404"));
    QCOMPARE(s.commonErrors[0].count, 3);
    QVERIFY(s.commonErrors[0].lastSeen.isValid());
    QCOMPARE(s.commonErrors[1].message, QStringLiteral("error TS2304"));

    q.maxErrors = 1;
    QCOMPARE(repo.statistics(q).value().commonErrors.size(), 1);
    auto everything = repo.statistics(StatisticsQuery{});
    QCOMPARE(everything.value().total, 14);
    QCOMPARE(everything.value().commonErrors.size(), 3);
    StatisticsQuery future;
    future.createdFrom = QDateTime::currentDateTimeUtc().addDays(1);
    auto none = repo.statistics(future);
    QCOMPARE(none.value().total, 0);
    QCOMPARE(none.value().successRate, 0.0);
    QVERIFY(!none.value().medianDurationMs);
}

void tst_BuildRepository::unfinishedBuildsAndLeases()
{
    VW_FRESH_DATABASE(url);
    BuildRepository repo;
    OPEN(repo, url);
    const Project a = makeProject(repo, QStringLiteral("/a"));
    const qint64 queued = repo.createBuild(makeBuild(a.id, BuildStatus::Queued)).value().id;
    repo.createBuild(makeBuild(a.id, BuildStatus::Success));
    const qint64 running = repo.createBuild(makeBuild(a.id, BuildStatus::Running)).value().id;
    repo.createBuild(makeBuild(a.id, BuildStatus::Interrupted));
    auto unfinished = repo.unfinishedBuilds();
    CHECK_OK(unfinished);
    QCOMPARE(unfinished.value().size(), 2);
    QCOMPARE(unfinished.value()[0].id, queued);
    QCOMPARE(unfinished.value()[1].id, running);

    QCOMPARE(repo.acquireLease(running, QStringLiteral("gui@host1"), 60'000).value(), true);
    QCOMPARE(repo.acquireLease(running, QStringLiteral("cli@host2"), 60'000).value(), false);
    QCOMPARE(repo.acquireLease(running, QStringLiteral("gui@host1"), 60'000).value(), true);
    QCOMPARE(repo.build(running).value().leaseOwner, QStringLiteral("gui@host1"));
    QVERIFY(repo.build(running).value().leaseExpiresAt > QDateTime::currentDateTimeUtc());
    CHECK_OK(repo.releaseLease(running, QStringLiteral("gui@host1")));
    QCOMPARE(repo.acquireLease(running, QStringLiteral("cli@host2"), 1).value(), true);
    QTest::qWait(10); // the 1 ms lease expires
    QCOMPARE(repo.acquireLease(running, QStringLiteral("gui@host1"), 60'000).value(), true);
    QCOMPARE(repo.acquireLease(4242, QStringLiteral("x"), 10).error().code,
             QStringLiteral("NOT_FOUND"));
}

void tst_BuildRepository::badConnections()
{
    QFETCH_GLOBAL(QString, backend);
    BuildRepository repo;
    Status status = Status(Done{});
    QString secret;
    if (backend == QStringLiteral("sqlite")) {
        // A path below a regular file cannot be created.
        const QString file = m_databases.scratchPath(QStringLiteral("plain-file"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        status = repo.open(DatabaseUrl::sqlite(file + QStringLiteral("/sub/db.sqlite")));
    } else {
        VW_FRESH_DATABASE(url); // makes sure the server runs
        secret = QStringLiteral("wrong-password-%1").arg(m_databases.postgres()->port());
        const QString wrong = QStringLiteral("postgres://vw_test:%1@127.0.0.1:%2/t1")
                                  .arg(secret)
                                  .arg(m_databases.postgres()->port());
        status = repo.open(DatabaseUrl::parse(wrong).value());
        QVERIFY(!status.ok());
        QVERIFY2(!status.error().message.contains(secret), qPrintable(status.error().message));
        QVERIFY2(!status.error().message.contains(m_databases.postgres()->password()),
                 qPrintable(status.error().message));
    }
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, QStringLiteral("DB_OPEN"));
    QVERIFY(!repo.isOpen());
    QCOMPARE(repo.createBuild(Build{}).error().code, QStringLiteral("NOT_OPEN"));
}

QTEST_GUILESS_MAIN(tst_BuildRepository)
#include "tst_buildrepository.moc"
