#include "app/automation/McpServer.h"

#include "app/automation/JsonSchemaCheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace vw::automation {

McpToolResult McpToolResult::failure(const QString &message)
{
    McpToolResult result;
    result.text = message;
    result.structured = {{QStringLiteral("error"), message}};
    result.isError = true;
    return result;
}

QJsonObject McpTool::toJson() const
{
    QJsonObject tool{{QStringLiteral("name"), name},
                     {QStringLiteral("description"), description},
                     {QStringLiteral("inputSchema"), inputSchema}};
    if (!title.isEmpty())
        tool.insert(QStringLiteral("title"), title);
    if (!outputSchema.isEmpty())
        tool.insert(QStringLiteral("outputSchema"), outputSchema);
    QJsonObject annotations{{QStringLiteral("readOnlyHint"), readOnly}};
    if (!title.isEmpty())
        annotations.insert(QStringLiteral("title"), title);
    tool.insert(QStringLiteral("annotations"), annotations);
    return tool;
}

McpServer::McpServer(QString name, QString version, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_version(std::move(version))
{
}

McpServer::~McpServer()
{
    // Replies of calls still running have nowhere to go.
    for (McpToolJob *job : std::as_const(m_pending))
        job->disconnect(this);
}

void McpServer::addTool(McpTool tool)
{
    m_toolIndex.insert(tool.name, m_tools.size());
    m_tools.append(std::move(tool));
}

void McpServer::receive(const QByteArray &message)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(message, &error);
    if (error.error != QJsonParseError::NoError) {
        replyError(QJsonValue::Null, ParseError,
                   tr("Parse error: %1 at offset %2").arg(error.errorString()).arg(error.offset));
        return;
    }
    if (document.isArray()) {
        // Batches left JSON-RPC over MCP in 2025-06-18; no client we serve sends them.
        replyError(QJsonValue::Null, InvalidRequest, tr("Batches are not supported"));
        return;
    }
    const QJsonObject object = document.object();
    const QJsonValue id = object.value(QStringLiteral("id"));
    const bool hasId = object.contains(QStringLiteral("id"));
    const QJsonValue method = object.value(QStringLiteral("method"));
    if (object.value(QStringLiteral("jsonrpc")) != QStringLiteral("2.0") || !method.isString() ||
        (hasId && !id.isString() && !id.isDouble())) {
        if (!method.isString() &&
            (object.contains(QStringLiteral("result")) || object.contains(QStringLiteral("error"))))
            return; // a response to a request we never sent: nothing to answer
        replyError(hasId && (id.isString() || id.isDouble()) ? id : QJsonValue(QJsonValue::Null),
                   InvalidRequest,
                   tr("Invalid request: a JSON-RPC 2.0 message needs \"jsonrpc\": \"2.0\", a "
                      "string \"method\" and a string or number \"id\""));
        return;
    }
    const QJsonValue params = object.value(QStringLiteral("params"));
    if (!params.isUndefined() && !params.isObject()) {
        if (hasId)
            replyError(id, InvalidParams, tr("\"params\" must be an object"));
        return;
    }
    if (hasId)
        handleRequest(id, method.toString(), params.toObject());
    else
        handleNotification(method.toString(), params.toObject());
}

void McpServer::handleRequest(const QJsonValue &id, const QString &method,
                              const QJsonObject &params)
{
    if (method == u"initialize")
        return initialize(id, params);
    if (method == u"ping")
        return reply(id, {});
    if (m_protocolVersion.isEmpty())
        return replyError(id, InvalidRequest,
                          tr("The session is not initialized: send \"initialize\" first"));
    if (method == u"tools/list") {
        QJsonArray tools;
        for (const McpTool &tool : std::as_const(m_tools))
            tools.append(tool.toJson());
        return reply(id, {{QStringLiteral("tools"), tools}});
    }
    if (method == u"tools/call")
        return callTool(id, params);
    replyError(id, MethodNotFound, tr("Method not found: %1").arg(method));
}

