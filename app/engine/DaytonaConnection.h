#pragma once

#include "app/daytona/DaytonaConfig.h"
#include "app/engine/AppSettings.h"
#include "models/AsyncJob.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

class LocalSandbox;

// How a Vaporwatch process (the app, every vaporwatch-cli command) reaches its sandboxes:
// 1. DAYTONA_API_KEY set: the Daytona API (DAYTONA_API_URL, else the settings' URL);
// 2. a Daytona account in the settings (the app's Settings dialog): its URL and target, and the
//    API key from the keychain;
// 3. otherwise the embedded local sandbox (`local`, started on demand and shared by every
//    Vaporwatch program of this user).
class DaytonaConnection : public QObject
{
    Q_OBJECT

public:
    // `localSandboxDirectory` empty: LocalSandbox::defaultDirectory().
    DaytonaConnection(const AppSettings &settings, const QProcessEnvironment &environment,
                      QString localSandboxDirectory = {}, QObject *parent = nullptr);
    ~DaytonaConnection() override;

    // What the environment made us doubt (a deprecated variable), for the caller to show.
    QStringList warnings() const { return m_warnings; }

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

    AppSettings m_settings;
    vw::daytona::DaytonaConfig m_environmentConfig; // the settings' URL/target, then DAYTONA_*
    QStringList m_warnings;
    QString m_localSandboxDirectory;
    std::unique_ptr<LocalSandbox> m_local;
    std::unique_ptr<vw::daytona::DaytonaClient> m_client;
};

} // namespace vw::engine
