#pragma once

#include "models/Build.h"
#include "models/Project.h"

#include <QHash>
#include <QMainWindow>

class QAction;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace vw::engine {
class EngineSession;
}

namespace vw {

namespace ui {
class BuildIndicator;
class BuildStatus;
} // namespace ui

// The main window: the projects on the left (each with a compact BuildIndicator), the selected
// project's latest build in the centre (BuildStatus: phases, progress, events, logs), and the
// actions — Start build (Ctrl+B), Clean build (Ctrl+Shift+K), Rebuild (Ctrl+Shift+B), Cancel
// (Ctrl+.), Settings (Ctrl+,). Everything updates from the session's BuildHub; nothing polls.
//
// The session may still be starting: with only the store open the window shows the history and
// keeps the build actions off until engineStarted() (or shows why the engine could not start,
// with a way to Settings). With no Daytona account the local sandbox's sample project is there
// from the first start, one click from a build.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(engine::EngineSession *session, QWidget *parent = nullptr);

    // Call once the session's store is open: loads the projects and their latest builds.
    void storeOpened();
    // The engine runs (builds can start), or it could not start (the reason is shown).
    void engineStarted();
    void engineFailed(const QString &reason);

    QAction *startBuildAction() const { return m_start; }
    QAction *cleanBuildAction() const { return m_clean; }
    QAction *rebuildAction() const { return m_rebuild; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *settingsAction() const { return m_settings; }
    qint64 selectedProject() const { return m_selectedProject; }
    ui::BuildStatus *buildStatus() const { return m_buildStatus; }
    void selectProject(qint64 projectId);

signals:
    // The user saved new settings (the app restarts the engine with them).
    void settingsSaved();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    QWidget *createEmptyState();
    void addProject(const Project &project);
    void showBuild(const Build &build);
    void startBuild(bool clean);
    void rebuild();
    void cancel();
    void openSettings();
    void updateActions();
    void showStatus(const QString &text);

    engine::EngineSession *m_session;
    bool m_engineRunning = false;
    QListWidget *m_projectList;
    QStackedWidget *m_centre;
    ui::BuildStatus *m_buildStatus;
    QLabel *m_connectionLabel;
    QHash<qint64, Project> m_projects;
    QHash<qint64, ui::BuildIndicator *> m_indicators;
    QHash<qint64, Build> m_latest; // per project
    qint64 m_selectedProject = 0;
    qint64 m_restoreProject = 0;

    QAction *m_start = nullptr;
    QAction *m_clean = nullptr;
    QAction *m_rebuild = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_settings = nullptr;
};

} // namespace vw
