#include "app/automation/McpServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using vw::automation::McpServer;
using vw::automation::McpTool;
using vw::automation::McpToolJob;
using vw::automation::McpToolResult;

// The MCP protocol layer on its own: lifecycle, ping, tools/list, tools/call and every kind of
// fault, with a tool whose answer arrives later (like a build's).
class tst_McpServer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void initializeNegotiatesTheVersion_data();
    void initializeNegotiatesTheVersion();
    void protocolFaultsAreJsonRpcErrors_data();
    void protocolFaultsAreJsonRpcErrors();
    void notificationsGetNoAnswer();
    void toolsListDescribesEveryTool();
    void toolCallAnswersWithTextAndStructuredContent();
    void toolFailuresAreResultsWithIsError_data();
    void toolFailuresAreResultsWithIsError();
    void olderClientsGetTheJsonAsTextToo();
    void callsAnswerInTheOrderTheyFinish();

private:
    QJsonObject exchange(const QByteArray &message);
    void initialize(const QString &version = QStringLiteral("2025-06-18"));

    std::unique_ptr<McpServer> m_server;
    std::unique_ptr<QSignalSpy> m_replies;
    int m_delayMs = 0;
};

void tst_McpServer::init()
{
    m_server = std::make_unique<McpServer>(QStringLiteral("vaporwatch"), QStringLiteral("1.2.3"));
    McpTool echo;
    echo.name = QStringLiteral("echo");
    echo.title = QStringLiteral("Echo");
    echo.description = QStringLiteral("Answers with its text, later.");
    echo.readOnly = true;
    echo.inputSchema = QJsonDocument::fromJson(R"({
        "type": "object", "additionalProperties": false, "required": ["text"],
        "properties": {"text": {"type": "string", "minLength": 1},
                       "times": {"type": "integer", "minimum": 1, "maximum": 3},
                       "mood": {"type": "string", "enum": ["plain", "loud"]}}})")
                           .object();
    echo.outputSchema = QJsonDocument::fromJson(R"({"type": "object",
        "properties": {"echo": {"type": "string"}}, "required": ["echo"]})")
                            .object();
    echo.call = [this](const QJsonObject &arguments) {
        auto *job = new McpToolJob;
        const QString text = arguments.value(QStringLiteral("text")).toString();
        const int delay = m_delayMs;
        QTimer::singleShot(delay, job, [job, text, arguments] {
            if (text == u"boom") {
                job->fail({QStringLiteral("BOOM"), QStringLiteral("The echo broke.")});
                return;
            }
            McpToolResult result;
            QString answer = text.repeated(arguments.value(QStringLiteral("times")).toInt(1));
            if (arguments.value(QStringLiteral("mood")) == QStringLiteral("loud"))
                answer = answer.toUpper();
            result.text = QStringLiteral("echo: %1").arg(answer);
            result.structured = {{QStringLiteral("echo"), answer}};
            job->succeed(result);
        });
        return job;
    };
    m_server->addTool(echo);
    m_replies = std::make_unique<QSignalSpy>(m_server.get(), &McpServer::messageReady);
    m_delayMs = 0;
}

QJsonObject tst_McpServer::exchange(const QByteArray &message)
{
    const qsizetype before = m_replies->count();
    m_server->receive(message);
    if (m_replies->count() == before && !m_replies->wait(2000))
        return {};
    const QByteArray reply = m_replies->last().first().toByteArray();
    if (reply.contains('\n'))
        return {{QStringLiteral("invalid"), QStringLiteral("a line end inside a message")}};
    return QJsonDocument::fromJson(reply).object();
}

void tst_McpServer::initialize(const QString &version)
{
    const QJsonObject reply =
        exchange(QStringLiteral(R"({"jsonrpc":"2.0","id":1,"method":"initialize",
        "params":{"protocolVersion":"%1","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})")
                     .arg(version)
                     .toUtf8());
    QVERIFY(reply.contains(QStringLiteral("result")));
}

void tst_McpServer::initializeNegotiatesTheVersion_data()
{
    QTest::addColumn<QString>("requested");
    QTest::addColumn<QString>("agreed");
    QTest::newRow("newest") << "2025-11-25"
                            << "2025-11-25";
    QTest::newRow("2025-06-18") << "2025-06-18"
                                << "2025-06-18";
    QTest::newRow("2025-03-26") << "2025-03-26"
                                << "2025-03-26";
    QTest::newRow("2024-11-05") << "2024-11-05"
                                << "2024-11-05";
    QTest::newRow("unknown future") << "2099-01-01"
                                    << "2025-11-25";
}

void tst_McpServer::initializeNegotiatesTheVersion()
{
    QFETCH(QString, requested);
    QFETCH(QString, agreed);
    QSignalSpy initialized(m_server.get(), &McpServer::initialized);
    const QJsonObject reply =
        exchange(QStringLiteral(R"({"jsonrpc":"2.0","id":"a","method":"initialize",
        "params":{"protocolVersion":"%1","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})")
                     .arg(requested)
                     .toUtf8());
    QCOMPARE(reply.value(QStringLiteral("id")).toString(), QStringLiteral("a"));
    const QJsonObject result = reply.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("protocolVersion")).toString(), agreed);
    QVERIFY(
        result.value(QStringLiteral("capabilities")).toObject().contains(QStringLiteral("tools")));
    QCOMPARE(result.value(QStringLiteral("serverInfo")).toObject().value(QStringLiteral("version")),
             QStringLiteral("1.2.3"));
    m_server->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    QCOMPARE(initialized.count(), 1);
    QCOMPARE(m_server->protocolVersion(), agreed);
}

