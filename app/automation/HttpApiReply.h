#pragma once

#include <QByteArray>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

namespace vw::automation {

// The answer to one HTTP API request, written when the store has answered (after the handler
// returned). QHttpServer 6.4 lets a moved-out responder outlive the handler, but it keeps a raw
// socket pointer and the server deletes the socket when the client goes away: every write first
// checks the socket through a QPointer, and a reply to a vanished client is dropped.
class HttpApiReply
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    explicit HttpApiReply(QHttpServerResponder &&responder);

    static std::shared_ptr<HttpApiReply> create(QHttpServerResponder &&responder)
    {
        return std::make_shared<HttpApiReply>(std::move(responder));
    }

    bool isConnected() const;
    // The connection; null once the client is gone (a context object for what ends with it).
    QTcpSocket *socket() const { return m_socket.data(); }

    void sendJson(int status, const QJsonObject &body, const Headers &headers = {});
    // {"error": {"status": N, "message": "…"}}
    void sendError(int status, const QString &message, const Headers &headers = {});
    void sendBytes(int status, const QByteArray &body, const QByteArray &contentType,
                   const Headers &headers = {});

    // Chunked transfer: begin once, write pieces as they come, end with the zero-length chunk.
    void beginChunked(int status, const QByteArray &contentType);
    void writeChunk(const QByteArray &piece);
    void endChunked();

private:
    bool claim();
    void writeHead(int status, const Headers &headers);

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_answered = false;
    bool m_chunked = false;
};

using HttpApiReplyPtr = std::shared_ptr<HttpApiReply>;

} // namespace vw::automation
