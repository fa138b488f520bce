#include "app/http/HttpReply.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vw::http {

namespace {

using StatusCode = QHttpServerResponder::StatusCode;

QByteArray toJson(const QJsonValue &value)
{
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

} // namespace

HttpReply::HttpReply(QHttpServerResponder &&responder, Headers everyResponse)
    : m_responder(std::move(responder))
    , m_everyResponse(std::move(everyResponse))
    , m_socket(m_responder.socket())
{
}

bool HttpReply::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool HttpReply::claim()
{
    if (m_answered || !isConnected())
        return false;
    m_answered = true;
    return true;
}

void HttpReply::writeHead(int status, const Headers &headers)
{
    m_responder.writeStatusLine(static_cast<StatusCode>(status));
    for (const auto &[name, value] : headers)
        m_responder.writeHeader(name, value);
    for (const auto &[name, value] : m_everyResponse)
        m_responder.writeHeader(name, value);
}

void HttpReply::sendJson(int status, const QJsonValue &body, const Headers &headers)
{
    Headers all = headers;
    all.prepend({"Content-Type", "application/json; charset=utf-8"});
    const QByteArray bytes = toJson(body);
    if (!claim())
        return;
    all.append({"Content-Length", QByteArray::number(bytes.size())});
    writeHead(status, all);
    m_responder.writeBody(bytes);
}

void HttpReply::sendBytes(int status, const QByteArray &body, const QByteArray &contentType,
                          const Headers &headers)
{
    if (!claim())
        return;
    Headers all = headers;
    all.prepend({"Content-Type", contentType});
    all.append({"Content-Length", QByteArray::number(body.size())});
    writeHead(status, all);
    m_responder.writeBody(body);
}

void HttpReply::sendEmpty(int status)
{
    if (!claim())
        return;
    // A 204 carries no Content-Length at all (RFC 9110 §8.6); other statuses say 0.
    writeHead(status, status == 204 ? Headers{} : Headers{{"Content-Length", "0"}});
    m_responder.writeBody("", 0);
}

void HttpReply::sendDownload(QIODevice *file, const QByteArray &contentDisposition)
{
    if (!claim()) {
        delete file;
        return;
    }
    m_responder.write(
        file,
        {{"Content-Type", "application/octet-stream"}, {"Content-Disposition", contentDisposition}},
        StatusCode::Ok);
}

void HttpReply::beginChunked(int status, const QByteArray &contentType, const Headers &headers)
{
    if (!claim())
        return;
    m_chunked = true;
    Headers all = headers;
    all.prepend({"Transfer-Encoding", "chunked"});
    all.prepend({"Content-Type", contentType});
    writeHead(status, all);
    // An empty writeBody ends the header block, so the client sees the response at once.
    m_responder.writeBody("", 0);
}

void HttpReply::writeChunk(const QByteArray &piece)
{
    if (!m_chunked || piece.isEmpty() || !isConnected())
        return;
    m_socket->write(QByteArray::number(piece.size(), 16) + "\r\n");
    m_socket->write(piece);
    m_socket->write("\r\n");
}

void HttpReply::endChunked()
{
    if (!m_chunked || !isConnected())
        return;
    m_chunked = false;
    m_socket->write("0\r\n\r\n");
}

qint64 HttpReply::bytesToWrite() const
{
    return isConnected() ? m_socket->bytesToWrite() : 0;
}

} // namespace vw::http
