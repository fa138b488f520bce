#pragma once

#include "app/automation/StoreCommand.h"

namespace vw {
struct Build;
}

// `build_status [--build ID | --project DIR [--sandbox ID]] [--json]`: a build's status, phase,
// step, progress, durations (per phase too), estimated time remaining and error line. Without
// --build: the latest build of the project, or of any project when none is named. Exit 0 when
// the build was found (whatever its status), 1 when not.
class BuildStatusCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;

    bool start(const QStringList &arguments) override;

    // The human-readable form, one "label: value" line each (shared with build summaries).
    static QString describe(const vw::Build &build);

private:
    void print(const vw::Build &build);

    bool m_json = false;
};
