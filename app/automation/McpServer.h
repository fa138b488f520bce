#pragma once

#include "app/automation/McpTool.h"

#include <QByteArray>
#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QStringList>

namespace vw::automation {

// The Model Context Protocol's server side, transport-free: JSON-RPC 2.0 messages in
// (receive(), one message without its line end), replies out (messageReady()). Implements the
// lifecycle (initialize with protocol version negotiation, notifications/initialized), ping,
// tools/list and tools/call.
//
// Errors follow the protocol: malformed JSON is a parse error (-32700), a message that is not a
// JSON-RPC request an invalid request (-32600), an unknown method -32601, bad parameters or an
// unknown tool -32602. A tool that fails — bad arguments, a build that does not exist — answers
// a result with isError: true and a sentence the agent can act on.
class McpServer : public QObject
{
    Q_OBJECT

public:
    // Newest first; a client asking for another version gets the newest.
    static inline const QStringList kProtocolVersions = {
        QStringLiteral("2025-11-25"), QStringLiteral("2025-06-18"), QStringLiteral("2025-03-26"),
        QStringLiteral("2024-11-05")};

    enum ErrorCode {
        ParseError = -32700,
        InvalidRequest = -32600,
        MethodNotFound = -32601,
        InvalidParams = -32602,
        InternalError = -32603,
    };

    McpServer(QString name, QString version, QObject *parent = nullptr);
    ~McpServer() override;

    void addTool(McpTool tool);
    const QList<McpTool> &tools() const { return m_tools; }
    // Shown to the client on initialize (how to use the tools together).
    void setInstructions(const QString &instructions) { m_instructions = instructions; }

    // One JSON-RPC message from the client.
    void receive(const QByteArray &message);

    // The version agreed on initialize; empty before.
    QString protocolVersion() const { return m_protocolVersion; }
    // Tool calls still running.
    int pendingCalls() const { return int(m_pending.size()); }

signals:
    // One JSON-RPC message for the client (compact JSON, no line end).
    void messageReady(const QByteArray &message);
    void initialized();

private:
    void handleRequest(const QJsonValue &id, const QString &method, const QJsonObject &params);
    void handleNotification(const QString &method, const QJsonObject &params);
    void initialize(const QJsonValue &id, const QJsonObject &params);
    void callTool(const QJsonValue &id, const QJsonObject &params);
    void reply(const QJsonValue &id, const QJsonObject &result);
    void replyError(const QJsonValue &id, int code, const QString &message,
                    const QJsonValue &data = {});
    void replyToolResult(const QJsonValue &id, const McpToolResult &result);
    void send(const QJsonObject &message);

    QString m_name;
    QString m_version;
    QString m_instructions;
    QString m_protocolVersion;
    QList<McpTool> m_tools;
    QHash<QString, qsizetype> m_toolIndex;
    QList<McpToolJob *> m_pending;
};

} // namespace vw::automation
