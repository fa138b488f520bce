#pragma once

#include "models/Build.h"

#include <QTimer>
#include <QWidget>

#include <optional>

namespace vw::ui {

// One segment per phase (setup, install, build, complete), its width following the phase's
// duration (every segment keeps room for its name). Done phases are green, the running one is
// blue with moving stripes, a failed one red, a skipped one hatched and labelled "skipped",
// phases not reached yet are empty outlines. Hovering shows the phase's start, end and duration
// (or why it was skipped); clicking a segment emits phaseClicked() (the owner shows that
// phase's log).
class PhaseTimeline : public QWidget
{
    Q_OBJECT

public:
    enum class SegmentState { Pending, Running, Done, Failed, Skipped, Stopped };

    explicit PhaseTimeline(QWidget *parent = nullptr);

    void setBuild(const Build &build);
    const Build &build() const { return m_build; }

    static SegmentState segmentState(const Build &build, Phase phase);
    QRect segmentRect(Phase phase) const;
    std::optional<Phase> phaseAt(const QPoint &point) const;
    QString toolTipFor(Phase phase) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void phaseClicked(vw::Phase phase);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;

private:
    qint64 phaseDurationMs(Phase phase) const;
    QString caption(Phase phase) const;
    QList<QRect> layoutSegments() const;

    Build m_build;
    QTimer m_animation; // runs only while a phase runs
    int m_stripeOffset = 0;
};

} // namespace vw::ui
