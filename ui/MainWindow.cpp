#include "ui/MainWindow.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/AppSettings.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/DevServer.h"
#include "app/engine/EngineSession.h"
#include "app/engine/LocalSandbox.h"
#include "app/engine/SecretStore.h"
#include "models/BuildStore.h"
#include "ui/AnalyticsView.h"
#include "ui/ArtifactsView.h"
#include "ui/BuildHistoryModel.h"
#include "ui/BuildIndicator.h"
#include "ui/BuildStatus.h"
#include "ui/HistoryView.h"
#include "ui/PreviewPane.h"
#include "ui/SettingsDialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHash>
#include <QHeaderView>
#include <QIcon>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace vw {

namespace {

constexpr int kProjectIdRole = Qt::UserRole + 1;
constexpr int kSandboxKeyRole = Qt::UserRole + 2;  // what the sandbox's projects call it
constexpr int kSandboxNameRole = Qt::UserRole + 3; // its name, when known
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kSplitterKey = QStringLiteral("window/splitter");
const QString kLastProjectKey = QStringLiteral("window/lastProject");
const QString kTabKey = QStringLiteral("window/tab");

QString projectTitle(const Project &p)
{
    return p.name.isEmpty() ? p.directory : p.name;
}

// A Daytona sandbox state as the user reads it; a state this version does not know as it is.
QString sandboxStateName(const QString &state)
{
    // QT_TRANSLATE_NOOP marks them for lupdate; translate() looks them up when shown.
    static const QHash<QString, const char *> names{
        {QStringLiteral("creating"), QT_TRANSLATE_NOOP("vw::MainWindow", "creating")},
        {QStringLiteral("restoring"), QT_TRANSLATE_NOOP("vw::MainWindow", "restoring")},
        {QStringLiteral("destroyed"), QT_TRANSLATE_NOOP("vw::MainWindow", "destroyed")},
        {QStringLiteral("destroying"), QT_TRANSLATE_NOOP("vw::MainWindow", "destroying")},
        {QStringLiteral("started"), QT_TRANSLATE_NOOP("vw::MainWindow", "started")},
        {QStringLiteral("stopped"), QT_TRANSLATE_NOOP("vw::MainWindow", "stopped")},
        {QStringLiteral("starting"), QT_TRANSLATE_NOOP("vw::MainWindow", "starting")},
        {QStringLiteral("stopping"), QT_TRANSLATE_NOOP("vw::MainWindow", "stopping")},
        {QStringLiteral("error"), QT_TRANSLATE_NOOP("vw::MainWindow", "error")},
        {QStringLiteral("build_failed"), QT_TRANSLATE_NOOP("vw::MainWindow", "image build failed")},
        {QStringLiteral("pending_build"), QT_TRANSLATE_NOOP("vw::MainWindow", "image pending")},
        {QStringLiteral("building_snapshot"),
         QT_TRANSLATE_NOOP("vw::MainWindow", "building snapshot")},
        {QStringLiteral("unknown"), QT_TRANSLATE_NOOP("vw::MainWindow", "unknown")},
        {QStringLiteral("pulling_snapshot"),
         QT_TRANSLATE_NOOP("vw::MainWindow", "pulling snapshot")},
        {QStringLiteral("archived"), QT_TRANSLATE_NOOP("vw::MainWindow", "archived")},
        {QStringLiteral("archiving"), QT_TRANSLATE_NOOP("vw::MainWindow", "archiving")},
        {QStringLiteral("resizing"), QT_TRANSLATE_NOOP("vw::MainWindow", "resizing")},
        {QStringLiteral("snapshotting"), QT_TRANSLATE_NOOP("vw::MainWindow", "snapshotting")},
        {QStringLiteral("forking"), QT_TRANSLATE_NOOP("vw::MainWindow", "forking")},
        {QStringLiteral("pausing"), QT_TRANSLATE_NOOP("vw::MainWindow", "pausing")},
        {QStringLiteral("paused"), QT_TRANSLATE_NOOP("vw::MainWindow", "paused")},
        {QStringLiteral("resuming"), QT_TRANSLATE_NOOP("vw::MainWindow", "resuming")},
    };
    const auto found = names.constFind(state);
    return found == names.constEnd() ? state
                                     : QCoreApplication::translate("vw::MainWindow", *found);
}

QString sandboxTitle(const QString &name, const QString &state)
{
    return state.isEmpty() ? name
                           : QCoreApplication::translate("vw::MainWindow", "%1 · %2")
                                 .arg(name, sandboxStateName(state));
}

} // namespace

