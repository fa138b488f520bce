#pragma once

#include <QString>

namespace vw::sandboxd {

class ApiRequest;
class Sandbox;

// Who may call sandboxd: the API token as `Authorization: Bearer <token>` on every route, or —
// on the toolbox routes of one sandbox only — that sandbox's preview token in the
// X-Daytona-Preview-Token header or the DAYTONA_SANDBOX_AUTH_KEY query parameter (the ways the
// Daytona proxy accepts, daytona-api.md §2.6).
class Authenticator
{
public:
    enum class Outcome { Granted, Missing, Invalid };

    explicit Authenticator(QString apiToken);

    // toolboxSandbox: the sandbox whose toolbox the request is for, or null on the main API.
    Outcome check(const ApiRequest &request, const Sandbox *toolboxSandbox) const;

    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    QByteArray m_apiToken;
};

} // namespace vw::sandboxd
