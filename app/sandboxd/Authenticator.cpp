#include "app/sandboxd/Authenticator.h"

#include "app/sandboxd/ApiRequest.h"
#include "app/sandboxd/Sandbox.h"

namespace vw::sandboxd {

Authenticator::Authenticator(QString apiToken)
    : m_apiToken(apiToken.toUtf8())
{
}

bool Authenticator::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size() || a.isEmpty())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

Authenticator::Outcome Authenticator::check(const ApiRequest &request,
                                            const Sandbox *toolboxSandbox) const
{
    bool offered = false;
    const QByteArray authorization = request.header("Authorization").trimmed();
    if (!authorization.isEmpty()) {
        offered = true;
        const qsizetype space = authorization.indexOf(' ');
        if (space > 0 && authorization.left(space).compare("Bearer", Qt::CaseInsensitive) == 0 &&
            constantTimeEquals(authorization.mid(space + 1).trimmed(), m_apiToken))
            return Outcome::Granted;
    }

    const QByteArray previewHeader = request.header("X-Daytona-Preview-Token").trimmed();
    const QByteArray previewQuery =
        request.queryValue(QStringLiteral("DAYTONA_SANDBOX_AUTH_KEY")).toUtf8();
    for (const QByteArray &preview : {previewHeader, previewQuery}) {
        if (preview.isEmpty())
            continue;
        offered = true;
        if (toolboxSandbox && constantTimeEquals(preview, toolboxSandbox->authToken().toUtf8()))
            return Outcome::Granted;
    }
    return offered ? Outcome::Invalid : Outcome::Missing;
}

} // namespace vw::sandboxd
