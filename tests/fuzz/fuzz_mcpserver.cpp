// McpServer, the protocol layer agents talk to over stdin (vaporwatch-cli mcp). The input is
// JSON lines, one message each. Whatever they hold, every message the server sends is a
// well-formed JSON-RPC 2.0 response — "jsonrpc": "2.0", an id, and a result object or an error
// with an integer code and a message — each message with an id is answered exactly once under
// it (but a client's response), notifications and responses never, and every tool call has
// ended once the event loop has run (an echo tool with an input schema stands for the real ones).

#include "FuzzSupport.h"

#include "app/automation/McpServer.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

using vw::automation::McpServer;
using vw::automation::McpTool;
using vw::automation::McpToolJob;
using vw::automation::McpToolResult;

namespace {

McpTool echoTool()
{
    McpTool echo;
    echo.name = QStringLiteral("echo");
    echo.title = QStringLiteral("Echo");
    echo.description = QStringLiteral("Answers with its text.");
    echo.inputSchema = QJsonDocument::fromJson(R"({"type": "object",
        "properties": {"text": {"type": "string", "maxLength": 64},
                       "times": {"type": "integer", "minimum": 1, "maximum": 3},
                       "mood": {"enum": ["calm", "loud"]}},
        "required": ["text"], "additionalProperties": false})")
                           .object();
    echo.outputSchema = QJsonDocument::fromJson(R"({"type": "object",
        "properties": {"echo": {"type": "string"}}, "required": ["echo"]})")
                            .object();
    echo.call = [](const QJsonObject &arguments) {
        auto *job = new McpToolJob;
        const QString text = arguments.value(QStringLiteral("text"))
                                 .toString()
                                 .repeated(arguments.value(QStringLiteral("times")).toInt(1));
        if (text == u"fail")
            job->fail({QStringLiteral("BOOM"), QStringLiteral("The echo broke.")});
        else
            job->succeed(McpToolResult{text, {{QStringLiteral("echo"), text}}, false});
        return job;
    };
    return echo;
}

// The id a line carries (a string or a number; none otherwise), and whether it wants an answer
// under that id: JSON-RPC 2.0 answers every message with an id but a response (no method, a
// result or an error), invalid ones included ("Invalid Request" under their id).
struct Sent
{
    std::optional<QJsonValue> id;
    bool wantsAnswer = false;
};

Sent sentIn(const QByteArray &line)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return {};
    const QJsonObject message = document.object();
    const QJsonValue id = message.value(QStringLiteral("id"));
    if (!id.isString() && !id.isDouble())
        return {};
    const bool isResponse =
        !message.value(QStringLiteral("method")).isString() &&
        (message.contains(QStringLiteral("result")) || message.contains(QStringLiteral("error")));
    return {id, !isResponse};
}

void checkResponse(const QByteArray &text, QList<QJsonValue> &ids)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    VW_FUZZ_CHECK(error.error == QJsonParseError::NoError && document.isObject());
    VW_FUZZ_CHECK(!text.contains('\n')); // one line each
    const QJsonObject response = document.object();
    VW_FUZZ_CHECK(response.value(QStringLiteral("jsonrpc")) == QStringLiteral("2.0"));
    const QJsonValue id = response.value(QStringLiteral("id"));
    VW_FUZZ_CHECK(id.isString() || id.isDouble() || id.isNull());
    const bool isResult = response.contains(QStringLiteral("result"));
    VW_FUZZ_CHECK(isResult != response.contains(QStringLiteral("error")));
    VW_FUZZ_CHECK(response.size() == 3);
    if (isResult) {
        VW_FUZZ_CHECK(response.value(QStringLiteral("result")).isObject());
    } else {
        const QJsonObject failure = response.value(QStringLiteral("error")).toObject();
        const QJsonValue code = failure.value(QStringLiteral("code"));
        VW_FUZZ_CHECK(code.isDouble() && code.toDouble() == double(code.toInt()));
        VW_FUZZ_CHECK(!failure.value(QStringLiteral("message")).toString().isEmpty());
    }
    ids.append(id);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_mcpserver";
    static char *argv[] = {name, nullptr};
    static QCoreApplication application(argc, argv); // tool results arrive through its loop

    McpServer server(QStringLiteral("vaporwatch"), QStringLiteral("fuzz"));
    server.addTool(echoTool());
    QList<QJsonValue> answered;
    QObject::connect(&server, &McpServer::messageReady,
                     [&answered](const QByteArray &text) { checkResponse(text, answered); });

    const QByteArrayView input(reinterpret_cast<const char *>(bytes), qsizetype(size));
    QList<QJsonValue> asked; // the ids of the messages that want an answer
    const QList<QByteArray> lines = input.toByteArray().split('\n');
    for (const QByteArray &line : lines) {
        if (line.trimmed().isEmpty())
            continue; // stdio framing skips blank lines before the server sees them
        const Sent message = sentIn(line);
        if (message.wantsAnswer)
            asked.append(*message.id);
        server.receive(line);
    }
    for (int round = 0; round < 100 && server.pendingCalls() > 0; ++round)
        QCoreApplication::processEvents();
    VW_FUZZ_CHECK(server.pendingCalls() == 0);

    // Each message that wants an answer gets one under its id; the other answers (parse errors,
    // ids that are neither strings nor numbers) carry null.
    for (const QJsonValue &id : std::as_const(asked)) {
        if (answered.count(id) != asked.count(id))
            vw::fuzz::failEqual("answers to the requests with this id",
                                QJsonDocument(QJsonArray{id, answered.count(id)}).toJson(),
                                QJsonDocument(QJsonArray{id, asked.count(id)}).toJson(), __FILE__,
                                __LINE__);
    }
    for (const QJsonValue &id : std::as_const(answered))
        VW_FUZZ_CHECK(id.isNull() || asked.contains(id));
    VW_FUZZ_CHECK(answered.size() <= lines.size());
    return 0;
}
