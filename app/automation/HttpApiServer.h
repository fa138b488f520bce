#pragma once

#include "app/automation/HttpApiAuth.h"
#include "app/automation/HttpApiReply.h"
#include "models/Error.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QWebSocket;

namespace vw {
struct Build;
}
namespace vw::engine {
class EngineSession;
}

namespace vw::automation {

// The build HTTP API of the original platform, for scripts and other monitors, on the same
// engine as the app (EngineSession: store, hub, manager) — it re-implements nothing:
//   POST /workspace/build/create               {"projectId", "workspaceId", "metadata"} → 201
//   GET  /workspace/build/{id}/details         the build with log tails (?log_bytes=N) and events
//   GET  /workspace/build/{id}/events          ?after=EVENT_ID&limit=N
//   GET  /workspace/build/{id}/logs            byte ranges: ?phase=&stream=&offset=O&length=L
//   GET  /workspace/build/{id}/stream          WebSocket (or, without Upgrade, NDJSON chunks):
//                                              BuildEventStream's messages
//   GET  /workspace/builds/{projectId}/detailed ?limit=N&log_bytes=N, newest first
//   GET  /cctray.xml                           CctrayFeed
// Every route wants the token (HttpApiAuth); errors are {"error": {"status", "message"}}.
class HttpApiServer : public QObject
{
    Q_OBJECT

public:
    // `session` must have started its engine; `token` is what clients must send.
    HttpApiServer(engine::EngineSession *session, const QString &token, QObject *parent = nullptr);
    ~HttpApiServer() override;

    // Port 0 picks a free one; returns the port listened on.
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    // e.g. "http://127.0.0.1:4000"
    QString baseUrl() const;

private:
    using Reply = HttpApiReplyPtr;

    void handle(const QHttpServerRequest &request, const Reply &reply);
    void handleStream(const QString &id, const QHttpServerRequest &request,
                      QHttpServerResponder &&responder);
    void acceptWebSockets();
    bool admit(const QHttpServerRequest &request, const Reply &reply) const;

    void createBuild(const QByteArray &body, const Reply &reply);
    void buildDetails(qint64 buildId, const QUrlQuery &query, const Reply &reply);
    void buildEvents(qint64 buildId, const QUrlQuery &query, const Reply &reply);
    void buildLogs(qint64 buildId, const QUrlQuery &query, const Reply &reply);
    void projectBuilds(qint64 projectId, const QUrlQuery &query, const Reply &reply);
    void cctray(const QString &baseUrl, const Reply &reply);
    void streamOverHttp(qint64 buildId, const Reply &reply);
    void streamOverWebSocket(QWebSocket *socket);

    // The build `buildId`, or a 404/500 answer.
    void findBuild(qint64 buildId, const Reply &reply, std::function<void(const Build &)> then);
    // The build's JSON with the last `tailBytes` of install_logs, build_logs and live_output.
    void withLogTails(const Build &build, qint64 tailBytes,
                      std::function<void(const QJsonObject &)> then, QObject *context);

    engine::EngineSession *m_session;
    HttpApiAuth m_auth;
    QHttpServer m_http;
    QHostAddress m_address;
    quint16 m_port = 0;
};

} // namespace vw::automation
