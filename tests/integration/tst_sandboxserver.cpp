// SandboxServer of vaporwatch-sandboxd: who may call it (bearer token, preview token) with the
// documented 401 bodies, and command-log follow over WebSocket on the same port.
#include "models/StreamDemuxer.h"
#include "tests/support/HttpTestClient.h"
#include "tests/support/SandboxdProcess.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

using vw::StreamDemuxer;
using vw::test::HttpResult;
using vw::test::HttpTestClient;
using vw::test::SandboxdProcess;

namespace {

const HttpTestClient::Headers kSdk{{"X-Daytona-SDK-Version", "0.218.0"}};

// Everything a WebSocket received until the server closed it.
struct WebSocketCapture
{
    QByteArray bytes;
    int binaryFrames = 0;
    int textFrames = 0;
};

} // namespace

class TestSandboxServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void mainApiWithoutTokenIs401();
    void mainApiWithWrongTokenIs401();
    void mainApiRefusesPreviewTokens();
    void toolboxWithoutTokenIs401_data();
    void toolboxWithoutTokenIs401();
    void toolboxAcceptsPreviewToken_data();
    void toolboxAcceptsPreviewToken();
    void previewTokenOfOneSandboxDoesNotOpenAnother();
    void unknownSandboxToolboxIsNotFound();

    void webSocketFollowStreamsUntilTheCommandIsDone();
    void webSocketEchoesSdkSubprotocolAndTakesQueryToken();
    void webSocketWithoutSdkVersionStripsMarkers();
    void webSocketWithoutFollowSendsSnapshotAndCloses();
    void webSocketClosesWhenTheSessionIsDeleted();
    void webSocketAnswersPings();
    void refusedUpgradesGetHttpErrors_data();
    void refusedUpgradesGetHttpErrors();

private:
    QString toolboxPath(const QString &path) const
    {
        return QStringLiteral("/toolbox/%1%2").arg(m_sandboxId, path);
    }
    QString createSessionAndRunAsync(const QString &session, const QString &command);
    QString previewToken(const QString &sandbox);
    // Opens a log WebSocket; every frame it receives, from the first on, goes into `capture`.
    std::unique_ptr<QWebSocket> openLogs(const QString &session, const QString &commandId,
                                         const QString &query,
                                         const HttpTestClient::Headers &headers,
                                         WebSocketCapture &capture,
                                         const QStringList &subprotocols = {});
    // Waits until the server closed the socket.
    static bool waitUntilClosed(QWebSocket &socket, int timeoutMs = 20000);

    QTemporaryDir m_dirs;
    SandboxdProcess m_sandboxd;
    std::unique_ptr<HttpTestClient> m_client;
    QString m_sandboxId;
};

void TestSandboxServer::initTestCase()
{
    QVERIFY(m_dirs.isValid());
    SandboxdProcess::Options options;
    options.sandboxes = {{QStringLiteral("main"), m_dirs.filePath(QStringLiteral("main"))},
                         {QStringLiteral("other"), m_dirs.filePath(QStringLiteral("other"))}};
    QVERIFY2(m_sandboxd.start(options), qPrintable(m_sandboxd.errorString()));
    m_client = std::make_unique<HttpTestClient>(m_sandboxd.baseUrl(), m_sandboxd.token());
    m_sandboxId = m_client->get(QStringLiteral("/api/sandbox/main"))
                      .object()
                      .value(QStringLiteral("id"))
                      .toString();
    QVERIFY(!m_sandboxId.isEmpty());
}

QString TestSandboxServer::previewToken(const QString &sandbox)
{
    return m_client->get(QStringLiteral("/api/sandbox/%1/ports/1/preview-url").arg(sandbox))
        .object()
        .value(QStringLiteral("token"))
        .toString();
}

