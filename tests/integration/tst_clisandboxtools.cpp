#include "AwaitJob.h"

#include "app/daytona/DaytonaClient.h"
#include "tests/support/CliRun.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <csignal>

// `vaporwatch-cli check_process`, `get_preview_url`, `run_dev_server` and `stop_dev_server`: the
// real binary against a real vaporwatch-sandboxd whose sandbox `tools` is a temporary directory.
// Preview URLs of sandboxd are this machine's ports, so every dev server here gets a port that
// was free a moment before.
class tst_CliSandboxTools : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void checkProcessFindsAPortAndAProcess();
    void checkProcessSaysWhatIsNotThere();
    void checkProcessUsageAndErrors();
    void getPreviewUrlReportsHealthButNeverTheToken();
    void runDevServerDetachedThenStopIt();
    void runDevServerDefaultsToNpmRunDevWithJson();
    void runDevServerWhoseCommandExitsFailsWithItsOutput();
    void runDevServerWatchesHealthUntilInterrupted();
    void runDevServerUsesTheProjectsDevSettings();

private:
    QProcess *cli(const QStringList &arguments);
    // Runs the CLI to its end (60 s at most).
    QProcess *run(const QStringList &arguments);
    static int freePort();
    static bool answers(int port);
    QString startServer(int port); // in a session of its own; returns the session id

    QTemporaryDir m_root;
    QTemporaryDir m_home; // the CLI's home: its settings and build database
    std::unique_ptr<vw::test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<vw::daytona::DaytonaClient> m_client;
    QList<QProcess *> m_processes;
    QStringList m_sessions;
    const QString m_sandbox = QStringLiteral("tools");
};

using vw::test::writeFile;

namespace {

// 200 with the preview token, 401 without; after FAIL_AFTER requests (if set) 503.
const char *const kServer = R"(const http = require('http');
const port = Number(process.env.PORT);
const failAfter = Number(process.env.FAIL_AFTER || 0);
let served = 0;
http.createServer((request, response) => {
  served++;
  const token = request.headers['x-daytona-preview-token'];
  const status = failAfter > 0 && served > failAfter ? 503 : (token ? 200 : 401);
  response.writeHead(status, {'content-type': 'text/plain'});
  response.end('ok\n');
}).listen(port, '127.0.0.1', () => console.log('listening on ' + port));
)";

QString args(const QStringList &arguments)
{
    return arguments.join(QLatin1Char(' '));
}

} // namespace

void tst_CliSandboxTools::initTestCase()
{
    QVERIFY(m_root.isValid());
    const QDir root(m_root.path());
    QVERIFY(root.mkpath(QStringLiteral("app")));
    QVERIFY(writeFile(root.filePath(QStringLiteral("app/vw-cli-server.js")), kServer));
    QVERIFY(writeFile(root.filePath(QStringLiteral("app/package.json")),
                      R"({"name":"tools-app","version":"1.0.0","private":true,)"
                      R"("scripts":{"dev":"node vw-cli-server.js"}})"));
    m_sandboxd = std::make_unique<vw::test::SandboxdProcess>();
    vw::test::SandboxdProcess::Options options;
    options.sandboxes = {{m_sandbox, m_root.path()}};
    QVERIFY2(m_sandboxd->start(options), qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<vw::daytona::DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd));
}

void tst_CliSandboxTools::cleanupTestCase()
{
    for (const QString &session : std::as_const(m_sessions))
        awaitJob(m_client->deleteSession(m_sandbox, session));
    for (QProcess *process : std::as_const(m_processes)) {
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(5000);
        }
    }
    qDeleteAll(m_processes);
    m_client.reset();
    m_sandboxd.reset();
}

QProcess *tst_CliSandboxTools::cli(const QStringList &arguments)
{
    auto *process = new QProcess;
    m_processes.append(process);
    QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home.path());
    env.insert(QStringLiteral("DAYTONA_API_URL"), m_sandboxd->apiUrl());
    env.insert(QStringLiteral("DAYTONA_API_KEY"), m_sandboxd->token());
    env.insert(QStringLiteral("VW_LOG_LEVEL"), QStringLiteral("warn"));
    process->setProcessEnvironment(env);
    process->start(QStringLiteral(VW_CLI_BINARY), arguments);
    return process;
}

