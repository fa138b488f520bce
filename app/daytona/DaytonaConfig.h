#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace vw::daytona {

// Where and how to reach Daytona. The app fills it from its settings (URL) and the keychain
// (key); withEnvironment() then lets the variables the official SDKs read override both.
struct DaytonaConfig
{
    static inline const QString kDefaultApiUrl = QStringLiteral("https://app.daytona.io/api");

    QUrl apiUrl = QUrl(kDefaultApiUrl);
    QString apiKey;
    QString target; // region for sandbox creation; empty = the organisation's default

    // Timeouts (milliseconds of no data flowing, QNetworkRequest::setTransferTimeout).
    int requestTimeoutMs = 30'000;
    // A synchronous session exec returns only when the command exits: builds take long.
    int longRequestTimeoutMs = 6 * 60 * 60 * 1000;

    // Retries of idempotent calls (network errors, 5xx) and of any call the server throttled
    // (429): capped exponential backoff, Retry-After honoured up to maxRetryDelayMs.
    int maxRetries = 4;
    int initialRetryDelayMs = 500;
    int maxRetryDelayMs = 30'000;

    // DAYTONA_API_URL, DAYTONA_API_KEY, DAYTONA_TARGET override this config, as in the SDKs;
    // DAYTONA_SERVER_URL is the deprecated alias of DAYTONA_API_URL (used only when
    // DAYTONA_API_URL is unset, with a warning in `warnings`). Registers the key with the log
    // redactor.
    DaytonaConfig
    withEnvironment(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                    QStringList *warnings = nullptr) const;

    // The API key is registered as a secret with the log redactor; call after changing it.
    void registerSecrets() const;

    bool hasApiKey() const { return !apiKey.isEmpty(); }
};

} // namespace vw::daytona
