#include "app/automation/HttpApiReply.h"

#include "app/automation/BuildApiJson.h"

#include <QJsonDocument>

namespace vw::automation {

HttpApiReply::HttpApiReply(QHttpServerResponder &&responder)
    : m_responder(std::move(responder))
    , m_socket(m_responder.socket())
{
}

bool HttpApiReply::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool HttpApiReply::claim()
{
    if (m_answered || !isConnected())
        return false;
    m_answered = true;
    return true;
}

void HttpApiReply::writeHead(int status, const Headers &headers)
{
    m_responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    for (const auto &[name, value] : headers)
        m_responder.writeHeader(name, value);
}

void HttpApiReply::sendJson(int status, const QJsonObject &body, const Headers &headers)
{
    sendBytes(status, QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n',
              "application/json; charset=utf-8", headers);
}

void HttpApiReply::sendError(int status, const QString &message, const Headers &headers)
{
    sendJson(status, BuildApiJson::error(status, message), headers);
}

void HttpApiReply::sendBytes(int status, const QByteArray &body, const QByteArray &contentType,
                             const Headers &headers)
{
    if (!claim())
        return;
    Headers all = headers;
    all.prepend({"Content-Type", contentType});
    all.append({"Content-Length", QByteArray::number(body.size())});
    all.append({QByteArray("Cache-Control"), QByteArray("no-store")});
    writeHead(status, all);
    m_responder.writeBody(body);
}

void HttpApiReply::beginChunked(int status, const QByteArray &contentType)
{
    if (!claim())
        return;
    m_chunked = true;
    writeHead(status, {{"Content-Type", contentType},
                       {"Transfer-Encoding", "chunked"},
                       {"Cache-Control", "no-store"}});
    // An empty body write ends the header block, so the client sees the response at once.
    m_responder.writeBody("", 0);
}

void HttpApiReply::writeChunk(const QByteArray &piece)
{
    if (!m_chunked || piece.isEmpty() || !isConnected())
        return;
    m_socket->write(QByteArray::number(piece.size(), 16) + "\r\n");
    m_socket->write(piece);
    m_socket->write("\r\n");
}

void HttpApiReply::endChunked()
{
    if (!m_chunked || !isConnected())
        return;
    m_chunked = false;
    m_socket->write("0\r\n\r\n");
}

} // namespace vw::automation
