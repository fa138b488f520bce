#include "AwaitJob.h"
#include "app/engine/SecretStore.h"
#include "tests/support/CliRun.h"
#include "tests/support/DetachedSandboxd.h"
#include "tests/support/HttpTestClient.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

// `vaporwatch-cli serve` itself: the token created in the keychain on first use and kept there
// (run on a throwaway keyring), a clear refusal without a keychain, usage errors and a port that
// is taken. The API behind it is tst_httpapi's.
class tst_ServeCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void keychainKeepsTheToken();
    void withoutKeychainAsksForATokenFile();
    void usageErrors_data();
    void usageErrors();
    void takenPortIsReported();

private:
    // Starts serve with `arguments`; the base URL it prints, empty when it did not get there.
    QString startServe(QProcess &process, const QStringList &arguments);

    QTemporaryDir m_home;
};

void tst_ServeCommand::initTestCase()
{
    QVERIFY(m_home.isValid());
}

void tst_ServeCommand::cleanupTestCase()
{
    vw::test::stopDetachedSandboxd(vw::test::privateHomeSandboxDirectory(m_home.path()));
}

QString tst_ServeCommand::startServe(QProcess &process, const QStringList &arguments)
{
    process.setProcessEnvironment(vw::test::privateHomeEnvironment(m_home.path()));
    process.start(QStringLiteral(VW_CLI_BINARY), QStringList{QStringLiteral("serve")} + arguments);
    if (!process.waitForStarted() ||
        !QTest::qWaitFor(
            [&] { return process.canReadLine() || process.state() == QProcess::NotRunning; },
            60'000))
        return {};
    const QRegularExpressionMatch match =
        QRegularExpression(QStringLiteral("^listening on (http://127\\.0\\.0\\.1:\\d+)$"))
            .match(QString::fromUtf8(process.readLine()).trimmed());
    return match.hasMatch() ? match.captured(1) : QString();
}

void tst_ServeCommand::keychainKeepsTheToken()
{
    vw::engine::SecretStore secrets;
    QVERIFY(awaitJob(secrets.remove(vw::engine::SecretStore::kHttpApiToken)).ok());

    QProcess first;
    const QString base = startServe(first, {QStringLiteral("--port"), QStringLiteral("0")});
    QVERIFY2(!base.isEmpty(), first.readAllStandardError().constData());
    const vw::Result<std::optional<QString>> stored =
        awaitJob(secrets.read(vw::engine::SecretStore::kHttpApiToken));
    QVERIFY2(stored.ok() && stored.value(), qPrintable(describe(stored)));
    const QString token = *stored.value();
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(token).hasMatch());
    QCOMPARE(vw::test::HttpTestClient(base, token).get(QStringLiteral("/cctray.xml")).status, 200);
    QCOMPARE(vw::test::HttpTestClient(base, QStringLiteral("x"))
                 .get(QStringLiteral("/cctray.xml"))
                 .status,
             401);
    first.terminate();
    QVERIFY(first.waitForFinished(15'000));
    QCOMPARE(first.exitCode(), 0);
    QVERIFY(
        !(first.readAllStandardOutput() + first.readAllStandardError()).contains(token.toUtf8()));

    // The next server uses the stored token.
    QProcess second;
    const QString again = startServe(second, {QStringLiteral("--port"), QStringLiteral("0")});
    QVERIFY(!again.isEmpty());
    QCOMPARE(vw::test::HttpTestClient(again, token).get(QStringLiteral("/cctray.xml")).status, 200);
    second.terminate();
    QVERIFY(second.waitForFinished(15'000));
}

void tst_ServeCommand::withoutKeychainAsksForATokenFile()
{
    QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home.path());
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=%1").arg(m_home.filePath(QStringLiteral("no-bus"))));
    const vw::test::CliRun run = vw::test::runCli(
        QStringLiteral(VW_CLI_BINARY),
        {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")}, env, 60'000);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("--token-file"), run.err.constData());
    QVERIFY(!run.out.contains("listening"));
}

void tst_ServeCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("port too large") << QStringList{"--port", "70000"} << "--port";
    QTest::newRow("port not a number") << QStringList{"--port", "http"} << "--port";
    QTest::newRow("bind not an address") << QStringList{"--bind", "localhost!"} << "--bind";
    QTest::newRow("a stray argument") << QStringList{"now"} << "usage";
    QTest::newRow("an unknown option") << QStringList{"--tls"} << "tls";
}

void tst_ServeCommand::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const vw::test::CliRun run = vw::test::runCli(
        QStringLiteral(VW_CLI_BINARY), QStringList{QStringLiteral("serve")} + arguments,
        vw::test::privateHomeEnvironment(m_home.path()), 30'000);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(QString::fromUtf8(run.err).contains(mentions), run.err.constData());
}

void tst_ServeCommand::takenPortIsReported()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost));
    const QString port = QString::number(taken.serverPort());
    const QString tokenFile = m_home.filePath(QStringLiteral("token"));
    const vw::test::CliRun run =
        vw::test::runCli(QStringLiteral(VW_CLI_BINARY),
                         {QStringLiteral("serve"), QStringLiteral("--port"), port,
                          QStringLiteral("--token-file"), tokenFile},
                         vw::test::privateHomeEnvironment(m_home.path()), 60'000);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(port.toUtf8()), run.err.constData());
}

QTEST_GUILESS_MAIN(tst_ServeCommand)
#include "tst_servecommand.moc"
