#include "app/engine/PreviewLocator.h"

#include "app/daytona/DaytonaClient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <memory>

namespace vw::engine {

QString PreviewHealth::summary() const
{
    if (answered())
        return QCoreApplication::translate("PreviewHealth", "HTTP %1, %2 ms")
            .arg(httpStatus)
            .arg(latencyMs);
    return error.isEmpty() ? QCoreApplication::translate("PreviewHealth", "no answer") : error;
}

PreviewLocator::PreviewLocator(daytona::DaytonaClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_network(new QNetworkAccessManager(this))
{
}

PreviewLocator::~PreviewLocator()
{
    const auto jobs = m_jobs;
    for (const QPointer<AsyncJob> &job : jobs) {
        if (job)
            job->cancel();
    }
}

template<typename T>
AsyncJobOf<T> *PreviewLocator::track(AsyncJobOf<T> *job)
{
    m_jobs.removeIf([](const QPointer<AsyncJob> &tracked) {
        return tracked.isNull() || tracked->isFinished();
    });
    m_jobs.append(job);
    return job;
}

std::optional<int> PreviewLocator::pickPort(const QList<int> &listening,
                                            const QList<int> &candidates)
{
    for (const int port : candidates) {
        if (listening.contains(port))
            return port;
    }
    return std::nullopt;
}

AsyncJobOf<int> *PreviewLocator::detectPort(const QString &sandbox)
{
    auto *job = track(new AsyncJobOf<int>(this));
    if (!m_client) {
        job->fail(Error{QStringLiteral("NO_CLIENT"), tr("No Daytona client."), 0});
        return job;
    }
    QPointer<AsyncJobOf<int>> guard(job);
    const QList<int> candidates = m_candidates;
    m_client->listPorts(sandbox)->onResult(
        this, [guard, candidates](const Result<QList<int>> &listed) {
            if (!guard)
                return;
            if (!listed) {
                guard->fail(listed.error());
                return;
            }
            if (const std::optional<int> port = pickPort(listed.value(), candidates)) {
                guard->succeed(*port);
                return;
            }
            QStringList tried;
            for (const int candidate : candidates)
                tried.append(QString::number(candidate));
            guard->fail(Error{QStringLiteral("NO_DEV_SERVER"),
                              tr("No dev server is listening in the sandbox (tried ports %1)")
                                  .arg(tried.join(QStringLiteral(", "))),
                              0});
        });
    return job;
}

AsyncJobOf<PreviewHealth> *PreviewLocator::checkHealth(const daytona::PreviewLink &link,
                                                       int timeoutMs)
{
    auto *job = track(new AsyncJobOf<PreviewHealth>(this));
    QNetworkRequest request(link.url);
    if (!link.token.isEmpty())
        request.setRawHeader("X-Daytona-Preview-Token", link.token.toUtf8());
    // A health check is no visit: no browser warning page, no activity.
    request.setRawHeader("X-Daytona-Skip-Preview-Warning", "true");
    request.setRawHeader("X-Daytona-Skip-Last-Activity-Update", "true");
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QNetworkReply *reply = m_network->get(request);
    QPointer<AsyncJobOf<PreviewHealth>> guard(job);
    const auto answer = [guard, reply, timer, url = link.url] {
        if (!guard || guard->isFinished())
            return;
        PreviewHealth health;
        health.url = url;
        health.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (health.httpStatus > 0)
            health.latencyMs = timer->elapsed();
        else
            health.error = reply->error() == QNetworkReply::OperationCanceledError
                               ? tr("no answer within the time limit")
                               : reply->errorString();
        guard->succeed(health);
    };
    // The headers are enough: latency is measured to them, and a streaming page never ends.
    connect(reply, &QNetworkReply::metaDataChanged, this, answer);
    connect(reply, &QNetworkReply::finished, this, [answer, reply] {
        answer();
        reply->deleteLater();
    });
    // The headers are the answer; the body is not needed (finished() is delivered queued, so this
    // is never inside the reply's own signal).
    connect(job, &AsyncJob::finished, reply, [reply] {
        // An HTTP error status is already the reply's error; aborting then would set a second.
        if (reply->isRunning() && reply->error() == QNetworkReply::NoError)
            reply->abort();
    });
    return job;
}

AsyncJobOf<PreviewInfo> *PreviewLocator::locate(const QString &sandbox, std::optional<int> port)
{
    auto *job = track(new AsyncJobOf<PreviewInfo>(this));
    if (!m_client) {
        job->fail(Error{QStringLiteral("NO_CLIENT"), tr("No Daytona client."), 0});
        return job;
    }
    if (port && (*port < 1 || *port > 65535)) {
        job->fail(Error{QStringLiteral("INVALID_ARGUMENT"),
                        tr("The port must be between 1 and 65535."), 0});
        return job;
    }
    QPointer<AsyncJobOf<PreviewInfo>> guard(job);
    auto info = std::make_shared<PreviewInfo>();
    info->sandbox = sandbox;
    m_client->listPorts(sandbox)->onResult(
        this, [this, guard, info, port](const Result<QList<int>> &listed) {
            if (!guard || !m_client)
                return;
            if (!listed) {
                guard->fail(listed.error());
                return;
            }
            if (port) {
                info->port = *port;
            } else if (const std::optional<int> found = pickPort(listed.value(), m_candidates)) {
                info->port = *found;
                info->detected = true;
            } else {
                QStringList tried;
                for (const int candidate : std::as_const(m_candidates))
                    tried.append(QString::number(candidate));
                guard->fail(Error{QStringLiteral("NO_DEV_SERVER"),
                                  tr("No dev server is listening in the sandbox (tried ports %1)")
                                      .arg(tried.join(QStringLiteral(", "))),
                                  0});
                return;
            }
            info->listening = listed.value().contains(info->port);
            m_client->previewLink(info->sandbox, info->port)
                ->onResult(this, [this, guard, info](const Result<daytona::PreviewLink> &link) {
                    if (!guard)
                        return;
                    if (!link) {
                        guard->fail(link.error());
                        return;
                    }
                    info->link = link.value();
                    checkHealth(info->link)
                        ->onResult(this, [guard, info](const Result<PreviewHealth> &health) {
                            if (!guard)
                                return;
                            if (health)
                                info->health = health.value();
                            guard->succeed(*info);
                        });
                });
        });
    return job;
}

} // namespace vw::engine
