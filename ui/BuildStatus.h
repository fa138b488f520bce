#pragma once

#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/LogSlice.h"
#include "models/LogStream.h"
#include "models/Phase.h"

#include <QElapsedTimer>
#include <QList>
#include <QStringDecoder>
#include <QTimer>
#include <QWidget>

#include <array>
#include <optional>

class QAction;
class QFrame;
class QLabel;
class QProgressBar;
class QPushButton;
class QStandardItemModel;
class QTreeView;

namespace vw {
class BuildStore;
}
namespace vw::engine {
class BuildHub;
}

namespace vw::ui {

class BuildStatusLogPane;
class LogView;
class PhaseTimeline;

// Everything about one build, live: status icon and label, the phase (colour-coded), a progress
// bar with percent, the current step, the running duration and the estimated time remaining, the
// PhaseTimeline, the events with their timestamps, the error when it failed, and collapsible log
// panes for the install phase, the build phase and the whole live output (stdout and stderr kept
// apart, the error line highlighted, "Jump to first error": F8 or Ctrl+Shift+E).
//
// Data: setBuildId() (or setLatestOfProject()) reads the stored state from the BuildStore
// asynchronously — build row, events, and the live output in chunks — and from then on changes
// only through BuildHub's signals (no polling; the one timer ticks the duration). Whatever the
// hub announces while the load is in flight is held back and merged afterwards: events by id,
// output by its byte range [from, to) of the live output against the bytes already shown, so
// nothing is lost or shown twice. Should the hub ever announce output beyond what is shown (a
// gap), the missing bytes are read from the store first.
//
// completed(status) — the desktop form of the React component's onComplete: emitted exactly once
// per shown build, the first time the widget sees it in an end state (success, failed, cancelled
// or interrupted). Like onComplete, which fired on the first fetch of a build that had already
// ended, it is also emitted for a build that had already ended when it was loaded (once the load
// has finished, never from inside setBuildId()). Switching to another build re-arms it.
class BuildStatus : public QWidget
{
    Q_OBJECT

public:
    enum class Pane { Install, Build, Live };

    BuildStatus(BuildStore *store, engine::BuildHub *hub, QWidget *parent = nullptr);
    ~BuildStatus() override;

    // Shows this build (0: none). Follows it until another one is set.
    void setBuildId(qint64 buildId);
    // Shows the project's latest build, and switches to each newer build of the project the hub
    // announces.
    void setLatestOfProject(qint64 projectId);

    qint64 buildId() const { return m_buildId; }
    qint64 followedProjectId() const { return m_projectId; }
    const std::optional<Build> &build() const { return m_build; }
    // True while the stored state is being read.
    bool isLoading() const { return m_loading; }

    // What is shown (for tests and accessibility).
    QString statusText() const;
    QString phaseText() const;
    QString stepText() const;
    int progressValue() const;
    QString durationText() const;
    QString etaText() const;
    QString errorText() const;
    bool isErrorVisible() const;
    QStandardItemModel *eventModel() const { return m_eventModel; }
    PhaseTimeline *timeline() const { return m_timeline; }
    LogView *logView(Pane pane) const;
    BuildStatusLogPane *logPane(Pane pane) const { return m_panes[size_t(pane)]; }
    bool isPaneExpanded(Pane pane) const;
    void setPaneExpanded(Pane pane, bool expanded);
    QAction *jumpToFirstErrorAction() const { return m_jumpAction; }
    // Bytes of the live output shown.
    qint64 liveOutputBytes() const { return m_liveEnd; }

    struct ErrorLocation
    {
        Pane pane = Pane::Live;
        qsizetype line = -1;
        bool isValid() const { return line >= 0; }
    };
    // Where the first error line is: in the failed phase's pane (the live output otherwise), the
    // first line holding the build's error message, else the line ErrorLineExtractor rates the
    // strongest error.
    ErrorLocation firstError() const;

    // The pane showing a phase's log (setup and complete: the live output).
    static Pane paneFor(Phase phase);

public slots:
    // Expands the pane with the first error, scrolls to the line, highlights it and focuses the
    // pane. Returns false when no error line was found.
    bool jumpToFirstError();
    // Expands the phase's pane, scrolls it to the end and gives it the focus.
    void showPhaseLog(vw::Phase phase);

signals:
    void completed(vw::BuildStatus status);
    // The stored state of the shown build has been read and shown (hub updates follow).
    void loaded(qint64 buildId);
    // A different build is shown (setBuildId, or a newer build of the followed project).
    void buildIdChanged(qint64 buildId);

private:
    struct PendingLog
    {
        Phase phase = Phase::Setup;
        LogStream stream = LogStream::Stdout;
        QString text;
        qint64 from = 0;
        qint64 to = 0;
    };

    void buildUi();
    void startLoad(qint64 buildId);
    void resetView();
    void readLogChunk(quint64 generation);
    void maybeFinishLoad();
    void finishCatchUp();
    void onBuildAnnounced(const Build &build);
    void onBuildCreated(const Build &build);
    void onEventAdded(const BuildEvent &event);
    void onLogAppended(qint64 buildId, Phase phase, LogStream stream, const QString &text,
                       qint64 from, qint64 to);
    void applyLog(const PendingLog &log, bool allowGap);
    void appendOutput(Phase phase, LogStream stream, const QString &text);
    void appendEvent(const BuildEvent &event);
    void applyBuild(const Build &build);
    void refreshDuration();
    void updateErrorMarks();
    void checkCompleted();
    void showPlaceholder(const QString &text);

    BuildStore *m_store;
    engine::BuildHub *m_hub;

    qint64 m_buildId = 0;
    qint64 m_projectId = 0;
    quint64 m_generation = 0; // answers of an older load are dropped
    std::optional<Build> m_build;
    bool m_completedEmitted = false;

    // Loading: each part done, and what the hub announced meanwhile.
    bool m_loading = false;
    bool m_buildRead = false;
    bool m_eventsRead = false;
    bool m_logRead = false;
    bool m_catchingUp = false; // reading output the hub skipped (after the load)
    std::optional<Build> m_storedBuild;
    QString m_loadError;
    std::optional<Build> m_heldBuild;
    QList<BuildEvent> m_heldEvents;
    QList<PendingLog> m_heldLogs;
    qint64 m_lastEventId = 0;
    qint64 m_liveEnd = 0;                     // bytes of the live output shown
    std::array<QStringDecoder, 2> m_decoders; // stored bytes, per stream
    // Where each phase's output starts in the live output pane (-1: none yet).
    std::array<qsizetype, 4> m_phaseFirstLine{-1, -1, -1, -1};

    // ETA: the estimate and when it arrived (it counts down with the duration tick).
    std::optional<qint64> m_etaMs;
    QElapsedTimer m_etaAge;
    QTimer m_tick;

    QLabel *m_icon = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_phase = nullptr;
    QLabel *m_duration = nullptr;
    QLabel *m_eta = nullptr;
    QLabel *m_step = nullptr;
    QProgressBar *m_progress = nullptr;
    QFrame *m_errorFrame = nullptr;
    QLabel *m_errorLabel = nullptr;
    QPushButton *m_jumpButton = nullptr;
    QAction *m_jumpAction = nullptr;
    PhaseTimeline *m_timeline = nullptr;
    QTreeView *m_eventView = nullptr;
    QStandardItemModel *m_eventModel = nullptr;
    std::array<BuildStatusLogPane *, 3> m_panes{};
};

} // namespace vw::ui
