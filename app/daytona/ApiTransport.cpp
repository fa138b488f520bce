#include "app/daytona/ApiTransport.h"

#include "app/daytona/ErrorParser.h"
#include "models/Log.h"
#include "models/Version.h"

#include <QIODevice>
#include <QNetworkAccessManager>
#include <QTimer>
#include <QUrlQuery>

namespace vw::daytona {

namespace {

constexpr qint64 kDownloadReadBuffer = 1024 * 1024;
const char *const kAbortedByUs = "vwAbortedByUs";
}

struct ApiTransport::Pending
{
    HttpCall call;
    QPointer<AsyncJobOf<HttpResponse>> job;
    int attempt = 0;
    qint64 streamed = 0;
};

ApiTransport::ApiTransport(DaytonaConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_network(new QNetworkAccessManager(this))
{
    m_config.registerSecrets();
    // Daytona redirects nothing we call; following redirects would only risk sending the key
    // somewhere else.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

ApiTransport::~ApiTransport()
{
    // Every job ends with finished(), even when its transport goes away first.
    const auto jobs = m_jobs;
    for (const QPointer<AsyncJob> &job : jobs) {
        if (job)
            job->cancel();
    }
}

RetryPolicy ApiTransport::retryPolicy() const
{
    RetryPolicy policy;
    policy.maxRetries = m_config.maxRetries;
    policy.initialDelayMs = m_config.initialRetryDelayMs;
    policy.maxDelayMs = m_config.maxRetryDelayMs;
    return policy;
}

QUrl ApiTransport::appendPath(QUrl base, const QStringList &segments,
                              const QList<QPair<QString, QString>> &query)
{
    QString path = base.path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    for (const QString &segment : segments)
        path += QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(segment));
    base.setPath(path, QUrl::TolerantMode);
    if (!query.isEmpty()) {
        QUrlQuery urlQuery(base);
        for (const auto &[key, value] : query)
            urlQuery.addQueryItem(QString::fromLatin1(QUrl::toPercentEncoding(key)),
                                  QString::fromLatin1(QUrl::toPercentEncoding(value)));
        base.setQuery(urlQuery);
    }
    return base;
}

QUrl ApiTransport::apiUrl(const QStringList &segments,
                          const QList<QPair<QString, QString>> &query) const
{
    return appendPath(m_config.apiUrl, segments, query);
}

QNetworkRequest ApiTransport::makeRequest(const QUrl &url, bool toolbox, int timeoutMs) const
{
    QNetworkRequest request(url);
    if (!m_config.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_config.apiKey.toUtf8());
    request.setRawHeader("X-Daytona-Source", "vaporwatch");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArray("vaporwatch/") + QByteArray(vw::kVersion));
    // Markers in the log and in exec output, which we demultiplex ourselves; no SDK version,
    // which would switch the daemon's response format (daytona-api.md §3.6).
    if (toolbox)
        request.setRawHeader("X-Daytona-Split-Output", "true");
    if (timeoutMs == 0)
        timeoutMs = m_config.requestTimeoutMs;
    request.setTransferTimeout(timeoutMs < 0 ? 0 : timeoutMs);
    return request;
}

AsyncJobOf<HttpResponse> *ApiTransport::send(HttpCall call)
{
    auto *job = new AsyncJobOf<HttpResponse>;
    m_jobs.removeAll(nullptr);
    m_jobs.append(job);
    auto pending = std::make_shared<Pending>();
    pending->call = std::move(call);
    pending->job = job;
    attempt(pending);
    return job;
}

void ApiTransport::attempt(const std::shared_ptr<Pending> &pending)
{
    if (!pending->job || pending->job->isFinished())
        return;
    const HttpCall &call = pending->call;
    QNetworkRequest request = makeRequest(call.url, call.toolbox, call.timeoutMs);
    QNetworkReply *reply = nullptr;
    if (!call.jsonBody.isEmpty() || call.sendEmptyJson) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        reply = m_network->sendCustomRequest(request, call.method, call.jsonBody);
    } else {
        reply = m_network->sendCustomRequest(request, call.method);
    }
    vw::log::get("daytona")->debug("{} {} (attempt {})", call.method, call.url.toString(),
                                   pending->attempt + 1);