void TestSandboxServer::mainApiWithoutTokenIs401()
{
    HttpTestClient anonymous(m_sandboxd.baseUrl());
    const HttpResult refused = anonymous.get(QStringLiteral("/api/sandbox"));
    QCOMPARE(refused.status, 401);
    const QJsonObject body = refused.object();
    QCOMPARE(body.value(QStringLiteral("statusCode")).toInt(), 401);
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("Unauthorized"));
    QCOMPARE(body.value(QStringLiteral("path")).toString(), QStringLiteral("/api/sandbox"));
    QVERIFY(body.contains(QStringLiteral("message")));
    QVERIFY(body.contains(QStringLiteral("timestamp")));
    // Even for paths that do not exist: nothing is revealed without the token.
    QCOMPARE(anonymous.get(QStringLiteral("/api/nothing")).status, 401);
}

void TestSandboxServer::mainApiWithWrongTokenIs401()
{
    HttpTestClient wrong(m_sandboxd.baseUrl(), m_sandboxd.token() + QStringLiteral("x"));
    QCOMPARE(wrong.get(QStringLiteral("/api/sandbox/main")).status, 401);
    HttpTestClient basic(m_sandboxd.baseUrl());
    const HttpResult refused =
        basic.get(QStringLiteral("/api/sandbox"),
                  {{"Authorization", "Basic " + m_sandboxd.token().toUtf8()}});
    QCOMPARE(refused.status, 401);
}

void TestSandboxServer::mainApiRefusesPreviewTokens()
{
    HttpTestClient anonymous(m_sandboxd.baseUrl());
    const QByteArray token = previewToken(QStringLiteral("main")).toUtf8();
    QCOMPARE(
        anonymous.get(QStringLiteral("/api/sandbox/main"), {{"X-Daytona-Preview-Token", token}})
            .status,
        401);
}

void TestSandboxServer::toolboxWithoutTokenIs401_data()
{
    QTest::addColumn<HttpTestClient::Headers>("headers");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing") << HttpTestClient::Headers{}
                             << QStringLiteral("missing authentication");
    QTest::newRow("wrong bearer") << HttpTestClient::Headers{{"Authorization", "Bearer nope"}}
                                  << QStringLiteral("authentication failed");
    QTest::newRow("wrong preview token")
        << HttpTestClient::Headers{{"X-Daytona-Preview-Token", "abcdefabcdefabcdefabcdefabcdefab"}}
        << QStringLiteral("authentication failed");
}

