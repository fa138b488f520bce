#pragma once

#include "app/automation/SandboxToolCommand.h"

namespace vw::engine {
class ProcessCheck;
struct ProcessCheckResult;
} // namespace vw::engine

// `vaporwatch-cli check_process [--sandbox ID] [--port N] [--name NAME] [--json]` (alias
// check-process): whether a port is in use in the sandbox and by which process, and whether
// processes of a name run and how many. Exit 0 when everything asked for was found, 1 when
// something was not, 3 when the sandbox could not be asked or a tool the answer needs is missing
// in it (see SandboxToolCommand).
class CheckProcessCommand : public SandboxToolCommand
{
    Q_OBJECT

public:
    explicit CheckProcessCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr);

    bool start(const QStringList &arguments) override;

    static QJsonObject toJson(const QString &sandbox, const vw::engine::ProcessCheckResult &result);

private:
    void print(const vw::engine::ProcessCheckResult &result) const;

    vw::engine::ProcessCheck *m_check = nullptr;
    QString m_sandbox;
    bool m_json = false;
};
