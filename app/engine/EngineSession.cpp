#include "app/engine/EngineSession.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/StoreChangeRelay.h"
#include "models/BuildStore.h"
#include "models/DatabaseUrl.h"

namespace vw::engine {

EngineSession::EngineSession(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_store(std::make_unique<BuildStore>())
    , m_hub(std::make_unique<BuildHub>())
    , m_connection(std::make_unique<DaytonaConnection>(m_options.settings, m_options.environment,
                                                       m_options.localSandboxDirectory))
{
    if (m_options.databaseUrl.isEmpty())
        m_options.databaseUrl = m_options.settings.databaseUrl;
    if (m_options.databaseUrl.isEmpty())
        m_options.databaseUrl = DatabaseUrl::defaultSqlitePath();
    m_options.manager.maxParallel = m_options.settings.maxParallelBuilds;
}

EngineSession::~EngineSession()
{
    // The manager first: it releases its leases in the store (the builds go on).
    m_manager.reset();
    m_relay.reset();
    m_connection.reset();
    m_store.reset();
}

StatusJob *EngineSession::openStore()
{
    const Result<DatabaseUrl> url = DatabaseUrl::parse(m_options.databaseUrl);
    if (!url) {
        auto *job = new StatusJob(this);
        job->fail(url.error());
        return job;
    }
    m_databaseDisplay = url.value().toDisplayString();
    auto *job = new StatusJob(this);
    m_store->open(url.value())->onResult(this, [this, job](const Status &opened) {
        if (opened)
            job->succeed(Done{});
        else
            job->fail({opened.error().code, tr("Cannot open the database %1: %2")
                                                .arg(m_databaseDisplay, opened.error().message)});
    });
    return job;
}

StatusJob *EngineSession::startEngine()
{
    auto *job = new StatusJob(this);
    m_connection->connectClient()->onResult(
        this, [this, job](const Result<daytona::DaytonaClient *> &client) {
            if (!client) {
                job->fail(client.error());
                return;
            }
            m_manager = std::make_unique<BuildManager>(client.value(), m_store.get(), m_hub.get(),
                                                       m_options.manager);
            m_relay = std::make_unique<StoreChangeRelay>(m_store.get(), m_hub.get());
            m_relay->setOwnLeaseOwner(m_manager->leaseOwner());
            m_relay->start()->onResult(this, [this, job](const Status &) {
                m_manager->reattachAll()->onResult(
                    this, [job](const Result<int> &) { job->succeed(Done{}); });
            });
        });
    return job;
}

} // namespace vw::engine
