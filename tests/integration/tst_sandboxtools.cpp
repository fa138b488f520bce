#include "AwaitJob.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/DevServer.h"
#include "app/engine/PreviewLocator.h"
#include "app/engine/ProcessCheck.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vw::daytona;
using vw::engine::DevServer;
using vw::engine::DevServerState;
using vw::engine::PreviewInfo;
using vw::engine::PreviewLocator;
using vw::engine::ProcessCheck;
using vw::engine::ProcessCheckResult;

// ProcessCheck, PreviewLocator and DevServer against a real vaporwatch-sandboxd, whose sandbox
// is a temporary directory of this machine: its preview URLs are http://127.0.0.1:PORT, so every
// server here listens on a port that was free a moment before.
class tst_SandboxTools : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void processCheckFindsProcessesByName();
    void processCheckReportsAListeningPortAndItsHolder();
    void processCheckWithoutPsStillAnswersThePort();
    void previewLocatorChecksTheHealthOfAGivenPort();
    void previewLocatorDetectsTheFirstListeningCandidate();
    void devServerStartsReportsAndStops();
    void devServerDefaultsToNpmRunDev();
    void devServerThatExitsFailsWithItsOutput();
    void devServerThatNeverListensTimesOut();

private:
    static int freePort();
    static bool answers(int port);
    // Runs `command` in a session of its own (async) in `sandbox`; returns the session id.
    QString runInSession(const QString &command, DaytonaClient *client = nullptr,
                         const QString &sandbox = {});
    // Checks until the result satisfies `done` or 15 s pass.
    ProcessCheckResult checkUntil(const ProcessCheck::Request &request,
                                  const std::function<bool(const ProcessCheckResult &)> &done,
                                  ProcessCheck *check = nullptr);

    QTemporaryDir m_root;
    QString m_sandbox = QStringLiteral("tools");
    QString m_sleeper; // a copy of sleep with a name nothing else on this machine has
    std::unique_ptr<vw::test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    QStringList m_sessions;
};

using vw::test::writeFile;

namespace {

// Answers 200 only when the preview token came as X-Daytona-Preview-Token, 401 otherwise.
const char *const kServer = R"(const http = require('http');
const port = Number(process.env.PORT);
http.createServer((request, response) => {
  const token = request.headers['x-daytona-preview-token'];
  response.writeHead(token && token.length === 32 ? 200 : 401, {'content-type': 'text/plain'});
  response.end('ok\n');
}).listen(port, '127.0.0.1', () => console.log('listening on ' + port));
)";

} // namespace

int tst_SandboxTools::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const int port = server.serverPort();
    server.close();
    return port;
}

bool tst_SandboxTools::answers(int port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(port));
    return socket.waitForConnected(2000);
}

void tst_SandboxTools::initTestCase()
{
    QVERIFY(m_root.isValid());
    const QDir root(m_root.path());
    QVERIFY(root.mkpath(QStringLiteral("app")));
    QVERIFY(writeFile(root.filePath(QStringLiteral("app/vw-tools-server.js")), kServer));
    QVERIFY(writeFile(root.filePath(QStringLiteral("app/package.json")),
                      R"({"name":"tools-app","version":"1.0.0","private":true,)"
                      R"("scripts":{"dev":"node vw-tools-server.js"}})"));
    m_sleeper = QStringLiteral("vwslp%1").arg(QRandomGenerator::global()->generate() % 1000000, 6,
                                              10, QLatin1Char('0'));
    const QString sleep = QStandardPaths::findExecutable(QStringLiteral("sleep"));
    QVERIFY(!sleep.isEmpty());
    QVERIFY(QFile::copy(sleep, root.filePath(QStringLiteral("app/") + m_sleeper)));

    m_sandboxd = std::make_unique<vw::test::SandboxdProcess>();
    vw::test::SandboxdProcess::Options options;
    options.sandboxes = {{m_sandbox, m_root.path()}};
    QVERIFY2(m_sandboxd->start(options), qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd));
}

