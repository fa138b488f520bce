#include "tests/support/HttpTestClient.h"

#include <QNetworkProxy>
#include <QSignalSpy>

namespace vw::test {

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpTestClient::HttpTestClient(QString baseUrl, QString token)
    : m_baseUrl(std::move(baseUrl))
    , m_token(std::move(token))
{
    // Tests talk to 127.0.0.1 only; a proxy from the environment must not get in the way.
    m_manager.setProxy(QNetworkProxy::NoProxy);
}

QNetworkRequest HttpTestClient::request(const QString &path, const Headers &headers) const
{
    QNetworkRequest request{QUrl(m_baseUrl + path)};
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    return request;
}

HttpResult HttpTestClient::wait(QNetworkReply *reply, int timeoutMs)
{
    HttpResult result;
    if (!reply->isFinished()) {
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(timeoutMs)) {
            result.timedOut = true;
            reply->abort();
        }
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    result.error = reply->error();
    reply->deleteLater();
    return result;
}

HttpResult HttpTestClient::get(const QString &path, const Headers &headers, int timeoutMs)
{
    return wait(m_manager.get(request(path, headers)), timeoutMs);
}

HttpResult HttpTestClient::post(const QString &path, const QJsonObject &body,
                                const Headers &headers, int timeoutMs)
{
    Headers withType = headers;
    withType.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return postRaw(path, QJsonDocument(body).toJson(QJsonDocument::Compact), withType, timeoutMs);
}

HttpResult HttpTestClient::postRaw(const QString &path, const QByteArray &body,
                                   const Headers &headers, int timeoutMs)
{
    QNetworkRequest req = request(path, headers);
    if (!req.hasRawHeader("Content-Type"))
        req.setRawHeader("Content-Type", "application/octet-stream");
    return wait(m_manager.post(req, body), timeoutMs);
}

HttpResult HttpTestClient::deleteResource(const QString &path, const Headers &headers,
                                          int timeoutMs)
{
    return wait(m_manager.deleteResource(request(path, headers)), timeoutMs);
}

QNetworkReply *HttpTestClient::startGet(const QString &path, const Headers &headers)
{
    return m_manager.get(request(path, headers));
}

} // namespace vw::test
