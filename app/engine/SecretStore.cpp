#include "app/engine/SecretStore.h"

#include "models/Log.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>

#include <qt6keychain/keychain.h>

namespace vw::engine {

namespace {

// Whether a keychain service runs (or can be started) on the session bus. QtKeychain's libsecret
// backend reports a missing bus or service only as OtherError with libsecret's text.
bool keychainServiceReachable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    static const QStringList services{QStringLiteral("org.freedesktop.secrets"),
                                      QStringLiteral("org.kde.kwalletd5"),
                                      QStringLiteral("org.kde.kwalletd6")};
    const QStringList activatable = bus.interface()->activatableServiceNames().value();
    for (const QString &service : services) {
        if (bus.interface()->isServiceRegistered(service).value() || activatable.contains(service))
            return true;
    }
    return false;
}

// One error style: QtKeychain's enum becomes a code and a sentence a user can act on.
Error keychainError(const QKeychain::Job &job)
{
    QKeychain::Error error = job.error();
    if (error == QKeychain::OtherError && !keychainServiceReachable())
        error = QKeychain::NoBackendAvailable;
    switch (error) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return Error{QStringLiteral("KEYCHAIN_UNAVAILABLE"),
                     SecretStore::tr("No keychain is available (a Secret Service such as GNOME "
                                     "Keyring or KWallet must run in the session): %1")
                         .arg(job.errorString())};
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return Error{QStringLiteral("KEYCHAIN_DENIED"),
                     SecretStore::tr("The keychain refused access: %1").arg(job.errorString())};
    default:
        return Error{QStringLiteral("KEYCHAIN_ERROR"),
                     SecretStore::tr("The keychain failed: %1").arg(job.errorString())};
    }
}

} // namespace

SecretStore::SecretStore(QString service, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
{
}

AsyncJobOf<QString> *SecretStore::readOrCreate(const QString &key, std::function<QString()> create)
{
    auto *result = new AsyncJobOf<QString>(this);
    read(key)->onResult(result, [this, key, create = std::move(create),
                                 result](const Result<std::optional<QString>> &stored) {
        if (!stored) {
            result->fail(stored.error());
            return;
        }
        if (stored.value() && !stored.value()->isEmpty()) {
            result->succeed(*stored.value());
            return;
        }
        const QString created = create();
        write(key, created)->onResult(result, [result, created](const Status &written) {
            if (written)
                result->succeed(created);
            else
                result->fail(written.error());
        });
    });
    return result;
}

AsyncJobOf<std::optional<QString>> *SecretStore::read(const QString &key)
{
    auto *result = new AsyncJobOf<std::optional<QString>>(this);
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [result, job] {
        if (job->error() == QKeychain::EntryNotFound) {
            result->succeed(std::nullopt);
        } else if (job->error() != QKeychain::NoError) {
            result->fail(keychainError(*job));
        } else {
            const QString secret = job->textData();
            log::registerSecret(secret);
            result->succeed(secret);
        }
    });
    job->start();
    return result;
}

StatusJob *SecretStore::write(const QString &key, const QString &secret)
{
    auto *result = new StatusJob(this);
    log::registerSecret(secret);
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [result, job] {
        if (job->error() != QKeychain::NoError)
            result->fail(keychainError(*job));
        else
            result->succeed(Done{});
    });
    job->start();
    return result;
}

StatusJob *SecretStore::remove(const QString &key)
{
    auto *result = new StatusJob(this);
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [result, job] {
        if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
            result->fail(keychainError(*job));
        else
            result->succeed(Done{});
    });
    job->start();
    return result;
}

} // namespace vw::engine
