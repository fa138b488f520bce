#pragma once

#include "app/automation/McpTool.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

namespace vw {
struct Build;
}
namespace vw::daytona {
class DaytonaClient;
}
namespace vw::engine {
class DevServer;
class EngineSession;
class PreviewLocator;
class ProcessCheck;
} // namespace vw::engine

namespace vw::automation {

// The build tools an AI agent uses, as the original platform gave them to its agents:
// start_build, get_build_status, get_live_logs, list_builds, cancel_build, check_process_status,
// get_preview_url and run_dev_server — each with a JSON Schema for its arguments and its result,
// on the same engine as the app and the CLI (EngineSession: store, hub, manager; the sandbox
// client). Project arguments default to the connection's: the local sandbox's sample project
// without a Daytona account.
class AgentTools : public QObject
{
    Q_OBJECT

public:
    // Lines of each phase's log get_build_status returns by default, and at most.
    static constexpr int kDefaultLogLines = 40;
    static constexpr int kMaxLogLines = 2000;
    // Bytes get_live_logs returns at most per call (the agent pages on with next_offset).
    static constexpr qint64 kDefaultPageBytes = 64 * 1024;
    static constexpr qint64 kMaxPageBytes = 1024 * 1024;

    // `session` must have started its engine; `client` is its connection's client.
    AgentTools(engine::EngineSession *session, daytona::DaytonaClient *client,
               QObject *parent = nullptr);
    ~AgentTools() override;

    QList<McpTool> tools();

private:
    McpToolJob *startBuild(const QJsonObject &arguments);
    McpToolJob *buildStatus(const QJsonObject &arguments);
    McpToolJob *liveLogs(const QJsonObject &arguments);
    McpToolJob *listBuilds(const QJsonObject &arguments);
    McpToolJob *cancelBuild(const QJsonObject &arguments);
    McpToolJob *checkProcess(const QJsonObject &arguments);
    McpToolJob *previewUrl(const QJsonObject &arguments);
    McpToolJob *runDevServer(const QJsonObject &arguments);

    // The sandbox and directory of `arguments` (project, sandbox) with the connection's
    // defaults; an error sentence when one is missing.
    std::optional<QString> resolveProject(const QJsonObject &arguments, QString *sandbox,
                                          QString *directory) const;
    QString resolveSandbox(const QJsonObject &arguments) const;
    // The build `build_id` names, or the latest of the project when `latest` is true.
    void findBuild(const QJsonObject &arguments, McpToolJob *job,
                   std::function<void(const Build &)> then);
    // The build's status as the agent reads it, with the tails of its install and build logs.
    void describeBuild(const Build &build, int logLines, McpToolJob *job);

    engine::EngineSession *m_session;
    QPointer<daytona::DaytonaClient> m_client;
    engine::ProcessCheck *m_processCheck;
    engine::DevServer *m_devServer;
};

} // namespace vw::automation
