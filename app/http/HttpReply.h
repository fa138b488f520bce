#pragma once

#include <QByteArray>
#include <QHttpServerResponder>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

class QIODevice;

namespace vw::http {

// The answer to one HTTP request, which may be written long after the handler returned (the
// sandbox server's sync exec answers when its command exits, a log follow streams until the
// command is done; the build HTTP API answers when the store has).
//
// QHttpServer 6.4 lets a moved-out QHttpServerResponder outlive the handler, but the responder
// keeps a raw socket pointer and the server deletes the socket when the client disconnects. So
// every write first checks the socket through a QPointer: a reply to a vanished client is dropped.
class HttpReply
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // `everyResponse`: headers sent with every answer but sendDownload's (a Cache-Control policy).
    explicit HttpReply(QHttpServerResponder &&responder, Headers everyResponse = {});
    virtual ~HttpReply() = default;

    static std::shared_ptr<HttpReply> create(QHttpServerResponder &&responder)
    {
        return std::make_shared<HttpReply>(std::move(responder));
    }

    bool isConnected() const;
    bool isAnswered() const { return m_answered; }
    // The connection the reply goes to; null once the client is gone. Use it as the context
    // object of connections that should end with the connection.
    QTcpSocket *socket() const { return m_socket.data(); }

    void sendJson(int status, const QJsonValue &body, const Headers &headers = {});
    void sendBytes(int status, const QByteArray &body, const QByteArray &contentType,
                   const Headers &headers = {});
    // A status with an empty body, as gin's AbortWithError sends.
    void sendEmpty(int status);
    // Streams a file as application/octet-stream with Content-Length and the given
    // Content-Disposition, in pieces (the file is never read whole); takes ownership of it.
    void sendDownload(QIODevice *file, const QByteArray &contentDisposition);

    // Chunked transfer: begin once, write pieces as they come, end with the zero-length chunk.
    void beginChunked(int status, const QByteArray &contentType, const Headers &headers = {});
    void writeChunk(const QByteArray &piece);
    void endChunked();
    qint64 bytesToWrite() const;

private:
    bool claim();
    void writeHead(int status, const Headers &headers);

    QHttpServerResponder m_responder;
    Headers m_everyResponse;
    QPointer<QTcpSocket> m_socket;
    bool m_answered = false;
    bool m_chunked = false;
};

using HttpReplyPtr = std::shared_ptr<HttpReply>;

} // namespace vw::http
