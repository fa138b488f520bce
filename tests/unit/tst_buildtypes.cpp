#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/BuildStatus.h"
#include "models/DatabaseUrl.h"
#include "models/LogKind.h"
#include "models/LogSizes.h"
#include "models/LogSlice.h"
#include "models/LogStream.h"
#include "models/Phase.h"
#include "models/Project.h"
#include "models/StoreChange.h"

#include <QJsonArray>
#include <QStandardPaths>
#include <QTest>

using namespace vw;

// The build store's domain types: stable names, JSON field names, log selections and the
// database URL (parsing, and a display form without the password).
class tst_BuildTypes : public QObject
{
    Q_OBJECT

private slots:
    void phaseNames();
    void statusNames();
    void streamAndKindNames();
    void phaseRecordsStayInOrder();
    void buildJsonUsesThePlatformsFieldNames();
    void eventAndProjectJson();
    void logSizesPerSelection();
    void logSliceJoinsPieces();
    void databaseUrls_data();
    void databaseUrls();
    void badDatabaseUrls_data();
    void badDatabaseUrls();
    void passwordIsNotDisplayed();
    void storeChangePayloads();
};

void tst_BuildTypes::phaseNames()
{
    QCOMPARE(allPhases().size(), 4);
    const QStringList expected{QStringLiteral("setup"), QStringLiteral("install"),
                               QStringLiteral("build"), QStringLiteral("complete")};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(phaseName(allPhases()[i]), expected[i]);
        QCOMPARE(phaseFromName(expected[i]), std::optional<Phase>(allPhases()[i]));
    }
    QVERIFY(!phaseFromName(u"Setup"));
    QVERIFY(!phaseFromName(u""));
    QVERIFY(Phase::Setup < Phase::Install && Phase::Build < Phase::Complete);
}

void tst_BuildTypes::statusNames()
{
    const QStringList expected{QStringLiteral("queued"),    QStringLiteral("running"),
                               QStringLiteral("success"),   QStringLiteral("failed"),
                               QStringLiteral("cancelled"), QStringLiteral("interrupted")};
    QCOMPARE(allBuildStatuses().size(), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        QCOMPARE(buildStatusName(allBuildStatuses()[i]), expected[i]);
        QCOMPARE(buildStatusFromName(expected[i]),
                 std::optional<BuildStatus>(allBuildStatuses()[i]));
    }
    QVERIFY(!buildStatusFromName(u"canceled"));
    QVERIFY(!isFinished(BuildStatus::Queued));
    QVERIFY(!isFinished(BuildStatus::Running));
    for (BuildStatus s : {BuildStatus::Success, BuildStatus::Failed, BuildStatus::Cancelled,
                          BuildStatus::Interrupted})
        QVERIFY(isFinished(s));
}

void tst_BuildTypes::streamAndKindNames()
{
    QCOMPARE(logStreamName(LogStream::Stdout), QStringLiteral("stdout"));
    QCOMPARE(logStreamName(LogStream::Stderr), QStringLiteral("stderr"));
    QCOMPARE(logStreamFromName(u"stderr"), std::optional<LogStream>(LogStream::Stderr));
    QVERIFY(!logStreamFromName(u"both"));

    QCOMPARE(logKindName(LogKind::LiveOutput), QStringLiteral("live_output"));
    QCOMPARE(logKindName(LogKind::InstallLog), QStringLiteral("install_logs"));
    QCOMPARE(logKindName(LogKind::BuildLog), QStringLiteral("build_logs"));
    QCOMPARE(logKindFromName(u"build_logs"), std::optional<LogKind>(LogKind::BuildLog));
    QVERIFY(!logKindFromName(u"logs"));
    QCOMPARE(logSelection(LogKind::LiveOutput), LogSelection{});
    QCOMPARE(logSelection(LogKind::InstallLog), (LogSelection{Phase::Install, std::nullopt}));
    QCOMPARE(logSelection(LogKind::BuildLog), (LogSelection{Phase::Build, std::nullopt}));
}

void tst_BuildTypes::phaseRecordsStayInOrder()
{
    Build b;
    QVERIFY(!std::as_const(b).phaseRecord(Phase::Build));
    b.phaseRecord(Phase::Build).exitCode = 2;
    b.phaseRecord(Phase::Setup).skipped = true;
    b.phaseRecord(Phase::Install).durationMs = 5;
    b.phaseRecord(Phase::Build).skipReason = QStringLiteral("x"); // the same record again
    QCOMPARE(b.phases.size(), 3);
    QCOMPARE(b.phases[0].phase, Phase::Setup);
    QCOMPARE(b.phases[1].phase, Phase::Install);
    QCOMPARE(b.phases[2].phase, Phase::Build);
    QCOMPARE(b.phases[2].exitCode, std::optional<int>(2));
    QCOMPARE(b.phases[2].skipReason, QStringLiteral("x"));
    QVERIFY(std::as_const(b).phaseRecord(Phase::Setup)->skipped);
}

