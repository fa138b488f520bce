#include "ui/BuildIndicator.h"

#include "app/engine/BuildHub.h"
#include "ui/StatusStyle.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QProgressBar>
#include <QVBoxLayout>

namespace vw::ui {

BuildIndicator::BuildIndicator(Mode mode, QWidget *parent)
    : QWidget(parent)
    , m_mode(mode)
{
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::PointingHandCursor);
    m_icon = new QLabel(this);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_project = new QLabel(this);
    QFont bold = m_project->font();
    bold.setBold(true);
    m_project->setFont(bold);
    m_phase = new QLabel(this);
    m_phase->setTextFormat(Qt::PlainText);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setAccessibleName(tr("Build progress"));
    m_duration = new QLabel(this);
    m_started = new QLabel(this);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_icon);
    top->addWidget(m_status, 1);
    m_details = new QWidget(this);
    auto *grid = new QGridLayout(m_details);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_project, 0, 0, 1, 2);
    grid->addWidget(m_phase, 1, 0, 1, 2);
    grid->addWidget(m_progress, 2, 0, 1, 2);
    grid->addWidget(m_duration, 3, 0);
    grid->addWidget(m_started, 3, 1, Qt::AlignRight);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_details);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &BuildIndicator::refreshDuration);
    setMode(mode);
}

void BuildIndicator::setMode(Mode mode)
{
    m_mode = mode;
    const bool full = mode == Mode::Full;
    m_details->setVisible(full);
    layout()->setContentsMargins(full ? QMargins(10, 8, 10, 8) : QMargins(2, 1, 2, 1));
    setAutoFillBackground(full);
    setBackgroundRole(full ? QPalette::Base : QPalette::Window);
    const int iconSize = full ? 20 : 16;
    m_icon->setFixedSize(iconSize, iconSize);
    refresh();
}

void BuildIndicator::setProjectName(const QString &name)
{
    m_projectName = name;
    refresh();
}

void BuildIndicator::setBuild(const Build &build)
{
    m_build = build;
    if (build.projectId)
        m_projectId = build.projectId;
    refresh();
}

void BuildIndicator::clearBuild()
{
    m_build.reset();
    refresh();
}

void BuildIndicator::follow(engine::BuildHub *hub, qint64 projectId)
{
    if (projectId)
        m_projectId = projectId;
    connect(hub, &engine::BuildHub::buildCreated, this, &BuildIndicator::offerBuild);
    connect(hub, &engine::BuildHub::buildChanged, this, &BuildIndicator::offerBuild);
    connect(hub, &engine::BuildHub::buildFinished, this, &BuildIndicator::offerBuild);
}

// The newest build of the project wins; older builds' late updates are ignored.
void BuildIndicator::offerBuild(const Build &build)
{
    if (m_projectId == 0 || build.projectId != m_projectId)
        return;
    if (m_build && build.id < m_build->id)
        return;
    setBuild(build);
}

QString BuildIndicator::statusText() const
{
    if (!m_build)
        return tr("No builds yet");
    const Build &b = *m_build;
    switch (b.status) {
    case BuildStatus::Running:
        return tr("Running · %1 %2 %").arg(phaseDisplayName(b.phase)).arg(b.progress);
    case BuildStatus::Queued:
        return tr("Queued");
    default:
        return StatusStyle::label(b.status);
    }
}

QString BuildIndicator::durationText() const
{
    if (!m_build || !m_build->startedAt.isValid())
        return QString();
    if (m_build->durationMs)
        return StatusStyle::duration(*m_build->durationMs);
    const QDateTime end =
        m_build->completedAt.isValid() ? m_build->completedAt : QDateTime::currentDateTimeUtc();
    return StatusStyle::duration(m_build->startedAt.msecsTo(end));
}

void BuildIndicator::refresh()
{
    const int iconSize = m_icon->width();
    if (m_build)
        m_icon->setPixmap(StatusStyle::icon(m_build->status)
                              .pixmap(QSize(iconSize, iconSize), devicePixelRatioF()));
    else
        m_icon->setPixmap(
            StatusStyle::icon(BuildStatus::Queued)
                .pixmap(QSize(iconSize, iconSize), devicePixelRatioF(), QIcon::Disabled));
    m_status->setText(statusText());
    m_project->setText(m_projectName);
    if (m_build) {
        const Build &b = *m_build;
        m_phase->setText(b.currentStep.isEmpty()
                             ? phaseDisplayName(b.phase)
                             : tr("%1: %2").arg(phaseDisplayName(b.phase), b.currentStep));
        m_progress->setValue(b.progress);
        m_progress->setVisible(!b.isFinished());
        m_started->setText(
            b.startedAt.isValid()
                ? tr("started %1")
                      .arg(QLocale().toString(b.startedAt.toLocalTime(), QLocale::ShortFormat))
                : QString());
        if (b.status == BuildStatus::Running)
            m_tick.start();
        else
            m_tick.stop();
    } else {
        m_phase->clear();
        m_progress->setVisible(false);
        m_started->clear();
        m_tick.stop();
    }
    refreshDuration();
    const QString summary =
        m_projectName.isEmpty() ? statusText() : tr("%1: %2").arg(m_projectName, statusText());
    setAccessibleName(summary);
    setToolTip(m_build && !m_build->errorMessage.isEmpty()
                   ? tr("%1\n%2").arg(summary, m_build->errorMessage)
                   : summary);
}

void BuildIndicator::refreshDuration()
{
    const QString duration = durationText();
    m_duration->setText(duration.isEmpty() ? QString() : tr("took %1").arg(duration));
    if (m_build && m_build->status == BuildStatus::Running)
        m_duration->setText(tr("running for %1").arg(duration));
}

void BuildIndicator::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        emit clicked();
    QWidget::mouseReleaseEvent(event);
}

void BuildIndicator::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space || event->key() == Qt::Key_Return ||
        event->key() == Qt::Key_Enter) {
        emit clicked();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace vw::ui