void tst_SandboxTools::cleanup()
{
    for (const QString &session : std::as_const(m_sessions))
        awaitJob(m_client->deleteSession(m_sandbox, session));
    m_sessions.clear();
}

QString tst_SandboxTools::runInSession(const QString &command, DaytonaClient *client,
                                       const QString &sandbox)
{
    DaytonaClient *const c = client ? client : m_client.get();
    const QString name = sandbox.isEmpty() ? m_sandbox : sandbox;
    const QString session =
        QStringLiteral("tools-test-%1").arg(QRandomGenerator::global()->generate());
    if (!awaitJob(c->createSession(name, session)).ok())
        return {};
    if (!client)
        m_sessions.append(session);
    if (!awaitJob(c->execAsync(name, session, command)).ok())
        return {};
    return session;
}

ProcessCheckResult
tst_SandboxTools::checkUntil(const ProcessCheck::Request &request,
                             const std::function<bool(const ProcessCheckResult &)> &done,
                             ProcessCheck *check)
{
    ProcessCheck own(m_client.get());
    ProcessCheck *const checker = check ? check : &own;
    ProcessCheckResult last;
    (void)QTest::qWaitFor(
        [&] {
            const vw::Result<ProcessCheckResult> result = awaitJob(checker->check(request));
            if (!result)
                return false;
            last = result.value();
            return done(last);
        },
        15'000);
    return last;
}

void tst_SandboxTools::processCheckFindsProcessesByName()
{
    const QString session = runInSession(QStringLiteral("cd app && ./%1 60").arg(m_sleeper));
    QVERIFY(!session.isEmpty());

    ProcessCheck::Request request;
    request.sandbox = m_sandbox;
    request.processName = m_sleeper;
    const ProcessCheckResult found =
        checkUntil(request, [](const ProcessCheckResult &r) { return r.process->found(); });
    QVERIFY(found.process);
    QVERIFY(found.process->checked);
    QCOMPARE(found.process->count(), 1);
    QVERIFY(found.process->matches.first().pid > 0);
    QVERIFY(found.process->matches.first().commandLine.contains(m_sleeper));
    QVERIFY(found.allFound());
    QVERIFY(found.notes.isEmpty());

    // A name nothing has.
    request.processName = m_sleeper + QStringLiteral("x");
    const vw::Result<ProcessCheckResult> missing =
        awaitJob(ProcessCheck(m_client.get()).check(request));
    QVERIFY2(missing.ok(), qPrintable(describe(missing)));
    QVERIFY(missing.value().process->checked);
    QCOMPARE(missing.value().process->count(), 0);
    QVERIFY(!missing.value().allFound());

    // Gone with its session.
    QVERIFY(awaitJob(m_client->deleteSession(m_sandbox, session)).ok());
    m_sessions.removeOne(session);
    request.processName = m_sleeper;
    const ProcessCheckResult gone =
        checkUntil(request, [](const ProcessCheckResult &r) { return !r.process->found(); });
    QVERIFY(gone.process && !gone.process->found());
}

void tst_SandboxTools::processCheckReportsAListeningPortAndItsHolder()
{
    const int port = freePort();
    QVERIFY(port > 0);
    QVERIFY(!runInSession(QStringLiteral("cd app && PORT=%1 node vw-tools-server.js").arg(port))
                 .isEmpty());

    ProcessCheck::Request request;
    request.sandbox = m_sandbox;
    request.port = port;
    request.processName = QStringLiteral("vw-tools-server.js");
    const ProcessCheckResult found =
        checkUntil(request, [](const ProcessCheckResult &r) { return r.port->inUse; });
    QVERIFY(found.port && found.process);
    QVERIFY(found.port->inUse);
    QVERIFY(found.allFound());
    QCOMPARE(found.process->count(), 1);
    if (QStandardPaths::findExecutable(QStringLiteral("ss")).isEmpty() &&
        QStandardPaths::findExecutable(QStringLiteral("lsof")).isEmpty())
        QSKIP("neither ss nor lsof here");
    QVERIFY(found.port->holdersKnown);
    QCOMPARE(found.port->holders.size(), 1);
    QCOMPARE(found.port->holders.first().name, QStringLiteral("node"));
    QCOMPARE(found.port->holders.first().pid, found.process->matches.first().pid);

    // A port nothing listens on.
    request.port = freePort();
    request.processName.clear();
    const vw::Result<ProcessCheckResult> free =
        awaitJob(ProcessCheck(m_client.get()).check(request));
    QVERIFY2(free.ok(), qPrintable(describe(free)));
    QVERIFY(!free.value().port->inUse);
    QVERIFY(!free.value().allFound());
}

void tst_SandboxTools::processCheckWithoutPsStillAnswersThePort()
{
    // A sandbox whose PATH has node but no ps (sandboxd runs /bin/bash itself).
    QTemporaryDir bin;
    for (const QString &tool : {QStringLiteral("node"), QStringLiteral("ss")}) {
        const QString path = QStandardPaths::findExecutable(tool);
        if (!path.isEmpty())
            QVERIFY(QFile::link(path, bin.filePath(tool)));
    }
    vw::test::SandboxdProcess sandboxd;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), bin.path());
    sandboxd.process().setProcessEnvironment(env);
    vw::test::SandboxdProcess::Options options;
    options.sandboxes = {{m_sandbox, m_root.path()}};
    QVERIFY2(sandboxd.start(options), qPrintable(sandboxd.errorString()));
    DaytonaClient client(vw::test::clientConfigFor(sandboxd));

    const int port = freePort();
    const QString session = runInSession(
        QStringLiteral("cd app && PORT=%1 node vw-tools-server.js").arg(port), &client);
    QVERIFY(!session.isEmpty());
    ProcessCheck check(&client);
    ProcessCheck::Request request;
    request.sandbox = m_sandbox;
    request.port = port;
    request.processName = QStringLiteral("node");
    const ProcessCheckResult result = checkUntil(
        request, [](const ProcessCheckResult &r) { return r.port->inUse; }, &check);
    awaitJob(client.deleteSession(m_sandbox, session));
    QVERIFY(result.port && result.process);
    QVERIFY(result.port->inUse);
    QVERIFY(!result.process->checked);
    QVERIFY(result.incomplete());
    QVERIFY(!result.allFound());
    QVERIFY2(result.notes.contains(QStringLiteral(
                 "ps is not installed in the sandbox; process names cannot be checked")),
             qPrintable(result.notes.join(QLatin1Char('|'))));
}

