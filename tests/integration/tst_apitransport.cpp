#include "app/daytona/ApiTransport.h"
#include "app/daytona/DaytonaClient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace vw::daytona;

namespace {

// A tiny HTTP/1.1 server that answers each request with the next scripted response: enough to
// see retries, Retry-After and timeouts happen on the wire. Empty script entries mean "close
// the connection without answering"; "hang" means never answer.
class ScriptedServer : public QTcpServer
{
public:
    QList<QByteArray> script;
    QList<QByteArray> requests; // request line + headers of each request received

    ScriptedServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    buffer->append(socket->readAll());
                    const qsizetype headerEnd = buffer->indexOf("\r\n\r\n");
                    if (headerEnd < 0)
                        return;
                    requests.append(buffer->left(headerEnd));
                    const QByteArray response =
                        script.isEmpty() ? QByteArray("hang") : script.takeFirst();
                    if (response == "hang")
                        return;
                    if (!response.isEmpty())
                        socket->write(response);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/api").arg(serverPort())); }

    static QByteArray response(int status, const QByteArray &body,
                               const QByteArray &extraHeaders = {})
    {
        return "HTTP/1.1 " + QByteArray::number(status) +
               " X\r\nContent-Type: application/json\r\n" + extraHeaders +
               "Content-Length: " + QByteArray::number(body.size()) +
               "\r\nConnection: close\r\n\r\n" + body;
    }
};

const QByteArray kSandbox = R"({"id":"sb-1","name":"demo","state":"started","toolboxProxyUrl":""})";

} // namespace

class tst_ApiTransport : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void retriesA503ThenSucceeds();
    void honoursRetryAfterOn429();
    void honoursPerThrottlerRetryAfter();
    void neverRepeatsANonIdempotentPost();
    void retriesAThrottledPost();
    void givesUpAfterMaxRetries();
    void retriesADroppedConnection();
    void timesOutASilentServer();
    void sendsAuthAndNoSdkVersion();
    void encodesPathSegmentsAndQueries();
    void fallsBackToTheLegacyToolboxPath();
    void waitUntilStartedPollsUntilStarted();
    void waitUntilStartedFailsOnErrorState();
    void waitUntilStartedTimesOut();

private:
    DaytonaConfig fastConfig() const;
    std::unique_ptr<ScriptedServer> m_server;
};

void tst_ApiTransport::init()
{
    m_server = std::make_unique<ScriptedServer>();
    QVERIFY(m_server->listen(QHostAddress::LocalHost));
}

DaytonaConfig tst_ApiTransport::fastConfig() const
{
    DaytonaConfig config;
    config.apiUrl = m_server->url();
    config.apiKey = QStringLiteral("test-key-0123456789");
    config.initialRetryDelayMs = 20;
    config.maxRetryDelayMs = 2000;
    config.maxRetries = 3;
    config.requestTimeoutMs = 5000;
    return config;
}

void tst_ApiTransport::retriesA503ThenSucceeds()
{
    m_server->script = {ScriptedServer::response(503, R"({"statusCode":503,"message":"busy"})"),
                        ScriptedServer::response(200, kSandbox)};
    DaytonaClient client(fastConfig());
    auto *job = client.getSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY2(job->ok(), qPrintable(job->error().toString()));
    QCOMPARE(job->value().id, QStringLiteral("sb-1"));
    QCOMPARE(m_server->requests.size(), 2);
}

void tst_ApiTransport::honoursRetryAfterOn429()
{
    m_server->script = {
        ScriptedServer::response(429, R"({"statusCode":429,"message":"Rate limit exceeded"})",
                                 "Retry-After: 1\r\n"),
        ScriptedServer::response(200, kSandbox)};
    DaytonaClient client(fastConfig());
    QElapsedTimer timer;
    timer.start();
    auto *job = client.getSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(job->ok());
    // The exponential delay would be 20 ms; the server asked for a second.
    QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_server->requests.size(), 2);
}

void tst_ApiTransport::honoursPerThrottlerRetryAfter()
{
    m_server->script = {ScriptedServer::response(429, "{}",
                                                 "Retry-After-authenticated: 0.2\r\n"
                                                 "Retry-After-sandbox-lifecycle: 0.6\r\n"),
                        ScriptedServer::response(200, kSandbox)};
    DaytonaClient client(fastConfig());
    QElapsedTimer timer;
    timer.start();
    auto *job = client.startSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(job->ok());
    QVERIFY2(timer.elapsed() >= 550, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_server->requests.size(), 2);
}

