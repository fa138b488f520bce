#include "tests/support/CctrayFormat.h"
#include "tests/support/CliRun.h"
#include "tests/support/DetachedSandboxd.h"
#include "tests/support/HttpTestClient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using vw::test::HttpResult;
using vw::test::HttpTestClient;

// The build HTTP API as scripts and monitors use it: a real `vaporwatch-cli serve` on a free
// port with a token file, its embedded local sandbox and a private SQLite (private HOME); real
// builds of Makefile projects. The original platform's curl commands run unchanged through real
// curl; then auth on every route, bad requests, unknown ids, byte-range logs, the live stream
// over WebSocket and NDJSON (every event and every byte once, also when joining mid-build) and
// the cctray feed before, during and after builds.
class tst_HttpApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cctrayBeforeAnyBuild();
    void originalCurlCommandsWork();
    void everyRouteWantsTheToken_data();
    void everyRouteWantsTheToken();
    void basicAuthCarriesTheTokenForMonitors();
    void webSocketWantsTheToken();
    void badRequestsAreExplained_data();
    void badRequestsAreExplained();
    void unknownIdsAreNotFound_data();
    void unknownIdsAreNotFound();
    void logsAreReadByByteRanges();
    void streamDeliversABuildOnce();
    void streamJoinedMidBuildMissesNothing();
    void streamOverHttpForCurl();
    void cctrayFollowsBuilds();
    void tokenFileIsPrivateAndNeverPrinted();
    void webSocketOfAnUnknownBuildIsRefused();

private:
    struct Streamed
    {
        QList<QJsonObject> messages;
        bool closedNormally = false;
    };

    bool writeProject(const QString &name, const QByteArray &makefile);
    qint64 startBuild(const QString &project);
    QJsonObject waitFinished(qint64 buildId);
    QByteArray curl(const QString &command);
    QByteArray wholeLog(qint64 buildId);
    QJsonArray allEvents(qint64 buildId);
    Streamed streamOverWebSocket(qint64 buildId, int timeoutMs = 90'000);
    void verifyStream(const QList<QJsonObject> &messages, qint64 buildId);
    QMap<QString, QString> cctrayProject(const QString &name);

    QTemporaryDir m_home;
    QProcess m_server;
    QString m_token;
    quint16 m_port = 0;
    QString m_base;
    std::unique_ptr<HttpTestClient> m_api;
    qint64 m_firstBuild = 0;
};

namespace {

const QByteArray kQuickMakefile = "all:\n\t@echo hi\n";
// Output over about three seconds: long enough to be watched and joined while it runs.
const QByteArray kSlowMakefile =
    "all:\n\t@for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"line $$i \xc3\xbc\"; "
    "echo \"warn $$i\" >&2; sleep 0.25; done\n";
const QByteArray kFailingMakefile =
    "all:\n\t@echo compiling\n\t@echo 'error: boom' >&2\n\t@exit 2\n";

} // namespace

bool tst_HttpApi::writeProject(const QString &name, const QByteArray &makefile)
{
    const QString dir =
        vw::test::privateHomeSandboxDirectory(m_home.path()) + QStringLiteral("/projects/") + name;
    QFile file(dir + QStringLiteral("/Makefile"));
    return QDir().mkpath(dir) && file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(makefile) == makefile.size();
}

