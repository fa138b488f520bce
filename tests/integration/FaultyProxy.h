#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

// A TCP pass-through to a real server that can misbehave on purpose, to test a client's
// fallbacks against the real server behind it:
// - refuseWebSockets: upgrade requests get "400 Bad Request" (a proxy without WebSocket support);
// - cutWebSocketsAfter: a WebSocket connection is dropped after that many bytes from the server
//   (a network failure in the middle of a stream);
// - stallWebSocketsAfter: it goes silent instead, without closing (a half-open connection).
// Addresses of the real server in answers are rewritten to the proxy's, so clients keep talking
// through it (the proxy takes a port with as many digits, so lengths do not change).
class FaultyProxy : public QObject
{
public:
    bool refuseWebSockets = false;
    qint64 cutWebSocketsAfter = -1;
    // A WebSocket connection goes silent (stays open, forwards nothing more either way) after
    // that many bytes from the server: a half-open connection.
    qint64 stallWebSocketsAfter = -1;
    int webSocketsCut = 0;
    int webSocketsStalled = 0;
    int webSocketsRefused = 0;

    explicit FaultyProxy(quint16 targetPort)
        : m_targetPort(targetPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &FaultyProxy::accept);
    }

    bool listen()
    {
        // Same number of digits as the target port, so rewriting keeps Content-Length right.
        const int digits = QByteArray::number(m_targetPort).size();
        for (int attempt = 0; attempt < 200; ++attempt) {
            if (!m_server.listen(QHostAddress::LocalHost))
                return false;
            if (QByteArray::number(m_server.serverPort()).size() == digits)
                return true;
            m_server.close();
        }
        return false;
    }

    quint16 port() const { return m_server.serverPort(); }

private:
    struct Pipe
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray clientBuffer; // until the first request's headers are complete
        bool decided = false;
        bool webSocket = false;
        bool stalled = false;
        qint64 fromServer = 0;
        QByteArray heldBack; // tail that may hold the start of an address to rewrite
    };

    void accept()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            auto pipe = std::make_shared<Pipe>();
            pipe->client = client;
            pipe->upstream = new QTcpSocket(client);
            connect(client, &QTcpSocket::readyRead, this, [this, pipe] { fromClient(pipe); });
            connect(pipe->upstream, &QTcpSocket::readyRead, this,
                    [this, pipe] { fromServer(pipe); });
            connect(client, &QTcpSocket::disconnected, this, [pipe] {
                if (pipe->upstream)
                    pipe->upstream->disconnectFromHost();
            });
            connect(pipe->upstream, &QTcpSocket::disconnected, this, [pipe] {
                if (pipe->client && pipe->client->isOpen()) {
                    pipe->client->write(pipe->heldBack);
                    pipe->heldBack.clear();
                    pipe->client->disconnectFromHost();
                }
            });
            connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            pipe->upstream->connectToHost(QHostAddress::LocalHost, m_targetPort);
        }
    }

    void fromClient(const std::shared_ptr<Pipe> &pipe)
    {
        const QByteArray data = pipe->client->readAll();
        if (!pipe->upstream || !pipe->upstream->isOpen())
            return;
        if (!pipe->decided) {
            pipe->clientBuffer += data;
            if (!pipe->clientBuffer.contains("\r\n\r\n"))
                return;
            pipe->decided = true;
            pipe->webSocket = pipe->clientBuffer.toLower().contains("upgrade: websocket");
            if (pipe->webSocket && refuseWebSockets) {
                ++webSocketsRefused;
                pipe->client->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                    "Connection: close\r\n\r\n");
                pipe->client->disconnectFromHost();
                return;
            }
            pipe->upstream->write(pipe->clientBuffer);
            pipe->clientBuffer.clear();
            return;
        }
        if (!pipe->stalled)
            pipe->upstream->write(data);
    }

    void fromServer(const std::shared_ptr<Pipe> &pipe)
    {
        QByteArray data = pipe->heldBack + pipe->upstream->readAll();
        pipe->heldBack.clear();
        if (!pipe->client || !pipe->client->isOpen() || pipe->stalled)
            return;
        pipe->fromServer += data.size();
        if (pipe->webSocket && cutWebSocketsAfter >= 0 && pipe->fromServer > cutWebSocketsAfter) {
            ++webSocketsCut;
            const qint64 allowed = data.size() - (pipe->fromServer - cutWebSocketsAfter);
            pipe->client->write(data.left(qMax<qint64>(0, allowed)));
            pipe->client->flush();
            pipe->client->abort();
            pipe->upstream->abort();
            return;
        }
        if (pipe->webSocket && stallWebSocketsAfter >= 0 &&
            pipe->fromServer > stallWebSocketsAfter) {
            ++webSocketsStalled;
            pipe->stalled = true;
            pipe->client->write(data.left(
                qMax<qint64>(0, data.size() - (pipe->fromServer - stallWebSocketsAfter))));
            return;
        }
        const QByteArray from = "127.0.0.1:" + QByteArray::number(m_targetPort);
        const QByteArray to = "127.0.0.1:" + QByteArray::number(port());
        data.replace(from, to);
        // Keep back a tail that is the start of the address, completed by the next read.
        if (!pipe->webSocket) {
            for (qsizetype keep = qMin<qsizetype>(data.size(), from.size() - 1); keep > 0; --keep) {
                if (data.endsWith(from.left(keep))) {
                    pipe->heldBack = data.right(keep);
                    data.chop(keep);
                    break;
                }
            }
        }
        pipe->client->write(data);
    }

    QTcpServer m_server;
    quint16 m_targetPort;
};
