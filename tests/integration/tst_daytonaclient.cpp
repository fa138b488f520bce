#include "AwaitJob.h"

#include "app/daytona/DaytonaClient.h"
#include "app/daytona/ErrorParser.h"
#include "models/Log.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>

using namespace vw::daytona;

// Every DaytonaClient call against a real vaporwatch-sandboxd.
class tst_DaytonaClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void listsSandboxes();
    void pagesThroughSandboxes();
    void getsBySandboxIdAndName();
    void unknownSandboxIs404();
    void wrongTokenIs401();
    void previewLinkTokenIsASecret();
    void toolboxBaseComesFromTheSandbox();
    void sessionLifecycle();
    void unknownSessionIs404();
    void execSplitsStdoutAndStderr();
    void execKeepsTenThousandInterleavedLinesApartAndInOrder();
    void sessionKeepsDirectoryAndEnvironment();
    void asyncExecAndCommandStatus();
    void commandLogsSnapshot();
    void executeOneShot();
    void executeTimeoutIs408();
    void portsAndPortInUse();
    void downloadsAFileStreamed();
    void downloadOfAMissingFileIs404();
    void stopStartAndWaitUntilStarted();

private:
    QString newSession();

    std::unique_ptr<vw::test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    QString m_sandbox = QStringLiteral("default");
    int m_sessionCounter = 0;
};

void tst_DaytonaClient::initTestCase()
{
    m_sandboxd = std::make_unique<vw::test::SandboxdProcess>();
    QVERIFY2(m_sandboxd->start(), qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd, 50));
}

void tst_DaytonaClient::cleanupTestCase()
{
    m_client.reset();
    m_sandboxd.reset();
}

QString tst_DaytonaClient::newSession()
{
    const QString id = QStringLiteral("tst-client-%1").arg(++m_sessionCounter);
    const auto created = awaitJob(m_client->createSession(m_sandbox, id));
    if (!created)
        qWarning("createSession failed: %s", qPrintable(describe(created)));
    return id;
}

void tst_DaytonaClient::listsSandboxes()
{
    const auto page = awaitJob(m_client->listSandboxes());
    QVERIFY2(page.ok(), qPrintable(describe(page)));
    QVERIFY(!page.value().items.isEmpty());
    const auto names = [&] {
        QStringList list;
        for (const Sandbox &sandbox : page.value().items)
            list.append(sandbox.name);
        return list;
    }();
    QVERIFY2(names.contains(m_sandbox), qPrintable(names.join(u',')));
}

void tst_DaytonaClient::pagesThroughSandboxes()
{
    SandboxListOptions options;
    options.limit = 1;
    const auto first = awaitJob(m_client->listSandboxes(options));
    QVERIFY2(first.ok(), qPrintable(describe(first)));
    QCOMPARE(first.value().items.size(), 1);
    const auto all = awaitJob(m_client->listAllSandboxes(options));
    QVERIFY2(all.ok(), qPrintable(describe(all)));
    const auto unpaged = awaitJob(m_client->listSandboxes());
    QCOMPARE(all.value().size(), unpaged.value().items.size());
}

void tst_DaytonaClient::getsBySandboxIdAndName()
{
    const auto byName = awaitJob(m_client->getSandbox(m_sandbox));
    QVERIFY2(byName.ok(), qPrintable(describe(byName)));
    QCOMPARE(byName.value().name, m_sandbox);
    QCOMPARE(byName.value().state, QStringLiteral("started"));
    const auto byId = awaitJob(m_client->getSandbox(byName.value().id));
    QVERIFY(byId.ok());
    QCOMPARE(byId.value().name, m_sandbox);
}

void tst_DaytonaClient::unknownSandboxIs404()
{
    const auto missing = awaitJob(m_client->getSandbox(QStringLiteral("no-such-sandbox")));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().httpStatus, 404);
    QCOMPARE(missing.error().code, QStringLiteral("NOT_FOUND"));
    QVERIFY2(missing.error().message.contains(QStringLiteral("no-such-sandbox")),
             qPrintable(missing.error().message));
}

