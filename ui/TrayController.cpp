#include "ui/TrayController.h"

#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "models/Log.h"
#include "ui/DesktopNotifier.h"
#include "ui/PaintedIconEngine.h"
#include "ui/StatusStyle.h"

#include <QAction>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QSystemTrayIcon>

#include <algorithm>

namespace vw::ui {

using engine::BuildTransition;
using engine::BuildTransitions;

namespace {

// The app icon's shape (a rounded square with vapour rising) in the colour of the state, with
// the state's glyph where the app icon has its progress bar: a tick, a cross, or the bar itself
// while building. Painted for the size asked for, so it is sharp in any tray and at any DPI.
class TrayIconEngine : public PaintedIconEngine
{
public:
    explicit TrayIconEngine(vw::BuildStatus status)
        : m_status(status)
    {
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const qreal side = qMin(rect.width(), rect.height());
        const QPointF origin(rect.x() + (rect.width() - side) / 2.0,
                             rect.y() + (rect.height() - side) / 2.0);
        // The app icon's 128-unit grid, so the shapes line up with vaporwatch.svg.
        const auto at = [&](qreal x, qreal y) {
            return origin + QPointF(x * side / 128.0, y * side / 128.0);
        };
        const auto units = [side](qreal u) { return u * side / 128.0; };

        QColor fill = StatusStyle::color(m_status);
        if (mode == QIcon::Disabled)
            fill.setAlphaF(0.4);
        QLinearGradient gradient(at(0, 0), at(0, 128));
        gradient.setColorAt(0, fill.lighter(112));
        gradient.setColorAt(1, fill.darker(118));
        painter->setPen(Qt::NoPen);
        painter->setBrush(gradient);
        painter->drawRoundedRect(QRectF(at(4, 4), at(124, 124)), units(26), units(26));

        QPen white(Qt::white, units(10), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        painter->setPen(white);
        painter->setBrush(Qt::NoBrush);
        for (const qreal x : {40.0, 64.0, 88.0}) {
            QPainterPath vapour(at(x, 66));
            vapour.cubicTo(at(x - 11, 56), at(x + 11, 46), at(x, 34));
            painter->drawPath(vapour);
        }

        switch (m_status) {
        case vw::BuildStatus::Success: {
            QPainterPath tick(at(40, 92));
            tick.lineTo(at(56, 108));
            tick.lineTo(at(90, 76));
            painter->setPen(QPen(Qt::white, units(14), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            painter->drawPath(tick);
            break;
        }
        case vw::BuildStatus::Failed:
            painter->setPen(QPen(Qt::white, units(14), Qt::SolidLine, Qt::RoundCap));
            painter->drawLine(at(48, 78), at(80, 108));
            painter->drawLine(at(80, 78), at(48, 108));
            break;
        case vw::BuildStatus::Queued:
        case vw::BuildStatus::Running: {
            painter->setPen(Qt::NoPen);
            painter->setBrush(QColor(255, 255, 255, 90));
            painter->drawRoundedRect(QRectF(at(26, 84), at(102, 100)), units(8), units(8));
            painter->setBrush(Qt::white);
            painter->drawRoundedRect(QRectF(at(26, 84), at(74, 100)), units(8), units(8));
            break;
        }
        case vw::BuildStatus::Cancelled:
        case vw::BuildStatus::Interrupted:
            break;
        }
        painter->restore();
    }

    QIconEngine *clone() const override { return new TrayIconEngine(m_status); }

private:
    vw::BuildStatus m_status;
};

bool isBuilding(vw::BuildStatus status)
{
    return status == vw::BuildStatus::Queued || status == vw::BuildStatus::Running;
}

} // namespace

TrayController::TrayController(BuildStore *store, engine::BuildHub *hub, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hub(hub)
    , m_notifier(new DesktopNotifier(this))
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
{
    createMenu();
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick ||
                    reason == QSystemTrayIcon::MiddleClick)
                    emit showWindowRequested();
            });
    // Without a notification server the tray shows its own message; clicking it opens the build
    // it was about.
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        if (m_messageBuild > 0)
            emit openBuildRequested(m_messageBuild);
    });
    connect(m_notifier, &DesktopNotifier::openBuildRequested, this,
            &TrayController::openBuildRequested);
    // A server that is there but fails (e.g. one the bus cannot start): the tray's message.
    connect(
        m_notifier, &DesktopNotifier::failed, this,
        [this](qint64 buildId, const QString &title, const QString &body, const QString &error) {
            log::get("ui")->warn("desktop notification failed: {}", error);
            showTrayMessage(buildId, title, body);
        });
    refresh();
}

