#pragma once

#include "models/Build.h"

#include <QTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QProgressBar;

namespace vw::engine {
class BuildHub;
}

namespace vw::ui {

// A project's latest build at a glance. Compact: a status badge and a short status ("Running ·
// build 45 %", "Failed", "No builds yet") for a toolbar or a list row. Full: a card with the
// project, status, phase and step, a progress bar, the duration (ticking while it runs) and the
// start time. follow() keeps it current from BuildHub: any newer build of the same project
// replaces the shown one. Clicking it (or Space/Enter when focused) emits clicked().
class BuildIndicator : public QWidget
{
    Q_OBJECT

public:
    enum class Mode { Compact, Full };

    explicit BuildIndicator(Mode mode = Mode::Compact, QWidget *parent = nullptr);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    void setProjectName(const QString &name);
    QString projectName() const { return m_projectName; }

    void setBuild(const Build &build);
    void clearBuild();
    const std::optional<Build> &build() const { return m_build; }
    // Updates from the hub: builds of `projectId` (0: of the project of the build shown).
    void follow(engine::BuildHub *hub, qint64 projectId = 0);

    // What the compact form says, and the duration shown (for tests and accessibility).
    QString statusText() const;
    QString durationText() const;

signals:
    void clicked();

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void offerBuild(const Build &build);
    void refresh();
    void refreshDuration();

    Mode m_mode;
    QString m_projectName;
    qint64 m_projectId = 0;
    std::optional<Build> m_build;
    QTimer m_tick; // the one timer: the running duration

    QLabel *m_icon;
    QLabel *m_status;
    QWidget *m_details; // the full card's extra rows
    QLabel *m_project;
    QLabel *m_phase;
    QProgressBar *m_progress;
    QLabel *m_duration;
    QLabel *m_started;
};

} // namespace vw::ui