void tst_DaytonaClient::wrongTokenIs401()
{
    DaytonaConfig config = m_client->config();
    config.apiKey = QStringLiteral("not-the-right-token");
    DaytonaClient intruder(config);
    const auto sandboxes = awaitJob(intruder.listSandboxes());
    QVERIFY(!sandboxes.ok());
    QCOMPARE(sandboxes.error().httpStatus, 401);
    QCOMPARE(sandboxes.error().code, QStringLiteral("UNAUTHORIZED"));

    // The toolbox checks the token as well (its address is public: the DTO carries it).
    const auto base = awaitJob(m_client->toolboxBaseUrl(m_sandbox));
    QVERIFY(base.ok());
    QNetworkAccessManager network;
    QNetworkRequest request = intruder.transport()->makeRequest(
        ApiTransport::appendPath(base.value(),
                                 {QStringLiteral("process"), QStringLiteral("session")}),
        true, 0);
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10'000));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const vw::Error error = ErrorParser::fromHttp(status, reply->readAll());
    reply->deleteLater();
    QCOMPARE(error.httpStatus, 401);
    QCOMPARE(error.code, QStringLiteral("UNAUTHORIZED"));
}

void tst_DaytonaClient::previewLinkTokenIsASecret()
{
    const auto link = awaitJob(m_client->previewLink(m_sandbox, 3000));
    QVERIFY2(link.ok(), qPrintable(describe(link)));
    QVERIFY(link.value().url.isValid());
    QVERIFY(link.value().url.toString().contains(QStringLiteral("3000")));
    QVERIFY(!link.value().token.isEmpty());

    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured, true);
    vw::log::addSink(sink);
    vw::log::get("daytona")->warn("token {}", link.value().token);
    vw::log::removeSink(sink);
    QVERIFY(!QString::fromStdString(captured.str()).contains(link.value().token));

    const auto invalid = awaitJob(m_client->previewLink(m_sandbox, 70000));
    QVERIFY(!invalid.ok());
    QCOMPARE(invalid.error().httpStatus, 400);
}

void tst_DaytonaClient::toolboxBaseComesFromTheSandbox()
{
    const auto sandbox = awaitJob(m_client->getSandbox(m_sandbox));
    QVERIFY(sandbox.ok());
    QVERIFY(!sandbox.value().toolboxProxyUrl.isEmpty());
    const auto base = awaitJob(m_client->toolboxBaseUrl(m_sandbox));
    QVERIFY(base.ok());
    QCOMPARE(base.value(),
             ApiTransport::appendPath(sandbox.value().toolboxProxyUrl, {sandbox.value().id}));
}

void tst_DaytonaClient::sessionLifecycle()
{
    const QString id = QStringLiteral("lifecycle-session");
    const auto created = awaitJob(m_client->createSession(m_sandbox, id));
    QVERIFY2(created.ok(), qPrintable(describe(created)));

    const auto again = awaitJob(m_client->createSession(m_sandbox, id));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().httpStatus, 409);
    QCOMPARE(again.error().code, QStringLiteral("CONFLICT"));

    const auto executed = awaitJob(m_client->exec(m_sandbox, id, QStringLiteral("true")));
    QVERIFY(executed.ok());

    const auto sessions = awaitJob(m_client->listSessions(m_sandbox));
    QVERIFY2(sessions.ok(), qPrintable(describe(sessions)));
    const auto found =
        std::find_if(sessions.value().begin(), sessions.value().end(),
                     [&](const Session &session) { return session.sessionId == id; });
    QVERIFY(found != sessions.value().end());

    const auto session = awaitJob(m_client->getSession(m_sandbox, id));
    QVERIFY(session.ok());
    QCOMPARE(session.value().commands.size(), 1);
    QCOMPARE(session.value().commands.first().id, executed.value().commandId);
    QCOMPARE(session.value().commands.first().exitCode, std::optional<int>(0));

    const auto deleted = awaitJob(m_client->deleteSession(m_sandbox, id));
    QVERIFY2(deleted.ok(), qPrintable(describe(deleted)));
    const auto gone = awaitJob(m_client->getSession(m_sandbox, id));
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().httpStatus, 404);
}

void tst_DaytonaClient::unknownSessionIs404()
{
    const auto missing = awaitJob(m_client->getSession(m_sandbox, QStringLiteral("nobody")));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().httpStatus, 404);
    QCOMPARE(missing.error().code, QStringLiteral("NOT_FOUND"));
    QCOMPARE(missing.error().message, QStringLiteral("not found: session not found"));

    const QString session = newSession();
    const auto command =
        awaitJob(m_client->commandStatus(m_sandbox, session, QStringLiteral("nope")));
    QVERIFY(!command.ok());
    QCOMPARE(command.error().httpStatus, 404);
    QCOMPARE(command.error().message, QStringLiteral("not found: command not found"));
}

