#pragma once

#include "app/automation/SandboxToolCommand.h"
#include "app/engine/DevServer.h"

class QTimer;
namespace vw {
class BuildStore;
}

// `vaporwatch-cli run_dev_server [--project DIR] [--sandbox ID] [--command CMD] [--port N]
// [--timeout S] [--detach] [--json]` (alias run-dev-server): starts the project's dev server in
// its own session (see vw::engine::DevServer), waits until its port listens, prints its preview
// URL and health, then watches the health and prints one line whenever it changes, until Ctrl-C
// (exit 130; the server keeps running) or until the server exits (exit 1). With --detach it exits
// 0 as soon as the server is ready. A server that already runs is reported, not started twice.
// Exit 1 when it cannot start (exited early, timeout, port taken), 2 on wrong usage (no default
// command for the stack), 3 on errors.
class RunDevServerCommand : public SandboxToolCommand
{
    Q_OBJECT

public:
    static constexpr int kWatchIntervalMs = 2000;

    explicit RunDevServerCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr);

    bool start(const QStringList &arguments) override;
    // The build database (--db), whose project settings (`project --dev-command/--dev-port`)
    // give the command and port when the options do not.
    void setDatabaseUrl(const QString &url) { m_databaseUrl = url; }

private:
    // Fills in the project's stored dev command and port, then starts.
    void startWithProjectSettings(vw::engine::DevServer::Options options, bool commandGiven,
                                  bool portGiven);
    void launch(const vw::engine::DevServer::Options &options);
    void ready(const vw::engine::DevServerState &state);
    void watch();
    void report(const vw::engine::PreviewHealth &health);
    void finish(int exitCode);

    vw::engine::DevServer *m_server = nullptr;
    vw::engine::DevServerState m_state;
    QTimer *m_timer = nullptr;
    QString m_sandbox;
    QString m_databaseUrl;
    vw::BuildStore *m_store = nullptr;
    QString m_projectDirectory;
    QString m_lastHealth;
    bool m_json = false;
    bool m_detach = false;
    bool m_checking = false;
    bool m_finished = false;
};
