#include "app/daytona/RetryPolicy.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace vw::daytona {

bool RetryPolicy::shouldRetry(int attempt, int httpStatus, QNetworkReply::NetworkError networkError,
                              bool idempotent) const
{
    if (attempt >= maxRetries)
        return false;
    if (httpStatus == 429)
        return true;
    if (!idempotent)
        return false;
    if (httpStatus >= 500 && httpStatus != 501)
        return true;
    if (httpStatus > 0)
        return false;
    switch (networkError) {
    case QNetworkReply::NoError:
    case QNetworkReply::OperationCanceledError: // we aborted it on purpose
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::HostNotFoundError:
        return false;
    default:
        return true; // refused, reset, timed out, temporary network failure, …
    }
}

int RetryPolicy::delayMs(int attempt, std::optional<int> retryAfterMs) const
{
    if (retryAfterMs)
        return std::clamp(*retryAfterMs, 0, maxDelayMs);
    const double exponential = initialDelayMs * std::pow(2.0, std::min(attempt, 20));
    return static_cast<int>(std::min<double>(exponential, maxDelayMs));
}

std::optional<int> RetryPolicy::retryAfterMs(const QList<QPair<QByteArray, QByteArray>> &headers,
                                             const QDateTime &now)
{
    std::optional<int> longest;
    for (const auto &[name, rawValue] : headers) {
        const QByteArray lower = name.toLower();
        if (lower != "retry-after" && !lower.startsWith("retry-after-"))
            continue;
        const QByteArray value = rawValue.trimmed();
        std::optional<int> ms;
        bool isNumber = false;
        const double seconds = value.toDouble(&isNumber);
        if (isNumber && seconds >= 0) {
            ms = static_cast<int>(std::min(seconds * 1000.0, 24.0 * 3600 * 1000));
        } else {
            // An HTTP date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
            const QDateTime local = QLocale::c().toDateTime(
                QString::fromLatin1(value), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
            if (local.isValid()) {
                const QDateTime when(local.date(), local.time(), Qt::UTC);
                ms = static_cast<int>(std::clamp<qint64>(now.msecsTo(when), 0, 24 * 3600 * 1000));
            }
        }
        if (ms && (!longest || *ms > *longest))
            longest = ms;
    }
    return longest;
}

} // namespace vw::daytona