void tst_DaytonaClient::execSplitsStdoutAndStderr()
{
    const QString session = newSession();
    const auto result = awaitJob(m_client->exec(
        m_sandbox, session, QStringLiteral("echo out; echo err >&2; echo 'ünï €' ; exit 3")));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().exitCode, 3);
    QCOMPARE(result.value().stdoutText(), QStringLiteral("out\nünï €\n"));
    QCOMPARE(result.value().stderrText(), QStringLiteral("err\n"));
    QVERIFY(!result.value().commandId.isEmpty());
}

void tst_DaytonaClient::execKeepsTenThousandInterleavedLinesApartAndInOrder()
{
    const QString session = newSession();
    const auto result =
        awaitJob(m_client->exec(m_sandbox, session,
                                QStringLiteral("i=1; while [ $i -le 10000 ]; do echo \"out $i\"; "
                                               "echo \"err $i\" >&2; i=$((i+1)); done")),
                 120'000);
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().exitCode, 0);
    QByteArray expectedOut;
    QByteArray expectedErr;
    for (int i = 1; i <= 10000; ++i) {
        expectedOut += "out " + QByteArray::number(i) + '\n';
        expectedErr += "err " + QByteArray::number(i) + '\n';
    }
    QCOMPARE(result.value().stdoutBytes.size(), expectedOut.size());
    QVERIFY(result.value().stdoutBytes == expectedOut);
    QVERIFY(result.value().stderrBytes == expectedErr);
}

void tst_DaytonaClient::sessionKeepsDirectoryAndEnvironment()
{
    const QString session = newSession();
    QTemporaryDir directory;
    QVERIFY(awaitJob(m_client->exec(
                         m_sandbox, session,
                         QStringLiteral("cd '%1' && export VW_PERSIST=kept").arg(directory.path())))
                .ok());
    const auto result =
        awaitJob(m_client->exec(m_sandbox, session, QStringLiteral("pwd; echo $VW_PERSIST")));
    QVERIFY(result.ok());
    QCOMPARE(result.value().stdoutText(), directory.path() + QStringLiteral("\nkept\n"));

    // Another session has its own shell.
    const QString other = newSession();
    const auto fresh =
        awaitJob(m_client->exec(m_sandbox, other, QStringLiteral("echo \"[$VW_PERSIST]\"")));
    QCOMPARE(fresh.value().stdoutText(), QStringLiteral("[]\n"));
}

void tst_DaytonaClient::asyncExecAndCommandStatus()
{
    const QString session = newSession();
    const auto commandId =
        awaitJob(m_client->execAsync(m_sandbox, session, QStringLiteral("sleep 0.7; exit 4")));
    QVERIFY2(commandId.ok(), qPrintable(describe(commandId)));
    const auto running = awaitJob(m_client->commandStatus(m_sandbox, session, commandId.value()));
    QVERIFY(running.ok());
    QVERIFY(running.value().isRunning());
    QCOMPARE(running.value().id, commandId.value());

    std::optional<int> exitCode;
    QTRY_VERIFY_WITH_TIMEOUT(
        (exitCode = awaitJob(m_client->commandStatus(m_sandbox, session, commandId.value()))
                        .value()
                        .exitCode)
            .has_value(),
        10'000);
    QCOMPARE(*exitCode, 4);
}

void tst_DaytonaClient::commandLogsSnapshot()
{
    const QString session = newSession();
    const auto result =
        awaitJob(m_client->exec(m_sandbox, session, QStringLiteral("echo a; echo b >&2; echo c")));
    QVERIFY(result.ok());
    const auto logs = awaitJob(m_client->commandLogs(m_sandbox, session, result.value().commandId));
    QVERIFY2(logs.ok(), qPrintable(describe(logs)));
    QCOMPARE(logs.value().stdoutBytes, QByteArray("a\nc\n"));
    QCOMPARE(logs.value().stderrBytes, QByteArray("b\n"));
}

void tst_DaytonaClient::executeOneShot()
{
    QTemporaryDir directory;
    ExecuteRequest request;
    request.command =
        QStringLiteral("echo \"$VW_GREETING from $(pwd)\"; echo to-stderr >&2; exit 2");
    request.cwd = directory.path();
    request.envs.insert(QStringLiteral("VW_GREETING"), QStringLiteral("hello"));
    const auto result = awaitJob(m_client->execute(m_sandbox, request));
    QVERIFY2(result.ok(), qPrintable(describe(result)));
    QCOMPARE(result.value().exitCode, 2);
    QVERIFY2(result.value().result.contains(QStringLiteral("hello from ") + directory.path()),
             qPrintable(result.value().result));
    QVERIFY(result.value().result.contains(QStringLiteral("to-stderr")));
}

void tst_DaytonaClient::executeTimeoutIs408()
{
    ExecuteRequest request;
    request.command = QStringLiteral("sleep 10");
    request.timeoutSeconds = 1;
    QElapsedTimer timer;
    timer.start();
    const auto result = awaitJob(m_client->execute(m_sandbox, request));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().httpStatus, 408);
    QCOMPARE(result.error().code, QStringLiteral("REQUEST_TIMEOUT"));
    QVERIFY(timer.elapsed() < 8000);
}

