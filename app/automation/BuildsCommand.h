#pragma once

#include "app/automation/StoreCommand.h"

#include "models/BuildQuery.h"

// `builds [--project DIR [--sandbox ID]] [--status S] [--limit N] [--json]`: the build history,
// newest first, one build a line (id, status, phase, project, sandbox, start, duration, error),
// or a JSON array.
class BuildsCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;

    bool start(const QStringList &arguments) override;

private:
    void list();

    vw::BuildQuery m_query;
    bool m_json = false;
};
