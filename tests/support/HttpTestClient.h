#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QString>

namespace vw::test {

// What a finished request returned.
struct HttpResult
{
    int status = 0; // 0 when no HTTP answer came (network error, timeout)
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    bool timedOut = false;

    QByteArray header(const QByteArray &name) const;
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
};

// Small synchronous-looking HTTP client for tests: each call runs the event loop (QSignalSpy
// on QNetworkReply::finished) until the answer is there, so tests read top to bottom.
// Paths are appended to the base URL as given (with their query).
class HttpTestClient
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // token: sent as "Authorization: Bearer <token>" unless empty.
    explicit HttpTestClient(QString baseUrl, QString token = {});

    void setToken(const QString &token) { m_token = token; }
    QString baseUrl() const { return m_baseUrl; }

    HttpResult get(const QString &path, const Headers &headers = {}, int timeoutMs = 15000);
    HttpResult post(const QString &path, const QJsonObject &body, const Headers &headers = {},
                    int timeoutMs = 15000);
    HttpResult postRaw(const QString &path, const QByteArray &body, const Headers &headers = {},
                       int timeoutMs = 15000);
    HttpResult deleteResource(const QString &path, const Headers &headers = {},
                              int timeoutMs = 15000);

    // Starts a request and returns the reply at once (for streaming responses); the caller
    // owns it.
    QNetworkReply *startGet(const QString &path, const Headers &headers = {});
    static HttpResult wait(QNetworkReply *reply, int timeoutMs);

    QNetworkAccessManager &manager() { return m_manager; }
    QNetworkRequest request(const QString &path, const Headers &headers) const;

private:
    QNetworkAccessManager m_manager;
    QString m_baseUrl;
    QString m_token;
};

} // namespace vw::test
