#pragma once

#include "app/daytona/DaytonaConfig.h"
#include "tests/support/SandboxdProcess.h"

#include <QUrl>

namespace vw::test {

// A Daytona client's configuration for a test's sandboxd: its API URL and token. Tests that
// restart or kill the server pass a short first retry delay (a local server needs no back-off).
inline daytona::DaytonaConfig
clientConfigFor(const SandboxdProcess &sandboxd,
                int initialRetryDelayMs = daytona::DaytonaConfig{}.initialRetryDelayMs)
{
    daytona::DaytonaConfig config;
    config.apiUrl = QUrl(sandboxd.apiUrl());
    config.apiKey = sandboxd.token();
    config.initialRetryDelayMs = initialRetryDelayMs;
    return config;
}

} // namespace vw::test