void tst_HttpApi::initTestCase()
{
    QVERIFY(m_home.isValid());
    QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home.path());
    env.insert(QStringLiteral("VW_LOG_LEVEL"), QStringLiteral("info"));
    m_server.setProcessEnvironment(env);
    m_server.start(QStringLiteral(VW_CLI_BINARY),
                   {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                    QStringLiteral("--token-file"), m_home.filePath(QStringLiteral("api-token"))});
    QVERIFY(m_server.waitForStarted());
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (!out.contains('\n') && clock.elapsed() < 60'000 &&
           m_server.state() == QProcess::Running) {
        m_server.waitForReadyRead(200);
        out += m_server.readAllStandardOutput();
    }
    const QRegularExpressionMatch listening =
        QRegularExpression(QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)\n"))
            .match(QString::fromUtf8(out));
    QVERIFY2(listening.hasMatch(), out.constData());
    m_port = quint16(listening.captured(1).toUInt());
    QVERIFY(m_port > 0);
    m_base = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
    QFile tokenFile(m_home.filePath(QStringLiteral("api-token")));
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    m_token = QString::fromUtf8(tokenFile.readAll()).trimmed();
    QCOMPARE(m_token.size(), 64);
    m_api = std::make_unique<HttpTestClient>(m_base, m_token);

    QVERIFY(writeProject(QStringLiteral("hello"), kQuickMakefile));
    QVERIFY(writeProject(QStringLiteral("slow"), kSlowMakefile));
    QVERIFY(writeProject(QStringLiteral("broken"), kFailingMakefile));
}

void tst_HttpApi::cleanupTestCase()
{
    if (m_server.state() != QProcess::NotRunning) {
        m_server.terminate(); // SIGTERM: serve stops cleanly
        if (!m_server.waitForFinished(15'000)) {
            m_server.kill();
            m_server.waitForFinished();
        }
    }
    vw::test::stopDetachedSandboxd(vw::test::privateHomeSandboxDirectory(m_home.path()));
}

qint64 tst_HttpApi::startBuild(const QString &project)
{
    const HttpResult created =
        m_api->post(QStringLiteral("/workspace/build/create"),
                    {{QStringLiteral("projectId"), project},
                     {QStringLiteral("workspaceId"), QStringLiteral("local")}});
    if (created.status != 201)
        qWarning() << created.status << created.body;
    return created.status == 201 ? created.object().value(QStringLiteral("id")).toInteger() : 0;
}

QJsonObject tst_HttpApi::waitFinished(qint64 buildId)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 90'000) {
        const QJsonObject build =
            m_api->get(QStringLiteral("/workspace/build/%1/details").arg(buildId)).object();
        if (build.value(QStringLiteral("finished")).toBool())
            return build;
        QTest::qWait(200);
    }
    return {};
}