void tst_McpServer::protocolFaultsAreJsonRpcErrors_data()
{
    QTest::addColumn<bool>("initialized");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<int>("code");
    QTest::addColumn<QJsonValue>("id");
    QTest::newRow("malformed JSON") << true << QByteArray(R"({"jsonrpc":"2.0","id":1,)")
                                    << int(McpServer::ParseError) << QJsonValue(QJsonValue::Null);
    QTest::newRow("binary garbage") << true << QByteArray("\x00\xff\xfe{", 4)
                                    << int(McpServer::ParseError) << QJsonValue(QJsonValue::Null);
    QTest::newRow("no jsonrpc") << true << QByteArray(R"({"id":2,"method":"ping"})")
                                << int(McpServer::InvalidRequest) << QJsonValue(2);
    QTest::newRow("method not a string")
        << true << QByteArray(R"({"jsonrpc":"2.0","id":3,"method":7})")
        << int(McpServer::InvalidRequest) << QJsonValue(3);
    QTest::newRow("id an object") << true
                                  << QByteArray(R"({"jsonrpc":"2.0","id":{},"method":"ping"})")
                                  << int(McpServer::InvalidRequest) << QJsonValue(QJsonValue::Null);
    QTest::newRow("batch") << true << QByteArray(R"([{"jsonrpc":"2.0","id":4,"method":"ping"}])")
                           << int(McpServer::InvalidRequest) << QJsonValue(QJsonValue::Null);
    QTest::newRow("unknown method")
        << true << QByteArray(R"({"jsonrpc":"2.0","id":5,"method":"resources/list"})")
        << int(McpServer::MethodNotFound) << QJsonValue(5);
    QTest::newRow("params an array")
        << true << QByteArray(R"({"jsonrpc":"2.0","id":6,"method":"tools/list","params":[]})")
        << int(McpServer::InvalidParams) << QJsonValue(6);
    QTest::newRow("unknown tool")
        << true
        << QByteArray(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"nope"}})")
        << int(McpServer::InvalidParams) << QJsonValue(7);
    QTest::newRow("tool without name")
        << true << QByteArray(R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{}})")
        << int(McpServer::InvalidParams) << QJsonValue(8);
    QTest::newRow("initialize without version")
        << false << QByteArray(R"({"jsonrpc":"2.0","id":9,"method":"initialize","params":{}})")
        << int(McpServer::InvalidParams) << QJsonValue(9);
    QTest::newRow("tools before initialize")
        << false << QByteArray(R"({"jsonrpc":"2.0","id":10,"method":"tools/list"})")
        << int(McpServer::InvalidRequest) << QJsonValue(10);
}

void tst_McpServer::protocolFaultsAreJsonRpcErrors()
{
    QFETCH(bool, initialized);
    QFETCH(QByteArray, message);
    QFETCH(int, code);
    QFETCH(QJsonValue, id);
    if (initialized)
        initialize();
    const QJsonObject reply = exchange(message);
    QCOMPARE(reply.value(QStringLiteral("jsonrpc")).toString(), QStringLiteral("2.0"));
    QCOMPARE(reply.value(QStringLiteral("id")), id);
    const QJsonObject error = reply.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toInt(), code);
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
    QVERIFY(!reply.contains(QStringLiteral("result")));
}

void tst_McpServer::notificationsGetNoAnswer()
{
    initialize();
    const qsizetype before = m_replies->count();
    m_server->receive(
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})");
    m_server->receive(R"({"jsonrpc":"2.0","method":"notifications/whatever"})");
    m_server->receive(R"({"jsonrpc":"2.0","id":99,"result":{}})"); // a stray response
    QCOMPARE(m_replies->count(), before);
    // ping works before and after initialize
    const QJsonObject pong = exchange(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
    QCOMPARE(pong.value(QStringLiteral("result")).toObject(), QJsonObject{});
}

