#pragma once

#include "app/daytona/CommandLogFollower.h"
#include "app/engine/DetectedStack.h"
#include "app/engine/DriverEvent.h"
#include "app/engine/MarkerParser.h"
#include "app/engine/ResumeOffsetTracker.h"
#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/LogStream.h"
#include "models/Project.h"
#include "models/Utf8StreamDecoder.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <array>
#include <functional>
#include <memory>
#include <optional>

namespace vw {
class BuildStore;
}
namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

class BuildHub;
class StackDetector;

// How a BuildRun behaves (set by BuildManager).
struct BuildRunSettings
{
    QString leaseOwner;         // this process's lease name (BuildStore::acquireLease)
    qint64 leaseTtlMs = 15'000; // renewed every third of it while the run follows the build
    QString stateDirectory; // the driver's dependency-cache records; empty: the driver's default
    daytona::CommandLogFollower::Options followOptions; // startOffset is set by the run
};

// One build, from its stored record to its end state.
//
// start() runs a queued build: running → setup on the client side (stack detection, with the
// project's overrides) → the build's own Daytona session → the DriverScript started with
// execAsync → its log followed (CommandLogFollower) and cut by a MarkerParser per stream into
// events and user output. From the markers the run keeps the build up to date (phase, phase
// records, current step, progress, error line, ETA in metadata.eta_remaining_ms), records an
// event for every change that matters and stores the user output per phase and stream with the
// position in the command's log it has reached (LogAppend::sourceOffset), so a later process
// re-attaches exactly there. Everything is announced on the BuildHub.
//
// reattach() picks up an unfinished build another process started (the caller holds its lease):
// the command's status is read (session or command gone: interrupted) and the log is followed
// from Build::logOffset; markers already applied (seq ≤ metadata.driver_seq) are skipped. The
// stored tail of the running phase is read back first, so a failure still gets its error line
// from output this process never saw.
//
// cancel() sends SIGTERM to the driver (`kill -TERM <pid>` through POST /process/execute), which
// ends the running phase, skips the rest and ends as cancelled; before the driver runs, the build
// ends as cancelled at once.
//
// Destroying a run that has not finished (the app quitting) leaves the build as it is in the
// store (running, with its command still running in the sandbox) and releases the lease.
class BuildRun : public QObject
{
    Q_OBJECT

public:
    BuildRun(daytona::DaytonaClient *client, BuildStore *store, BuildHub *hub, Build build,
             Project project, BuildRunSettings settings, QObject *parent = nullptr);
    ~BuildRun() override;

    void start();
    void reattach();
    void cancel();
    // The store could not keep some of the build's output (BuildStore::appendFailed): logged and
    // recorded once as an `error` event; the build itself goes on.
    void reportLogNotStored(const vw::Error &error);

    const Build &build() const { return m_build; }
    qint64 buildId() const { return m_build.id; }
    bool isFinished() const { return m_finished; }

signals:
    // Once, after the build's final state and its `finished` event are stored and announced —
    // or when another process took the build's lease over (its lease had expired), which then
    // follows the build to its end.
    void finished(qint64 buildId);

private:
    struct StreamState
    {
        std::unique_ptr<MarkerParser> parser;
        Utf8StreamDecoder decoder;
        Phase phase = Phase::Setup;
    };

    void detect();
    void startDriver();
    void follow();
    void onOutput(LogStream stream, const QByteArray &bytes, qint64 endOffset);
    void takePieces(LogStream stream, const QList<MarkerParser::Piece> &pieces,
                    qint64 sourceOffset);
    void storeOutput(LogStream stream, Phase phase, const QString &text, qint64 sourceOffset);
    void apply(const DriverEvent &event);
    void onFollowerFinished();
    // The error message of a failed build from the failed phase's output (see m_failedPhase).
    void settleErrorMessage();
    void sendKill();
    void updateEta();
    void loadEtaHistory();
    void loadStoredTail(Phase phase, qint64 phaseSize, std::function<void()> then);
    void finish(BuildStatus status, const QString &message = {});
    void handOver();
    bool stopFollowing();
    void recordLogNotStored(const Error &error);
    void save();
    void addEvent(const QString &type, std::optional<Phase> phase, const QString &message,
                  const QJsonObject &metadata = {}, std::function<void()> then = {});
    QString stepFor(Phase phase) const;
    int expectedProgress(Phase phase, bool ended) const;

    QPointer<daytona::DaytonaClient> m_client;
    QPointer<BuildStore> m_store;
    QPointer<BuildHub> m_hub;
    Build m_build;
    Project m_project;
    BuildRunSettings m_settings;
    StackDetector *m_detector = nullptr;
    DetectedStack m_stack;
    QString m_nonce;
    QPointer<daytona::CommandLogFollower> m_follower;
    std::array<StreamState, 2> m_streams;
    ResumeOffsetTracker m_resume;
    qint64 m_lastSeq = 0;
    QString m_pid;
    QString m_result; // the driver's build-end result
    // A phase that failed, and its exit code: its error line is read once both streams have been
    // drained (a failing command's message is often on stderr, which can arrive after stdout's
    // phase-end marker).
    std::optional<Phase> m_failedPhase;
    QString m_failureFallback; // the message when the output has no error line
    bool m_cancelRequested = false;
    bool m_killSent = false;
    bool m_finished = false;
    bool m_logErrorReported = false;
    qint64 m_liveSize = 0;          // bytes of the build's live output stored so far
    std::array<QString, 4> m_tails; // the last output of each phase, for the error line
    QList<QMap<QString, qint64>> m_etaHistory;
    QTimer m_heartbeat;
};

} // namespace vw::engine
