#pragma once

#include "app/engine/AppSettings.h"
#include "app/engine/BuildTransitions.h"
#include "models/Build.h"

#include <QHash>
#include <QIcon>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <functional>
#include <optional>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace vw {
class BuildStore;
}
namespace vw::engine {
class BuildHub;
}

namespace vw::ui {

class DesktopNotifier;

// The system tray: an icon in the colour of the most severe state across projects (failed,
// then building, then success), a menu (recent builds, start a build of the current project,
// open the window, pause notifications, quit) and a desktop notification per build transition
// the user asked for (started, succeeded, failed, fixed, still failing). It follows the
// BuildHub, so it sees builds of this process and, through the StoreChangeRelay, of others.
// The controller owns the tray icon; the app decides what the signals do.
class TrayController : public QObject
{
    Q_OBJECT

public:
    static constexpr int kRecentBuilds = 8;

    TrayController(BuildStore *store, engine::BuildHub *hub, QObject *parent = nullptr);
    ~TrayController() override;

    // Reads the projects and their latest builds from the store (call it once the store is open)
    // for the initial state — past builds never notify — then follows the hub; shows the tray
    // icon. With a tray to live in, closing the window no longer quits the app
    // (QGuiApplication::quitOnLastWindowClosed becomes false): "Quit" in the menu does.
    void start();
    void setNotificationSettings(const engine::NotificationSettings &settings);
    engine::NotificationSettings notificationSettings() const { return m_settings; }
    // The project "Start build of NAME" builds (id 0: none; the entry is then disabled).
    void setCurrentProject(qint64 projectId, const QString &name);
    qint64 currentProject() const { return m_currentProject; }

    // The most severe state across projects (none: no project has a build).
    std::optional<vw::BuildStatus> state() const;
    // The tray icon for a state (none: the plain app icon), painted at every size asked for.
    static QIcon iconFor(std::optional<vw::BuildStatus> state);

    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QMenu *menu() const { return m_menu; }
    DesktopNotifier *notifier() const { return m_notifier; }
    // Whether the desktop has a tray to show the icon in.
    bool isTrayAvailable() const;
    QAction *startBuildAction() const { return m_startBuild; }
    QAction *openWindowAction() const { return m_openWindow; }
    QAction *pauseAction() const { return m_pause; }
    QAction *quitAction() const { return m_quit; }
    // The "Recent builds" entries, newest first (each carries its build id as data()).
    QList<QAction *> recentBuildActions() const { return m_recentActions; }

signals:
    void openBuildRequested(qint64 buildId);
    void showWindowRequested();
    void startBuildRequested();
    void quitRequested();
    void notificationsPausedChanged(bool paused);
    // A notification was raised: handed to the desktop's notification server (should that fail,
    // it is shown as the tray's own message instead), or shown as the tray's message when there
    // is no server.
    void notified(const QString &title, const QString &body, qint64 buildId);

private:
    void createMenu();
    void loadInitialState();
    void onBuildCreated(const vw::Build &build);
    void onBuildChanged(const vw::Build &build);
    void onBuildFinished(const vw::Build &build);
    // Takes a build into the state (latest per project, recent list); `fromStore`: read at
    // start, so already past and older than anything the hub announced.
    void remember(const vw::Build &build, bool fromStore);
    std::optional<vw::BuildStatus> lastDecisive(qint64 projectId) const;
    void raise(engine::BuildTransition transition, const vw::Build &build);
    // Qt's own tray message, for desktops without a notification server.
    bool showTrayMessage(qint64 buildId, const QString &title, const QString &body);
    void withProjectName(qint64 projectId, std::function<void(const QString &)> then);
    void refresh();
    void updateRecentActions();
    QString tooltip() const;
    QString recentText(const vw::Build &build) const;
    QString body(engine::BuildTransition transition, const vw::Build &build) const;

    QPointer<BuildStore> m_store;
    QPointer<engine::BuildHub> m_hub;
    DesktopNotifier *m_notifier = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_noBuilds = nullptr;
    QAction *m_recentEnd = nullptr; // the separator after the recent builds
    QList<QAction *> m_recentActions;
    QAction *m_startBuild = nullptr;
    QAction *m_openWindow = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_quit = nullptr;

    engine::NotificationSettings m_settings;
    qint64 m_currentProject = 0;
    bool m_started = false;
    std::optional<vw::BuildStatus> m_shownState;
    bool m_iconSet = false;

    QHash<qint64, QString> m_projectNames;         // project id → name
    QHash<qint64, vw::Build> m_latest;             // project id → its newest build
    QHash<qint64, vw::BuildStatus> m_lastDecisive; // project id → last success/failure
    QList<vw::Build> m_recent;                     // newest first, at most kRecentBuilds
    QSet<qint64> m_startAnnounced;                 // builds whose start was classified
    QSet<qint64> m_finishAnnounced;                // builds whose end was classified
    qint64 m_messageBuild = 0; // the build of the tray's own message (no notification server)
};

} // namespace vw::ui