void tst_ApiTransport::neverRepeatsANonIdempotentPost()
{
    m_server->script = {ScriptedServer::response(503, R"({"statusCode":503,"message":"busy"})"),
                        ScriptedServer::response(200, kSandbox)};
    DaytonaClient client(fastConfig());
    auto *job = client.stopSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(!job->ok());
    QCOMPARE(job->error().httpStatus, 503);
    QCOMPARE(job->error().code, QStringLiteral("SERVICE_UNAVAILABLE"));
    QCOMPARE(job->error().message, QStringLiteral("busy"));
    QTest::qWait(100);
    QCOMPARE(m_server->requests.size(), 1);
}

void tst_ApiTransport::retriesAThrottledPost()
{
    // A 429 was refused before anything ran, so even a POST may be sent again.
    m_server->script = {ScriptedServer::response(429, "{}", "Retry-After: 0\r\n"),
                        ScriptedServer::response(200, kSandbox)};
    DaytonaClient client(fastConfig());
    auto *job = client.stopSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(job->ok());
    QCOMPARE(m_server->requests.size(), 2);
}

void tst_ApiTransport::givesUpAfterMaxRetries()
{
    for (int i = 0; i < 6; ++i)
        m_server->script.append(ScriptedServer::response(502, "upstream down"));
    DaytonaClient client(fastConfig());
    QElapsedTimer timer;
    timer.start();
    auto *job = client.getSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(!job->ok());
    QCOMPARE(job->error().code, QStringLiteral("BAD_GATEWAY"));
    QCOMPARE(job->error().message, QStringLiteral("upstream down"));
    QCOMPARE(m_server->requests.size(), 4); // 1 + maxRetries
    // Delays 20 + 40 + 80 ms: capped exponential backoff happened.
    QVERIFY(timer.elapsed() >= 140);
}

void tst_ApiTransport::retriesADroppedConnection()
{
    m_server->script = {QByteArray(), ScriptedServer::response(200, kSandbox)};
    DaytonaClient client(fastConfig());
    auto *job = client.getSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY2(job->ok(), qPrintable(job->error().toString()));
    QCOMPARE(m_server->requests.size(), 2);
}

