#include "app/sandboxd/ApiRequest.h"

#include <QHttpServerRequest>

namespace vw::sandboxd {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

} // namespace

ApiRequest ApiRequest::fromServerRequest(const QHttpServerRequest &request)
{
    ApiRequest copy;
    copy.m_method = methodName(request.method());
    copy.m_url = request.url();
    copy.m_headers = request.headers();
    copy.m_body = request.body();
    return copy;
}

std::optional<ApiRequest> ApiRequest::fromRawHead(QByteArrayView head)
{
    const QList<QByteArray> lines = head.toByteArray().split('\n');
    if (lines.isEmpty())
        return std::nullopt;
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/"))
        return std::nullopt;
    ApiRequest request;
    request.m_method = requestLine.at(0);
    request.m_url = QUrl::fromEncoded(QByteArray("http://localhost") + requestLine.at(1));
    if (!request.m_url.isValid())
        return std::nullopt;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        request.m_headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    return request;
}

QString ApiRequest::queryValue(const QString &key) const
{
    return query().queryItemValue(key, QUrl::FullyDecoded);
}

QByteArray ApiRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QList<QByteArray> ApiRequest::headerValues(QByteArrayView name) const
{
    QList<QByteArray> values;
    for (const auto &[key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return values;
}

bool ApiRequest::isWebSocketUpgrade() const
{
    return header("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
}

} // namespace vw::sandboxd
