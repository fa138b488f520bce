#pragma once

#include "app/automation/StoreCommand.h"

#include "models/Project.h"

#include <functional>

// `project [--project DIR] [--sandbox ID] [overrides…] [--json]`: shows a project's settings,
// and changes them when overrides are given. The install and build commands otherwise come from
// the stack detection; --no-build-step marks a project without a build step (its build phase
// shows as skipped); --detect clears every override.
class ProjectCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;

    bool start(const QStringList &arguments) override;

private:
    void print(const vw::Project &project);

    std::function<void(vw::Project &)> m_change; // empty: only show
    bool m_json = false;
};
