#include "ui/AppController.h"

#include "app/engine/BuildManager.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/EngineSession.h"
#include "models/Log.h"
#include "ui/MainWindow.h"
#include "ui/TrayController.h"

#include <QAction>
#include <QApplication>
#include <QSettings>
#include <QSystemTrayIcon>

namespace vw::ui {

namespace {

// Whether moving from `before` to `after` needs a new connection or store.
bool needsNewSession(const engine::AppSettings &before, const engine::AppSettings &after)
{
    return before.daytonaAccount != after.daytonaAccount ||
           before.daytonaApiUrl != after.daytonaApiUrl ||
           before.daytonaTarget != after.daytonaTarget || before.databaseUrl != after.databaseUrl;
}

} // namespace

AppController::AppController(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
}

AppController::~AppController()
{
    stopSession();
}

void AppController::start()
{
    m_settings = engine::AppSettings::load(*engine::AppSettings::openDefault());
    startSession();
}

void AppController::startSession()
{
    engine::EngineSession::Options options;
    options.settings = m_settings;
    options.databaseUrl = m_options.databaseUrl;
    options.environment = m_options.environment;
    options.localSandboxDirectory = m_options.localSandboxDirectory;
    m_session = std::make_unique<engine::EngineSession>(options);
    for (const QString &warning : m_session->connection()->warnings())
        log::get("app")->warn("{}", warning);

    m_window = std::make_unique<MainWindow>(m_session.get());
    MainWindow *window = m_window.get();
    // Queued: the window may be replaced, which must not happen inside its own slot.
    connect(window, &MainWindow::settingsSaved, this, &AppController::applySavedSettings,
            Qt::QueuedConnection);

    m_tray = std::make_unique<TrayController>(m_session->store(), m_session->hub());
    TrayController *tray = m_tray.get();
    tray->setNotificationSettings(m_settings.notifications);
    connect(window, &MainWindow::projectSelected, tray, &TrayController::setCurrentProject);
    connect(tray, &TrayController::openBuildRequested, this, &AppController::openBuild);
    connect(tray, &TrayController::showWindowRequested, this, &AppController::showWindow);
    connect(tray, &TrayController::startBuildRequested, window, [this] {
        if (m_window->startBuildAction()->isEnabled())
            m_window->startBuildAction()->trigger();
        else
            showWindow();
    });
    connect(tray, &TrayController::quitRequested, qApp, &QApplication::quit);
    connect(tray, &TrayController::notificationsPausedChanged, this, &AppController::savePaused);

    window->show();
    // The window is up at once; the history appears when the store is open, builds can start
    // when the engine runs (the local sandboxd may take a moment to start).
    engine::EngineSession *session = m_session.get();
    session->openStore()->onResult(window, [this, window, session, tray](const Status &opened) {
        if (!opened) {
            window->engineFailed(opened.error().message);
            emit engineReady(false);
            return;
        }
        window->storeOpened();
        tray->start();
        session->startEngine()->onResult(window, [this, window](const Status &started) {
            m_engineRunning = started.ok();
            if (started) {
                window->engineStarted();
                startService();
            } else {
                window->engineFailed(started.error().message);
            }
            emit engineReady(started.ok());
        });
    });
}

void AppController::stopSession()
{
    if (m_window)
        m_window->saveWindowState();
    // The service and the views first (they hold the session's store and hub), then the
    // session, which stops following its builds — they go on in their sandboxes.
    m_service.reset();
    m_engineRunning = false;
    m_tray.reset();
    m_window.reset();
    m_session.reset();
}

void AppController::applySavedSettings(bool keyChanged)
{
    const engine::AppSettings saved =
        engine::AppSettings::load(*engine::AppSettings::openDefault());
    const engine::AppSettings before = std::exchange(m_settings, saved);
    if (keyChanged || needsNewSession(before, saved)) {
        stopSession();
        startSession();
        m_window->showStatus(tr("Settings applied: connected again with the new settings."));
        return;
    }
    m_tray->setNotificationSettings(saved.notifications);
    if (engine::BuildManager *manager = m_session->manager())
        manager->setMaxParallel(saved.maxParallelBuilds);
    if (before.httpApiEnabled != saved.httpApiEnabled || before.httpApiPort != saved.httpApiPort)
        startService();
    m_window->showStatus(tr("Settings applied."));
}

void AppController::startService()
{
    m_service.reset(); // the old one first: it may hold the port the new one wants
    if (!m_makeService || !m_engineRunning)
        return;
    m_service = m_makeService(m_session.get(), m_settings, [this](const QString &text) {
        if (m_window)
            m_window->showStatus(text);
    });
}

void AppController::showWindow()
{
    if (!m_window)
        return;
    m_window->show();
    m_window->setWindowState((m_window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    m_window->raise();
    m_window->activateWindow();
}

void AppController::openBuild(qint64 buildId)
{
    showWindow();
    if (m_window)
        m_window->openBuild(buildId);
}

void AppController::savePaused(bool paused)
{
    m_settings.notifications.paused = paused;
    const auto file = engine::AppSettings::openDefault();
    engine::AppSettings saved = engine::AppSettings::load(*file);
    saved.notifications.paused = paused;
    saved.save(*file);
    m_tray->setNotificationSettings(m_settings.notifications);
}

} // namespace vw::ui