QByteArray tst_HttpApi::curl(const QString &command)
{
    // The command as the document writes it, with only its placeholders filled in.
    QString filled = command;
    filled.replace(QStringLiteral("<token>"), m_token)
        .replace(QStringLiteral("localhost:4000"), QStringLiteral("localhost:%1").arg(m_port));
    const vw::test::CliRun run =
        vw::test::runCli(QStringLiteral("bash"), {QStringLiteral("-c"), filled},
                         QProcessEnvironment::systemEnvironment(), 60'000);
    if (run.exitCode != 0)
        qWarning() << "curl failed:" << run.exitCode << run.err;
    return run.out;
}

QByteArray tst_HttpApi::wholeLog(qint64 buildId)
{
    const HttpResult log =
        m_api->get(QStringLiteral("/workspace/build/%1/logs?offset=0&length=8388608").arg(buildId));
    return log.status == 200 ? log.body : QByteArray("(no log)");
}

QJsonArray tst_HttpApi::allEvents(qint64 buildId)
{
    return m_api->get(QStringLiteral("/workspace/build/%1/events").arg(buildId))
        .object()
        .value(QStringLiteral("events"))
        .toArray();
}

QMap<QString, QString> tst_HttpApi::cctrayProject(const QString &name)
{
    const HttpResult feed = m_api->get(QStringLiteral("/cctray.xml"));
    const vw::test::CctrayCheck check = vw::test::checkCctray(feed.body);
    if (feed.status != 200 || !check.problems.isEmpty()) {
        qWarning() << feed.status << check.problems << feed.body;
        return {};
    }
    return check.projects.value(name);
}

void tst_HttpApi::cctrayBeforeAnyBuild()
{
    const HttpResult feed = m_api->get(QStringLiteral("/cctray.xml"));
    QCOMPARE(feed.status, 200);
    QVERIFY(feed.header("Content-Type").startsWith("application/xml"));
    const vw::test::CctrayCheck check = vw::test::checkCctray(feed.body);
    QVERIFY2(check.problems.isEmpty(), qPrintable(check.problems.join(u'\n')));
    QVERIFY(check.projects.isEmpty()); // no project has been built yet
}

void tst_HttpApi::originalCurlCommandsWork()
{
    // Project 1 exists once it has been built (here by its directory).
    m_firstBuild = startBuild(QStringLiteral("hello"));
    QVERIFY(m_firstBuild > 0);
    QCOMPARE(waitFinished(m_firstBuild).value(QStringLiteral("project_id")).toInteger(), 1);

    // "1. Start a Build via API" — the document's command; its workspace placeholder "1" is the
    // local sandbox here.
    QString start = QStringLiteral(R"(curl -X POST http://localhost:4000/workspace/build/create \
  -H "Authorization: Bearer <token>" \
  -H "Content-Type: application/json" \
  -d '{
    "projectId": "1",
    "workspaceId": "1",
    "metadata": { "trigger": "manual" }
  }')");
    start.replace(QStringLiteral(R"("workspaceId": "1")"),
                  QStringLiteral(R"("workspaceId": "local")"));
    const QJsonObject created = QJsonDocument::fromJson(curl(start)).object();
    const qint64 id = created.value(QStringLiteral("id")).toInteger();
    QVERIFY2(id > m_firstBuild, QJsonDocument(created).toJson().constData());
    QCOMPARE(created.value(QStringLiteral("project_id")).toInteger(), 1);
    QCOMPARE(created.value(QStringLiteral("workspace_id")).toString(), QStringLiteral("local"));
    QCOMPARE(created.value(QStringLiteral("trigger")).toString(), QStringLiteral("manual"));
    QCOMPARE(created.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("trigger")),
             QStringLiteral("manual"));
    QVERIFY(!created.value(QStringLiteral("finished")).toBool());
    QCOMPARE(waitFinished(id).value(QStringLiteral("status")).toString(),
             QStringLiteral("success"));

    // "2. Monitor Build Status"
    const QJsonObject latest =
        QJsonDocument::fromJson(
            curl(QStringLiteral(
                R"(curl http://localhost:4000/workspace/builds/1/detailed?limit=1 \
  -H "Authorization: Bearer <token>")")))
            .object();
    const QJsonArray builds = latest.value(QStringLiteral("builds")).toArray();
    QCOMPARE(builds.size(), 1);
    QCOMPARE(latest.value(QStringLiteral("total")).toInteger(), 2);
    QCOMPARE(builds.first().toObject().value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(builds.first().toObject().value(QStringLiteral("build_logs")).toString(),
             QStringLiteral("hi\n"));

    const QString specific =
        QStringLiteral(R"(curl http://localhost:4000/workspace/build/123/details \
  -H "Authorization: Bearer <token>")");
    const QJsonObject details =
        QJsonDocument::fromJson(
            curl(QString(specific).replace(QStringLiteral("123"), QString::number(id))))
            .object();
    QCOMPARE(details.value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(details.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
    QCOMPARE(details.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(details.value(QStringLiteral("progress")).toInt(), 100);
    QCOMPARE(details.value(QStringLiteral("live_output")).toString(), QStringLiteral("hi\n"));
    QCOMPARE(details.value(QStringLiteral("live_output_truncated")).toBool(), false);
    QVERIFY(details.value(QStringLiteral("duration_ms")).toInteger() >= 0);
    QVERIFY(!details.value(QStringLiteral("events")).toArray().isEmpty());

    const QString eventsCommand =
        QStringLiteral(R"(curl http://localhost:4000/workspace/build/123/events \
  -H "Authorization: Bearer <token>")");
    const QJsonArray events =
        QJsonDocument::fromJson(
            curl(QString(eventsCommand).replace(QStringLiteral("123"), QString::number(id))))
            .object()
            .value(QStringLiteral("events"))
            .toArray();
    QVERIFY(events.size() >= 4);
    QCOMPARE(events.first().toObject().value(QStringLiteral("event_type")).toString(),
             QStringLiteral("created"));
    QCOMPARE(events.last().toObject().value(QStringLiteral("event_type")).toString(),
             QStringLiteral("finished"));
    for (const QJsonValue &event : events) {
        QCOMPARE(event.toObject().value(QStringLiteral("build_id")).toInteger(), id);
        QCOMPARE(event.toObject().keys(), (QStringList{"build_id", "created_at", "event_type", "id",
                                                       "message", "metadata", "phase"}));
    }
    // ?after= returns only the later ones.
    const qint64 third = events.at(2).toObject().value(QStringLiteral("id")).toInteger();
    const QJsonArray later =
        m_api->get(QStringLiteral("/workspace/build/%1/events?after=%2").arg(id).arg(third))
            .object()
            .value(QStringLiteral("events"))
            .toArray();
    QCOMPARE(later.size(), events.size() - 3);
    QVERIFY(later.first().toObject().value(QStringLiteral("id")).toInteger() > third);
}

void tst_HttpApi::everyRouteWantsTheToken_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("authorization");

    const QList<QPair<QByteArray, QString>> routes{
        {"POST", QStringLiteral("/workspace/build/create")},
        {"GET", QStringLiteral("/workspace/build/1/details")},
        {"GET", QStringLiteral("/workspace/build/1/events")},
        {"GET", QStringLiteral("/workspace/build/1/logs")},
        {"GET", QStringLiteral("/workspace/build/1/stream")},
        {"GET", QStringLiteral("/workspace/builds/1/detailed")},
        {"GET", QStringLiteral("/cctray.xml")},
        {"GET", QStringLiteral("/no/such/route")},
    };
    const QList<QPair<const char *, QByteArray>> credentials{
        {"no header", QByteArray()},
        {"wrong token", QByteArray("Bearer 0123456789abcdef")},
        {"wrong scheme", QByteArray("Token ") + "TOKEN"},
        {"basic with a wrong password", "Basic " + QByteArray("u:nope").toBase64()},
    };
    for (const auto &[method, path] : routes) {
        for (const auto &[name, header] : credentials)
            QTest::addRow("%s %s, %s", method.constData(), qPrintable(path), name)
                << method << path << header;
    }
}

void tst_HttpApi::everyRouteWantsTheToken()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, authorization);
    authorization.replace("TOKEN", m_token.toUtf8()); // the right token in the wrong scheme
    HttpTestClient anonymous(m_base);
    HttpTestClient::Headers headers;
    if (!authorization.isEmpty())
        headers.append({"Authorization", authorization});
    const HttpResult result =
        method == "POST"
            ? anonymous.postRaw(path, R"({"projectId": "hello", "workspaceId": "local"})",
                                headers +
                                    HttpTestClient::Headers{{"Content-Type", "application/json"}})
            : anonymous.get(path, headers);
    QCOMPARE(result.status, 401);
    QVERIFY(result.header("WWW-Authenticate").contains("Bearer"));
    const QJsonObject error = result.object().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("status")).toInt(), 401);
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY(!result.body.contains(m_token.toUtf8()));
}