void tst_ApiTransport::timesOutASilentServer()
{
    m_server->script = {"hang"};
    DaytonaConfig config = fastConfig();
    config.requestTimeoutMs = 300;
    config.maxRetries = 0;
    DaytonaClient client(config);
    QElapsedTimer timer;
    timer.start();
    auto *job = client.getSandbox(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(!job->ok());
    QCOMPARE(job->error().code, QStringLiteral("TIMEOUT"));
    QVERIFY(timer.elapsed() >= 250);
}

void tst_ApiTransport::sendsAuthAndNoSdkVersion()
{
    m_server->script = {ScriptedServer::response(200, kSandbox),
                        ScriptedServer::response(200, R"({"url":"http://127.0.0.1:1/toolbox"})")};
    DaytonaClient client(fastConfig());
    auto *job = client.toolboxBaseUrl(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(job->ok());
    // No toolboxProxyUrl in the DTO: the per-sandbox endpoint was asked.
    QCOMPARE(job->value(), QUrl(QStringLiteral("http://127.0.0.1:1/toolbox/sb-1")));
    QCOMPARE(m_server->requests.size(), 2);
    const QByteArray first = m_server->requests.at(0).toLower();
    QVERIFY(first.startsWith("get /api/sandbox/demo "));
    QVERIFY(first.contains("authorization: bearer test-key-0123456789"));
    QVERIFY(!first.contains("x-daytona-sdk-version"));
    QVERIFY(
        m_server->requests.at(1).toLower().startsWith("get /api/sandbox/sb-1/toolbox-proxy-url "));
}

void tst_ApiTransport::encodesPathSegmentsAndQueries()
{
    const QUrl url =
        ApiTransport::appendPath(QUrl(QStringLiteral("https://proxy.example/toolbox/")),
                                 {QStringLiteral("my box/ü"), QStringLiteral("files")},
                                 {{QStringLiteral("path"), QStringLiteral("/tmp/a b&c=d.txt")}});
    QCOMPARE(url.toString(QUrl::FullyEncoded),
             QStringLiteral("https://proxy.example/toolbox/my%20box%2F%C3%BC/"
                            "files?path=%2Ftmp%2Fa%20b%26c%3Dd.txt"));

    // And on the wire, a name with a slash stays one segment.
    m_server->script = {ScriptedServer::response(404, "")};
    DaytonaClient client(fastConfig());
    auto *job = client.getSandbox(QStringLiteral("a/b c"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QCOMPARE(job->error().code, QStringLiteral("NOT_FOUND"));
    QVERIFY2(m_server->requests.at(0).startsWith("GET /api/sandbox/a%2Fb%20c HTTP/1.1"),
             m_server->requests.at(0).constData());
}

void tst_ApiTransport::fallsBackToTheLegacyToolboxPath()
{
    // A server before v0.132: no toolboxProxyUrl in the DTO and no toolbox-proxy-url route.
    m_server->script = {
        ScriptedServer::response(200, kSandbox),
        ScriptedServer::response(404, R"({"statusCode":404,"message":"Cannot GET"})"),
        ScriptedServer::response(201, "")};
    DaytonaClient client(fastConfig());
    auto *job = client.createSession(QStringLiteral("demo"), QStringLiteral("s1"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY2(job->ok(), qPrintable(job->error().toString()));
    QCOMPARE(m_server->requests.size(), 3);
    const QByteArray create = m_server->requests.at(2).toLower();
    QVERIFY2(create.startsWith("post /api/toolbox/sb-1/toolbox/process/session "),
             create.constData());
    QVERIFY(create.contains("x-daytona-split-output: true"));
    QVERIFY(!create.contains("x-daytona-sdk-version"));
}

static QByteArray sandboxInState(const char *state)
{
    return QByteArray(R"({"id":"sb-1","name":"demo","toolboxProxyUrl":"","state":")") + state +
           R"(","errorReason":"disk full"})";
}

void tst_ApiTransport::waitUntilStartedPollsUntilStarted()
{
    for (int i = 0; i < 3; ++i)
        m_server->script.append(ScriptedServer::response(200, sandboxInState("starting")));
    m_server->script.append(ScriptedServer::response(200, sandboxInState("started")));
    DaytonaClient client(fastConfig());
    QElapsedTimer timer;
    timer.start();
    auto *job = client.waitUntilStarted(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY2(job->ok(), qPrintable(job->error().toString()));
    QCOMPARE(job->value().state, QStringLiteral("started"));
    QCOMPARE(m_server->requests.size(), 4);
    // Three waits of 100 ms between the four polls (the SDKs' first interval).
    QVERIFY2(timer.elapsed() >= 290, qPrintable(QString::number(timer.elapsed())));
}

void tst_ApiTransport::waitUntilStartedFailsOnErrorState()
{
    m_server->script = {ScriptedServer::response(200, sandboxInState("starting")),
                        ScriptedServer::response(200, sandboxInState("error"))};
    DaytonaClient client(fastConfig());
    auto *job = client.waitUntilStarted(QStringLiteral("demo"));
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(!job->ok());
    QCOMPARE(job->error().code, QStringLiteral("SANDBOX_ERROR"));
    QVERIFY(job->error().message.contains(QStringLiteral("disk full")));
}

void tst_ApiTransport::waitUntilStartedTimesOut()
{
    for (int i = 0; i < 20; ++i)
        m_server->script.append(ScriptedServer::response(200, sandboxInState("starting")));
    DaytonaClient client(fastConfig());
    QElapsedTimer timer;
    timer.start();
    auto *job = client.waitUntilStarted(QStringLiteral("demo"), 450);
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    QVERIFY(spy.wait(5000));
    QVERIFY(!job->ok());
    QCOMPARE(job->error().code, QStringLiteral("TIMEOUT"));
    QVERIFY(timer.elapsed() >= 450);
    QVERIFY(timer.elapsed() < 2000);
    QVERIFY(m_server->requests.size() >= 4);
}

QTEST_GUILESS_MAIN(tst_ApiTransport)
#include "tst_apitransport.moc"
