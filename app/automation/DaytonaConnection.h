#pragma once

#include "app/daytona/DaytonaConfig.h"
#include "app/engine/AppSettings.h"
#include "models/AsyncJob.h"

#include <QObject>
#include <QString>

#include <memory>

namespace vw::daytona {
class DaytonaClient;
}
namespace vw::engine {
class LocalSandbox;
}

// How every vaporwatch-cli command reaches its sandboxes — the same way the app does:
// 1. DAYTONA_API_KEY set: the Daytona API (DAYTONA_API_URL, else the settings' URL);
// 2. a Daytona account in the settings (the app's Settings dialog): its URL and target, and the
//    API key from the keychain;
// 3. otherwise the embedded local sandbox (`local`, started on demand and shared with the app).
// Warnings about the environment (a deprecated variable) go to stderr.
class DaytonaConnection : public QObject
{
    Q_OBJECT

public:
    explicit DaytonaConnection(QObject *parent = nullptr);
    ~DaytonaConnection() override;

    // True when neither DAYTONA_API_KEY nor a Daytona account is configured.
    bool usesLocalSandbox() const;
    // The sandbox and project directory a command uses when none is given: the local sandbox and
    // its sample project; empty with Daytona (the user must name them).
    QString defaultSandbox() const;
    QString defaultProject() const;

    // Finishes with the client (owned by this connection) once the API is reachable in
    // principle: at once with a key from the environment, after the keychain was read for an
    // account, after the local sandboxd runs otherwise. A keychain that is unavailable or holds
    // no key fails with a message that says what to do.
    vw::AsyncJobOf<vw::daytona::DaytonaClient *> *connectClient();

private:
    void useConfig(vw::AsyncJobOf<vw::daytona::DaytonaClient *> *job,
                   const vw::daytona::DaytonaConfig &config);

    vw::engine::AppSettings m_settings;
    vw::daytona::DaytonaConfig m_environmentConfig; // the settings' URL/target, then DAYTONA_*
    std::unique_ptr<vw::engine::LocalSandbox> m_local;
    std::unique_ptr<vw::daytona::DaytonaClient> m_client;
};
