#include "models/Redactor.h"

namespace vw {

Redactor::Redactor()
{
    const auto ci = QRegularExpression::CaseInsensitiveOption;
    // Each pattern captures the part to keep in group 1; the rest of the match is masked.
    m_patterns = {
        // "Authorization: Bearer abc", "authorization=Basic abc", "X-Daytona-Authorization: …"
        QRegularExpression(QStringLiteral(R"(((?:x-daytona-)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,;}]+)"), ci),
        QRegularExpression(QStringLiteral(R"((\bbearer\s+)[A-Za-z0-9._~+/=-]+)"), ci),
        QRegularExpression(QStringLiteral(R"((x-daytona-preview-token["']?\s*[:=]\s*["']?)[^"'\s,;}&]+)"), ci),
        QRegularExpression(QStringLiteral(R"((daytona_sandbox_auth_key=)[^\s&"']+)"), ci),
        // KEY=value, "apiKey": "value", api_key: value, token=value, password …
        QRegularExpression(
            QStringLiteral(R"(((?:daytona_api_key|daytona_jwt_token|api[_-]?key|access[_-]?token|auth[_-]?token|token|secret|password)["']?\s*[:=]\s*["']?)[^"'\s,;}&]+)"),
            ci),
    };
}

void Redactor::addSecret(const QString &secret)
{
    if (secret.size() < 6)
        return;
    QMutexLocker lock(&m_mutex);
    m_secrets.insert(secret);
}

void Redactor::removeSecret(const QString &secret)
{
    QMutexLocker lock(&m_mutex);
    m_secrets.remove(secret);
}

QString Redactor::redact(const QString &text) const
{
    QString out = text;
    {
        QMutexLocker lock(&m_mutex);
        for (const QString &secret : m_secrets)
            out.replace(secret, kMask.toString());
    }
    for (const QRegularExpression &pattern : m_patterns)
        out.replace(pattern, QStringLiteral("\\1") + kMask.toString());
    return out;
}

} // namespace vw