void tst_BuildTypes::buildJsonUsesThePlatformsFieldNames()
{
    Build b;
    b.id = 7;
    b.projectId = 3;
    b.status = BuildStatus::Failed;
    b.phase = Phase::Install;
    b.currentStep = QStringLiteral("Installing dependencies with npm");
    b.progress = 40;
    b.errorMessage = QStringLiteral("npm ERR! code E404");
    b.daytonaSessionId = QStringLiteral("vw-7");
    b.startedAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'123, Qt::UTC);
    b.durationMs = 1500;
    b.metadata = QJsonObject{{QStringLiteral("trigger"), QStringLiteral("manual")}};
    b.phaseRecord(Phase::Install).exitCode = 1;
    const QJsonObject json = b.toJson();
    for (const char *field :
         {"id", "project_id", "status", "phase", "current_step", "progress", "error_message",
          "daytona_session_id", "started_at", "completed_at", "duration_ms", "metadata"})
        QVERIFY2(json.contains(QLatin1String(field)), field);
    QCOMPARE(json.value(QStringLiteral("id")).toInteger(), 7);
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(json.value(QStringLiteral("phase")).toString(), QStringLiteral("install"));
    QCOMPARE(json.value(QStringLiteral("progress")).toInt(), 40);
    QCOMPARE(json.value(QStringLiteral("started_at")).toString(),
             QStringLiteral("2023-11-14T22:13:20.123Z"));
    QVERIFY(json.value(QStringLiteral("completed_at")).isNull());
    QCOMPARE(json.value(QStringLiteral("duration_ms")).toInteger(), 1500);
    QCOMPARE(json.value(QStringLiteral("metadata")).toObject(), b.metadata);
    const QJsonArray phases = json.value(QStringLiteral("phases")).toArray();
    QCOMPARE(phases.size(), 1);
    QCOMPARE(phases[0].toObject().value(QStringLiteral("exit_code")).toInt(), 1);
    QVERIFY(phases[0].toObject().value(QStringLiteral("duration_ms")).isNull());
}

void tst_BuildTypes::eventAndProjectJson()
{
    BuildEvent e;
    e.id = 12;
    e.buildId = 7;
    e.type = BuildEvent::Type::CommandExited;
    e.phase = Phase::Build;
    e.message = QStringLiteral("exited with code 2");
    const QJsonObject ej = e.toJson();
    QCOMPARE(ej.value(QStringLiteral("event_type")).toString(), QStringLiteral("command_exited"));
    QCOMPARE(ej.value(QStringLiteral("build_id")).toInteger(), 7);
    QCOMPARE(ej.value(QStringLiteral("phase")).toString(), QStringLiteral("build"));
    QVERIFY(ej.contains(QStringLiteral("created_at")));
    e.phase.reset();
    QVERIFY(e.toJson().value(QStringLiteral("phase")).isNull());

    Project p;
    p.id = 1;
    p.sandboxId = QStringLiteral("sb");
    p.directory = QStringLiteral("/app");
    p.buildCommand = QStringLiteral("make");
    const QJsonObject pj = p.toJson();
    QCOMPARE(pj.value(QStringLiteral("build_command")).toString(), QStringLiteral("make"));
    QVERIFY(pj.value(QStringLiteral("install_command")).isNull());
    QVERIFY(pj.value(QStringLiteral("dev_port")).isNull());
}

void tst_BuildTypes::logSizesPerSelection()
{
    LogSizes s;
    s.bytes[size_t(Phase::Install)][size_t(LogStream::Stdout)] = 100;
    s.bytes[size_t(Phase::Install)][size_t(LogStream::Stderr)] = 10;
    s.bytes[size_t(Phase::Build)][size_t(LogStream::Stdout)] = 1000;
    QCOMPARE(s.total(), 1110);
    QCOMPARE(s.size(Phase::Install), 110);
    QCOMPARE(s.size(LogStream::Stderr), 10);
    QCOMPARE(s.size(LogSelection{Phase::Build, LogStream::Stderr}), 0);
    QCOMPARE(s.size(LogSelection{Phase::Build, LogStream::Stdout}), 1000);
}

void tst_BuildTypes::logSliceJoinsPieces()
{
    LogSlice slice;
    slice.offset = 10;
    slice.pieces = {{Phase::Install, LogStream::Stdout, "ab"},
                    {Phase::Install, LogStream::Stderr, "cde"}};
    QCOMPARE(slice.bytes(), QByteArray("abcde"));
    QCOMPARE(slice.size(), 5);
    QCOMPARE(slice.end(), 15);
}