void TestSandboxServer::toolboxWithoutTokenIs401()
{
    QFETCH(HttpTestClient::Headers, headers);
    QFETCH(QString, message);
    HttpTestClient anonymous(m_sandboxd.baseUrl());
    const HttpResult refused =
        anonymous.get(toolboxPath(QStringLiteral("/process/session")), headers);
    QCOMPARE(refused.status, 401);
    const QJsonObject body = refused.object();
    QCOMPARE(body.value(QStringLiteral("statusCode")).toInt(), 401);
    QCOMPARE(body.value(QStringLiteral("code")).toString(), QStringLiteral("UNAUTHORIZED"));
    QCOMPARE(body.value(QStringLiteral("path")).toString(), QStringLiteral("/process/session"));
    QCOMPARE(body.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
    QVERIFY(body.contains(QStringLiteral("timestamp")));
    QVERIFY2(body.value(QStringLiteral("message")).toString().startsWith(message),
             refused.body.constData());
}

void TestSandboxServer::toolboxAcceptsPreviewToken_data()
{
    QTest::addColumn<bool>("inQuery");
    QTest::newRow("header") << false;
    QTest::newRow("query parameter") << true;
}

void TestSandboxServer::toolboxAcceptsPreviewToken()
{
    QFETCH(bool, inQuery);
    const QString token = previewToken(QStringLiteral("main"));
    QCOMPARE(token.size(), 32);
    HttpTestClient anonymous(m_sandboxd.baseUrl());
    const HttpResult answer =
        inQuery ? anonymous.get(toolboxPath(QStringLiteral("/work-dir?DAYTONA_SANDBOX_AUTH_KEY=")) +
                                token)
                : anonymous.get(toolboxPath(QStringLiteral("/work-dir")),
                                {{"X-Daytona-Preview-Token", token.toUtf8()}});
    QCOMPARE(answer.status, 200);
    QVERIFY(answer.object().contains(QStringLiteral("dir")));
}

void TestSandboxServer::previewTokenOfOneSandboxDoesNotOpenAnother()
{
    HttpTestClient anonymous(m_sandboxd.baseUrl());
    const QByteArray token = previewToken(QStringLiteral("main")).toUtf8();
    QCOMPARE(
        anonymous
            .get(QStringLiteral("/toolbox/other/work-dir"), {{"X-Daytona-Preview-Token", token}})
            .status,
        401);
}

void TestSandboxServer::unknownSandboxToolboxIsNotFound()
{
    const HttpResult missing = m_client->get(QStringLiteral("/toolbox/no-such-box/work-dir"));
    QCOMPARE(missing.status, 404);
    QVERIFY(missing.object()
                .value(QStringLiteral("message"))
                .toString()
                .startsWith(QStringLiteral("not found: ")));
}

QString TestSandboxServer::createSessionAndRunAsync(const QString &session, const QString &command)
{
    const HttpResult created = m_client->post(toolboxPath(QStringLiteral("/process/session")),
                                              {{QStringLiteral("sessionId"), session}});
    if (created.status != 201)
        qWarning() << "create session answered" << created.status;
    const HttpResult started =
        m_client->post(toolboxPath(QStringLiteral("/process/session/%1/exec").arg(session)),
                       {{QStringLiteral("command"), command}, {QStringLiteral("runAsync"), true}});
    return started.object().value(QStringLiteral("cmdId")).toString();
}

std::unique_ptr<QWebSocket>
TestSandboxServer::openLogs(const QString &session, const QString &commandId, const QString &query,
                            const HttpTestClient::Headers &headers, WebSocketCapture &capture,
                            const QStringList &subprotocols)
{
    QNetworkRequest request{QUrl(
        QStringLiteral("ws://127.0.0.1:%1").arg(m_sandboxd.port()) +
        toolboxPath(QStringLiteral("/process/session/%1/command/%2/logs").arg(session, commandId)) +
        query)};
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    auto socket = std::make_unique<QWebSocket>();
    connect(socket.get(), &QWebSocket::binaryMessageReceived, this,
            [&capture](const QByteArray &frame) {
                capture.bytes += frame;
                ++capture.binaryFrames;
            });
    connect(socket.get(), &QWebSocket::textMessageReceived, this, [&capture](const QString &frame) {
        capture.bytes += frame.toUtf8();
        ++capture.textFrames;
    });
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(subprotocols);
    QSignalSpy connected(socket.get(), &QWebSocket::connected);
    socket->open(request, options);
    if (!connected.wait(10000))
        qWarning() << "WebSocket did not connect:" << socket->errorString();
    return socket;
}

bool TestSandboxServer::waitUntilClosed(QWebSocket &socket, int timeoutMs)
{
    if (socket.state() == QAbstractSocket::UnconnectedState)
        return true;
    QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
    return disconnected.wait(timeoutMs);
}

void TestSandboxServer::webSocketFollowStreamsUntilTheCommandIsDone()
{
    const QString commandId = createSessionAndRunAsync(
        QStringLiteral("ws-follow"),
        QStringLiteral("echo first; echo warn >&2; read -r x; echo \"last-$x\"; (exit 2)"));
    WebSocketCapture capture;
    auto socket = openLogs(QStringLiteral("ws-follow"), commandId, QStringLiteral("?follow=true"),
                           {{"Authorization", "Bearer " + m_sandboxd.token().toUtf8()},
                            {"X-Daytona-SDK-Version", "0.218.0"}},
                           capture);
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(socket->subprotocol(), QString());
    const QByteArray &received = capture.bytes;
    QSignalSpy disconnected(socket.get(), &QWebSocket::disconnected);
    // The first lines arrive while the command still waits for its input.
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto split = StreamDemuxer::split(received);
            return split.stdoutBytes == "first\n" && split.stderrBytes == "warn\n";
        },
        15000));
    QCOMPARE(disconnected.count(), 0);

    const HttpResult input = m_client->post(
        toolboxPath(QStringLiteral("/process/session/ws-follow/command/%1/input").arg(commandId)),
        {{QStringLiteral("data"), QStringLiteral("go\n")}});
    QCOMPARE(input.status, 204);
    QVERIFY(disconnected.count() == 1 || disconnected.wait(15000));
    QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeNormal);
    QVERIFY(capture.binaryFrames >= 1);
    QCOMPARE(capture.textFrames, 0);
    const auto split = StreamDemuxer::split(received);
    QCOMPARE(split.stdoutBytes, QByteArray("first\nlast-go\n"));
    QCOMPARE(split.stderrBytes, QByteArray("warn\n"));
    // Closed only after the exit code was known.
    const HttpResult command = m_client->get(
        toolboxPath(QStringLiteral("/process/session/ws-follow/command/%1").arg(commandId)));
    QCOMPARE(command.object().value(QStringLiteral("exitCode")).toInt(-1), 2);
}

