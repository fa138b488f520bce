#include "app/engine/BuildHub.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/EngineSession.h"
#include "app/engine/LocalSandbox.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/integration/HubRecorder.h"
#include "tests/support/DetachedSandboxd.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace vw;
using namespace vw::engine;
using vw::test::HubRecorder;

// The wiring the app and the CLI share, end to end: a private SQLite file, the embedded local
// sandbox in a private directory (a real detached sandboxd), a real build of the bundled sample.
class tst_EngineSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void buildsTheSampleInTheLocalSandbox();
    void aBadDatabaseUrlFailsToOpen();
    void anAccountWithoutAKeychainFailsClearly();

private:
    EngineSession::Options options() const;
    QTemporaryDir m_dir;
};

EngineSession::Options tst_EngineSession::options() const
{
    EngineSession::Options o;
    o.databaseUrl = m_dir.filePath(QStringLiteral("builds.sqlite"));
    o.localSandboxDirectory = m_dir.filePath(QStringLiteral("local-sandbox"));
    o.environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DAYTONA_API_KEY", "DAYTONA_API_URL", "DAYTONA_SERVER_URL"})
        o.environment.remove(QString::fromLatin1(name));
    return o;
}

void tst_EngineSession::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_EngineSession::cleanupTestCase()
{
    vw::test::stopDetachedSandboxd(m_dir.filePath(QStringLiteral("local-sandbox")));
}

void tst_EngineSession::buildsTheSampleInTheLocalSandbox()
{
    EngineSession session(options());
    QVERIFY(session.connection()->usesLocalSandbox());
    HubRecorder recorder(session.hub()); // subscribing before anything runs
    QVERIFY2(awaitJob(session.openStore()).ok(), "store");
    const auto started = awaitJob(session.startEngine(), 60'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    QVERIFY(session.manager());
    QCOMPARE(session.manager()->maxParallel(), AppSettings().maxParallelBuilds);

    const auto build = awaitJob(session.manager()->startBuild(
        session.connection()->defaultSandbox(), session.connection()->defaultProject()));
    QVERIFY2(build.ok(), qPrintable(describe(build)));
    QVERIFY(recorder.waitFinished(build.value().id, 120'000));
    QCOMPARE(recorder.finishedBuild(build.value().id).status, BuildStatus::Success);
    QVERIFY2(
        recorder.logText(build.value().id).contains(QStringLiteral("built 2 files into dist/")),
        qPrintable(recorder.logText(build.value().id)));
    QVERIFY(recorder.rangesContiguous);
    const auto stored = awaitJob(session.store()->build(build.value().id));
    QVERIFY(stored.ok());
    QCOMPARE(stored.value().status, BuildStatus::Success);
}

void tst_EngineSession::aBadDatabaseUrlFailsToOpen()
{
    EngineSession::Options o = options();
    o.databaseUrl = QStringLiteral("mysql://somewhere/db");
    EngineSession session(o);
    const auto opened = awaitJob(session.openStore());
    QVERIFY(!opened.ok());
    QVERIFY(!opened.error().message.isEmpty());
}

void tst_EngineSession::anAccountWithoutAKeychainFailsClearly()
{
    EngineSession::Options o = options();
    o.settings.daytonaAccount = true;
    o.settings.daytonaApiUrl = QUrl(QStringLiteral("http://127.0.0.1:9/api"));
    // No keychain: CTest runs this test without a session bus.
    EngineSession session(o);
    QVERIFY(!session.connection()->usesLocalSandbox());
    QVERIFY(awaitJob(session.openStore()).ok());
    const auto started = awaitJob(session.startEngine());
    QVERIFY(!started.ok());
    QVERIFY2(started.error().message.contains(QStringLiteral("keychain")),
             qPrintable(started.error().message));
    QVERIFY(!session.manager());
}

QTEST_GUILESS_MAIN(tst_EngineSession)
#include "tst_enginesession.moc"
