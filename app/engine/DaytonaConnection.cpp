#include "app/engine/DaytonaConnection.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/LocalSandbox.h"
#include "app/engine/SecretStore.h"

namespace vw::engine {

using daytona::DaytonaClient;
using daytona::DaytonaConfig;

DaytonaConnection::DaytonaConnection(const AppSettings &settings,
                                     const QProcessEnvironment &environment,
                                     QString localSandboxDirectory, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_localSandboxDirectory(std::move(localSandboxDirectory))
{
    m_environmentConfig =
        m_settings.daytonaConfig(QString()).withEnvironment(environment, &m_warnings);
}

DaytonaConnection::~DaytonaConnection() = default;

bool DaytonaConnection::usesLocalSandbox() const
{
    return !m_environmentConfig.hasApiKey() && !m_settings.daytonaAccount;
}

QString DaytonaConnection::defaultSandbox() const
{
    return usesLocalSandbox() ? LocalSandbox::kSandboxName : QString();
}

QString DaytonaConnection::defaultProject() const
{
    return usesLocalSandbox() ? LocalSandbox::kSampleProject : QString();
}

AsyncJobOf<DaytonaClient *> *DaytonaConnection::connectClient()
{
    auto *job = new AsyncJobOf<DaytonaClient *>(this);
    if (m_client) {
        job->succeed(m_client.get());
    } else if (m_environmentConfig.hasApiKey()) {
        useConfig(job, m_environmentConfig);
    } else if (m_settings.daytonaAccount) {
        auto *secrets = new SecretStore(SecretStore::kService, this);
        secrets->read(SecretStore::kDaytonaApiKey)
            ->onResult(this, [this, job, secrets](const Result<std::optional<QString>> &key) {
                secrets->deleteLater();
                if (!key) {
                    job->fail({key.error().code,
                               tr("The Daytona API key is kept in the keychain, which cannot be "
                                  "read (%1). Set DAYTONA_API_KEY instead.")
                                   .arg(key.error().message)});
                } else if (!key.value() || key.value()->isEmpty()) {
                    job->fail({QStringLiteral("NO_API_KEY"),
                               tr("A Daytona account is configured but the keychain holds no API "
                                  "key: add it in the app's Settings or set DAYTONA_API_KEY.")});
                } else {
                    DaytonaConfig config = m_environmentConfig;
                    config.apiKey = *key.value();
                    config.registerSecrets();
                    useConfig(job, config);
                }
            });
    } else {
        m_local = std::make_unique<LocalSandbox>(m_localSandboxDirectory);
        m_local->ensureRunning()->onResult(this, [this, job](const Result<DaytonaConfig> &c) {
            if (c)
                useConfig(job, c.value());
            else
                job->fail(c.error());
        });
    }
    return job;
}

void DaytonaConnection::useConfig(AsyncJobOf<DaytonaClient *> *job, const DaytonaConfig &config)
{
    m_client = std::make_unique<DaytonaClient>(config);
    job->succeed(m_client.get());
}

} // namespace vw::engine
