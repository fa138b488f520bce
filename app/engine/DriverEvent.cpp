#include "app/engine/DriverEvent.h"

#include <array>
#include <utility>

namespace vw::engine {
namespace {

using KindName = std::pair<DriverEvent::Kind, QStringView>;
constexpr std::array<KindName, 7> kKindNames{{
    {DriverEvent::Kind::BuildStarted, u"build-start"},
    {DriverEvent::Kind::PhaseStarted, u"phase-start"},
    {DriverEvent::Kind::PhaseFinished, u"phase-end"},
    {DriverEvent::Kind::PhaseSkipped, u"phase-skip"},
    {DriverEvent::Kind::CacheHit, u"cache-hit"},
    {DriverEvent::Kind::CacheMiss, u"cache-miss"},
    {DriverEvent::Kind::BuildFinished, u"build-end"},
}};

bool isTokenChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
           u == u'.' || u == u'_' || u == u',' || u == u':' || u == u'+' || u == u'-';
}

std::optional<qint64> toInteger(const QString &text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return value;
}

} // namespace

QString DriverEvent::kindName(Kind kind)
{
    for (const auto &[k, name] : kKindNames) {
        if (k == kind)
            return name.toString();
    }
    return {};
}

std::optional<DriverEvent::Kind> DriverEvent::kindFromName(QStringView name)
{
    for (const auto &[k, text] : kKindNames) {
        if (text == name)
            return k;
    }
    return std::nullopt;
}

QString DriverEvent::markerPrefix(QStringView nonce)
{
    return QStringLiteral("\x1b]%1;%2;%3;").arg(kOscCode).arg(kProtocol).arg(nonce);
}

bool DriverEvent::isValidNonce(QStringView nonce)
{
    if (nonce.size() < 16 || nonce.size() > 64)
        return false;
    for (QChar c : nonce) {
        const char16_t u = c.unicode();
        if (!((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')))
            return false;
    }
    return true;
}

bool DriverEvent::isValidToken(QStringView value)
{
    for (QChar c : value) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

std::optional<DriverEvent> DriverEvent::parse(QStringView body, QStringView nonce)
{
    if (!isValidNonce(nonce))
        return std::nullopt;
    const QList<QStringView> parts = body.split(u';');
    // 7771 ; vw1 ; nonce ; kind ; seq=… ; ts=… at the least.
    if (parts.size() < 6 || parts.at(0) != QString::number(kOscCode) || parts.at(1) != kProtocol ||
        parts.at(2) != nonce)
        return std::nullopt;
    const auto kind = kindFromName(parts.at(3));
    if (!kind)
        return std::nullopt;

    DriverEvent event;
    event.kind = *kind;
    for (qsizetype i = 4; i < parts.size(); ++i) {
        const QStringView part = parts.at(i);
        const qsizetype equals = part.indexOf(u'=');
        if (equals <= 0)
            return std::nullopt;
        const QStringView key = part.first(equals);
        const QStringView value = part.sliced(equals + 1);
        if (!isValidToken(key) || !isValidToken(value))
            return std::nullopt;
        if (event.fields.contains(key.toString()))
            return std::nullopt;
        event.fields.insert(key.toString(), value.toString());
    }

    const auto sequence = toInteger(event.fields.value(QStringLiteral("seq")));
    const auto timestamp = toInteger(event.fields.value(QStringLiteral("ts")));
    if (!sequence || *sequence <= 0 || !timestamp || *timestamp < 0)
        return std::nullopt;
    event.sequence = *sequence;
    event.timestampMs = *timestamp;
    event.phase = event.fields.value(QStringLiteral("phase"));
    event.reason = event.fields.value(QStringLiteral("reason"));
    event.result = event.fields.value(QStringLiteral("result"));
    if (event.fields.contains(QStringLiteral("exit"))) {
        const auto exitCode = toInteger(event.fields.value(QStringLiteral("exit")));
        if (!exitCode || *exitCode < 0 || *exitCode > 255)
            return std::nullopt;
        event.exitCode = int(*exitCode);
    }

    switch (event.kind) {
    case Kind::BuildStarted:
        break;
    case Kind::PhaseStarted:
        if (event.phase.isEmpty())
            return std::nullopt;
        break;
    case Kind::PhaseFinished:
        if (event.phase.isEmpty() || !event.exitCode)
            return std::nullopt;
        break;
    case Kind::PhaseSkipped:
    case Kind::CacheHit:
    case Kind::CacheMiss:
        if (event.phase.isEmpty() || event.reason.isEmpty())
            return std::nullopt;
        break;
    case Kind::BuildFinished:
        if (!event.exitCode || (event.result != u"success" && event.result != u"failed" &&
                                event.result != u"cancelled"))
            return std::nullopt;
        break;
    }
    return event;
}

QString DriverEvent::toMarker(QStringView nonce) const
{
    QMap<QString, QString> all = fields;
    all.insert(QStringLiteral("seq"), QString::number(sequence));
    all.insert(QStringLiteral("ts"), QString::number(timestampMs));
    if (!phase.isEmpty())
        all.insert(QStringLiteral("phase"), phase);
    if (!reason.isEmpty())
        all.insert(QStringLiteral("reason"), reason);
    if (!result.isEmpty())
        all.insert(QStringLiteral("result"), result);
    if (exitCode)
        all.insert(QStringLiteral("exit"), QString::number(*exitCode));

    QString marker = markerPrefix(nonce) + kindName(kind);
    // seq and ts first, like the driver writes them; the rest in key order.
    marker += QStringLiteral(";seq=%1;ts=%2").arg(sequence).arg(timestampMs);
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        if (it.key() == u"seq" || it.key() == u"ts")
            continue;
        marker += QLatin1Char(';') + it.key() + QLatin1Char('=') + it.value();
    }
    marker += QStringLiteral("\a\n");
    return marker;
}

QString DriverEvent::summary() const
{
    QString line = kindName(kind);
    if (!phase.isEmpty())
        line += QLatin1Char(':') + phase;
    if (kind == Kind::BuildFinished)
        line += QLatin1Char(':') + result;
    if (exitCode)
        line += QStringLiteral(":%1").arg(*exitCode);
    if (!reason.isEmpty())
        line += QLatin1Char(':') + reason;
    return line;
}

} // namespace vw::engine
