#include "app/sandboxd/SandboxServer.h"

#include "app/sandboxd/ApiRequest.h"
#include "app/sandboxd/ConnectionSorter.h"
#include "app/sandboxd/ErrorBodies.h"
#include "app/sandboxd/LogStreamer.h"
#include "app/sandboxd/Sandbox.h"
#include "app/sandboxd/SandboxRegistry.h"
#include "app/sandboxd/SessionCommand.h"
#include "models/Log.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QWebSocket>

namespace vw::sandboxd {

namespace {

// Subprotocols echoed in WebSocket handshakes: the X-Daytona-SDK-Version~<v> entries clients
// offered recently (QWebSocketServer only echoes protocols from its supported list).
constexpr qsizetype kRememberedSubprotocols = 32;

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

SandboxServer::SandboxServer(const QString &apiToken, SandboxRegistry *registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
    , m_authenticator(apiToken)
    , m_mainApi(*registry, [this] { return toolboxProxyUrl(); })
    , m_webSockets(QStringLiteral("vaporwatch-sandboxd"), QWebSocketServer::NonSecureMode)
{
    m_registry->setParent(this);
    // sandboxd routes every path itself (RouteTable), so each request reaches the "missing"
    // handler; WebSocket upgrades never get here (ConnectionSorter takes them first).
    m_http.setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handleHttp(ApiRequest::fromServerRequest(request),
                       http::HttpReply::create(std::move(responder)));
        });
    connect(&m_webSockets, &QWebSocketServer::newConnection, this,
            &SandboxServer::acceptWebSockets);
}

SandboxServer::~SandboxServer() = default;

Result<quint16> SandboxServer::listen(quint16 port)
{
    m_sorter = new ConnectionSorter(this);
    if (!m_sorter->listen(QHostAddress::LocalHost, port))
        return Error{QStringLiteral("LISTEN"), QStringLiteral("cannot listen on 127.0.0.1:%1: %2")
                                                   .arg(port)
                                                   .arg(m_sorter->errorString())};
    connect(m_sorter, &ConnectionSorter::webSocketRequested, this,
            &SandboxServer::handleWebSocketRequest);
    m_port = m_sorter->serverPort();
    m_http.bind(m_sorter);
    return m_port;
}

QString SandboxServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

std::optional<SandboxServer::ToolboxTarget>
SandboxServer::toolboxTarget(const QByteArray &encodedPath)
{
    const QList<QByteArray> segments = routeSplitPath(encodedPath);
    qsizetype restStart = 0;
    QByteArray sandbox;
    if (segments.size() >= 2 && segments.at(0) == "toolbox") {
        sandbox = segments.at(1);
        restStart = 2;
    } else if (segments.size() >= 4 && segments.at(0) == "api" && segments.at(1) == "toolbox" &&
               segments.at(3) == "toolbox") {
        sandbox = segments.at(2); // the legacy scheme: /api/toolbox/{id}/toolbox/…
        restStart = 4;
    } else {
        return std::nullopt;
    }
    QByteArray routePath;
    for (qsizetype i = restStart; i < segments.size(); ++i)
        routePath += '/' + segments.at(i);
    return ToolboxTarget{QUrl::fromPercentEncoding(sandbox), routePath.isEmpty() ? "/" : routePath};
}

std::variant<Sandbox *, ToolboxApi::Failure>
SandboxServer::admitToolbox(const ApiRequest &request, const ToolboxTarget &target) const
{
    Sandbox *sandbox = m_registry->find(target.sandboxIdOrName);
    switch (m_authenticator.check(request, sandbox)) {
    case Authenticator::Outcome::Granted:
        break;
    case Authenticator::Outcome::Missing:
        return ToolboxApi::failure(
            401,
            QStringLiteral(
                "missing authentication: send an Authorization bearer token, an "
                "X-Daytona-Preview-Token header or a DAYTONA_SANDBOX_AUTH_KEY parameter"),
            target.routePath, request.method());
    case Authenticator::Outcome::Invalid:
        return ToolboxApi::failure(401, QStringLiteral("authentication failed: invalid token"),
                                   target.routePath, request.method());
    }
    if (!sandbox)
        return ToolboxApi::failure(
            404, QStringLiteral("sandbox %1 not found").arg(target.sandboxIdOrName),
            target.routePath, request.method());
    if (sandbox->state() != Sandbox::State::Started)
        return ToolboxApi::failure(
            400,
            QStringLiteral("failed to reach the toolbox of sandbox %1 (state %2). Is the Sandbox "
                           "started?")
                .arg(sandbox->name(), Sandbox::stateName(sandbox->state())),
            target.routePath, request.method());
    if (request.header("X-Daytona-Skip-Last-Activity-Update") != "true")
        sandbox->touch();
    return sandbox;
}

void SandboxServer::handleHttp(const ApiRequest &request, const http::HttpReplyPtr &reply)
{
    log::get("sandboxd")->debug("{} {}", request.method(), request.path());
    if (const auto target = toolboxTarget(request.encodedPath())) {
        auto admitted = admitToolbox(request, *target);
        if (auto *refusal = std::get_if<ToolboxApi::Failure>(&admitted))
            return reply->sendJson(refusal->status, refusal->body);
        m_toolboxApi.handle({*std::get<Sandbox *>(admitted), request, target->routePath, reply});
        return;
    }
    if (m_authenticator.check(request, nullptr) != Authenticator::Outcome::Granted)
        return MainApi::fail(request, reply, 401, QStringLiteral("Unauthorized"));
    m_mainApi.handle(request, reply);
}

void SandboxServer::handleWebSocketRequest(QTcpSocket *socket, const ApiRequest &head)
{
    const auto target = toolboxTarget(head.encodedPath());
    if (!target) {
        // e.g. the SDK's socket.io event channel under /api/socket.io: not served here.
        return ConnectionSorter::reject(
            socket, 404, "application/json",
            compactJson(ErrorBodies::mainApi(404, QStringLiteral("Cannot GET %1").arg(head.path()),
                                             head.path())));
    }
    auto admitted = admitToolbox(head, *target);
    if (auto *refusal = std::get_if<ToolboxApi::Failure>(&admitted))
        return ConnectionSorter::reject(socket, refusal->status, "application/json",
                                        compactJson(refusal->body));
    auto resolved =
        m_toolboxApi.resolveLogs(*std::get<Sandbox *>(admitted), target->routePath, head);
    if (auto *refusal = std::get_if<ToolboxApi::Failure>(&resolved))
        return ConnectionSorter::reject(socket, refusal->status, "application/json",
                                        compactJson(refusal->body));
    const auto &logs = std::get<ToolboxApi::LogsTarget>(resolved);

    if (const auto offered = OutputFormat::sdkSubprotocol(head.header("Sec-WebSocket-Protocol"))) {
        const QString protocol = QString::fromLatin1(*offered);
        if (!m_offeredSubprotocols.contains(protocol)) {
            m_offeredSubprotocols.append(protocol);
            if (m_offeredSubprotocols.size() > kRememberedSubprotocols)
                m_offeredSubprotocols.removeFirst();
            m_webSockets.setSupportedSubprotocols(m_offeredSubprotocols);
        }
    }
    m_pendingFollows.insert(
        socket->peerPort(),
        PendingFollow{logs.command, OutputFormat::forRequest(head), logs.follow});
    connect(socket, &QObject::destroyed, this,
            [this, peerPort = socket->peerPort()] { m_pendingFollows.remove(peerPort); });
    m_webSockets.handleConnection(socket);
    // The handshake is already buffered, so no readyRead would come for it.
    emit socket->readyRead();
}

void SandboxServer::acceptWebSockets()
{
    while (QWebSocket *socket = m_webSockets.nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        const auto pending = m_pendingFollows.constFind(socket->peerPort());
        if (pending == m_pendingFollows.cend()) {
            socket->close(QWebSocketProtocol::CloseCodeAbnormalDisconnection);
            continue;
        }
        const PendingFollow follow = pending.value();
        m_pendingFollows.erase(pending);
        followOverWebSocket(socket, follow);
    }
}

void SandboxServer::followOverWebSocket(QWebSocket *socket, const PendingFollow &follow)
{
    // QWebSocket does not expose its send buffer; track it from what was sent and written.
    auto unsent = std::make_shared<qint64>(0);
    connect(socket, &QWebSocket::bytesWritten, socket,
            [unsent](qint64 written) { *unsent = qMax<qint64>(0, *unsent - written); });
    LogStreamer::Sink sink{
        [socket, unsent](const QByteArray &piece) {
            *unsent += piece.size();
            socket->sendBinaryMessage(piece);
        },
        [unsent] { return *unsent; },
        [socket] { socket->close(QWebSocketProtocol::CloseCodeNormal); },
    };
    auto *streamer =
        new LogStreamer(follow.command, follow.follow, !OutputFormat::keepsMarkers(follow.mode),
                        std::move(sink), socket);
    connect(socket, &QWebSocket::bytesWritten, streamer, &LogStreamer::pump);
}

} // namespace vw::sandboxd