    if (call.sink) {
        // Stream a successful body straight into the sink: downloads are never held whole.
        // The bounded read buffer makes the network wait for us (TCP back-pressure) when the
        // sink or this thread is slower; otherwise Qt would read ahead without limit.
        reply->setReadBufferSize(kDownloadReadBuffer);
        connect(reply, &QIODevice::readyRead, this, [pending, reply] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status < 200 || status >= 300 || !pending->call.sink)
                return; // error bodies are read whole in handleReply
            const QByteArray data = reply->readAll();
            if (pending->call.sink->write(data) != data.size()) {
                reply->setProperty(kAbortedByUs, QStringLiteral("write"));
                reply->abort();
                return;
            }
            pending->streamed += data.size();
        });
    }
    // Abort the request when the job is abandoned (deleted before it finished).
    connect(pending->job, &QObject::destroyed, reply, [reply] {
        if (reply->isRunning()) {
            reply->setProperty(kAbortedByUs, QStringLiteral("abandoned"));
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this,
            [this, pending, reply] { handleReply(pending, reply); });
}

void ApiTransport::handleReply(const std::shared_ptr<Pending> &pending, QNetworkReply *reply)
{
    reply->deleteLater();
    const auto job = pending->job;
    if (!job || job->isFinished())
        return;
    const HttpCall &call = pending->call;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString abortReason = reply->property(kAbortedByUs).toString();

    if (abortReason == QStringLiteral("write")) {
        job->fail(Error{QStringLiteral("WRITE_FAILED"),
                        tr("Could not write the downloaded data: %1")
                            .arg(call.sink ? call.sink->errorString() : QString()),
                        0});
        return;
    }

    const bool success = status >= 200 && status < 300 && reply->error() == QNetworkReply::NoError;
    if (success) {
        HttpResponse response;
        response.status = status;
        if (call.sink) {
            const QByteArray rest = reply->readAll();
            if (!rest.isEmpty() && call.sink->write(rest) != rest.size()) {
                job->fail(Error{
                    QStringLiteral("WRITE_FAILED"),
                    tr("Could not write the downloaded data: %1").arg(call.sink->errorString()),
                    0});
                return;
            }
            pending->streamed += rest.size();
        } else {
            response.body = reply->readAll();
        }
        response.bytesStreamed = pending->streamed;
        response.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        response.headers = reply->rawHeaderPairs();
        job->succeed(std::move(response));
        return;
    }

    Error error;
    if (status > 0) {
        error = ErrorParser::fromHttp(status, reply->readAll());
    } else {
        // Qt reports its own transfer timeout as a cancel; only aborts we asked for are ours.
        const bool timedOut =
            reply->error() == QNetworkReply::OperationCanceledError && abortReason.isEmpty();
        error = ErrorParser::fromNetwork(reply->error(), reply->errorString(), timedOut);
    }
    const RetryPolicy policy = retryPolicy();
    // A partly streamed download cannot be repeated into the same sink.
    const bool retryable =
        pending->streamed == 0 &&
        policy.shouldRetry(pending->attempt, status,
                           error.code == ErrorParser::kTimeout ? QNetworkReply::TimeoutError
                                                               : reply->error(),
                           call.idempotent);
    if (!retryable) {
        vw::log::get("daytona")->debug("{} {} failed: {}", call.method, call.url.toString(),
                                       error.toString());
        job->fail(std::move(error));
        return;
    }
    const int delay =
        policy.delayMs(pending->attempt, RetryPolicy::retryAfterMs(reply->rawHeaderPairs()));
    vw::log::get("daytona")->info("{} {} failed ({}), retrying in {} ms", call.method,
                                  call.url.toString(), error.toString(), delay);
    ++pending->attempt;
    QTimer::singleShot(delay, this, [this, pending] { attempt(pending); });
}

} // namespace vw::daytona