TrayController::~TrayController()
{
    // The menu has no parent (a tray's menu is a top-level popup); the icon goes first, as it
    // refers to the menu.
    delete m_tray;
    delete m_menu;
}

void TrayController::createMenu()
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_menu->addSection(tr("Recent builds"));
    m_noBuilds = m_menu->addAction(tr("No builds yet"));
    m_noBuilds->setEnabled(false);
    m_recentEnd = m_menu->addSeparator();
    m_startBuild = m_menu->addAction(tr("Start build"));
    connect(m_startBuild, &QAction::triggered, this, &TrayController::startBuildRequested);
    m_openWindow = m_menu->addAction(tr("Open Vaporwatch"));
    connect(m_openWindow, &QAction::triggered, this, &TrayController::showWindowRequested);
    m_menu->addSeparator();
    m_pause = m_menu->addAction(tr("Pause notifications"));
    m_pause->setCheckable(true);
    connect(m_pause, &QAction::toggled, this, [this](bool paused) {
        if (m_settings.paused == paused)
            return;
        m_settings.paused = paused;
        emit notificationsPausedChanged(paused);
    });
    m_menu->addSeparator();
    m_quit = m_menu->addAction(tr("Quit"));
    m_quit->setMenuRole(QAction::QuitRole);
    connect(m_quit, &QAction::triggered, this, &TrayController::quitRequested);
    setCurrentProject(0, {});
}

void TrayController::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_hub) {
        connect(m_hub, &engine::BuildHub::buildCreated, this, &TrayController::onBuildCreated);
        connect(m_hub, &engine::BuildHub::buildChanged, this, &TrayController::onBuildChanged);
        connect(m_hub, &engine::BuildHub::buildFinished, this, &TrayController::onBuildFinished);
    }
    loadInitialState();
    m_tray->show();
    if (isTrayAvailable())
        QGuiApplication::setQuitOnLastWindowClosed(false);
}

void TrayController::loadInitialState()
{
    if (!m_store)
        return;
    // What the hub announces meanwhile is newer than these answers: they only fill gaps.
    m_store->projects()->onResult(this, [this](const Result<QList<Project>> &projects) {
        if (!projects) {
            log::get("ui")->warn("tray: cannot read projects: {}", projects.error().toString());
            return;
        }
        for (const Project &p : projects.value()) {
            if (!m_projectNames.contains(p.id))
                m_projectNames.insert(p.id, p.name.isEmpty() ? QFileInfo(p.directory).fileName()
                                                             : p.name);
            // The last build that succeeded or failed decides "fixed" and "still failing".
            BuildQuery decisive;
            decisive.projectId = p.id;
            decisive.statuses = {vw::BuildStatus::Success, vw::BuildStatus::Failed};
            decisive.limit = 1;
            const qint64 projectId = p.id;
            m_store->builds(decisive)->onResult(this, [this,
                                                       projectId](const Result<BuildPage> &page) {
                if (page && !page.value().builds.isEmpty() && !m_lastDecisive.contains(projectId))
                    m_lastDecisive.insert(projectId, page.value().builds.first().status);
            });
        }
        updateRecentActions();
    });
    m_store->latestBuilds()->onResult(this, [this](const Result<QList<Build>> &latest) {
        if (!latest)
            return;
        for (const Build &b : latest.value())
            remember(b, true);
        refresh();
    });
    BuildQuery recent;
    recent.limit = kRecentBuilds;
    m_store->builds(recent)->onResult(this, [this](const Result<BuildPage> &page) {
        if (!page)
            return;
        for (const Build &b : page.value().builds)
            remember(b, true);
        refresh();
    });
}

void TrayController::setNotificationSettings(const engine::NotificationSettings &settings)
{
    m_settings = settings;
    const QSignalBlocker quiet(m_pause);
    m_pause->setChecked(settings.paused);
}

void TrayController::setCurrentProject(qint64 projectId, const QString &name)
{
    m_currentProject = projectId;
    m_startBuild->setEnabled(projectId > 0);
    m_startBuild->setText(projectId > 0 ? tr("Start build of %1").arg(name) : tr("Start build"));
}

