#pragma once

#include "app/engine/AppSettings.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QString>

#include <functional>
#include <memory>

namespace vw::engine {
class EngineSession;
}

namespace vw {

class MainWindow;

namespace ui {

class TrayController;

// The running app: one EngineSession with its MainWindow and tray icon. Settings saved in the
// window take effect at once: a new Daytona connection, API key or database starts a new session
// (and window, at the same place) — builds go on in their sandboxes and the new session
// re-attaches to them; notification and parallel-build settings are applied in place.
//
// With a system tray, closing the window keeps Vaporwatch running there (Quit is in the tray's
// and the window's menus); without one, closing the window quits.
class AppController : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString databaseUrl; // empty: the settings' database, else the default SQLite file
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        QString localSandboxDirectory; // empty: the user's local sandbox
    };

    // Something that runs beside a session as long as the settings want it (the app's HTTP API,
    // which lives in a layer the widgets do not know): made once the engine runs, made again
    // when the settings change, destroyed before its session. May return null (not wanted).
    // `report` shows a sentence in the window's status bar.
    using SessionService = std::function<std::unique_ptr<QObject>(
        engine::EngineSession *session, const engine::AppSettings &settings,
        std::function<void(const QString &)> report)>;

    explicit AppController(Options options, QObject *parent = nullptr);
    ~AppController() override;

    // Call before start().
    void setSessionService(SessionService service) { m_makeService = std::move(service); }
    QObject *sessionService() const { return m_service.get(); }

    // Reads the settings, shows the window and the tray icon, opens the store and starts the
    // engine.
    void start();
    // Re-reads the settings file (after the settings dialog saved it) and applies it.
    void applySavedSettings(bool keyChanged);
    void showWindow();
    // Shows this build in the window (from the tray, a notification or the command line).
    void openBuild(qint64 buildId);

    MainWindow *window() const { return m_window.get(); }
    engine::EngineSession *session() const { return m_session.get(); }
    TrayController *tray() const { return m_tray.get(); }
    const engine::AppSettings &settings() const { return m_settings; }

signals:
    // The store is open and the engine runs (ok), or one of them failed; after every (re)start.
    void engineReady(bool ok);

private:
    void startSession();
    void stopSession();
    void savePaused(bool paused);
    void startService();

    Options m_options;
    engine::AppSettings m_settings;
    std::unique_ptr<engine::EngineSession> m_session;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<TrayController> m_tray;
    SessionService m_makeService;
    std::unique_ptr<QObject> m_service;
    bool m_engineRunning = false;
};

} // namespace ui
} // namespace vw
