#pragma once

#include "app/automation/StoreCommand.h"

// `build_events --build ID [--after EVENT_ID] [--json]`: a build's events in order (id, time,
// type, phase, message), those after EVENT_ID only when given — for polling without doubles.
class BuildEventsCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;

    bool start(const QStringList &arguments) override;

private:
    qint64 m_buildId = 0;
    qint64 m_afterId = 0;
    bool m_json = false;
};