std::optional<vw::BuildStatus> TrayController::state() const
{
    return BuildTransitions::mostSevere(m_latest.values());
}

QIcon TrayController::iconFor(std::optional<vw::BuildStatus> state)
{
    if (!state)
        return QIcon(QStringLiteral(":/vaporwatch/icons/vaporwatch.svg"));
    return QIcon(new TrayIconEngine(*state));
}

bool TrayController::isTrayAvailable() const
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayController::onBuildCreated(const vw::Build &build)
{
    remember(build, false);
    refresh();
    if (build.status == vw::BuildStatus::Running)
        onBuildChanged(build);
}

void TrayController::onBuildChanged(const vw::Build &build)
{
    remember(build, false);
    refresh();
    // A build changes many times while it runs; its start is news once.
    if (build.status == vw::BuildStatus::Running && !m_startAnnounced.contains(build.id) &&
        !m_finishAnnounced.contains(build.id)) {
        m_startAnnounced.insert(build.id);
        raise(BuildTransitions::classify(lastDecisive(build.projectId), build, true), build);
    }
}

void TrayController::onBuildFinished(const vw::Build &build)
{
    remember(build, false);
    refresh();
    if (m_finishAnnounced.contains(build.id))
        return;
    m_finishAnnounced.insert(build.id);
    m_startAnnounced.remove(build.id);
    const BuildTransition transition =
        BuildTransitions::classify(lastDecisive(build.projectId), build, false);
    if (build.status == vw::BuildStatus::Success || build.status == vw::BuildStatus::Failed)
        m_lastDecisive.insert(build.projectId, build.status);
    raise(transition, build);
}

std::optional<vw::BuildStatus> TrayController::lastDecisive(qint64 projectId) const
{
    const auto it = m_lastDecisive.constFind(projectId);
    if (it == m_lastDecisive.cend())
        return std::nullopt;
    return it.value();
}

void TrayController::remember(const vw::Build &build, bool fromStore)
{
    if (fromStore) {
        // Already past: its start and end are history, not news.
        if (build.status == vw::BuildStatus::Running)
            m_startAnnounced.insert(build.id);
        if (build.isFinished())
            m_finishAnnounced.insert(build.id);
    }
    const auto latest = m_latest.constFind(build.projectId);
    const bool newer = latest == m_latest.cend() || latest->id < build.id ||
                       (latest->id == build.id && !fromStore);
    if (newer)
        m_latest.insert(build.projectId, build);

    const auto same = std::find_if(m_recent.begin(), m_recent.end(),
                                   [&build](const Build &b) { return b.id == build.id; });
    if (same != m_recent.end()) {
        if (!fromStore)
            *same = build;
    } else {
        const auto position = std::find_if(m_recent.begin(), m_recent.end(),
                                           [&build](const Build &b) { return b.id < build.id; });
        m_recent.insert(position, build);
        while (m_recent.size() > kRecentBuilds)
            m_recent.removeLast();
    }
    if (!m_projectNames.contains(build.projectId))
        withProjectName(build.projectId, [this](const QString &) { updateRecentActions(); });
}

void TrayController::raise(BuildTransition transition, const vw::Build &build)
{
    if (!BuildTransitions::wanted(transition, m_settings))
        return;
    withProjectName(build.projectId, [this, transition, build](const QString &project) {
        const QString title = BuildTransitions::title(transition, project);
        const QString text = body(transition, build);
        const bool failure =
            transition == BuildTransition::Failed || transition == BuildTransition::StillFailing;
        if (m_notifier->isAvailable()) {
            const auto urgency = failure ? DesktopNotifier::Urgency::Critical
                                 : transition == BuildTransition::Started
                                     ? DesktopNotifier::Urgency::Low
                                     : DesktopNotifier::Urgency::Normal;
            m_notifier->notify(title, text, build.id, urgency);
        } else if (!showTrayMessage(build.id, title, text)) {
            return; // nowhere to show it
        }
        emit notified(title, text, build.id);
    });
}

bool TrayController::showTrayMessage(qint64 buildId, const QString &title, const QString &body)
{
    if (!m_tray->isVisible() || !QSystemTrayIcon::supportsMessages())
        return false;
    m_messageBuild = buildId;
    m_tray->showMessage(title, body, m_tray->icon());
    return true;
}