MainWindow::MainWindow(engine::EngineSession *session, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
{
    setWindowTitle(tr("Vaporwatch"));
    setMinimumSize(760, 480);
    resize(1180, 760);
    createActions();

    m_tree = new QTreeWidget(this);
    m_tree->setAccessibleName(tr("Sandboxes and projects"));
    m_tree->setHeaderHidden(true);
    m_tree->setColumnCount(1);
    m_tree->setIndentation(14);
    m_tree->setMinimumWidth(230);
    m_tree->setUniformRowHeights(false);

    m_buildStatus = new ui::BuildStatus(m_session->store(), m_session->hub(), this);
    m_buildPage = new QStackedWidget(this);
    m_buildPage->addWidget(createEmptyState());
    m_buildPage->addWidget(m_buildStatus);
    m_history = new ui::HistoryView(m_session->store(), m_session->hub(), this);
    connect(m_history, &ui::HistoryView::buildActivated, this, &MainWindow::openBuild);
    m_preview = new ui::PreviewPane(this);
    m_analytics = new ui::AnalyticsView(m_session->store(), m_session->hub(), this);
    connect(m_analytics, &ui::AnalyticsView::buildActivated, this, &MainWindow::openBuild);
    // The artifacts of the build the Build tab shows; downloads need the engine's client.
    m_artifacts = new ui::ArtifactsView(m_session->store(), m_session->hub(), nullptr, this);
    connect(m_buildStatus, &ui::BuildStatus::buildIdChanged, m_artifacts,
            &ui::ArtifactsView::setBuild);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->setAccessibleName(tr("Build, history, preview, analytics and artifacts"));
    m_tabs->addTab(m_buildPage, tr("Build"));
    m_tabs->addTab(m_history, tr("History"));
    m_tabs->addTab(m_preview, tr("Preview"));
    m_tabs->addTab(m_analytics, tr("Analytics"));
    m_tabs->addTab(m_artifacts, tr("Artifacts"));
    m_tabs->setTabToolTip(int(Tab::Build), tr("The selected build: phases, events and logs "
                                              "(Ctrl+1)"));
    m_tabs->setTabToolTip(int(Tab::History), tr("Every build, filtered and sorted (Ctrl+2)"));
    m_tabs->setTabToolTip(int(Tab::Preview), tr("The project's dev server (Ctrl+3)"));
    m_tabs->setTabToolTip(int(Tab::Analytics),
                          tr("Durations, success rate, phases, queue time and the most common "
                             "errors over a period (Ctrl+4)"));
    m_tabs->setTabToolTip(int(Tab::Artifacts),
                          tr("The shown build's output files, to download (Ctrl+5)"));

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(m_tree);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({270, 910});
    setCentralWidget(splitter);

    m_connectionLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_connectionLabel);
    const engine::DaytonaConnection *connection = m_session->connection();
    m_connectionLabel->setText(connection->usesLocalSandbox()
                                   ? tr("Local sandbox (no Daytona account)")
                                   : tr("Daytona · %1").arg(m_session->databaseDisplayName()));

    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(0, kProjectIdRole).toLongLong() > 0)
            selectProject(item->data(0, kProjectIdRole).toLongLong());
        updateActions();
    });
    engine::BuildHub *hub = m_session->hub();
    const auto onBuild = [this](const Build &b) {
        if (!m_projects.contains(b.projectId)) {
            // A project seen for the first time (a build started elsewhere): add it.
            m_session->store()
                ->project(b.projectId)
                ->onResult(this, [this, b](const Result<Project> &p) {
                    if (p && !m_projects.contains(p.value().id)) {
                        addProject(p.value());
                        showBuild(b);
                    }
                });
            return;
        }
        showBuild(b);
    };
    connect(hub, &engine::BuildHub::buildCreated, this, onBuild);
    connect(hub, &engine::BuildHub::buildChanged, this, onBuild);
    connect(hub, &engine::BuildHub::buildFinished, this, onBuild);

    // Window state lives beside the settings (AppSettings ignores these keys).
    const auto state = engine::AppSettings::openDefault();
    restoreGeometry(state->value(kGeometryKey).toByteArray());
    restoreState(state->value(kStateKey).toByteArray());
    splitter->restoreState(state->value(kSplitterKey).toByteArray());
    m_restoreProject = state->value(kLastProjectKey).toLongLong();
    // The preview is not restored: it would start a browser engine at every start.
    const Tab lastTab = Tab(state->value(kTabKey).toInt());
    if (lastTab == Tab::History || lastTab == Tab::Analytics || lastTab == Tab::Artifacts)
        showTab(lastTab);
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    const auto make = [this](const QString &text, const QKeySequence &shortcut,
                             const QString &tip) {
        auto *action = new QAction(text, this);
        action->setShortcut(shortcut);
        action->setToolTip(
            QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
        return action;
    };
    m_start = make(tr("&Start Build"), QKeySequence(Qt::CTRL | Qt::Key_B),
                   tr("Start a build of the selected project"));
    connect(m_start, &QAction::triggered, this, [this] { startBuild(false); });
    m_clean = make(tr("C&lean Build"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K),
                   tr("Build without the dependency cache"));
    connect(m_clean, &QAction::triggered, this, [this] { startBuild(true); });
    m_rebuild = make(tr("&Rebuild"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B),
                     tr("Build the latest build's project again with its settings"));
    connect(m_rebuild, &QAction::triggered, this, &MainWindow::rebuild);
    m_cancel = make(tr("&Cancel Build"), QKeySequence(Qt::CTRL | Qt::Key_Period),
                    tr("Stop the running build"));
    connect(m_cancel, &QAction::triggered, this, &MainWindow::cancel);
    m_runDevServer = make(tr("Run &Dev Server"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                          tr("Start the project's dev server in its sandbox and preview it"));
    connect(m_runDevServer, &QAction::triggered, this, &MainWindow::runDevServer);
    m_openPreview =
        make(tr("Open Preview in &Browser"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O),
             tr("Open the sandbox's dev server in the web browser"));
    connect(m_openPreview, &QAction::triggered, this, &MainWindow::openPreviewInBrowser);
    m_addProject = make(tr("&Add Project…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N),
                        tr("Add a directory of the selected sandbox as a project"));
    connect(m_addProject, &QAction::triggered, this, &MainWindow::promptAddProject);
    m_refreshSandboxes = make(tr("Re&fresh Sandboxes"), QKeySequence(Qt::Key_F5),
                              tr("List the sandboxes and their states again"));
    connect(m_refreshSandboxes, &QAction::triggered, this, &MainWindow::refreshSandboxes);
    m_settings = new QAction(tr("S&ettings…"), this);
    m_settings->setShortcut(QKeySequence::Preferences);
    if (m_settings->shortcut().isEmpty())
        m_settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settings->setToolTip(tr("Daytona account, database, notifications (%1)")
                               .arg(m_settings->shortcut().toString(QKeySequence::NativeText)));
    connect(m_settings, &QAction::triggered, this, &MainWindow::openSettings);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addActions({m_addProject, m_refreshSandboxes});
    file->addSeparator();
    file->addAction(m_settings);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *build = menuBar()->addMenu(tr("&Build"));
    build->addActions({m_start, m_clean, m_rebuild, m_cancel});
    QMenu *preview = menuBar()->addMenu(tr("&Preview"));
    preview->addActions({m_runDevServer, m_openPreview});
    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QList<std::pair<QString, Tab>> tabs = {{tr("&Build"), Tab::Build},
                                                 {tr("&History"), Tab::History},
                                                 {tr("&Preview"), Tab::Preview},
                                                 {tr("&Analytics"), Tab::Analytics},
                                                 {tr("A&rtifacts"), Tab::Artifacts}};
    for (int i = 0; i < tabs.size(); ++i) {
        QAction *show =
            view->addAction(tabs[i].first, this, [this, tab = tabs[i].second] { showTab(tab); });
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Vaporwatch"), this, [this] {
        QMessageBox::about(this, tr("About Vaporwatch"),
                           tr("<b>Vaporwatch %1</b><p>Starts and watches builds inside Daytona "
                              "sandboxes.</p>")
                               .arg(QApplication::applicationVersion()));
    });

    QToolBar *toolbar = addToolBar(tr("Build"));
    toolbar->setObjectName(QStringLiteral("buildToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addActions({m_start, m_clean, m_rebuild, m_cancel});
    toolbar->addSeparator();
    toolbar->addActions({m_runDevServer, m_openPreview});
    toolbar->addSeparator();
    toolbar->addAction(m_settings);
}

QList<QAction *> MainWindow::allActions() const
{
    return {m_start,       m_clean,      m_rebuild,          m_cancel,  m_runDevServer,
            m_openPreview, m_addProject, m_refreshSandboxes, m_settings};
}

QWidget *MainWindow::createEmptyState()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("emptyState"));
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();
    auto *icon = new QLabel(page);
    icon->setPixmap(QIcon(QStringLiteral(":/vaporwatch/icons/vaporwatch.svg")).pixmap(96, 96));
    icon->setAlignment(Qt::AlignCenter);
    auto *title = new QLabel(tr("No builds yet"), page);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setAlignment(Qt::AlignCenter);
    auto *hint = new QLabel(tr("Select a project and press Start Build (Ctrl+B): it builds in its "
                               "sandbox, phase by phase, with its logs. Without a Daytona account "
                               "the local sandbox's sample project is ready; add an account in "
                               "Settings."),
                            page);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(icon);
    layout->addWidget(title);
    layout->addWidget(hint);
    layout->addStretch();
    return page;
}

void MainWindow::storeOpened()
{
    m_storeOpen = true;
    m_history->model()->refresh(); // it was made before the store could answer
    updateActions();
    BuildStore *store = m_session->store();
    const auto loadProjects = [this, store] {
        store->projects()->onResult(this, [this, store](const Result<QList<Project>> &projects) {
            if (!projects) {
                showStatus(projects.error().message);
                return;
            }
            for (const Project &p : projects.value())
                addProject(p);
            store->latestBuilds()->onResult(this, [this](const Result<QList<Build>> &builds) {
                if (builds) {
                    for (const Build &b : builds.value())
                        showBuild(b);
                }
                if (m_projects.contains(m_restoreProject))
                    selectProject(m_restoreProject);
                else if (!m_projectItems.isEmpty())
                    selectProject(m_projectItems.keys().first());
            });
        });
    };
    if (!m_session->connection()->usesLocalSandbox()) {
        loadProjects();
        return;
    }
    // The embedded default: the sample project is there from the first start.
    store
        ->ensureProject(engine::LocalSandbox::kSandboxName, engine::LocalSandbox::kSampleProject,
                        tr("Sample project"))
        ->onResult(this, [loadProjects](const Result<Project> &) { loadProjects(); });
}

void MainWindow::engineStarted()
{
    m_engineRunning = true;
    m_session->connection()->connectClient()->onResult(
        this, [this](const Result<daytona::DaytonaClient *> &client) {
            if (!client)
                return;
            m_devServer = new engine::DevServer(client.value(), this);
            m_artifacts->setClient(client.value());
            if (m_projects.contains(m_selectedProject))
                selectProject(m_selectedProject); // points the preview at its sandbox
            refreshSandboxes();
            updateActions();
        });
    updateActions();
}

void MainWindow::engineFailed(const QString &reason)
{
    m_engineRunning = false;
    showStatus(tr("Builds cannot start: %1 (see Settings)").arg(reason));
    updateActions();
}

QWidget *MainWindow::makeRow(const QString &title, ui::BuildIndicator *indicator)
{
    auto *row = new QWidget(m_tree);
    auto *rowLayout = new QVBoxLayout(row);
    rowLayout->setContentsMargins(4, 3, 4, 3);
    rowLayout->setSpacing(1);
    auto *name = new QLabel(title, row);
    name->setObjectName(QStringLiteral("rowTitle"));
    rowLayout->addWidget(name);
    indicator->setParent(row);
    indicator->setFocusPolicy(Qt::NoFocus);
    rowLayout->addWidget(indicator);
    return row;
}

QTreeWidgetItem *MainWindow::sandboxItem(const QString &sandboxId, const QString &name)
{
    for (QTreeWidgetItem *item : std::as_const(m_sandboxItems)) {
        const QString key = item->data(0, kSandboxKeyRole).toString();
        const QString itemName = item->data(0, kSandboxNameRole).toString();
        if (key == sandboxId || itemName == sandboxId || (!name.isEmpty() && itemName == name))
            return item;
    }
    auto *item = new QTreeWidgetItem(m_tree);
    item->setData(0, kSandboxKeyRole, sandboxId);
    item->setData(0, kSandboxNameRole, name.isEmpty() ? sandboxId : name);
    item->setExpanded(true);
    auto *indicator = new ui::BuildIndicator(ui::BuildIndicator::Mode::Compact);
    indicator->setProjectName(name.isEmpty() ? sandboxId : name);
    QWidget *row = makeRow(name.isEmpty() ? sandboxId : name, indicator);
    QFont bold = row->font();
    bold.setBold(true);
    row->findChild<QLabel *>(QStringLiteral("rowTitle"))->setFont(bold);
    item->setSizeHint(0, row->sizeHint());
    m_tree->setItemWidget(item, 0, row);
    item->setExpanded(true);
    m_sandboxItems.insert(sandboxId, item);
    m_sandboxIndicators.insert(sandboxId, indicator);
    return item;
}

void MainWindow::showSandbox(const daytona::Sandbox &sandbox)
{
    QTreeWidgetItem *item = sandboxItem(sandbox.id, sandbox.name);
    item->setData(0, kSandboxNameRole, sandbox.name);
    item->setToolTip(0, tr("Sandbox %1 (%2), %3").arg(sandbox.name, sandbox.id, sandbox.state));
    if (auto *title = m_tree->itemWidget(item, 0)->findChild<QLabel *>(QStringLiteral("rowTitle")))
        title->setText(sandboxTitle(sandbox.name, sandbox.state));
}

void MainWindow::addProject(const Project &project)
{
    if (m_projects.contains(project.id))
        return;
    m_projects.insert(project.id, project);
    QTreeWidgetItem *parent = sandboxItem(project.sandboxId, project.sandboxName);
    auto *item = new QTreeWidgetItem(parent);
    item->setData(0, kProjectIdRole, project.id);
    item->setToolTip(0, tr("%1 in sandbox %2").arg(project.directory, project.sandboxId));
    auto *indicator = new ui::BuildIndicator(ui::BuildIndicator::Mode::Compact);
    indicator->setProjectName(projectTitle(project));
    connect(indicator, &ui::BuildIndicator::clicked, this,
            [this, id = project.id] { selectProject(id); });
    QWidget *row = makeRow(projectTitle(project), indicator);
    item->setSizeHint(0, row->sizeHint());
    m_tree->setItemWidget(item, 0, row);
    parent->setExpanded(true);
    m_projectItems.insert(project.id, item);
    m_indicators.insert(project.id, indicator);
}

void MainWindow::showBuild(const Build &build)
{
    if (m_latest.contains(build.projectId) && m_latest.value(build.projectId).id > build.id)
        return; // a late update of an older build
    m_latest.insert(build.projectId, build);
    if (ui::BuildIndicator *indicator = m_indicators.value(build.projectId))
        indicator->setBuild(build);
    const Project project = m_projects.value(build.projectId);
    if (QTreeWidgetItem *item = m_projectItems.value(build.projectId)) {
        const QString key = item->parent()->data(0, kSandboxKeyRole).toString();
        ui::BuildIndicator *sandboxIndicator = m_sandboxIndicators.value(key);
        if (sandboxIndicator &&
            (!sandboxIndicator->build() || sandboxIndicator->build()->id <= build.id)) {
            sandboxIndicator->setProjectName(projectTitle(project));
            sandboxIndicator->setBuild(build);
        }
    }
    if (build.projectId == m_selectedProject)
        m_buildPage->setCurrentIndex(1); // BuildStatus follows the project's latest build itself
    updateActions();
}

void MainWindow::selectProject(qint64 projectId)
{
    if (!m_projects.contains(projectId))
        return;
    const bool changed = m_selectedProject != projectId;
    m_selectedProject = projectId;
    if (QTreeWidgetItem *item = m_projectItems.value(projectId);
        item && m_tree->currentItem() != item)
        m_tree->setCurrentItem(item);
    if (m_showingChosenBuild || m_buildStatus->followedProjectId() != projectId) {
        m_showingChosenBuild = false;
        m_buildStatus->setLatestOfProject(projectId);
    }
    m_buildPage->setCurrentIndex(m_latest.contains(projectId) ? 1 : 0);
    const Project &project = m_projects[projectId];
    if (m_devServer) {
        m_preview->setTarget(m_devServer->previewLocator(), project.sandboxId,
                             project.devPort > 0 ? std::optional<int>(project.devPort)
                                                 : std::nullopt);
    }
    if (changed)
        emit projectSelected(projectId, projectTitle(project));
    updateActions();
}

QString MainWindow::selectedProjectName() const
{
    return m_projects.contains(m_selectedProject) ? projectTitle(m_projects[m_selectedProject])
                                                  : QString();
}

QString MainWindow::selectedSandbox() const
{
    QTreeWidgetItem *item = m_tree->currentItem();
    if (!item)
        return {};
    if (item->parent())
        item = item->parent();
    return item->data(0, kSandboxKeyRole).toString();
}

void MainWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

MainWindow::Tab MainWindow::currentTab() const
{
    return Tab(m_tabs->currentIndex());
}

void MainWindow::openBuild(qint64 buildId)
{
    m_session->store()->build(buildId)->onResult(this, [this](const Result<Build> &build) {
        if (!build) {
            showStatus(tr("Cannot open the build: %1").arg(build.error().message));
            return;
        }
        const Build &b = build.value();
        if (m_projects.contains(b.projectId)) {
            const QSignalBlocker blocker(m_tree);
            m_selectedProject = b.projectId;
            m_tree->setCurrentItem(m_projectItems.value(b.projectId));
        }
        m_showingChosenBuild = true;
        m_buildStatus->setBuildId(b.id);
        m_buildPage->setCurrentIndex(1);
        showTab(Tab::Build);
        updateActions();
    });
}

void MainWindow::startBuild(bool clean)
{
    if (!m_engineRunning || !m_projects.contains(m_selectedProject))
        return;
    const Project project = m_projects.value(m_selectedProject);
    engine::BuildManager::StartOptions options;
    options.clean = clean;
    options.trigger = QStringLiteral("app");
    if (m_showingChosenBuild)
        selectProject(project.id); // back to following the project's latest build
    showTab(Tab::Build);
    m_session->manager()
        ->startBuild(project.sandboxId, project.directory, options)
        ->onResult(this, [this](const Result<Build> &b) {
            if (!b)
                showStatus(tr("The build did not start: %1").arg(b.error().message));
        });
}

void MainWindow::rebuild()
{
    if (!m_engineRunning || !m_latest.contains(m_selectedProject))
        return;
    if (m_showingChosenBuild)
        selectProject(m_selectedProject);
    showTab(Tab::Build);
    m_session->manager()
        ->rebuild(m_latest.value(m_selectedProject).id)
        ->onResult(this, [this](const Result<Build> &b) {
            if (!b)
                showStatus(tr("The rebuild did not start: %1").arg(b.error().message));
        });
}

void MainWindow::cancel()
{
    if (!m_engineRunning || !m_latest.contains(m_selectedProject))
        return;
    m_session->manager()
        ->cancel(m_latest.value(m_selectedProject).id)
        ->onResult(this, [this](const Status &cancelled) {
            if (!cancelled)
                showStatus(tr("The build was not cancelled: %1").arg(cancelled.error().message));
        });
}

void MainWindow::runDevServer()
{
    if (!m_devServer || !m_projects.contains(m_selectedProject))
        return;
    m_runDevServer->setEnabled(false);
    showStatus(tr("Starting the dev server of %1…").arg(selectedProjectName()));
    // Read the project again: its dev command and port may have been set meanwhile
    // (`vaporwatch-cli project --dev-command … --dev-port …`).
    m_session->store()
        ->project(m_selectedProject)
        ->onResult(this, [this](const Result<Project> &p) {
            if (!p) {
                updateActions();
                showStatus(tr("The dev server did not start: %1").arg(p.error().message));
                emit devServerStarted(false);
                return;
            }
            const Project &project = p.value();
            m_projects.insert(project.id, project);
            engine::DevServer::Options options;
            options.sandbox = project.sandboxId;
            options.projectDirectory = project.directory;
            options.command = project.devCommand; // empty: the stack's default
            if (project.devPort > 0)
                options.port = project.devPort;
            m_devServer->start(options)->onResult(
                this, [this](const Result<engine::DevServerState> &s) {
                    updateActions();
                    if (!s) {
                        showStatus(tr("The dev server did not start: %1").arg(s.error().message));
                        emit devServerStarted(false);
                        return;
                    }
                    const engine::DevServerState &state = s.value();
                    showStatus((state.alreadyRunning
                                    ? tr("The dev server was already running on port %1 (%2)")
                                    : tr("The dev server runs on port %1 (%2)"))
                                   .arg(state.port)
                                   .arg(state.preview.health.summary()));
                    showTab(Tab::Preview);
                    m_preview->showPreview(state.preview);
                    emit devServerStarted(true);
                });
        });
}

void MainWindow::openPreviewInBrowser()
{
    const QString sandbox = m_projects.contains(m_selectedProject)
                                ? m_projects.value(m_selectedProject).sandboxId
                                : selectedSandbox();
    if (!m_devServer || sandbox.isEmpty())
        return;
    const int port = m_projects.value(m_selectedProject).devPort;
    m_devServer->previewLocator()
        ->locate(sandbox, port > 0 ? std::optional<int>(port) : std::nullopt)
        ->onResult(this, [this, sandbox](const Result<engine::PreviewInfo> &info) {
            if (!info) {
                showStatus(tr("No dev server to open in %1: %2 Run Dev Server (Ctrl+Shift+R) "
                              "starts one.")
                               .arg(sandbox, info.error().message));
                return;
            }
            // The browser cannot send the preview token header; Daytona asks it to sign in.
            QDesktopServices::openUrl(info.value().link.url);
            showStatus(tr("Opened %1 in the browser").arg(info.value().link.url.toString()));
        });
}

void MainWindow::promptAddProject()
{
    QString sandbox = selectedSandbox();
    if (sandbox.isEmpty() && m_session->connection()->usesLocalSandbox())
        sandbox = engine::LocalSandbox::kSandboxName;
    if (sandbox.isEmpty()) {
        sandbox =
            QInputDialog::getText(this, tr("Add Project"), tr("Sandbox (name or id):")).trimmed();
        if (sandbox.isEmpty())
            return;
    }
    const QString directory =
        QInputDialog::getText(this, tr("Add Project"),
                              tr("Project directory in sandbox %1 (absolute, or relative to "
                                 "the sandbox's working directory):")
                                  .arg(sandbox))
            .trimmed();
    if (directory.isEmpty())
        return;
    const QString name = QFileInfo(directory).fileName();
    m_session->store()
        ->ensureProject(sandbox, directory, name.isEmpty() ? directory : name)
        ->onResult(this, [this](const Result<Project> &project) {
            if (!project) {
                showStatus(tr("The project was not added: %1").arg(project.error().message));
                return;
            }
            addProject(project.value());
            selectProject(project.value().id);
        });
}

void MainWindow::refreshSandboxes()
{
    if (!m_engineRunning)
        return;
    m_session->connection()->connectClient()->onResult(
        this, [this](const Result<daytona::DaytonaClient *> &client) {
            if (!client)
                return;
            client.value()->listAllSandboxes()->onResult(
                this, [this](const Result<QList<daytona::Sandbox>> &sandboxes) {
                    if (!sandboxes) {
                        showStatus(tr("The sandboxes could not be listed: %1")
                                       .arg(sandboxes.error().message));
                        return;
                    }
                    for (const daytona::Sandbox &sandbox : sandboxes.value())
                        showSandbox(sandbox);
                });
        });
}

void MainWindow::openSettings()
{
    auto settingsFile = engine::AppSettings::openDefault();
    auto *secrets = new engine::SecretStore(engine::SecretStore::kService, this);
    ui::SettingsDialog dialog(engine::AppSettings::load(*settingsFile), secrets, this);
    if (dialog.exec() == QDialog::Accepted) {
        dialog.settings().save(*settingsFile);
        settingsFile->sync();
        emit settingsSaved(dialog.keyChanged());
    }
    secrets->deleteLater();
}

void MainWindow::updateActions()
{
    const bool selected = m_projects.contains(m_selectedProject);
    const bool hasBuild = m_latest.contains(m_selectedProject);
    const bool running = hasBuild && !m_latest.value(m_selectedProject).isFinished();
    m_start->setEnabled(m_engineRunning && selected && !running);
    m_clean->setEnabled(m_engineRunning && selected && !running);
    m_rebuild->setEnabled(m_engineRunning && hasBuild && !running);
    m_cancel->setEnabled(m_engineRunning && running);
    m_runDevServer->setEnabled(m_devServer && selected);
    m_openPreview->setEnabled(m_devServer && (selected || !selectedSandbox().isEmpty()));
    m_addProject->setEnabled(m_storeOpen);
    m_refreshSandboxes->setEnabled(m_engineRunning);
}

void MainWindow::showStatus(const QString &text)
{
    statusBar()->showMessage(text);
}

void MainWindow::saveWindowState()
{
    const auto state = engine::AppSettings::openDefault();
    state->setValue(kGeometryKey, saveGeometry());
    state->setValue(kStateKey, saveState());
    if (auto *splitter = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        state->setValue(kSplitterKey, splitter->saveState());
    state->setValue(kLastProjectKey, m_selectedProject);
    state->setValue(kTabKey, m_tabs->currentIndex());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

} // namespace vw