void tst_HttpApi::basicAuthCarriesTheTokenForMonitors()
{
    HttpTestClient monitor(m_base);
    const HttpResult feed =
        monitor.get(QStringLiteral("/cctray.xml"),
                    {{"Authorization", "Basic " + ("ccmenu:" + m_token.toUtf8()).toBase64()}});
    QCOMPARE(feed.status, 200);
    QVERIFY(vw::test::checkCctray(feed.body).problems.isEmpty());
}

void tst_HttpApi::webSocketWantsTheToken()
{
    for (const QByteArray &authorization :
         {QByteArray(), QByteArray("Bearer wrong"), QByteArray("Token ") + m_token.toUtf8()}) {
        QWebSocket socket;
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/workspace/build/%2/stream")
                                         .arg(m_port)
                                         .arg(m_firstBuild)));
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        socket.open(request);
        QVERIFY(disconnected.wait(10'000));
        QCOMPARE(connected.count(), 0);
    }
    // The same with the token connects.
    const Streamed streamed = streamOverWebSocket(m_firstBuild);
    QVERIFY(!streamed.messages.isEmpty());
}

void tst_HttpApi::badRequestsAreExplained_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("mentions");

    const QString create = QStringLiteral("/workspace/build/create");
    QTest::newRow("malformed JSON")
        << QByteArray("POST") << create << QByteArray(R"({"projectId": "1", )") << 400 << "JSON";
    QTest::newRow("no projectId") << QByteArray("POST") << create
                                  << QByteArray(R"({"workspaceId": "local"})") << 400
                                  << "projectId";
    QTest::newRow("no workspaceId") << QByteArray("POST") << create
                                    << QByteArray(R"({"projectId": "1"})") << 400 << "workspaceId";
    QTest::newRow("workspace of another project")
        << QByteArray("POST") << create
        << QByteArray(R"({"projectId": "1", "workspaceId": "elsewhere"})") << 400 << "local";
    QTest::newRow("metadata not an object")
        << QByteArray("POST") << create
        << QByteArray(R"({"projectId": "1", "workspaceId": "local", "metadata": [1]})") << 400
        << "metadata";
    QTest::newRow("unknown project id")
        << QByteArray("POST") << create
        << QByteArray(R"({"projectId": "999", "workspaceId": "local"})") << 404 << "999";
    QTest::newRow("GET on create") << QByteArray("GET") << create << QByteArray() << 405 << "POST";
    QTest::newRow("limit out of range")
        << QByteArray("GET") << QStringLiteral("/workspace/builds/1/detailed?limit=0")
        << QByteArray() << 400 << "limit";
    QTest::newRow("after not a number")
        << QByteArray("GET") << QStringLiteral("/workspace/build/1/events?after=x") << QByteArray()
        << 400 << "after";
    QTest::newRow("a phase that does not exist")
        << QByteArray("GET") << QStringLiteral("/workspace/build/1/logs?phase=deploy")
        << QByteArray() << 400 << "phase";
    QTest::newRow("negative offset")
        << QByteArray("GET") << QStringLiteral("/workspace/build/1/logs?offset=-5") << QByteArray()
        << 400 << "offset";
    QTest::newRow("log_bytes too large")
        << QByteArray("GET") << QStringLiteral("/workspace/build/1/details?log_bytes=99999999")
        << QByteArray() << 400 << "log_bytes";
}