void TrayController::withProjectName(qint64 projectId, std::function<void(const QString &)> then)
{
    const auto known = m_projectNames.constFind(projectId);
    if (known != m_projectNames.cend()) {
        then(known.value());
        return;
    }
    const QString fallback = tr("Project %1").arg(projectId);
    if (!m_store) {
        then(fallback);
        return;
    }
    m_store->project(projectId)->onResult(
        this, [this, projectId, fallback, then](const Result<Project> &project) {
            QString name = fallback;
            if (project) {
                const Project &p = project.value();
                name = p.name.isEmpty() ? QFileInfo(p.directory).fileName() : p.name;
                m_projectNames.insert(projectId, name);
            }
            then(name);
        });
}

void TrayController::refresh()
{
    const std::optional<vw::BuildStatus> now = state();
    if (!m_iconSet || now != m_shownState) {
        m_iconSet = true;
        m_shownState = now;
        m_tray->setIcon(iconFor(now));
    }
    m_tray->setToolTip(tooltip());
    updateRecentActions();
}

QString TrayController::tooltip() const
{
    int failed = 0;
    int building = 0;
    int succeeded = 0;
    for (const Build &b : m_latest) {
        failed += b.status == vw::BuildStatus::Failed;
        building += isBuilding(b.status);
        succeeded += b.status == vw::BuildStatus::Success;
    }
    QStringList parts;
    if (failed > 0)
        parts << tr("%n failed", nullptr, failed);
    if (building > 0)
        parts << tr("%n building", nullptr, building);
    if (succeeded > 0)
        parts << tr("%n succeeded", nullptr, succeeded);
    if (parts.isEmpty())
        return tr("Vaporwatch — no builds yet");
    return tr("Vaporwatch — %1").arg(parts.join(tr(", ")));
}

void TrayController::updateRecentActions()
{
    while (m_recentActions.size() > m_recent.size())
        delete m_recentActions.takeLast();
    while (m_recentActions.size() < m_recent.size()) {
        auto *action = new QAction(m_menu);
        m_menu->insertAction(m_recentEnd, action);
        connect(action, &QAction::triggered, this,
                [this, action] { emit openBuildRequested(action->data().toLongLong()); });
        m_recentActions.append(action);
    }
    for (qsizetype i = 0; i < m_recent.size(); ++i) {
        const Build &b = m_recent.at(i);
        QAction *action = m_recentActions.at(i);
        const QString text = recentText(b);
        if (action->data().toLongLong() != b.id || action->text() != text ||
            action->property("vwStatus").toInt() != int(b.status)) {
            action->setData(b.id);
            action->setText(text);
            action->setIcon(StatusStyle::icon(b.status));
            action->setProperty("vwStatus", int(b.status));
        }
    }
    m_noBuilds->setVisible(m_recent.isEmpty());
}

QString TrayController::recentText(const vw::Build &build) const
{
    const QString project =
        m_projectNames.value(build.projectId, tr("Project %1").arg(build.projectId));
    const QString status = StatusStyle::label(build.status);
    if (!build.durationMs)
        return tr("%1 #%2 · %3").arg(project).arg(build.id).arg(status);
    return tr("%1 #%2 · %3 · %4")
        .arg(project)
        .arg(build.id)
        .arg(status, StatusStyle::duration(*build.durationMs));
}

QString TrayController::body(BuildTransition transition, const vw::Build &build) const
{
    const QString took = build.durationMs ? StatusStyle::duration(*build.durationMs) : QString();
    switch (transition) {
    case BuildTransition::Started:
        return build.trigger.isEmpty()
                   ? tr("Build #%1 is running.").arg(build.id)
                   : tr("Build #%1 is running (started by %2).").arg(build.id).arg(build.trigger);
    case BuildTransition::Succeeded:
    case BuildTransition::Fixed:
        return took.isEmpty() ? tr("Build #%1 succeeded.").arg(build.id)
                              : tr("Build #%1 succeeded in %2.").arg(build.id).arg(took);
    case BuildTransition::Failed:
    case BuildTransition::StillFailing:
        if (!build.errorMessage.isEmpty())
            return tr("Build #%1: %2").arg(build.id).arg(build.errorMessage);
        return took.isEmpty() ? tr("Build #%1 failed.").arg(build.id)
                              : tr("Build #%1 failed after %2.").arg(build.id).arg(took);
    case BuildTransition::None:
        break;
    }
    return {};
}

} // namespace vw::ui