void TestSandboxServer::webSocketEchoesSdkSubprotocolAndTakesQueryToken()
{
    const QString commandId = createSessionAndRunAsync(QStringLiteral("ws-browser"),
                                                       QStringLiteral("echo hi; echo ho >&2"));
    const QString query = QStringLiteral("?follow=true&DAYTONA_SANDBOX_AUTH_KEY=") +
                          previewToken(QStringLiteral("main"));
    WebSocketCapture capture;
    auto socket = openLogs(QStringLiteral("ws-browser"), commandId, query, {}, capture,
                           {QStringLiteral("X-Daytona-SDK-Version~0.218.0")});
    QCOMPARE(socket->subprotocol(), QStringLiteral("X-Daytona-SDK-Version~0.218.0"));
    QVERIFY(waitUntilClosed(*socket));
    QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeNormal);
    // The version from the subprotocol selects the marker format.
    const auto split = StreamDemuxer::split(capture.bytes);
    QCOMPARE(split.stdoutBytes, QByteArray("hi\n"));
    QCOMPARE(split.stderrBytes, QByteArray("ho\n"));
}

void TestSandboxServer::webSocketWithoutSdkVersionStripsMarkers()
{
    const QString commandId =
        createSessionAndRunAsync(QStringLiteral("ws-plain"), QStringLiteral("echo plain-out"));
    WebSocketCapture capture;
    auto socket = openLogs(QStringLiteral("ws-plain"), commandId, QStringLiteral("?follow=true"),
                           {{"Authorization", "Bearer " + m_sandboxd.token().toUtf8()}}, capture);
    QVERIFY(waitUntilClosed(*socket));
    QCOMPARE(capture.bytes, QByteArray("plain-out\n"));
    QCOMPARE(capture.textFrames, 0);
}

void TestSandboxServer::webSocketWithoutFollowSendsSnapshotAndCloses()
{
    const QString commandId = createSessionAndRunAsync(
        QStringLiteral("ws-snapshot"), QStringLiteral("echo before; read -r x; echo after"));
    // Wait until the first line is in the log (a chunked follow shows it).
    QNetworkReply *follow = m_client->startGet(toolboxPath(
        QStringLiteral("/process/session/ws-snapshot/command/%1/logs?follow=true").arg(commandId)));
    QByteArray seen;
    QVERIFY(
        QTest::qWaitFor([&] { return (seen += follow->readAll()).contains("before\n"); }, 15000));

    WebSocketCapture capture;
    auto socket = openLogs(QStringLiteral("ws-snapshot"), commandId, QString(),
                           {{"Authorization", "Bearer " + m_sandboxd.token().toUtf8()},
                            {"X-Daytona-Split-Output", "true"}},
                           capture);
    QVERIFY(waitUntilClosed(*socket));
    // Closed although the command still runs.
    QCOMPARE(StreamDemuxer::split(capture.bytes).stdoutBytes, QByteArray("before\n"));
    QCOMPARE(m_client->deleteResource(toolboxPath(QStringLiteral("/process/session/ws-snapshot")))
                 .status,
             204);
    follow->deleteLater();
}

