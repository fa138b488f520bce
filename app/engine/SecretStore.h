#pragma once

#include "models/AsyncJob.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace vw::engine {

// The secrets Vaporwatch keeps (the Daytona API key, the HTTP API token) live in the desktop's
// keychain — the freedesktop Secret Service (GNOME Keyring, KWallet) through QtKeychain —
// never in settings files, the database, logs or command lines. There is no plaintext fallback:
// without a keychain every call fails with KEYCHAIN_UNAVAILABLE and a message that says so.
// Secrets read are registered with the log redactor.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    static inline const QString kService = QStringLiteral("io.github.vaporwatch.Vaporwatch");
    static inline const QString kDaytonaApiKey = QStringLiteral("daytona-api-key");
    static inline const QString kHttpApiToken = QStringLiteral("http-api-token");

    explicit SecretStore(QString service = kService, QObject *parent = nullptr);

    // The secret, or nullopt when none is stored under `key`.
    AsyncJobOf<std::optional<QString>> *read(const QString &key);
    StatusJob *write(const QString &key, const QString &secret);
    // The secret under `key`; when there is none, `create()`'s, stored first (the HTTP API token
    // is made on first use this way).
    AsyncJobOf<QString> *readOrCreate(const QString &key, std::function<QString()> create);
    // Done also when there was nothing to remove.
    StatusJob *remove(const QString &key);

private:
    QString m_service;
};

} // namespace vw::engine