void tst_DaytonaClient::portsAndPortInUse()
{
    QTcpServer listener;
    quint16 port = 0;
    for (quint16 candidate = 3900; candidate < 9999 && port == 0; candidate += 37) {
        if (listener.listen(QHostAddress::Any, candidate))
            port = candidate;
    }
    QVERIFY(port != 0);
    const auto ports = awaitJob(m_client->listPorts(m_sandbox));
    QVERIFY2(ports.ok(), qPrintable(describe(ports)));
    QVERIFY2(ports.value().contains(port), qPrintable(QString::number(port)));
    const auto inUse = awaitJob(m_client->isPortInUse(m_sandbox, port));
    QVERIFY2(inUse.ok(), qPrintable(describe(inUse)));
    QVERIFY(inUse.value());
    listener.close();
    const auto free = awaitJob(m_client->isPortInUse(m_sandbox, port));
    QVERIFY(free.ok());
    QVERIFY(!free.value());
    const auto outOfRange = awaitJob(m_client->isPortInUse(m_sandbox, 80));
    QVERIFY(!outOfRange.ok());
    QCOMPARE(outOfRange.error().httpStatus, 400);
}

void tst_DaytonaClient::downloadsAFileStreamed()
{
    QTemporaryDir directory;
    const QString remote = directory.filePath(QStringLiteral("blob.bin"));
    QByteArray content;
    for (int i = 0; i < 3 * 1024 * 1024; ++i)
        content.append(char((i * 7 + i / 251) & 0xFF));
    {
        QFile file(remote);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const auto bytes = awaitJob(m_client->downloadFile(m_sandbox, remote, &buffer));
    QVERIFY2(bytes.ok(), qPrintable(describe(bytes)));
    QCOMPARE(bytes.value(), qint64(content.size()));
    QVERIFY(buffer.data() == content);

    const QString local = directory.filePath(QStringLiteral("copy.bin"));
    const auto saved = awaitJob(m_client->downloadFile(m_sandbox, remote, local));
    QVERIFY(saved.ok());
    QFile copy(local);
    QVERIFY(copy.open(QIODevice::ReadOnly));
    QVERIFY(copy.readAll() == content);
}

void tst_DaytonaClient::downloadOfAMissingFileIs404()
{
    QTemporaryDir directory;
    const QString local = directory.filePath(QStringLiteral("never.bin"));
    const auto missing = awaitJob(m_client->downloadFile(
        m_sandbox, directory.filePath(QStringLiteral("missing.bin")), local));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().httpStatus, 404);
    QCOMPARE(missing.error().code, QStringLiteral("NOT_FOUND"));
    // Nothing half-written is left behind.
    QVERIFY(!QFile::exists(local));
}

void tst_DaytonaClient::stopStartAndWaitUntilStarted()
{
    const auto stopped = awaitJob(m_client->stopSandbox(m_sandbox));
    QVERIFY2(stopped.ok(), qPrintable(describe(stopped)));
    QVERIFY(stopped.value().state == QStringLiteral("stopping") ||
            stopped.value().state == QStringLiteral("stopped"));
    QTRY_COMPARE_WITH_TIMEOUT(awaitJob(m_client->getSandbox(m_sandbox)).value().state,
                              QStringLiteral("stopped"), 15'000);

    const auto stopAgain = awaitJob(m_client->stopSandbox(m_sandbox));
    QVERIFY(!stopAgain.ok());
    QCOMPARE(stopAgain.error().httpStatus, 400);

    const auto starting = awaitJob(m_client->startSandbox(m_sandbox));
    QVERIFY2(starting.ok(), qPrintable(describe(starting)));
    const auto started = awaitJob(m_client->waitUntilStarted(m_sandbox, 10'000));
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    QCOMPARE(started.value().state, QStringLiteral("started"));

    // Idempotent on a started sandbox.
    const auto again = awaitJob(m_client->startSandbox(m_sandbox));
    QVERIFY(again.ok());
    QCOMPARE(again.value().state, QStringLiteral("started"));
}

QTEST_GUILESS_MAIN(tst_DaytonaClient)
#include "tst_daytonaclient.moc"
