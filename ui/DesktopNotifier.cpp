#include "ui/DesktopNotifier.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusServiceWatcher>
#include <QVariantMap>

namespace vw::ui {

namespace {

QString service()
{
    return QString::fromLatin1(DesktopNotifier::kService);
}

} // namespace

DesktopNotifier::DesktopNotifier(QObject *parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{
}

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    if (!m_bus.isConnected())
        return;
    // The server sends both signals to the notification's sender; connecting by service name
    // makes QtDBus follow whichever process owns it.
    const QString path = QString::fromLatin1(kPath);
    const QString interface = QString::fromLatin1(kInterface);
    m_bus.connect(service(), path, interface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(service(), path, interface, QStringLiteral("NotificationClosed"), this,
                  SLOT(onNotificationClosed(uint, uint)));
    askTheBus();
}

void DesktopNotifier::askTheBus()
{
    auto *watcher =
        new QDBusServiceWatcher(service(), m_bus, QDBusServiceWatcher::WatchForOwnerChange, this);
    connect(watcher, &QDBusServiceWatcher::serviceRegistered, this, [this] {
        m_ownerSeen = true;
        setRegistered(true);
    });
    connect(watcher, &QDBusServiceWatcher::serviceUnregistered, this, [this] {
        m_ownerSeen = true;
        setRegistered(false);
    });
    const QString bus = QStringLiteral("org.freedesktop.DBus");
    const QString busPath = QStringLiteral("/org/freedesktop/DBus");
    QDBusMessage hasOwner =
        QDBusMessage::createMethodCall(bus, busPath, bus, QStringLiteral("NameHasOwner"));
    hasOwner << service();
    m_unansweredQuestions = 2;
    auto *ownerCall = new QDBusPendingCallWatcher(m_bus.asyncCall(hasOwner), this);
    connect(ownerCall, &QDBusPendingCallWatcher::finished, this,
            [this](QDBusPendingCallWatcher *w) {
                w->deleteLater();
                --m_unansweredQuestions;
                const QDBusPendingReply<bool> reply = *w;
                if (!reply.isError() && !m_ownerSeen)
                    setRegistered(reply.value());
            });
    const QDBusMessage listActivatable =
        QDBusMessage::createMethodCall(bus, busPath, bus, QStringLiteral("ListActivatableNames"));
    auto *activatableCall = new QDBusPendingCallWatcher(m_bus.asyncCall(listActivatable), this);
    connect(activatableCall, &QDBusPendingCallWatcher::finished, this,
            [this](QDBusPendingCallWatcher *w) {
                w->deleteLater();
                --m_unansweredQuestions;
                const QDBusPendingReply<QStringList> reply = *w;
                if (!reply.isError())
                    setAvailability(m_registered, reply.value().contains(service()));
            });
}

void DesktopNotifier::setRegistered(bool registered)
{
    setAvailability(registered, m_activatable);
}

void DesktopNotifier::setAvailability(bool registered, bool activatable)
{
    const bool was = isAvailable();
    m_registered = registered;
    m_activatable = activatable;
    if (was != isAvailable())
        emit availabilityChanged(isAvailable());
}

void DesktopNotifier::notify(const QString &title, const QString &body, qint64 buildId,
                             Urgency urgency)
{
    if (!m_bus.isConnected()) {
        emit failed(buildId, title, body,
                    tr("No D-Bus session bus: %1").arg(m_bus.lastError().message()));
        return;
    }
    QDBusMessage call =
        QDBusMessage::createMethodCall(service(), QString::fromLatin1(kPath),
                                       QString::fromLatin1(kInterface), QStringLiteral("Notify"));
    const QVariantMap hints{
        {QStringLiteral("urgency"), QVariant::fromValue(uchar(urgency))},
        // The .desktop file's name without ".desktop" (packaging/), so the desktop shows our
        // name and icon and groups the notifications with the app.
        {QStringLiteral("desktop-entry"), QStringLiteral("io.github.vaporwatch.Vaporwatch")},
    };
    const QStringList actions{QStringLiteral("default"), tr("Open build")};
    const int serverDefaultTimeout = -1;
    // app_icon: the icon the package installs in the hicolor theme.
    call << QStringLiteral("Vaporwatch") << uint(0)
         << QStringLiteral("io.github.vaporwatch.Vaporwatch") << title << body << actions << hints
         << serverDefaultTimeout;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, buildId, title, body](QDBusPendingCallWatcher *w) {
                onNotifyFinished(w, buildId, title, body);
            });
}

void DesktopNotifier::onNotifyFinished(QDBusPendingCallWatcher *watcher, qint64 buildId,
                                       const QString &title, const QString &body)
{
    watcher->deleteLater();
    const QDBusPendingReply<uint> reply = *watcher;
    if (reply.isError()) {
        emit failed(buildId, title, body, reply.error().message());
        return;
    }
    const uint id = reply.value();
    m_builds.insert(id, buildId);
    emit shown(id, buildId);
}

void DesktopNotifier::onActionInvoked(uint notificationId, const QString &action)
{
    const auto it = m_builds.constFind(notificationId);
    if (it == m_builds.cend() || action != QStringLiteral("default"))
        return; // another program's notification, or an action we did not offer
    const qint64 buildId = it.value();
    // Done with: close it, as servers that keep it after an action (dunst when the action is
    // invoked from dunstctl or a keyboard shortcut) would otherwise leave it on screen.
    QDBusMessage close = QDBusMessage::createMethodCall(service(), QString::fromLatin1(kPath),
                                                        QString::fromLatin1(kInterface),
                                                        QStringLiteral("CloseNotification"));
    close << notificationId;
    m_bus.asyncCall(close);
    m_builds.remove(notificationId);
    emit openBuildRequested(buildId);
}

void DesktopNotifier::onNotificationClosed(uint notificationId, uint /*reason*/)
{
    m_builds.remove(notificationId);
}

} // namespace vw::ui
