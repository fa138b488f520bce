#include "ui/PhaseTimeline.h"

#include "ui/StatusStyle.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace vw::ui {

namespace {

constexpr int kGap = 3;
constexpr int kRadius = 4;

} // namespace

PhaseTimeline::PhaseTimeline(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAccessibleName(tr("Phase timeline"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_animation.setInterval(60);
    connect(&m_animation, &QTimer::timeout, this, [this] {
        m_stripeOffset = (m_stripeOffset + 2) % 16;
        update();
    });
}

void PhaseTimeline::setBuild(const Build &build)
{
    m_build = build;
    bool running = false;
    for (Phase phase : allPhases())
        running |= segmentState(build, phase) == SegmentState::Running;
    if (running && isVisible())
        m_animation.start();
    else if (!running)
        m_animation.stop();
    QStringList parts;
    for (Phase phase : allPhases())
        parts.append(toolTipFor(phase));
    setAccessibleDescription(parts.join(QStringLiteral("; ")));
    update();
}

PhaseTimeline::SegmentState PhaseTimeline::segmentState(const Build &build, Phase phase)
{
    const PhaseRecord *record = build.phaseRecord(phase);
    if (record && record->skipped)
        return SegmentState::Skipped;
    // The engine closes every build with a complete phase; it is only "done" for a success.
    if (phase == Phase::Complete && build.isFinished() && build.status != BuildStatus::Success)
        return SegmentState::Pending;
    if (!record || !record->startedAt.isValid()) {
        // The last phase has no command: it is done when the build succeeded.
        if (phase == Phase::Complete && build.status == BuildStatus::Success)
            return SegmentState::Done;
        return SegmentState::Pending;
    }
    if (!record->completedAt.isValid()) {
        if (!build.isFinished())
            return SegmentState::Running;
        return build.status == BuildStatus::Failed ? SegmentState::Failed : SegmentState::Stopped;
    }
    if (record->exitCode && *record->exitCode != 0)
        return build.status == BuildStatus::Cancelled || build.status == BuildStatus::Interrupted
                   ? SegmentState::Stopped
                   : SegmentState::Failed;
    return SegmentState::Done;
}

qint64 PhaseTimeline::phaseDurationMs(Phase phase) const
{
    const PhaseRecord *record = m_build.phaseRecord(phase);
    if (!record || !record->startedAt.isValid())
        return 0;
    if (record->durationMs)
        return *record->durationMs;
    const QDateTime end =
        record->completedAt.isValid() ? record->completedAt : QDateTime::currentDateTimeUtc();
    return qMax<qint64>(0, record->startedAt.msecsTo(end));
}

// Each segment gets room for its label; the rest of the width is shared by duration.
QList<QRect> PhaseTimeline::layoutSegments() const
{
    const QList<Phase> &phases = allPhases();
    const int count = int(phases.size());
    const QFontMetrics metrics(font());
    QList<int> minimum;
    int minimumTotal = 0;
    qint64 durationTotal = 0;
    for (Phase phase : phases) {
        const int w = metrics.horizontalAdvance(caption(phase)) + 16;
        minimum.append(w);
        minimumTotal += w;
        durationTotal += phaseDurationMs(phase);
    }
    const int available = width() - kGap * (count - 1);
    const int spare = qMax(0, available - minimumTotal);
    QList<QRect> rects;
    int x = 0;
    for (int i = 0; i < count; ++i) {
        const qint64 d = phaseDurationMs(phases.at(i));
        const int extra = durationTotal > 0 ? int(spare * d / durationTotal) : spare / count;
        const int w = i == count - 1 ? qMax(minimum.at(i), width() - x) : minimum.at(i) + extra;
        rects.append(QRect(x, 0, w, height() - 1));
        x += w + kGap;
    }
    return rects;
}

// "install · 2.0 s", "install · skipped", "build" (not reached yet).
QString PhaseTimeline::caption(Phase phase) const
{
    switch (segmentState(m_build, phase)) {
    case SegmentState::Pending:
        return phaseDisplayName(phase);
    case SegmentState::Skipped:
        return tr("%1 · skipped").arg(phaseDisplayName(phase));
    default:
        break;
    }
    const qint64 d = phaseDurationMs(phase);
    const PhaseRecord *record = m_build.phaseRecord(phase);
    if (d == 0 && (!record || record->completedAt.isValid() || !record->startedAt.isValid()))
        return phaseDisplayName(phase);
    return QStringLiteral("%1 · %2").arg(phaseDisplayName(phase), StatusStyle::duration(d));
}

QRect PhaseTimeline::segmentRect(Phase phase) const
{
    return layoutSegments().value(int(allPhases().indexOf(phase)));
}

std::optional<Phase> PhaseTimeline::phaseAt(const QPoint &point) const
{
    const QList<QRect> rects = layoutSegments();
    for (int i = 0; i < rects.size(); ++i) {
        if (rects.at(i).contains(point))
            return allPhases().at(i);
    }
    return std::nullopt;
}

QString PhaseTimeline::toolTipFor(Phase phase) const
{
    const PhaseRecord *record = m_build.phaseRecord(phase);
    const QString name = phaseDisplayName(phase);
    switch (segmentState(m_build, phase)) {
    case SegmentState::Skipped:
        return tr("%1: skipped (%2)")
            .arg(name, record && !record->skipReason.isEmpty() ? record->skipReason
                                                               : tr("no reason given"));
    case SegmentState::Pending:
        return tr("%1: not started").arg(name);
    default:
        break;
    }
    if (!record || !record->startedAt.isValid())
        return tr("%1: done").arg(name);
    const QLocale locale;
    const QString start =
        locale.toString(record->startedAt.toLocalTime().time(), QStringLiteral("HH:mm:ss"));
    if (!record->completedAt.isValid())
        return tr("%1: started %2, running for %3")
            .arg(name, start, StatusStyle::duration(phaseDurationMs(phase)));
    QString text = tr("%1: %2 – %3 (%4)")
                       .arg(name, start,
                            locale.toString(record->completedAt.toLocalTime().time(),
                                            QStringLiteral("HH:mm:ss")),
                            StatusStyle::duration(phaseDurationMs(phase)));
    if (record->exitCode && *record->exitCode != 0)
        text += tr(", exit code %1").arg(*record->exitCode);
    return text;
}

QSize PhaseTimeline::sizeHint() const
{
    return {480, fontMetrics().height() + 14};
}

QSize PhaseTimeline::minimumSizeHint() const
{
    int w = 0;
    for (Phase phase : allPhases())
        w += fontMetrics().horizontalAdvance(caption(phase)) + 16 + kGap;
    return {w, fontMetrics().height() + 10};
}

void PhaseTimeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QList<QRect> rects = layoutSegments();
    const QColor text = palette().color(QPalette::WindowText);
    for (int i = 0; i < rects.size(); ++i) {
        const Phase phase = allPhases().at(i);
        const QRectF r = QRectF(rects.at(i)).adjusted(0.5, 0.5, -0.5, -0.5);
        QPainterPath shape;
        shape.addRoundedRect(r, kRadius, kRadius);
        const SegmentState state = segmentState(m_build, phase);
        QColor fill;
        QColor label = Qt::white;
        switch (state) {
        case SegmentState::Pending:
            painter.setPen(QPen(palette().color(QPalette::Mid), 1));
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(shape);
            label = palette().color(QPalette::PlaceholderText);
            break;
        case SegmentState::Skipped:
            painter.setPen(QPen(palette().color(QPalette::Mid), 1));
            painter.setBrush(QBrush(palette().color(QPalette::Mid), Qt::BDiagPattern));
            painter.drawPath(shape);
            label = text;
            break;
        case SegmentState::Running:
            fill = StatusStyle::color(BuildStatus::Running);
            break;
        case SegmentState::Done:
            fill = StatusStyle::color(BuildStatus::Success);
            break;
        case SegmentState::Failed:
            fill = StatusStyle::color(BuildStatus::Failed);
            break;
        case SegmentState::Stopped:
            fill = StatusStyle::color(BuildStatus::Cancelled);
            break;
        }
        if (fill.isValid()) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(fill);
            painter.drawPath(shape);
            if (state == SegmentState::Running) {
                // Moving diagonal stripes: the phase is alive.
                painter.save();
                painter.setClipPath(shape);
                painter.setPen(QPen(QColor(255, 255, 255, 60), 5));
                for (int x = int(r.left()) - int(r.height()) - 16 + m_stripeOffset;
                     x < r.right() + 16; x += 16)
                    painter.drawLine(QPointF(x, r.bottom()), QPointF(x + r.height(), r.top()));
                painter.restore();
            }
        }
        painter.setPen(label);
        const QString shown =
            fontMetrics().elidedText(caption(phase), Qt::ElideRight, rects.at(i).width() - 8);
        painter.drawText(rects.at(i), Qt::AlignCenter, shown);
    }
}

void PhaseTimeline::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        if (const std::optional<Phase> phase = phaseAt(event->position().toPoint()))
            emit phaseClicked(*phase);
    }
    QWidget::mouseReleaseEvent(event);
}

bool PhaseTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (const std::optional<Phase> phase = phaseAt(help->pos()))
            QToolTip::showText(help->globalPos(), toolTipFor(*phase), this);
        else
            QToolTip::hideText();
        return true;
    }
    if (event->type() == QEvent::Show && m_build.status == BuildStatus::Running)
        setBuild(m_build); // start the animation now that it can be seen
    if (event->type() == QEvent::Hide)
        m_animation.stop();
    return QWidget::event(event);
}

} // namespace vw::ui