void TestSandboxServer::webSocketClosesWhenTheSessionIsDeleted()
{
    const QString commandId = createSessionAndRunAsync(QStringLiteral("ws-deleted"),
                                                       QStringLiteral("echo up; sleep 300"));
    WebSocketCapture capture;
    auto socket = openLogs(QStringLiteral("ws-deleted"), commandId, QStringLiteral("?follow=true"),
                           {{"Authorization", "Bearer " + m_sandboxd.token().toUtf8()}}, capture);
    QVERIFY(QTest::qWaitFor([&] { return capture.bytes.contains("up\n"); }, 15000));
    QSignalSpy disconnected(socket.get(), &QWebSocket::disconnected);
    QCOMPARE(
        m_client->deleteResource(toolboxPath(QStringLiteral("/process/session/ws-deleted"))).status,
        204);
    QVERIFY(disconnected.count() == 1 || disconnected.wait(15000));
    QCOMPARE(socket->closeCode(), QWebSocketProtocol::CloseCodeNormal);
}

void TestSandboxServer::webSocketAnswersPings()
{
    const QString commandId =
        createSessionAndRunAsync(QStringLiteral("ws-ping"), QStringLiteral("read -r x"));
    WebSocketCapture capture;
    auto socket = openLogs(QStringLiteral("ws-ping"), commandId, QStringLiteral("?follow=true"),
                           {{"Authorization", "Bearer " + m_sandboxd.token().toUtf8()}}, capture);
    QSignalSpy pong(socket.get(), &QWebSocket::pong);
    socket->ping("are-you-there");
    QVERIFY(pong.wait(10000));
    QCOMPARE(pong.first().at(1).toByteArray(), QByteArray("are-you-there"));
    QCOMPARE(
        m_client->deleteResource(toolboxPath(QStringLiteral("/process/session/ws-ping"))).status,
        204);
}

void TestSandboxServer::refusedUpgradesGetHttpErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("authorized");
    QTest::addColumn<int>("status");
    QTest::newRow("no token") << QStringLiteral("/process/session/x/command/y/logs?follow=true")
                              << false << 401;
    QTest::newRow("unknown session")
        << QStringLiteral("/process/session/x/command/y/logs?follow=true") << true << 404;
    QTest::newRow("not a log route") << QStringLiteral("/process/session") << true << 404;
    QTest::newRow("socket.io") << QStringLiteral("/api/socket.io/?EIO=4&transport=websocket")
                               << true << 404;
}

void TestSandboxServer::refusedUpgradesGetHttpErrors()
{
    QFETCH(QString, path);
    QFETCH(bool, authorized);
    QFETCH(int, status);
    const QString target = path.startsWith(QStringLiteral("/api")) ? path : toolboxPath(path);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_sandboxd.port());
    QVERIFY(socket.waitForConnected(5000));
    QByteArray request =
        "GET " + target.toUtf8() +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    if (authorized)
        request += "Authorization: Bearer " + m_sandboxd.token().toUtf8() + "\r\n";
    socket.write(request + "\r\n");
    QSignalSpy disconnected(&socket, &QTcpSocket::disconnected);
    QVERIFY(disconnected.count() == 1 || disconnected.wait(10000));
    const QByteArray response = socket.readAll();
    QVERIFY2(response.startsWith("HTTP/1.1 " + QByteArray::number(status) + ' '),
             response.constData());
    const QJsonObject body =
        QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object();
    QCOMPARE(body.value(QStringLiteral("statusCode")).toInt(), status);
}

QTEST_GUILESS_MAIN(TestSandboxServer)
#include "tst_sandboxserver.moc"
