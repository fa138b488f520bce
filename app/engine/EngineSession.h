#pragma once

#include "app/engine/AppSettings.h"
#include "app/engine/BuildManager.h"
#include "models/AsyncJob.h"

#include <QObject>
#include <QProcessEnvironment>

#include <memory>

namespace vw {
class BuildStore;
}

namespace vw::engine {

class BuildHub;
class DaytonaConnection;
class StoreChangeRelay;

struct EngineSessionOptions
{
    AppSettings settings;
    QString databaseUrl; // empty: settings.databaseUrl, else the default SQLite file
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    QString localSandboxDirectory; // empty: LocalSandbox::defaultDirectory()
    BuildManagerOptions manager;   // maxParallel: from the settings
};

// Everything one Vaporwatch process needs to run and watch builds, wired the same way in the
// app and the CLI: the build store, the connection to the sandboxes (DaytonaConnection), the
// BuildHub, the BuildManager (which first re-attaches the builds nobody follows) and the
// StoreChangeRelay (which brings builds other processes follow onto the hub).
//
// The hub exists from the start, so views can subscribe before anything runs. openStore() is
// enough for reading history; startEngine() connects and starts building.
class EngineSession : public QObject
{
    Q_OBJECT

public:
    using Options = EngineSessionOptions;

    explicit EngineSession(Options options, QObject *parent = nullptr);
    // Stops following (the builds go on in their sandboxes), releases leases, closes the store.
    ~EngineSession() override;

    StatusJob *openStore();
    // Needs an open store. Fails with the connection's error (a local sandboxd that does not
    // start, a keychain without the key, …).
    StatusJob *startEngine();

    BuildStore *store() const { return m_store.get(); }
    BuildHub *hub() const { return m_hub.get(); }
    BuildManager *manager() const { return m_manager.get(); } // null until startEngine()
    DaytonaConnection *connection() const { return m_connection.get(); }
    QString databaseDisplayName() const { return m_databaseDisplay; }

private:
    Options m_options;
    QString m_databaseDisplay;
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    std::unique_ptr<DaytonaConnection> m_connection;
    std::unique_ptr<BuildManager> m_manager;
    std::unique_ptr<StoreChangeRelay> m_relay;
};

} // namespace vw::engine
