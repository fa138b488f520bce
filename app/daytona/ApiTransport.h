#pragma once

#include "app/daytona/DaytonaConfig.h"
#include "app/daytona/RetryPolicy.h"
#include "models/AsyncJob.h"

#include <QList>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>

class QIODevice;
class QNetworkAccessManager;

namespace vw::daytona {

// One HTTP call to the Daytona API or a sandbox toolbox.
struct HttpCall
{
    QByteArray method = "GET";
    QUrl url;
    QByteArray jsonBody; // sent as application/json when not empty (or when sendEmptyJson)
    bool sendEmptyJson = false;
    // Whether repeating the call is harmless: only then are network errors and 5xx retried.
    bool idempotent = true;
    // Milliseconds without data before giving up; 0: the config's default; -1: never.
    int timeoutMs = 0;
    // Toolbox calls ask the daemon for stdout/stderr markers (daytona-api.md §3.6).
    bool toolbox = false;
    // When set, a successful body is streamed into it as it arrives instead of being kept.
    QPointer<QIODevice> sink;
};

struct HttpResponse
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QList<QNetworkReply::RawHeaderPair> headers;
    qint64 bytesStreamed = 0; // into HttpCall::sink
};

// The HTTP layer of the client: authentication headers, timeouts, retries with backoff, and
// error bodies turned into vw::Error. Every call ends in one job; non-2xx answers fail it.
// Nothing here blocks: replies are handled in the event loop.
class ApiTransport : public QObject
{
    Q_OBJECT

public:
    explicit ApiTransport(DaytonaConfig config, QObject *parent = nullptr);
    ~ApiTransport() override;

    const DaytonaConfig &config() const { return m_config; }
    QNetworkAccessManager *network() const { return m_network; }
    RetryPolicy retryPolicy() const;

    AsyncJobOf<HttpResponse> *send(HttpCall call);

    // A request with our headers (auth, source, split output for toolbox), for callers that
    // drive the reply themselves (log streams, WebSockets).
    QNetworkRequest makeRequest(const QUrl &url, bool toolbox, int timeoutMs) const;

    // {apiUrl}/{segments…}, each segment percent-encoded.
    QUrl apiUrl(const QStringList &segments,
                const QList<QPair<QString, QString>> &query = {}) const;
    static QUrl appendPath(QUrl base, const QStringList &segments,
                           const QList<QPair<QString, QString>> &query = {});

private:
    struct Pending;
    void attempt(const std::shared_ptr<Pending> &pending);
    void handleReply(const std::shared_ptr<Pending> &pending, QNetworkReply *reply);

    DaytonaConfig m_config;
    QNetworkAccessManager *m_network = nullptr;
    QList<QPointer<AsyncJob>> m_jobs;
};

} // namespace vw::daytona

