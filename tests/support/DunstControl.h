#pragma once

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QList>
#include <QVariantMap>

namespace vw::test {

// dunst's own control interface (what dunstctl calls), on the private session bus that
// tests/support/with-desktop.sh gives a test.
inline QDBusMessage callDunst(const QString &method, const QVariantList &arguments = {})
{
    QDBusMessage call =
        QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.Notifications"),
                                       QStringLiteral("/org/freedesktop/Notifications"),
                                       QStringLiteral("org.dunstproject.cmd0"), method);
    call.setArguments(arguments);
    return QDBusConnection::sessionBus().call(call);
}

// How many notifications dunst shows now.
inline uint dunstDisplayedCount()
{
    QDBusMessage get = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.Notifications"),
        QStringLiteral("/org/freedesktop/Notifications"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    get << QStringLiteral("org.dunstproject.cmd0") << QStringLiteral("displayedLength");
    const QDBusMessage reply = QDBusConnection::sessionBus().call(get);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return 0;
    return reply.arguments().first().value<QDBusVariant>().variant().toUInt();
}

// `dunstctl history`: closed notifications, newest first, as dunst stored them.
inline QList<QVariantMap> dunstHistory()
{
    const QDBusMessage reply = callDunst(QStringLiteral("NotificationListHistory"));
    QList<QVariantMap> entries;
    if (reply.type() == QDBusMessage::ReplyMessage && !reply.arguments().isEmpty())
        reply.arguments().first().value<QDBusArgument>() >> entries;
    return entries;
}

} // namespace vw::test