void tst_McpServer::toolsListDescribesEveryTool()
{
    initialize();
    const QJsonObject reply = exchange(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
    const QJsonArray tools =
        reply.value(QStringLiteral("result")).toObject().value(QStringLiteral("tools")).toArray();
    QCOMPARE(tools.size(), 1);
    const QJsonObject echo = tools.first().toObject();
    QCOMPARE(echo.value(QStringLiteral("name")).toString(), QStringLiteral("echo"));
    QCOMPARE(echo.value(QStringLiteral("inputSchema")).toObject().value(QStringLiteral("type")),
             QStringLiteral("object"));
    QVERIFY(echo.contains(QStringLiteral("outputSchema")));
    QCOMPARE(
        echo.value(QStringLiteral("annotations")).toObject().value(QStringLiteral("readOnlyHint")),
        true);
}

void tst_McpServer::toolCallAnswersWithTextAndStructuredContent()
{
    initialize();
    m_delayMs = 50;
    const QJsonObject reply = exchange(R"({"jsonrpc":"2.0","id":3,"method":"tools/call",
        "params":{"name":"echo","arguments":{"text":"hi","times":2,"mood":"loud"}}})");
    const QJsonObject result = reply.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("isError")).toBool(), false);
    QCOMPARE(result.value(QStringLiteral("structuredContent")).toObject(),
             (QJsonObject{{QStringLiteral("echo"), QStringLiteral("HIHI")}}));
    const QJsonArray content = result.value(QStringLiteral("content")).toArray();
    QCOMPARE(content.size(), 1);
    QCOMPARE(content.first().toObject().value(QStringLiteral("text")).toString(),
             QStringLiteral("echo: HIHI"));
    QCOMPARE(m_server->pendingCalls(), 0);
}

void tst_McpServer::toolFailuresAreResultsWithIsError_data()
{
    QTest::addColumn<QByteArray>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << QByteArray("{}") << "Invalid arguments: `text` is required";
    QTest::newRow("wrong type") << QByteArray(R"({"text":5})")
                                << "Invalid arguments: `text` must be a string";
    QTest::newRow("empty") << QByteArray(R"({"text":""})")
                           << "Invalid arguments: `text` must not be empty";
    QTest::newRow("not an integer") << QByteArray(R"({"text":"a","times":1.5})")
                                    << "Invalid arguments: `times` must be an integer";
    QTest::newRow("too small") << QByteArray(R"({"text":"a","times":0})")
                               << "Invalid arguments: `times` must be at least 1";
    QTest::newRow("too big") << QByteArray(R"({"text":"a","times":4})")
                             << "Invalid arguments: `times` must be at most 3";
    QTest::newRow("not in enum") << QByteArray(R"({"text":"a","mood":"sad"})")
                                 << R"(Invalid arguments: `mood` must be one of "plain", "loud")";
    QTest::newRow("unknown argument")
        << QByteArray(R"({"text":"a","colour":"red"})")
        << "Invalid arguments: unknown argument `colour` (known: mood, text, times)";
    QTest::newRow("arguments not an object")
        << QByteArray(R"("text")") << "Invalid arguments: the arguments must be an object";
    QTest::newRow("the tool fails") << QByteArray(R"({"text":"boom"})") << "The echo broke.";
}

void tst_McpServer::toolFailuresAreResultsWithIsError()
{
    QFETCH(QByteArray, arguments);
    QFETCH(QString, message);
    initialize();
    const QJsonObject reply = exchange(
        R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":)" +
        arguments + "}}");
    QVERIFY2(!reply.contains(QStringLiteral("error")), "a tool failure is not a protocol error");
    const QJsonObject result = reply.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("isError")).toBool(), true);
    QCOMPARE(result.value(QStringLiteral("content"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("text")),
             message);
}

void tst_McpServer::olderClientsGetTheJsonAsTextToo()
{
    initialize(QStringLiteral("2025-03-26"));
    const QJsonObject reply = exchange(R"({"jsonrpc":"2.0","id":5,"method":"tools/call",
        "params":{"name":"echo","arguments":{"text":"x"}}})");
    const QJsonArray content =
        reply.value(QStringLiteral("result")).toObject().value(QStringLiteral("content")).toArray();
    QCOMPARE(content.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(
                 content.at(1).toObject().value(QStringLiteral("text")).toString().toUtf8())
                 .object(),
             (QJsonObject{{QStringLiteral("echo"), QStringLiteral("x")}}));
}

void tst_McpServer::callsAnswerInTheOrderTheyFinish()
{
    initialize();
    m_delayMs = 300;
    m_server->receive(R"({"jsonrpc":"2.0","id":"slow","method":"tools/call",
        "params":{"name":"echo","arguments":{"text":"slow"}}})");
    m_delayMs = 0;
    m_server->receive(R"({"jsonrpc":"2.0","id":"fast","method":"tools/call",
        "params":{"name":"echo","arguments":{"text":"fast"}}})");
    QCOMPARE(m_server->pendingCalls(), 2);
    QTRY_COMPARE(m_server->pendingCalls(), 0);
    const qsizetype n = m_replies->count();
    const auto idOf = [this](qsizetype i) {
        return QJsonDocument::fromJson(m_replies->at(i).first().toByteArray())
            .object()
            .value(QStringLiteral("id"))
            .toString();
    };
    QCOMPARE(idOf(n - 2), QStringLiteral("fast"));
    QCOMPARE(idOf(n - 1), QStringLiteral("slow"));
}

QTEST_GUILESS_MAIN(tst_McpServer)
#include "tst_mcpserver.moc"
