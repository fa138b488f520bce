#pragma once

#include "app/automation/SandboxToolCommand.h"

namespace vw::engine {
class DevServer;
}

// `vaporwatch-cli stop_dev_server [--project DIR] [--sandbox ID] [--json]` (alias
// stop-dev-server): deletes the project's dev server session, which ends every process it
// started, and waits until its port is free. Exit 0 when it was stopped, 1 when no dev server
// ran, 3 on errors.
class StopDevServerCommand : public SandboxToolCommand
{
    Q_OBJECT

public:
    explicit StopDevServerCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr);

    bool start(const QStringList &arguments) override;

private:
    vw::engine::DevServer *m_server = nullptr;
    bool m_json = false;
};