QProcess *tst_CliSandboxTools::run(const QStringList &arguments)
{
    QProcess *process = cli(arguments);
    if (!process->waitForFinished(90'000))
        qWarning("vaporwatch-cli %s did not finish", qPrintable(args(arguments)));
    return process;
}

int tst_CliSandboxTools::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const int port = server.serverPort();
    server.close();
    return port;
}

bool tst_CliSandboxTools::answers(int port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(port));
    return socket.waitForConnected(2000);
}

QString tst_CliSandboxTools::startServer(int port)
{
    const QString session =
        QStringLiteral("cli-tools-%1").arg(QRandomGenerator::global()->generate());
    if (!awaitJob(m_client->createSession(m_sandbox, session)).ok())
        return {};
    m_sessions.append(session);
    if (!awaitJob(m_client->execAsync(
                      m_sandbox, session,
                      QStringLiteral("cd app && PORT=%1 node vw-cli-server.js").arg(port)))
             .ok())
        return {};
    return session;
}

void tst_CliSandboxTools::checkProcessFindsAPortAndAProcess()
{
    const int port = freePort();
    QVERIFY(!startServer(port).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(answers(port), 15'000);
    QTRY_VERIFY_WITH_TIMEOUT(awaitJob(m_client->listPorts(m_sandbox)).value().contains(port),
                             15'000);

    QProcess *check = run({QStringLiteral("check_process"), QStringLiteral("--sandbox"), m_sandbox,
                           QStringLiteral("--port"), QString::number(port),
                           QStringLiteral("--name"), QStringLiteral("vw-cli-server.js")});
    const QByteArray out = check->readAllStandardOutput();
    QVERIFY2(check->exitCode() == 0, out + check->readAllStandardError());
    QVERIFY2(out.contains(QStringLiteral("port %1: in use by node (pid ").arg(port).toUtf8()), out);
    QVERIFY2(out.contains("process vw-cli-server.js: 1 running\n"), out);
    QVERIFY2(out.contains("node vw-cli-server.js"), out);

    // The hyphenated alias and JSON with the original platform's field names.
    QProcess *json = run({QStringLiteral("check-process"), QStringLiteral("--sandbox"), m_sandbox,
                          QStringLiteral("--port"), QString::number(port), QStringLiteral("--name"),
                          QStringLiteral("node"), QStringLiteral("--json")});
    QCOMPARE(json->exitCode(), 0);
    const QJsonObject object = QJsonDocument::fromJson(json->readAllStandardOutput()).object();
    QCOMPARE(object.value(QStringLiteral("port"))[QStringLiteral("port")].toInt(), port);
    QCOMPARE(object.value(QStringLiteral("port"))[QStringLiteral("in_use")].toBool(), true);
    QCOMPARE(object.value(QStringLiteral("process"))[QStringLiteral("process_name")].toString(),
             QStringLiteral("node"));
    QCOMPARE(object.value(QStringLiteral("process"))[QStringLiteral("found")].toBool(), true);
    QVERIFY(object.value(QStringLiteral("process"))[QStringLiteral("count")].toInt() >= 1);
}

void tst_CliSandboxTools::checkProcessSaysWhatIsNotThere()
{
    const int idle = freePort();
    QProcess *check = run({QStringLiteral("check_process"), QStringLiteral("--sandbox"), m_sandbox,
                           QStringLiteral("--port"), QString::number(idle),
                           QStringLiteral("--name"), QStringLiteral("no-such-process-xyz")});
    QCOMPARE(check->exitCode(), 1);
    const QByteArray out = check->readAllStandardOutput();
    QVERIFY2(out.contains(QStringLiteral("port %1: not in use").arg(idle).toUtf8()), out);
    QVERIFY2(out.contains("process no-such-process-xyz: not running"), out);
    QCOMPARE(check->readAllStandardError(), QByteArray());
}

void tst_CliSandboxTools::checkProcessUsageAndErrors()
{
    QProcess *nothingAsked =
        run({QStringLiteral("check_process"), QStringLiteral("--sandbox"), m_sandbox});
    QCOMPARE(nothingAsked->exitCode(), 2);
    QVERIFY(nothingAsked->readAllStandardError().startsWith("error: "));

    QProcess *badPort = run({QStringLiteral("check_process"), QStringLiteral("--sandbox"),
                             m_sandbox, QStringLiteral("--port"), QStringLiteral("99999")});
    QCOMPARE(badPort->exitCode(), 2);

    QProcess *unknownOption = run({QStringLiteral("get_preview_url"), QStringLiteral("--bogus")});
    QCOMPARE(unknownOption->exitCode(), 2);

    QProcess *unknownSandbox =
        run({QStringLiteral("check_process"), QStringLiteral("--sandbox"),
             QStringLiteral("nowhere"), QStringLiteral("--port"), QStringLiteral("3000")});
    QCOMPARE(unknownSandbox->exitCode(), 3);
    const QList<QByteArray> lines = unknownSandbox->readAllStandardError().trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith("error: "), lines.first());
}

void tst_CliSandboxTools::getPreviewUrlReportsHealthButNeverTheToken()
{
    const int port = freePort();
    QVERIFY(!startServer(port).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(answers(port), 15'000);
    const vw::Result<vw::daytona::PreviewLink> link =
        awaitJob(m_client->previewLink(m_sandbox, port));
    QVERIFY2(link.ok(), qPrintable(describe(link)));
    const QByteArray token = link.value().token.toUtf8();
    QCOMPARE(token.size(), 32);

    QProcess *human = run({QStringLiteral("get_preview_url"), QStringLiteral("--sandbox"),
                           m_sandbox, QStringLiteral("--port"), QString::number(port)});
    const QByteArray out = human->readAllStandardOutput();
    const QByteArray err = human->readAllStandardError();
    QVERIFY2(human->exitCode() == 0, out + err);
    QVERIFY2(out.contains(QStringLiteral("url:     http://127.0.0.1:%1\n").arg(port).toUtf8()),
             out);
    // 200 proves the token went in X-Daytona-Preview-Token (the server answers 401 without).
    QVERIFY2(out.contains("health:  up (HTTP 200, "), out);
    QVERIFY(!out.contains(token) && !err.contains(token));

    QProcess *json =
        run({QStringLiteral("get-preview-url"), QStringLiteral("--sandbox"), m_sandbox,
             QStringLiteral("--port"), QString::number(port), QStringLiteral("--json")});
    QCOMPARE(json->exitCode(), 0);
    const QByteArray jsonOut = json->readAllStandardOutput();
    QVERIFY(!jsonOut.contains(token) && !jsonOut.contains("token"));
    const QJsonObject object = QJsonDocument::fromJson(jsonOut).object();
    QCOMPARE(object.value(QStringLiteral("url")).toString(),
             QStringLiteral("http://127.0.0.1:%1").arg(port));
    QCOMPARE(object.value(QStringLiteral("listening")).toBool(), true);
    QCOMPARE(object.value(QStringLiteral("health"))[QStringLiteral("http_status")].toInt(), 200);
    QVERIFY(object.value(QStringLiteral("health"))[QStringLiteral("latency_ms")].toInt() >= 0);

    // A port nothing listens on: the URL, the network error, exit 1.
    const int idle = freePort();
    QProcess *down = run({QStringLiteral("get_preview_url"), QStringLiteral("--sandbox"), m_sandbox,
                          QStringLiteral("--port"), QString::number(idle)});
    QCOMPARE(down->exitCode(), 1);
    const QByteArray downOut = down->readAllStandardOutput();
    QVERIFY2(downOut.contains("(nothing listens on it)"), downOut);
    QVERIFY2(downOut.contains("health:  down ("), downOut);
}

void tst_CliSandboxTools::runDevServerDetachedThenStopIt()
{
    const int port = freePort();
    const QStringList start{QStringLiteral("run_dev_server"),
                            QStringLiteral("--project"),
                            QStringLiteral("app"),
                            QStringLiteral("--sandbox"),
                            m_sandbox,
                            QStringLiteral("--command"),
                            QStringLiteral("node vw-cli-server.js"),
                            QStringLiteral("--port"),
                            QString::number(port),
                            QStringLiteral("--detach")};
    QProcess *started = run(start);
    const QByteArray out = started->readAllStandardOutput();
    QVERIFY2(started->exitCode() == 0, out + started->readAllStandardError());
    QVERIFY2(out.contains("dev server started (session vaporwatch-dev-app: node vw-cli-server.js)"),
             out);
    QVERIFY2(out.contains(QStringLiteral("url:     http://127.0.0.1:%1\n").arg(port).toUtf8()),
             out);
    QVERIFY2(out.contains("health:  up (HTTP 200, "), out);
    QVERIFY(answers(port)); // detached: it runs on without the CLI

    QProcess *again = run(start);
    QCOMPARE(again->exitCode(), 0);
    const QByteArray againOut = again->readAllStandardOutput();
    QVERIFY2(againOut.contains("the dev server already runs"), againOut);

    QProcess *check = run({QStringLiteral("check_process"), QStringLiteral("--sandbox"), m_sandbox,
                           QStringLiteral("--port"), QString::number(port)});
    QCOMPARE(check->exitCode(), 0);

    const QStringList stopArguments{QStringLiteral("stop_dev_server"), QStringLiteral("--project"),
                                    QStringLiteral("app"), QStringLiteral("--sandbox"), m_sandbox};
    QProcess *stop = run(stopArguments);
    const QByteArray stopOut = stop->readAllStandardOutput();
    QVERIFY2(stop->exitCode() == 0, stopOut + stop->readAllStandardError());
    QVERIFY2(stopOut.contains(QStringLiteral("stopped the dev server of app in sandbox tools "
                                             "(session vaporwatch-dev-app, port %1)")
                                  .arg(port)
                                  .toUtf8()),
             stopOut);
    QVERIFY(!answers(port));

    QProcess *stopAgain = run(stopArguments);
    QCOMPARE(stopAgain->exitCode(), 1);
    QCOMPARE(stopAgain->readAllStandardError(),
             QByteArray("error: No dev server runs for app in sandbox tools\n"));
}

void tst_CliSandboxTools::runDevServerDefaultsToNpmRunDevWithJson()
{
    if (QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty())
        QSKIP("npm is not installed");
    const int port = freePort();
    QProcess *started =
        run({QStringLiteral("run-dev-server"), QStringLiteral("--project"), QStringLiteral("app"),
             QStringLiteral("--sandbox"), m_sandbox, QStringLiteral("--port"),
             QString::number(port), QStringLiteral("--detach"), QStringLiteral("--json")});
    const QByteArray out = started->readAllStandardOutput();
    QVERIFY2(started->exitCode() == 0, out + started->readAllStandardError());
    const QJsonObject object = QJsonDocument::fromJson(out).object();
    QCOMPARE(object.value(QStringLiteral("event")).toString(), QStringLiteral("ready"));
    QCOMPARE(object.value(QStringLiteral("command")).toString(), QStringLiteral("npm run dev"));
    QCOMPARE(object.value(QStringLiteral("port")).toInt(), port);
    QCOMPARE(object.value(QStringLiteral("session")).toString(),
             QStringLiteral("vaporwatch-dev-app"));
    QCOMPARE(object.value(QStringLiteral("health"))[QStringLiteral("http_status")].toInt(), 200);

    QProcess *stop =
        run({QStringLiteral("stop-dev-server"), QStringLiteral("--project"), QStringLiteral("app"),
             QStringLiteral("--sandbox"), m_sandbox, QStringLiteral("--json")});
    QCOMPARE(stop->exitCode(), 0);
    const QJsonObject stopped = QJsonDocument::fromJson(stop->readAllStandardOutput()).object();
    QCOMPARE(stopped.value(QStringLiteral("stopped")).toBool(), true);
    QCOMPARE(stopped.value(QStringLiteral("port")).toInt(), port);
    QVERIFY(!answers(port));
}

void tst_CliSandboxTools::runDevServerWhoseCommandExitsFailsWithItsOutput()
{
    QProcess *started =
        run({QStringLiteral("run_dev_server"), QStringLiteral("--project"), QStringLiteral("app"),
             QStringLiteral("--sandbox"), m_sandbox, QStringLiteral("--command"),
             QStringLiteral("echo booting; echo 'Error: Cannot find module vite' >&2; exit 1"),
             QStringLiteral("--port"), QString::number(freePort()), QStringLiteral("--detach")});
    QCOMPARE(started->exitCode(), 1);
    QCOMPARE(started->readAllStandardOutput(), QByteArray());
    const QByteArray err = started->readAllStandardError();
    QVERIFY2(err.contains("error: The dev server command exited with code 1 before port"), err);
    QVERIFY2(err.contains("booting\nError: Cannot find module vite\n"), err);

    // Nothing was left behind.
    QProcess *stop = run({QStringLiteral("stop_dev_server"), QStringLiteral("--project"),
                          QStringLiteral("app"), QStringLiteral("--sandbox"), m_sandbox});
    QCOMPARE(stop->exitCode(), 1);
}

void tst_CliSandboxTools::runDevServerWatchesHealthUntilInterrupted()
{
    // Healthy for the readiness check, then 503: the watch prints the change.
    const int port = freePort();
    QProcess *watching =
        cli({QStringLiteral("run_dev_server"), QStringLiteral("--project"), QStringLiteral("app"),
             QStringLiteral("--sandbox"), m_sandbox, QStringLiteral("--command"),
             QStringLiteral("FAIL_AFTER=1 node vw-cli-server.js"), QStringLiteral("--port"),
             QString::number(port)});
    QByteArray out;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (out += watching->readAllStandardOutput()).contains("unhealthy (HTTP 503"),
        out + watching->readAllStandardError(), 60'000);
    QVERIFY2(out.contains("health:  up (HTTP 200, "), out);
    QCOMPARE(watching->state(), QProcess::Running);

    ::kill(pid_t(watching->processId()), SIGINT);
    QVERIFY(watching->waitForFinished(15'000));
    QCOMPARE(watching->exitStatus(), QProcess::NormalExit);
    QCOMPARE(watching->exitCode(), 130);
    QVERIFY(watching->readAllStandardError().contains("the dev server keeps running"));
    QVERIFY(answers(port)); // Ctrl-C detached, it did not stop the server

    QProcess *stop = run({QStringLiteral("stop_dev_server"), QStringLiteral("--project"),
                          QStringLiteral("app"), QStringLiteral("--sandbox"), m_sandbox});
    QCOMPARE(stop->exitCode(), 0);
    QVERIFY(!answers(port));
}

// The dev command and port set with `vaporwatch-cli project` are what run_dev_server runs when
// its options do not say otherwise.
void tst_CliSandboxTools::runDevServerUsesTheProjectsDevSettings()
{
    const int port = freePort();
    QProcess *set = run({QStringLiteral("project"), QStringLiteral("--project"),
                         QStringLiteral("app"), QStringLiteral("--sandbox"), m_sandbox,
                         QStringLiteral("--dev-command"), QStringLiteral("node vw-cli-server.js"),
                         QStringLiteral("--dev-port"), QString::number(port)});
    QVERIFY2(set->exitCode() == 0, set->readAllStandardError());
    QProcess *started = run({QStringLiteral("run_dev_server"), QStringLiteral("--project"),
                             QStringLiteral("app"), QStringLiteral("--sandbox"), m_sandbox,
                             QStringLiteral("--detach"), QStringLiteral("--json")});
    const QByteArray out = started->readAllStandardOutput();
    QVERIFY2(started->exitCode() == 0, out + started->readAllStandardError());
    const QJsonObject object = QJsonDocument::fromJson(out).object();
    QCOMPARE(object.value(QStringLiteral("command")).toString(),
             QStringLiteral("node vw-cli-server.js"));
    QCOMPARE(object.value(QStringLiteral("port")).toInt(), port);
    QVERIFY(answers(port));
    QCOMPARE(run({QStringLiteral("stop_dev_server"), QStringLiteral("--project"),
                  QStringLiteral("app"), QStringLiteral("--sandbox"), m_sandbox})
                 ->exitCode(),
             0);
    QVERIFY(!answers(port));
}

QTEST_GUILESS_MAIN(tst_CliSandboxTools)
#include "tst_clisandboxtools.moc"