void tst_HttpApi::badRequestsAreExplained()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, mentions);
    const HttpResult result =
        method == "POST" ? m_api->postRaw(path, body, {{"Content-Type", "application/json"}})
                         : m_api->get(path);
    QCOMPARE(result.status, status);
    const QJsonObject error = result.object().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("status")).toInt(), status);
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(mentions),
             result.body.constData());
}

void tst_HttpApi::unknownIdsAreNotFound_data()
{
    QTest::addColumn<QString>("path");
    for (const char *action : {"details", "events", "logs", "stream"}) {
        QTest::addRow("%s of a build that is none", action)
            << QStringLiteral("/workspace/build/987654/%1").arg(QLatin1String(action));
        QTest::addRow("%s of a word", action)
            << QStringLiteral("/workspace/build/abc/%1").arg(QLatin1String(action));
    }
    QTest::newRow("builds of a project that is none")
        << QStringLiteral("/workspace/builds/987654/detailed");
    QTest::newRow("builds of a word") << QStringLiteral("/workspace/builds/web/detailed");
    QTest::newRow("a route that is none") << QStringLiteral("/workspace/build/1/artifacts");
}

void tst_HttpApi::unknownIdsAreNotFound()
{
    QFETCH(QString, path);
    const HttpResult result = m_api->get(path);
    QCOMPARE(result.status, 404);
    QCOMPARE(result.object()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toInt(),
             404);
}

