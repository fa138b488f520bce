#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

#include "models/BuildQuery.h"
#include "models/Phase.h"

namespace vw {
class BuildStore;
}
namespace vw::engine {
class BuildHub;
class BuildManager;
} // namespace vw::engine
class DaytonaConnection;

// `vaporwatch-cli build …`: builds from the terminal, stored in the same database as the GUI's.
//
//   build start [--sandbox NAME] [--dir DIR] [--clean] [--follow]
//   build status [ID | --latest] [--json]
//   build logs ID [--phase install|build]   (stored logs: stdout to stdout, stderr to stderr)
//   build list [--limit N] [--status S]
//   build events ID [--after EVENT_ID]
//   build cancel ID   (re-attaches the build, stops it, waits until it has ended)
//
// Without DAYTONA_API_KEY the embedded local sandbox (sandbox `local`) is used. The build's
// driver runs in the sandbox, so a build goes on after the CLI exits; `start` without --follow
// exits once the driver command has been started and stored. Ctrl-C while following detaches
// (exit 130); it does not cancel the build.
class BuildCommand : public QObject
{
    Q_OBJECT

public:
    explicit BuildCommand(QString databaseUrl, QObject *parent = nullptr);
    ~BuildCommand() override;

    bool start(const QStringList &arguments);

signals:
    void done(int exitCode);

private:
    bool takeBuildId(const QStringList &arguments, const QString &usage);
    void openStore(std::function<void()> then);
    void connectClient(std::function<void()> then);
    void startBuild();
    void showStatus();
    void listBuilds(const vw::BuildQuery &query);
    void printLogs(std::optional<vw::Phase> phase);
    void printEvents(qint64 afterId);
    void cancelBuild();

    QString m_databaseUrl;
    QString m_subcommand;
    QString m_sandbox;
    QString m_directory;
    bool m_clean = false;
    bool m_follow = false;
    bool m_json = false;
    qint64 m_buildId = 0;
    bool m_finishing = false;
    int m_cancelAttempts = 0;
    std::unique_ptr<vw::BuildStore> m_store;
    std::unique_ptr<vw::engine::BuildHub> m_hub;
    std::unique_ptr<DaytonaConnection> m_connection;
    std::unique_ptr<vw::engine::BuildManager> m_manager;
};