void McpServer::handleNotification(const QString &method, const QJsonObject &)
{
    // notifications/cancelled and others need no answer; a running tool call just finishes.
    if (method == u"notifications/initialized")
        emit initialized();
}

void McpServer::initialize(const QJsonValue &id, const QJsonObject &params)
{
    const QJsonValue requested = params.value(QStringLiteral("protocolVersion"));
    if (!requested.isString())
        return replyError(id, InvalidParams, tr("\"protocolVersion\" is required"));
    m_protocolVersion = kProtocolVersions.contains(requested.toString())
                            ? requested.toString()
                            : kProtocolVersions.first();
    QJsonObject result{
        {QStringLiteral("protocolVersion"), m_protocolVersion},
        {QStringLiteral("capabilities"),
         QJsonObject{
             {QStringLiteral("tools"), QJsonObject{{QStringLiteral("listChanged"), false}}}}},
        {QStringLiteral("serverInfo"),
         QJsonObject{{QStringLiteral("name"), m_name}, {QStringLiteral("version"), m_version}}},
    };
    if (!m_instructions.isEmpty())
        result.insert(QStringLiteral("instructions"), m_instructions);
    reply(id, result);
}

void McpServer::callTool(const QJsonValue &id, const QJsonObject &params)
{
    const QJsonValue name = params.value(QStringLiteral("name"));
    if (!name.isString())
        return replyError(id, InvalidParams, tr("\"name\" (the tool) is required"));
    const auto found = m_toolIndex.constFind(name.toString());
    if (found == m_toolIndex.cend())
        return replyError(id, InvalidParams, tr("Unknown tool: %1").arg(name.toString()));
    const McpTool &tool = m_tools.at(*found);
    const QJsonValue arguments = params.contains(QStringLiteral("arguments"))
                                     ? params.value(QStringLiteral("arguments"))
                                     : QJsonValue(QJsonObject{});
    if (const std::optional<QString> problem = JsonSchemaCheck::check(tool.inputSchema, arguments))
        return replyToolResult(id,
                               McpToolResult::failure(tr("Invalid arguments: %1").arg(*problem)));

    McpToolJob *job = tool.call(arguments.toObject());
    m_pending.append(job);
    job->onResult(this, [this, id, job](const Result<McpToolResult> &result) {
        m_pending.removeOne(job);
        replyToolResult(id,
                        result ? result.value() : McpToolResult::failure(result.error().message));
    });
}

void McpServer::replyToolResult(const QJsonValue &id, const McpToolResult &result)
{
    QJsonArray content{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                   {QStringLiteral("text"), result.text}}};
    QJsonObject answer{{QStringLiteral("content"), content},
                       {QStringLiteral("isError"), result.isError}};
    if (!result.structured.isEmpty()) {
        answer.insert(QStringLiteral("structuredContent"), result.structured);
        // Clients of the versions before structured results read the JSON as text.
        if (m_protocolVersion < QStringLiteral("2025-06-18")) {
            content.append(QJsonObject{
                {QStringLiteral("type"), QStringLiteral("text")},
                {QStringLiteral("text"),
                 QString::fromUtf8(
                     QJsonDocument(result.structured).toJson(QJsonDocument::Compact))}});
            answer.insert(QStringLiteral("content"), content);
        }
    }
    reply(id, answer);
}

void McpServer::reply(const QJsonValue &id, const QJsonObject &result)
{
    send({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
          {QStringLiteral("id"), id},
          {QStringLiteral("result"), result}});
}

void McpServer::replyError(const QJsonValue &id, int code, const QString &message,
                           const QJsonValue &data)
{
    QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!data.isUndefined() && !data.isNull())
        error.insert(QStringLiteral("data"), data);
    send({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
          {QStringLiteral("id"), id},
          {QStringLiteral("error"), error}});
}

void McpServer::send(const QJsonObject &message)
{
    emit messageReady(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

} // namespace vw::automation