void tst_SandboxTools::previewLocatorChecksTheHealthOfAGivenPort()
{
    const int port = freePort();
    QVERIFY(!runInSession(QStringLiteral("cd app && PORT=%1 node vw-tools-server.js").arg(port))
                 .isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(answers(port), 15'000);

    PreviewLocator locator(m_client.get());
    const vw::Result<PreviewInfo> info = awaitJob(locator.locate(m_sandbox, port));
    QVERIFY2(info.ok(), qPrintable(describe(info)));
    QCOMPARE(info.value().port, port);
    QVERIFY(!info.value().detected);
    QVERIFY(info.value().listening);
    QCOMPARE(info.value().link.url, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    // 200 only with the preview token in its header (401 without).
    QCOMPARE(info.value().health.httpStatus, 200);
    QVERIFY(info.value().health.healthy());
    QVERIFY(info.value().health.latencyMs >= 0);
    QVERIFY(info.value().health.error.isEmpty());

    // Without the token the same server refuses: the health check is what sends it.
    vw::engine::PreviewHealth anonymous =
        awaitJob(locator.checkHealth(PreviewLink{{}, info.value().link.url, {}})).value();
    QCOMPARE(anonymous.httpStatus, 401);

    // A port nothing listens on: still a link, and a health with the network error.
    const int idle = freePort();
    const vw::Result<PreviewInfo> down = awaitJob(locator.locate(m_sandbox, idle));
    QVERIFY2(down.ok(), qPrintable(describe(down)));
    QVERIFY(!down.value().listening);
    QVERIFY(!down.value().health.answered());
    QVERIFY(!down.value().health.error.isEmpty());
}

void tst_SandboxTools::previewLocatorDetectsTheFirstListeningCandidate()
{
    const int first = freePort();
    const int second = freePort();
    QVERIFY(first != second);
    for (const int port : {first, second})
        QVERIFY(!runInSession(QStringLiteral("cd app && PORT=%1 node vw-tools-server.js").arg(port))
                     .isEmpty());
    PreviewLocator locator(m_client.get());
    QTRY_VERIFY_WITH_TIMEOUT(answers(first) && answers(second), 15'000);
    QTRY_VERIFY_WITH_TIMEOUT(awaitJob(m_client->listPorts(m_sandbox)).value().contains(second),
                             15'000);
    const int idle = freePort();

    // The order of the candidates decides, not the order of the port list.
    locator.setCandidatePorts({idle, second, first});
    vw::Result<PreviewInfo> info = awaitJob(locator.locate(m_sandbox));
    QVERIFY2(info.ok(), qPrintable(describe(info)));
    QCOMPARE(info.value().port, second);
    QVERIFY(info.value().detected);
    QCOMPARE(info.value().health.httpStatus, 200);
    QCOMPARE(awaitJob(locator.detectPort(m_sandbox)).value(), second);

    locator.setCandidatePorts({idle, first, second});
    QCOMPARE(awaitJob(locator.locate(m_sandbox)).value().port, first);

    locator.setCandidatePorts({idle});
    info = awaitJob(locator.locate(m_sandbox));
    QVERIFY(!info.ok());
    QCOMPARE(info.error().code, QStringLiteral("NO_DEV_SERVER"));
    QCOMPARE(awaitJob(locator.detectPort(m_sandbox)).error().code, QStringLiteral("NO_DEV_SERVER"));
}

void tst_SandboxTools::devServerStartsReportsAndStops()
{
    const int port = freePort();
    DevServer server(m_client.get());
    DevServer::Options options;
    options.sandbox = m_sandbox;
    options.projectDirectory = QStringLiteral("app");
    options.command = QStringLiteral("node vw-tools-server.js");
    options.port = port;
    const vw::Result<DevServerState> started = awaitJob(server.start(options), 90'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    QCOMPARE(started.value().sessionId, QStringLiteral("vaporwatch-dev-app"));
    QVERIFY(started.value().running);
    QVERIFY(!started.value().alreadyRunning);
    QCOMPARE(started.value().port, port);
    QCOMPARE(started.value().preview.link.url,
             QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    QCOMPARE(started.value().preview.health.httpStatus, 200);
    QVERIFY(answers(port));

    // Found by name from anywhere, and not started twice.
    const vw::Result<DevServerState> found =
        awaitJob(DevServer(m_client.get()).find(m_sandbox, "./app/"));
    QVERIFY2(found.ok(), qPrintable(describe(found)));
    QVERIFY(found.value().running);
    QCOMPARE(found.value().port, port);
    QCOMPARE(found.value().command, QStringLiteral("node vw-tools-server.js"));
    const vw::Result<DevServerState> again = awaitJob(server.start(options), 30'000);
    QVERIFY2(again.ok(), qPrintable(describe(again)));
    QVERIFY(again.value().alreadyRunning);
    QCOMPARE(again.value().preview.health.httpStatus, 200);

    // Another project cannot take the port.
    DevServer::Options other = options;
    other.projectDirectory = QStringLiteral("other");
    const vw::Result<DevServerState> taken = awaitJob(server.start(other), 30'000);
    QVERIFY(!taken.ok());
    QCOMPARE(taken.error().code, QStringLiteral("PORT_IN_USE"));

    // Stopped: the port no longer answers, and stopping again says nothing runs.
    const vw::Result<DevServerState> stopped =
        awaitJob(server.stop(m_sandbox, QStringLiteral("app")), 30'000);
    QVERIFY2(stopped.ok(), qPrintable(describe(stopped)));
    QVERIFY(!stopped.value().running);
    QVERIFY(!answers(port));
    QVERIFY(!awaitJob(m_client->listPorts(m_sandbox)).value().contains(port));
    const vw::Result<DevServerState> twice =
        awaitJob(server.stop(m_sandbox, QStringLiteral("app")));
    QVERIFY(!twice.ok());
    QCOMPARE(twice.error().code, QStringLiteral("NOT_RUNNING"));
}

void tst_SandboxTools::devServerDefaultsToNpmRunDev()
{
    if (QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty())
        QSKIP("npm is not installed");
    DevServer server(m_client.get());
    DevServer::Options options;
    options.sandbox = m_sandbox;
    options.projectDirectory = QStringLiteral("app");
    options.port = freePort();
    const vw::Result<DevServerState> started = awaitJob(server.start(options), 90'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    QCOMPARE(started.value().command, QStringLiteral("npm run dev"));
    QCOMPARE(started.value().preview.health.httpStatus, 200);
    QVERIFY(awaitJob(server.stop(m_sandbox, QStringLiteral("app")), 30'000).ok());
    QVERIFY(!answers(options.port)); // npm's child, the node server, went with the session
}

void tst_SandboxTools::devServerThatExitsFailsWithItsOutput()
{
    DevServer server(m_client.get());
    DevServer::Options options;
    options.sandbox = m_sandbox;
    options.projectDirectory = QStringLiteral("app");
    options.command = QStringLiteral("echo warming up; echo 'fatal: no config found' >&2; exit 3");
    options.port = freePort();
    const vw::Result<DevServerState> started = awaitJob(server.start(options), 90'000);
    QVERIFY(!started.ok());
    QCOMPARE(started.error().code, QStringLiteral("EXITED"));
    QVERIFY2(started.error().message.contains(QStringLiteral("code 3")),
             qPrintable(started.error().message));
    QVERIFY2(started.error().message.contains(QStringLiteral("warming up\nfatal: no config found")),
             qPrintable(started.error().message));
    // Nothing is left behind.
    QVERIFY(
        !awaitJob(m_client->getSession(m_sandbox, DevServer::sessionName(QStringLiteral("app"))))
             .ok());

    // A project directory that does not exist fails the same way, with the shell's word on it.
    options.projectDirectory = QStringLiteral("no-such-dir");
    options.command = QStringLiteral("node vw-tools-server.js");
    const vw::Result<DevServerState> nowhere = awaitJob(server.start(options), 90'000);
    QVERIFY(!nowhere.ok());
    QCOMPARE(nowhere.error().code, QStringLiteral("EXITED"));
    QVERIFY2(nowhere.error().message.contains(QStringLiteral("no-such-dir")),
             qPrintable(nowhere.error().message));
}

void tst_SandboxTools::devServerThatNeverListensTimesOut()
{
    DevServer server(m_client.get());
    DevServer::Options options;
    options.sandbox = m_sandbox;
    options.projectDirectory = QStringLiteral("app");
    options.command = QStringLiteral("echo waiting; ./%1 30").arg(m_sleeper);
    options.port = freePort();
    options.readyTimeoutMs = 1500;
    const vw::Result<DevServerState> started = awaitJob(server.start(options), 30'000);
    QVERIFY(!started.ok());
    QCOMPARE(started.error().code, QStringLiteral("TIMEOUT"));
    QVERIFY2(started.error().message.contains(QStringLiteral("waiting")),
             qPrintable(started.error().message));
    QVERIFY(
        !awaitJob(m_client->getSession(m_sandbox, DevServer::sessionName(QStringLiteral("app"))))
             .ok());
    // And its process went with the session.
    ProcessCheck::Request request;
    request.sandbox = m_sandbox;
    request.processName = m_sleeper;
    const ProcessCheckResult gone =
        checkUntil(request, [](const ProcessCheckResult &r) { return !r.process->found(); });
    QVERIFY(gone.process && !gone.process->found());
}

QTEST_GUILESS_MAIN(tst_SandboxTools)
#include "tst_sandboxtools.moc"
