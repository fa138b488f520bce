#pragma once

#include "app/sandboxd/Authenticator.h"
#include "app/sandboxd/MainApi.h"
#include "app/sandboxd/OutputFormat.h"
#include "app/sandboxd/ToolboxApi.h"
#include "models/Error.h"

#include <QHash>
#include <QHttpServer>
#include <QObject>
#include <QWebSocketServer>

#include <memory>

class QTcpSocket;
class QWebSocket;

namespace vw::sandboxd {

class ApiRequest;
class ConnectionSorter;
class SandboxRegistry;
class SessionCommand;

// vaporwatch-sandboxd's server: the Daytona main API under /api and each sandbox's toolbox under
// /toolbox/{sandboxId}/… (plus the legacy /api/toolbox/{sandboxId}/toolbox/…), on 127.0.0.1
// only, with log follow over WebSocket on the same port.
class SandboxServer : public QObject
{
    Q_OBJECT

public:
    SandboxServer(const QString &apiToken, SandboxRegistry *registry, QObject *parent = nullptr);
    ~SandboxServer() override;

    // Listens on 127.0.0.1:port (0 picks a free port) and returns the port.
    Result<quint16> listen(quint16 port);
    quint16 port() const { return m_port; }
    QString baseUrl() const;
    QString toolboxProxyUrl() const { return baseUrl() + QStringLiteral("/toolbox"); }
    SandboxRegistry &registry() const { return *m_registry; }

private:
    // Where a toolbox request goes: the sandbox id or name and the path below the toolbox base.
    struct ToolboxTarget
    {
        QString sandboxIdOrName;
        QByteArray routePath;
    };
    static std::optional<ToolboxTarget> toolboxTarget(const QByteArray &encodedPath);

    struct PendingFollow
    {
        std::shared_ptr<SessionCommand> command;
        OutputFormat::Mode mode;
        bool follow;
    };

    void handleHttp(const ApiRequest &request, const http::HttpReplyPtr &reply);
    // Sandbox lookup, auth and state checks shared by HTTP and WebSocket toolbox requests.
    std::variant<Sandbox *, ToolboxApi::Failure> admitToolbox(const ApiRequest &request,
                                                              const ToolboxTarget &target) const;
    void handleWebSocketRequest(QTcpSocket *socket, const ApiRequest &head);
    void acceptWebSockets();
    void followOverWebSocket(QWebSocket *socket, const PendingFollow &follow);

    SandboxRegistry *m_registry;
    Authenticator m_authenticator;
    MainApi m_mainApi;
    ToolboxApi m_toolboxApi;
    QHttpServer m_http;
    ConnectionSorter *m_sorter = nullptr;
    QWebSocketServer m_webSockets;
    QStringList m_offeredSubprotocols;
    QHash<quint16, PendingFollow> m_pendingFollows;
    quint16 m_port = 0;
};

} // namespace vw::sandboxd
