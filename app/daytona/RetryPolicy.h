#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QNetworkReply>
#include <QPair>

#include <optional>

namespace vw::daytona {

// When to try a failed call again, and after how long.
// - A 429 is retried for every call: the server throttled it before doing anything.
// - Network errors and 5xx are retried only for idempotent calls (GET, start): a POST that runs
//   a command may have run already, so exec/execute are never blindly repeated.
// - The delay doubles from initialDelayMs up to maxDelayMs; a Retry-After header (seconds or
//   an HTTP date, also the per-throttler Retry-After-{name} form) wins, capped at maxDelayMs.
class RetryPolicy
{
public:
    int maxRetries = 4;
    int initialDelayMs = 500;
    int maxDelayMs = 30'000;

    bool shouldRetry(int attempt, int httpStatus, QNetworkReply::NetworkError networkError,
                     bool idempotent) const;
    int delayMs(int attempt, std::optional<int> retryAfterMs) const;

    // The longest wait any Retry-After / Retry-After-{name} header asks for, in milliseconds.
    static std::optional<int> retryAfterMs(const QList<QPair<QByteArray, QByteArray>> &headers,
                                           const QDateTime &now = QDateTime::currentDateTimeUtc());
};

} // namespace vw::daytona
