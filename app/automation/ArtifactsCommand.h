#pragma once

#include "app/automation/StoreCommand.h"
#include "models/ArtifactListing.h"
#include "models/Build.h"

namespace vw::daytona {
class DaytonaClient;
}

// `artifacts BUILD_ID [--download DIR] [--json]` (or `--build ID`): the files a successful build
// left in its output directory (path and size in bytes, tab-separated, then the total), listed
// through the sandbox first if that has not happened yet; with --download they are fetched into
// DIR, keeping their paths (each file printed as it arrives, failures on stderr; exit 1 if any
// failed). A build that did not succeed has no artifacts (exit 1).
class ArtifactsCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;

    bool start(const QStringList &arguments) override;

private:
    void withListing(const vw::Build &build);
    void present(const vw::Build &build, const vw::ArtifactListing &listing);
    void download(const vw::Build &build, const vw::ArtifactListing &listing,
                  vw::daytona::DaytonaClient *client);

    qint64 m_buildId = 0;
    QString m_downloadDirectory;
    bool m_json = false;
};
