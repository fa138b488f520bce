#include "ui/MainWindow.h"

#include "app/engine/AppSettings.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/EngineSession.h"
#include "app/engine/LocalSandbox.h"
#include "app/engine/SecretStore.h"
#include "models/BuildStore.h"
#include "ui/BuildIndicator.h"
#include "ui/BuildStatus.h"
#include "ui/SettingsDialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace vw {

namespace {

constexpr int kProjectIdRole = Qt::UserRole + 1;
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kSplitterKey = QStringLiteral("window/splitter");
const QString kLastProjectKey = QStringLiteral("window/lastProject");

QString projectTitle(const Project &p)
{
    return QCoreApplication::translate("MainWindow", "%1 in %2")
        .arg(p.name.isEmpty() ? p.directory : p.name,
             p.sandboxName.isEmpty() ? p.sandboxId : p.sandboxName);
}

} // namespace

MainWindow::MainWindow(engine::EngineSession *session, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
{
    setWindowTitle(tr("Vaporwatch"));
    setMinimumSize(720, 460);
    resize(1100, 720);
    createActions();

    m_projectList = new QListWidget(this);
    m_projectList->setAccessibleName(tr("Projects"));
    m_projectList->setMinimumWidth(220);
    m_buildStatus = new ui::BuildStatus(m_session->store(), m_session->hub(), this);
    m_centre = new QStackedWidget(this);
    m_centre->addWidget(createEmptyState());
    m_centre->addWidget(m_buildStatus);
    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(m_projectList);
    splitter->addWidget(m_centre);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);

    m_connectionLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_connectionLabel);
    const engine::DaytonaConnection *connection = m_session->connection();
    m_connectionLabel->setText(
        connection->usesLocalSandbox() ? tr("Local sandbox (no Daytona account)") : tr("Daytona"));

    connect(m_projectList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            selectProject(item->data(kProjectIdRole).toLongLong());
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
    updateActions();
}

void MainWindow::createActions()
{
    m_start = new QAction(tr("&Start Build"), this);
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_start->setToolTip(tr("Start a build of the selected project (Ctrl+B)"));
    connect(m_start, &QAction::triggered, this, [this] { startBuild(false); });
    m_clean = new QAction(tr("C&lean Build"), this);
    m_clean->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_clean->setToolTip(tr("Build without the dependency cache (Ctrl+Shift+K)"));
    connect(m_clean, &QAction::triggered, this, [this] { startBuild(true); });
    m_rebuild = new QAction(tr("&Rebuild"), this);
    m_rebuild->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    m_rebuild->setToolTip(tr("Build the latest build's project again with its settings "
                             "(Ctrl+Shift+B)"));
    connect(m_rebuild, &QAction::triggered, this, &MainWindow::rebuild);
    m_cancel = new QAction(tr("&Cancel Build"), this);
    m_cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancel->setToolTip(tr("Stop the running build (Ctrl+.)"));
    connect(m_cancel, &QAction::triggered, this, &MainWindow::cancel);
    m_settings = new QAction(tr("S&ettings…"), this);
    m_settings->setShortcut(QKeySequence::Preferences);
    if (m_settings->shortcut().isEmpty())
        m_settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settings->setToolTip(tr("Daytona account, database, notifications"));
    connect(m_settings, &QAction::triggered, this, &MainWindow::openSettings);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_settings);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *build = menuBar()->addMenu(tr("&Build"));
    build->addActions({m_start, m_clean, m_rebuild, m_cancel});
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
    toolbar->addAction(m_settings);
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
                else if (m_projectList->count() > 0)
                    m_projectList->setCurrentRow(0);
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
    updateActions();
}

void MainWindow::engineFailed(const QString &reason)
{
    m_engineRunning = false;
    showStatus(tr("Builds cannot start: %1 (see Settings)").arg(reason));
    updateActions();
}

void MainWindow::addProject(const Project &project)
{
    if (m_projects.contains(project.id))
        return;
    m_projects.insert(project.id, project);
    auto *item = new QListWidgetItem(m_projectList);
    item->setData(kProjectIdRole, project.id);
    auto *row = new QWidget(m_projectList);
    auto *rowLayout = new QVBoxLayout(row);
    rowLayout->setContentsMargins(6, 4, 6, 4);
    rowLayout->setSpacing(1);
    auto *name = new QLabel(projectTitle(project), row);
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    auto *indicator = new ui::BuildIndicator(ui::BuildIndicator::Mode::Compact, row);
    indicator->setFocusPolicy(Qt::NoFocus);
    indicator->setProjectName(projectTitle(project));
    connect(indicator, &ui::BuildIndicator::clicked, this,
            [this, id = project.id] { selectProject(id); });
    rowLayout->addWidget(name);
    rowLayout->addWidget(indicator);
    item->setSizeHint(row->sizeHint());
    m_projectList->setItemWidget(item, row);
    m_indicators.insert(project.id, indicator);
}

void MainWindow::showBuild(const Build &build)
{
    if (m_latest.contains(build.projectId) && m_latest.value(build.projectId).id > build.id)
        return; // a late update of an older build
    m_latest.insert(build.projectId, build);
    if (ui::BuildIndicator *indicator = m_indicators.value(build.projectId))
        indicator->setBuild(build);
    if (build.projectId == m_selectedProject)
        m_centre->setCurrentIndex(1); // BuildStatus follows the project's latest build itself
    updateActions();
}

void MainWindow::selectProject(qint64 projectId)
{
    if (!m_projects.contains(projectId))
        return;
    m_selectedProject = projectId;
    for (int row = 0; row < m_projectList->count(); ++row) {
        if (m_projectList->item(row)->data(kProjectIdRole).toLongLong() == projectId &&
            m_projectList->currentRow() != row)
            m_projectList->setCurrentRow(row);
    }
    if (m_buildStatus->followedProjectId() != projectId)
        m_buildStatus->setLatestOfProject(projectId);
    m_centre->setCurrentIndex(m_latest.contains(projectId) ? 1 : 0);
    updateActions();
}

void MainWindow::startBuild(bool clean)
{
    if (!m_engineRunning || !m_projects.contains(m_selectedProject))
        return;
    const Project project = m_projects.value(m_selectedProject);
    engine::BuildManager::StartOptions options;
    options.clean = clean;
    options.trigger = QStringLiteral("app");
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

void MainWindow::openSettings()
{
    auto settingsFile = engine::AppSettings::openDefault();
    auto *secrets = new engine::SecretStore(engine::SecretStore::kService, this);
    ui::SettingsDialog dialog(engine::AppSettings::load(*settingsFile), secrets, this);
    if (dialog.exec() == QDialog::Accepted) {
        dialog.settings().save(*settingsFile);
        settingsFile->sync();
        showStatus(tr("Settings saved; a new connection or database takes effect when "
                      "Vaporwatch starts again."));
        emit settingsSaved();
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
}

void MainWindow::showStatus(const QString &text)
{
    statusBar()->showMessage(text);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    const auto state = engine::AppSettings::openDefault();
    state->setValue(kGeometryKey, saveGeometry());
    state->setValue(kStateKey, saveState());
    if (auto *splitter = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        state->setValue(kSplitterKey, splitter->saveState());
    state->setValue(kLastProjectKey, m_selectedProject);
    QMainWindow::closeEvent(event);
}

} // namespace vw