void tst_HttpApi::logsAreReadByByteRanges()
{
    const qint64 id = startBuild(QStringLiteral("slow"));
    QVERIFY(id > 0);
    const QJsonObject done = waitFinished(id);
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
    const QByteArray whole = wholeLog(id);
    QVERIFY2(whole.contains("line 12 \xc3\xbc") && whole.contains("warn 12"), whole.constData());

    // A tail shorter than the log: cut, on a character, saying where it starts.
    const QJsonObject details =
        m_api->get(QStringLiteral("/workspace/build/%1/details?log_bytes=50").arg(id)).object();
    const QJsonObject live = details.value(QStringLiteral("logs"))
                                 .toObject()
                                 .value(QStringLiteral("live_output"))
                                 .toObject();
    QCOMPARE(live.value(QStringLiteral("size")).toInteger(), whole.size());
    QCOMPARE(details.value(QStringLiteral("live_output_truncated")).toBool(), true);
    const qint64 tailOffset = live.value(QStringLiteral("offset")).toInteger();
    QVERIFY(tailOffset >= whole.size() - 50 && tailOffset <= whole.size() - 47);
    QCOMPARE(details.value(QStringLiteral("live_output")).toString().toUtf8(),
             whole.mid(tailOffset));

    // The rest in ranges of 37 bytes, each continuing where the last ended.
    QByteArray paged;
    qint64 offset = 0;
    while (offset < whole.size()) {
        const HttpResult range = m_api->get(
            QStringLiteral("/workspace/build/%1/logs?offset=%2&length=37").arg(id).arg(offset));
        QCOMPARE(range.status, 200);
        QCOMPARE(range.header("X-Log-Offset").toLongLong(), offset);
        QCOMPARE(range.header("X-Log-Size").toLongLong(), whole.size());
        QCOMPARE(range.header("X-Build-Finished"), QByteArray("true"));
        QVERIFY(range.body.size() <= 37 && !range.body.isEmpty());
        paged += range.body;
        offset = range.header("X-Log-Next-Offset").toLongLong();
        QCOMPARE(offset, qint64(paged.size()));
    }
    QCOMPARE(paged, whole);
    const HttpResult past =
        m_api->get(QStringLiteral("/workspace/build/%1/logs?offset=%2").arg(id).arg(whole.size()));
    QCOMPARE(past.status, 200);
    QVERIFY(past.body.isEmpty());

    // One phase and one stream.
    const HttpResult stderrOnly =
        m_api->get(QStringLiteral("/workspace/build/%1/logs?phase=build&stream=stderr").arg(id));
    QVERIFY(stderrOnly.body.startsWith("warn 1\n"));
    QVERIFY(!stderrOnly.body.contains("line"));
    QCOMPARE(m_api->get(QStringLiteral("/workspace/build/%1/logs?phase=install").arg(id)).body,
             QByteArray());
}

tst_HttpApi::Streamed tst_HttpApi::streamOverWebSocket(qint64 buildId, int timeoutMs)
{
    Streamed streamed;
    QWebSocket socket;
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                     [&streamed](const QString &text) {
                         streamed.messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
                     });
    QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
    QNetworkRequest request(QUrl(
        QStringLiteral("ws://127.0.0.1:%1/workspace/build/%2/stream").arg(m_port).arg(buildId)));
    request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    socket.open(request);
    disconnected.wait(timeoutMs);
    streamed.closedNormally = socket.closeCode() == QWebSocketProtocol::CloseCodeNormal;
    return streamed;
}

