#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

class QHttpServerRequest;

namespace vw::sandboxd {

// One HTTP request as sandboxd's handlers see it: a copy, because QHttpServerRequest is reused for
// the next request on the connection while a handler may still be answering (sync exec, follow).
// The same type describes a WebSocket upgrade request, parsed from the raw head.
class ApiRequest
{
public:
    static ApiRequest fromServerRequest(const QHttpServerRequest &request);
    // Parses "GET /path?q HTTP/1.1\r\nName: value\r\n…\r\n\r\n"; nullopt when it is not HTTP.
    static std::optional<ApiRequest> fromRawHead(QByteArrayView head);

    QByteArray method() const { return m_method; }
    // The decoded path, e.g. "/toolbox/abc/process/session".
    QString path() const { return m_url.path(); }
    QByteArray encodedPath() const { return m_url.path(QUrl::FullyEncoded).toLatin1(); }
    QUrlQuery query() const { return QUrlQuery(m_url); }
    QString queryValue(const QString &key) const;
    bool hasQueryItem(const QString &key) const { return query().hasQueryItem(key); }
    // First value of a header, matched case-insensitively; empty when absent.
    QByteArray header(QByteArrayView name) const;
    QList<QByteArray> headerValues(QByteArrayView name) const;
    QByteArray body() const { return m_body; }
    bool isWebSocketUpgrade() const;

private:
    QByteArray m_method;
    QUrl m_url;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
};

} // namespace vw::sandboxd
