#pragma once

#include "app/sandboxd/ApiRequest.h"

#include <QTcpServer>

class QTcpSocket;

namespace vw::sandboxd {

// The listening socket of sandboxd. It reads (without consuming) the head of the first request
// on each new connection: a WebSocket upgrade is handed to webSocketRequested(), anything else
// becomes a pending connection for the QHttpServer bound to this server.
//
// Why not QHttpServer's own upgrade: its internal QWebSocketServer is private, so it cannot echo
// the `X-Daytona-SDK-Version~<v>` subprotocol browsers send (the handshake then fails), and an
// upgrade it refuses cannot be answered with the documented 401/404 error bodies.
class ConnectionSorter : public QTcpServer
{
    Q_OBJECT

public:
    explicit ConnectionSorter(QObject *parent = nullptr);

    // Answers a connection with a complete HTTP response and closes it.
    static void reject(QTcpSocket *socket, int status, const QByteArray &contentType,
                       const QByteArray &body);

signals:
    // The receiver owns the socket from now on; the request bytes are still unread in it.
    void webSocketRequested(QTcpSocket *socket, const vw::sandboxd::ApiRequest &head);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void inspect(QTcpSocket *socket);
    void handOverToHttp(QTcpSocket *socket);
};

} // namespace vw::sandboxd