// Every event of the build once, in id order, the whole output back to back, "build" first and
// "end" last — compared with what the store has once the build is over.
void tst_HttpApi::verifyStream(const QList<QJsonObject> &messages, qint64 buildId)
{
    QVERIFY(messages.size() >= 3);
    QCOMPARE(messages.first().value(QStringLiteral("type")).toString(), QStringLiteral("build"));
    QCOMPARE(messages.last().value(QStringLiteral("type")).toString(), QStringLiteral("end"));
    const QJsonObject end = messages.last().value(QStringLiteral("build")).toObject();
    QCOMPARE(end.value(QStringLiteral("id")).toInteger(), buildId);
    QVERIFY(end.value(QStringLiteral("finished")).toBool());

    QList<qint64> eventIds;
    QByteArray output;
    for (const QJsonObject &message : messages) {
        const QString type = message.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("event")) {
            const QJsonObject event = message.value(QStringLiteral("event")).toObject();
            QCOMPARE(event.value(QStringLiteral("build_id")).toInteger(), buildId);
            eventIds << event.value(QStringLiteral("id")).toInteger();
        } else if (type == QLatin1String("log")) {
            QCOMPARE(message.value(QStringLiteral("offset")).toInteger(), qint64(output.size()));
            output += message.value(QStringLiteral("text")).toString().toUtf8();
        } else {
            QVERIFY2(type == QLatin1String("build") || type == QLatin1String("end"),
                     qPrintable(type));
        }
    }
    QList<qint64> storedIds;
    for (const QJsonValue &event : allEvents(buildId))
        storedIds << event.toObject().value(QStringLiteral("id")).toInteger();
    QCOMPARE(eventIds, storedIds);
    QCOMPARE(output, wholeLog(buildId));
}

void tst_HttpApi::streamDeliversABuildOnce()
{
    const qint64 id = startBuild(QStringLiteral("slow"));
    QVERIFY(id > 0);
    const Streamed streamed = streamOverWebSocket(id);
    QVERIFY(streamed.closedNormally);
    verifyStream(streamed.messages, id);
    // Live, not replayed at the end: several log messages came while the build ran.
    int logs = 0;
    for (const QJsonObject &message : streamed.messages)
        logs += message.value(QStringLiteral("type")).toString() == QLatin1String("log");
    QVERIFY(logs >= 6);
    QCOMPARE(streamed.messages.last()
                 .value(QStringLiteral("build"))
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toString(),
             QStringLiteral("success"));
    // A finished build streams what is stored, then ends.
    const Streamed again = streamOverWebSocket(id);
    QVERIFY(again.closedNormally);
    verifyStream(again.messages, id);
}

void tst_HttpApi::streamJoinedMidBuildMissesNothing()
{
    const qint64 id = startBuild(QStringLiteral("slow"));
    QVERIFY(id > 0);
    // Join once output has been stored and while the build still runs.
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QJsonObject build =
                m_api->get(QStringLiteral("/workspace/build/%1/details").arg(id)).object();
            return build.value(QStringLiteral("live_output"))
                       .toString()
                       .contains(QStringLiteral("line 3")) &&
                   !build.value(QStringLiteral("finished")).toBool();
        },
        30'000));
    const Streamed streamed = streamOverWebSocket(id);
    QVERIFY(streamed.closedNormally);
    verifyStream(streamed.messages, id);
}

void tst_HttpApi::streamOverHttpForCurl()
{
    const qint64 id = startBuild(QStringLiteral("slow"));
    QVERIFY(id > 0);
    const QByteArray ndjson =
        curl(QStringLiteral("curl -sN http://localhost:4000/workspace/build/%1/stream "
                            "-H \"Authorization: Bearer <token>\"")
                 .arg(id));
    QList<QJsonObject> messages;
    for (const QByteArray &line : ndjson.split('\n')) {
        if (!line.isEmpty())
            messages << QJsonDocument::fromJson(line).object();
    }
    verifyStream(messages, id);
}

