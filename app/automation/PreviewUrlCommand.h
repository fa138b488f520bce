#pragma once

#include "app/automation/SandboxToolCommand.h"

namespace vw::engine {
class PreviewLocator;
struct PreviewInfo;
} // namespace vw::engine

// `vaporwatch-cli get_preview_url [--sandbox ID] [--port N] [--json]` (alias get-preview-url):
// the preview URL of the sandbox's dev server — of --port, or of the first listening port of
// PreviewLocator::kCandidatePorts — and a health check of it (HTTP status and latency). The
// preview token is never printed. Exit 0 when the server answers healthily, 1 when no dev server
// was found or it does not answer (the URL is printed all the same), 3 on errors.
class PreviewUrlCommand : public SandboxToolCommand
{
    Q_OBJECT

public:
    explicit PreviewUrlCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr);

    bool start(const QStringList &arguments) override;

    // No token in it.
    static QJsonObject toJson(const vw::engine::PreviewInfo &info);

private:
    vw::engine::PreviewLocator *m_locator = nullptr;
    bool m_json = false;
};
