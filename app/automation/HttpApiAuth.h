#pragma once

#include <QByteArray>

namespace vw::automation {

// Who may call the HTTP API: whoever sends its token. `Authorization: Bearer <token>` is the
// API's way; `Authorization: Basic` with the token as the password (any user name) is accepted
// too, because build monitors such as CCMenu and BuildNotify only speak Basic auth — either way
// the token travels in a header, never in the URL (where logs and shell histories keep it).
class HttpApiAuth
{
public:
    enum class Outcome {
        Granted,
        Missing,     // no Authorization header
        WrongScheme, // neither Bearer nor Basic
        Invalid,     // the wrong token (or a malformed credential)
    };

    explicit HttpApiAuth(QByteArray token);

    Outcome check(const QByteArray &authorizationHeader) const;

    // Compares without an early exit, so the time taken tells nothing about the token.
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    QByteArray m_token;
};

} // namespace vw::automation