void tst_HttpApi::cctrayFollowsBuilds()
{
    QVERIFY(writeProject(QStringLiteral("feed"), kSlowMakefile));
    const qint64 first = startBuild(QStringLiteral("feed"));
    QVERIFY(first > 0);
    // Building, with no verdict yet.
    QMap<QString, QString> project = cctrayProject(QStringLiteral("feed"));
    QCOMPARE(project.value(QStringLiteral("activity")), QStringLiteral("Building"));
    QCOMPARE(project.value(QStringLiteral("lastBuildStatus")), QStringLiteral("Unknown"));
    QCOMPARE(project.value(QStringLiteral("lastBuildLabel")), QString());
    QCOMPARE(
        project.value(QStringLiteral("webUrl")),
        QStringLiteral("http://127.0.0.1:%1/workspace/build/%2/details").arg(m_port).arg(first));

    const QJsonObject succeeded = waitFinished(first);
    QCOMPARE(succeeded.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
    project = cctrayProject(QStringLiteral("feed"));
    QCOMPARE(project.value(QStringLiteral("activity")), QStringLiteral("Sleeping"));
    QCOMPARE(project.value(QStringLiteral("lastBuildStatus")), QStringLiteral("Success"));
    QCOMPARE(project.value(QStringLiteral("lastBuildLabel")), QString::number(first));
    QCOMPARE(
        QDateTime::fromString(project.value(QStringLiteral("lastBuildTime")), Qt::ISODate).toUTC(),
        QDateTime::fromString(succeeded.value(QStringLiteral("completed_at")).toString(),
                              Qt::ISODateWithMs)
            .toUTC()
            .addMSecs(
                -QDateTime::fromString(succeeded.value(QStringLiteral("completed_at")).toString(),
                                       Qt::ISODateWithMs)
                     .time()
                     .msec()));

    // Broken: Failure, and a new label.
    QVERIFY(writeProject(QStringLiteral("feed"), kFailingMakefile));
    const qint64 second = startBuild(QStringLiteral("feed"));
    const QJsonObject failed = waitFinished(second);
    QCOMPARE(failed.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(failed.value(QStringLiteral("error_message")).toString(),
             QStringLiteral("error: boom"));
    project = cctrayProject(QStringLiteral("feed"));
    QCOMPARE(project.value(QStringLiteral("activity")), QStringLiteral("Sleeping"));
    QCOMPARE(project.value(QStringLiteral("lastBuildStatus")), QStringLiteral("Failure"));
    QCOMPARE(project.value(QStringLiteral("lastBuildLabel")), QString::number(second));
    // The other projects are in the same valid document.
    QVERIFY(!cctrayProject(QStringLiteral("hello")).isEmpty());
}

void tst_HttpApi::tokenFileIsPrivateAndNeverPrinted()
{
    const QFileInfo token(m_home.filePath(QStringLiteral("api-token")));
    QCOMPARE(token.permissions() &
                 (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
             QFile::Permissions());
    const QByteArray printed = m_server.readAllStandardOutput() + m_server.readAllStandardError();
    QVERIFY(!printed.isEmpty());
    QVERIFY(!printed.contains(m_token.toUtf8()));

    // A second server on the same file uses the same token.
    QProcess second;
    second.setProcessEnvironment(vw::test::privateHomeEnvironment(m_home.path()));
    second.start(QStringLiteral(VW_CLI_BINARY),
                 {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                  QStringLiteral("--token-file"), token.filePath()});
    QVERIFY(QTest::qWaitFor([&] { return second.canReadLine(); }, 30'000));
    const QString line = QString::fromUtf8(second.readLine()).trimmed();
    QVERIFY2(line.startsWith(QStringLiteral("listening on http://127.0.0.1:")), qPrintable(line));
    HttpTestClient client(line.mid(QStringLiteral("listening on ").size()), m_token);
    QCOMPARE(client.get(QStringLiteral("/workspace/builds/1/detailed?limit=1")).status, 200);
    second.terminate();
    QVERIFY(second.waitForFinished(15'000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 0);
}

void tst_HttpApi::webSocketOfAnUnknownBuildIsRefused()
{
    QWebSocket socket;
    QList<QJsonObject> messages;
    connect(&socket, &QWebSocket::textMessageReceived, this, [&messages](const QString &text) {
        messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
    QNetworkRequest request(
        QUrl(QStringLiteral("ws://127.0.0.1:%1/workspace/build/987654/stream").arg(m_port)));
    request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    socket.open(request);
    QVERIFY(disconnected.wait(10'000));
    QCOMPARE(int(socket.closeCode()), 4404);
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().value(QStringLiteral("type")).toString(), QStringLiteral("error"));
    QCOMPARE(messages.first()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toInt(),
             404);
}

QTEST_GUILESS_MAIN(tst_HttpApi)
#include "tst_httpapi.moc"
