#include "app/automation/HttpApiAuth.h"

#include <algorithm>
#include <utility>

namespace vw::automation {

HttpApiAuth::HttpApiAuth(QByteArray token)
    : m_token(std::move(token))
{
}

HttpApiAuth::Outcome HttpApiAuth::check(const QByteArray &authorizationHeader) const
{
    const QByteArray header = authorizationHeader.trimmed();
    if (header.isEmpty())
        return Outcome::Missing;
    const qsizetype space = header.indexOf(' ');
    const QByteArray scheme = (space < 0 ? header : header.left(space)).toLower();
    const QByteArray credential = space < 0 ? QByteArray() : header.mid(space + 1).trimmed();
    if (scheme == "bearer")
        return !m_token.isEmpty() && constantTimeEquals(credential, m_token) ? Outcome::Granted
                                                                             : Outcome::Invalid;
    if (scheme == "basic") {
        const auto decoded = QByteArray::fromBase64Encoding(
            credential, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return Outcome::Invalid;
        const qsizetype colon = decoded.decoded.indexOf(':');
        if (colon < 0)
            return Outcome::Invalid;
        return !m_token.isEmpty() && constantTimeEquals(decoded.decoded.mid(colon + 1), m_token)
                   ? Outcome::Granted
                   : Outcome::Invalid;
    }
    return Outcome::WrongScheme;
}

bool HttpApiAuth::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    const qsizetype n = std::max(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const char x = i < a.size() ? a.at(i) : 0;
        const char y = i < b.size() ? b.at(i) : 0;
        difference |= static_cast<unsigned char>(x ^ y);
    }
    return difference == 0;
}

} // namespace vw::automation
