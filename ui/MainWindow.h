#pragma once

#include "models/Build.h"
#include "models/Project.h"

#include <QHash>
#include <QMainWindow>

class QAction;
class QLabel;
class QStackedWidget;
class QTabWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace vw::engine {
class DevServer;
class EngineSession;
} // namespace vw::engine

namespace vw::daytona {
struct Sandbox;
}

namespace vw {

namespace ui {
class AnalyticsView;
class ArtifactsView;
class BuildIndicator;
class BuildStatus;
class HistoryView;
class PreviewPane;
} // namespace ui

// The main window: the sandboxes and their projects on the left (each with a compact
// BuildIndicator), and in the centre five tabs — Build (the selected build's BuildStatus: phases,
// progress, events and the install/build/live logs), History (every build, filtered and sorted),
// Preview (the project's dev server, embedded), Analytics (charts over a period) and Artifacts
// (the shown build's output files). Actions: Start build (Ctrl+B), Clean build
// (Ctrl+Shift+K), Rebuild (Ctrl+Shift+B), Cancel (Ctrl+.), Run dev server (Ctrl+Shift+R), Open
// preview in browser (Ctrl+Shift+O), Add project (Ctrl+Shift+N), Refresh sandboxes (F5),
// Settings (Ctrl+,). Everything updates from the session's BuildHub; nothing polls.
//
// The session may still be starting: with only the store open the window shows the history and
// keeps the build actions off until engineStarted() (or shows why the engine could not start,
// with a way to Settings). With no Daytona account the local sandbox's sample project is there
// from the first start, one click from a build.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class Tab { Build, History, Preview, Analytics, Artifacts };

    explicit MainWindow(engine::EngineSession *session, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Call once the session's store is open: loads the projects and their latest builds.
    void storeOpened();
    // The engine runs (builds can start), or it could not start (the reason is shown).
    void engineStarted();
    void engineFailed(const QString &reason);

    QAction *startBuildAction() const { return m_start; }
    QAction *cleanBuildAction() const { return m_clean; }
    QAction *rebuildAction() const { return m_rebuild; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *runDevServerAction() const { return m_runDevServer; }
    QAction *openPreviewInBrowserAction() const { return m_openPreview; }
    QAction *addProjectAction() const { return m_addProject; }
    QAction *refreshSandboxesAction() const { return m_refreshSandboxes; }
    QAction *settingsAction() const { return m_settings; }
    QList<QAction *> allActions() const;

    qint64 selectedProject() const { return m_selectedProject; }
    QString selectedProjectName() const;
    ui::BuildStatus *buildStatus() const { return m_buildStatus; }
    ui::HistoryView *historyView() const { return m_history; }
    ui::PreviewPane *previewPane() const { return m_preview; }
    ui::AnalyticsView *analyticsView() const { return m_analytics; }
    ui::ArtifactsView *artifactsView() const { return m_artifacts; }
    QTreeWidget *sandboxTree() const { return m_tree; }
    void selectProject(qint64 projectId);
    void showTab(Tab tab);
    Tab currentTab() const;
    // Shows this build in the Build tab (from History, the tray or a notification).
    void openBuild(qint64 buildId);
    // Window geometry, splitter and last project into the settings file (also done on close).
    void saveWindowState();
    void showStatus(const QString &text);

signals:
    // The user saved new settings; `keyChanged`: the Daytona API key in the keychain changed.
    void settingsSaved(bool keyChanged);
    void projectSelected(qint64 projectId, const QString &name);
    // Run dev server finished (ok or not); for the status bar, tests and the tray.
    void devServerStarted(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    QWidget *createEmptyState();
    QTreeWidgetItem *sandboxItem(const QString &sandboxId, const QString &name);
    void showSandbox(const daytona::Sandbox &sandbox);
    void addProject(const Project &project);
    QWidget *makeRow(const QString &title, ui::BuildIndicator *indicator);
    void showBuild(const Build &build);
    void startBuild(bool clean);
    void rebuild();
    void cancel();
    void runDevServer();
    void openPreviewInBrowser();
    void promptAddProject();
    void refreshSandboxes();
    void openSettings();
    void updateActions();
    QString selectedSandbox() const;

    engine::EngineSession *m_session;
    engine::DevServer *m_devServer = nullptr; // once the engine runs
    bool m_storeOpen = false;
    bool m_engineRunning = false;
    QTreeWidget *m_tree;
    QTabWidget *m_tabs;
    QStackedWidget *m_buildPage;
    ui::BuildStatus *m_buildStatus;
    ui::HistoryView *m_history;
    ui::PreviewPane *m_preview;
    ui::AnalyticsView *m_analytics;
    ui::ArtifactsView *m_artifacts;
    QLabel *m_connectionLabel;
    QHash<qint64, Project> m_projects;
    QHash<qint64, QTreeWidgetItem *> m_projectItems;
    QHash<qint64, ui::BuildIndicator *> m_indicators;         // per project
    QHash<QString, QTreeWidgetItem *> m_sandboxItems;         // by the key projects use
    QHash<QString, ui::BuildIndicator *> m_sandboxIndicators; // newest build in the sandbox
    QHash<qint64, Build> m_latest;                            // per project
    qint64 m_selectedProject = 0;
    qint64 m_restoreProject = 0;
    bool m_showingChosenBuild = false; // openBuild(): not following the project's latest

    QAction *m_start = nullptr;
    QAction *m_clean = nullptr;
    QAction *m_rebuild = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_runDevServer = nullptr;
    QAction *m_openPreview = nullptr;
    QAction *m_addProject = nullptr;
    QAction *m_refreshSandboxes = nullptr;
    QAction *m_settings = nullptr;
};

} // namespace vw