void tst_BuildTypes::databaseUrls_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("pathOrHost");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("options");

    QTest::newRow("plain path") << "/var/lib/vw/db.sqlite" << false << "/var/lib/vw/db.sqlite" << -1
                                << ""
                                << ""
                                << ""
                                << "";
    QTest::newRow("sqlite url") << "sqlite:///tmp/x%20y.sqlite" << false << "/tmp/x y.sqlite" << -1
                                << ""
                                << ""
                                << ""
                                << "";
    QTest::newRow("memory") << "sqlite::memory:" << false << ":memory:" << -1 << ""
                            << ""
                            << ""
                            << "";
    QTest::newRow("postgres") << "postgres://vw:s3cret@db.example.com:6543/builds" << true
                              << "db.example.com" << 6543 << "vw"
                              << "s3cret"
                              << "builds"
                              << "";
    QTest::newRow("postgresql, encoded, options")
        << "postgresql://team%40corp:p%40ss%2Fw%3Ard@10.0.0.5/vw%20db?sslmode=require&"
           "application_name=it's"
        << true << "10.0.0.5" << -1 << "team@corp"
        << "p@ss/w:rd"
        << "vw db"
        << "sslmode='require';application_name='it\\'s'";
    QTest::newRow("password as option")
        << "postgres://db/x?password=hidden123&user=u" << true << "db" << -1 << "u"
        << "hidden123"
        << "x"
        << "";
}

void tst_BuildTypes::databaseUrls()
{
    QFETCH(QString, text);
    QFETCH(bool, postgres);
    QFETCH(QString, pathOrHost);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, database);
    QFETCH(QString, options);
    const Result<DatabaseUrl> url = DatabaseUrl::parse(text);
    QVERIFY2(url.ok(), qPrintable(url.ok() ? QString() : url.error().toString()));
    const DatabaseUrl &u = url.value();
    QCOMPARE(u.backend() == DatabaseUrl::Backend::Postgres, postgres);
    if (!postgres) {
        QCOMPARE(u.sqlitePath(), pathOrHost);
        return;
    }
    QCOMPARE(u.host(), pathOrHost);
    QCOMPARE(u.port(), port);
    QCOMPARE(u.userName(), user);
    QCOMPARE(u.password(), password);
    QCOMPARE(u.databaseName(), database);
    QCOMPARE(u.connectOptions(), options);
}

void tst_BuildTypes::badDatabaseUrls_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown scheme") << "mysql://u:p@h/db";
    QTest::newRow("empty sqlite url") << "sqlite://";
    QTest::newRow("path in database name") << "postgres://h/a/b";
    QTest::newRow("odd option") << "postgres://h/db?Bad-Key=1";
}

void tst_BuildTypes::badDatabaseUrls()
{
    QFETCH(QString, text);
    const Result<DatabaseUrl> url = DatabaseUrl::parse(text);
    QVERIFY(!url.ok());
    QCOMPARE(url.error().code, QStringLiteral("BAD_URL"));
}

void tst_BuildTypes::passwordIsNotDisplayed()
{
    const QString secret = QStringLiteral("Pa55-w0rd-xyz");
    const DatabaseUrl url =
        DatabaseUrl::parse(QStringLiteral("postgres://vw:%1@h:5432/db?sslmode=disable").arg(secret))
            .value();
    const QString shown = url.toDisplayString();
    QVERIFY2(!shown.contains(secret), qPrintable(shown));
    QCOMPARE(shown, QStringLiteral("postgres://vw:***@h:5432/db?sslmode=disable"));
    const DatabaseUrl viaOption =
        DatabaseUrl::parse(QStringLiteral("postgres://h/db?password=%1").arg(secret)).value();
    QVERIFY(!viaOption.toDisplayString().contains(secret));
    QVERIFY(!viaOption.connectOptions().contains(secret));

    // Empty text: the default SQLite file in the application's data directory.
    const DatabaseUrl fallback = DatabaseUrl::parse(QString()).value();
    QCOMPARE(fallback.backend(), DatabaseUrl::Backend::Sqlite);
    QCOMPARE(fallback.sqlitePath(), DatabaseUrl::defaultSqlitePath());
    // The GUI's data directory, whichever program asks.
    const QString cliName = QStringLiteral("vaporwatch-cli");
    QCoreApplication::setOrganizationName(QStringLiteral("Vaporwatch"));
    QCoreApplication::setApplicationName(cliName);
    QCOMPARE(DatabaseUrl::defaultSqlitePath(), fallback.sqlitePath());
    QCoreApplication::setApplicationName(QStringLiteral("vaporwatch"));
    QCOMPARE(fallback.sqlitePath(),
             QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                 QStringLiteral("/vaporwatch.sqlite"));
}

void tst_BuildTypes::storeChangePayloads()
{
    const QList<StoreChange> changes{{StoreChange::Kind::Project, 3, 0, 0},
                                     {StoreChange::Kind::Build, 3, 12, 0},
                                     {StoreChange::Kind::Event, 0, 12, 345},
                                     {StoreChange::Kind::Log, 0, 12, 0},
                                     {StoreChange::Kind::Unknown, 0, 0, 0}};
    for (const StoreChange &change : changes)
        QCOMPARE(StoreChange::fromPayload(change.toPayload()), std::optional<StoreChange>(change));
    QCOMPARE(changes[1].toPayload(), QStringLiteral("build 12 3"));
    for (const char *bad : {"", "build", "build 1", "event x 2", "log 1 2", "dance 1"})
        QVERIFY2(!StoreChange::fromPayload(QString::fromLatin1(bad)), bad);
}

QTEST_GUILESS_MAIN(tst_BuildTypes)
#include "tst_buildtypes.moc"
