#pragma once

#include <QDBusConnection>
#include <QHash>
#include <QObject>
#include <QString>

class QDBusPendingCallWatcher;

namespace vw::ui {

// Desktop notifications through the freedesktop `org.freedesktop.Notifications` D-Bus service
// (GNOME Shell, KDE Plasma, dunst, mako, …), with an "Open build" default action: clicking a
// notification asks for its build. Everything is asynchronous; a missing bus or server is
// reported by isAvailable() and the failed() signal, never by blocking or crashing.
class DesktopNotifier : public QObject
{
    Q_OBJECT

public:
    // The freedesktop urgency levels (hint "urgency": 0, 1, 2).
    enum class Urgency { Low = 0, Normal = 1, Critical = 2 };
    Q_ENUM(Urgency)

    static constexpr const char *kService = "org.freedesktop.Notifications";
    static constexpr const char *kPath = "/org/freedesktop/Notifications";
    static constexpr const char *kInterface = "org.freedesktop.Notifications";

    // On the session bus.
    explicit DesktopNotifier(QObject *parent = nullptr);
    // On `bus` (e.g. a connection of its own: the server's signals go to the sender).
    explicit DesktopNotifier(const QDBusConnection &bus, QObject *parent = nullptr);

    // True when a notification server runs (or the bus can start one on demand). Learnt
    // asynchronously from the bus (so false for a moment after construction) and kept up to date
    // as servers come and go; availabilityChanged() tells.
    bool isAvailable() const { return m_registered || m_activatable; }
    // Whether the bus has answered the first questions (so isAvailable() is not just "not yet").
    bool isAvailabilityKnown() const { return !m_bus.isConnected() || m_unansweredQuestions == 0; }
    // Raises a notification for the build (async): shown() once the server gave it an id,
    // failed() when it could not.
    void notify(const QString &title, const QString &body, qint64 buildId, Urgency urgency);
    // The build a notification that is still open belongs to (0: unknown or closed).
    qint64 buildOf(uint notificationId) const { return m_builds.value(notificationId); }
    int openNotificationCount() const { return int(m_builds.size()); }

signals:
    void availabilityChanged(bool available);
    void shown(uint notificationId, qint64 buildId);
    // The notification could not be raised (no bus, the server failed to start, …): what it
    // was, so the caller can show it another way, and why.
    void failed(qint64 buildId, const QString &title, const QString &body, const QString &error);
    // The user clicked a notification (its default action, "Open build").
    void openBuildRequested(qint64 buildId);

private slots:
    void onActionInvoked(uint notificationId, const QString &action);
    void onNotificationClosed(uint notificationId, uint reason);

private:
    void onNotifyFinished(QDBusPendingCallWatcher *watcher, qint64 buildId, const QString &title,
                          const QString &body);
    void askTheBus();
    void setRegistered(bool registered);
    void setAvailability(bool registered, bool activatable);

    QDBusConnection m_bus;
    QHash<uint, qint64> m_builds; // open notification id → build id
    bool m_registered = false;    // a server owns the service name
    bool m_activatable = false;   // the bus would start one on the first call
    bool m_ownerSeen = false;     // the service watcher spoke: newer than the first answer
    int m_unansweredQuestions = 0;
};

} // namespace vw::ui
