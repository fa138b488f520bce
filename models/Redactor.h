#pragma once

#include <QMutex>
#include <QRegularExpression>
#include <QSet>
#include <QString>

namespace vw {

// Removes credentials from text before it reaches any log sink: Authorization headers, bearer
// tokens, Daytona preview tokens and API keys by their well-known names, and every exact secret
// registered at run time (the configured API key, preview tokens handed out by a server).
class Redactor
{
public:
    static constexpr QStringView kMask = u"[REDACTED]";

    Redactor();

    // Secrets shorter than 6 characters are ignored: masking them would mangle ordinary text.
    void addSecret(const QString &secret);
    void removeSecret(const QString &secret);

    QString redact(const QString &text) const;

private:
    QList<QRegularExpression> m_patterns;
    mutable QMutex m_mutex;
    QSet<QString> m_secrets;
};

} // namespace vw
