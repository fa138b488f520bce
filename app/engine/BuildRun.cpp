#include "app/engine/BuildRun.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/DriverScript.h"
#include "app/engine/ErrorLineExtractor.h"
#include "app/engine/EtaEstimator.h"
#include "app/engine/StackDetector.h"
#include "models/BuildQuery.h"
#include "models/BuildStore.h"
#include "models/Log.h"

#include <QDateTime>

#include <algorithm>

namespace vw::engine {

namespace {

constexpr qsizetype kTailLength = 64 * 1024;

QString metaString(const Build &build, const QString &key)
{
    return build.metadata.value(key).toString();
}

QString describeSkip(const QString &reason)
{
    if (reason == u"dependency-cache")
        return QObject::tr("dependencies unchanged since the last successful install");
    if (reason == u"previous-phase-failed")
        return QObject::tr("a previous phase failed");
    if (reason == u"build-cancelled")
        return QObject::tr("the build was cancelled");
    if (reason == u"no-build-script")
        return QObject::tr("the project has no build script");
    if (reason == u"no-install-step" || reason == u"no-build-step" || reason == u"no-command")
        return QObject::tr("the project has no such step");
    if (reason == u"disabled-by-project")
        return QObject::tr("disabled in the project's settings");
    return reason;
}

// Why the dependency cache did not skip the install (the driver's cache-miss reasons).
QString describeCacheMiss(const QString &reason)
{
    if (reason == u"first-install")
        return QObject::tr("no earlier successful install in this sandbox");
    if (reason == u"lockfile-changed")
        return QObject::tr("the lockfile changed");
    if (reason == u"install-command-changed")
        return QObject::tr("the install command changed");
    if (reason == u"dependencies-missing")
        return QObject::tr("the installed dependencies are gone");
    if (reason == u"no-lockfile")
        return QObject::tr("the project has no lockfile");
    if (reason == u"clean")
        return QObject::tr("clean build");
    if (reason == u"no-hash-tool")
        return QObject::tr("sha256sum is not available in the sandbox");
    return reason;
}

} // namespace

BuildRun::BuildRun(daytona::DaytonaClient *client, BuildStore *store, BuildHub *hub, Build build,
                   Project project, BuildRunSettings settings, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_hub(hub)
    , m_build(std::move(build))
    , m_project(std::move(project))
    , m_settings(std::move(settings))
    , m_detector(new StackDetector(client, this))
{
    m_heartbeat.setInterval(int(std::max<qint64>(m_settings.leaseTtlMs / 3, 100)));
    connect(&m_heartbeat, &QTimer::timeout, this, [this] {
        if (!m_store)
            return;
        m_store->acquireLease(m_build.id, m_settings.leaseOwner, m_settings.leaseTtlMs)
            ->onResult(this, [this](const Result<bool> &renewed) {
                if (renewed && !renewed.value())
                    handOver();
            });
    });
}

BuildRun::~BuildRun()
{
    if (m_follower) {
        m_follower->disconnect(this);
        m_follower->stop();
    }
    if (!m_finished && m_store)
        m_store->releaseLease(m_build.id, m_settings.leaseOwner);
}

// Another process took the lease over (ours had expired): it follows the build from now on.
void BuildRun::handOver()
{
    if (stopFollowing())
        emit finished(m_build.id);
}

// Ends this run's part in the build (heartbeat and log follow); false if it had already ended.
bool BuildRun::stopFollowing()
{
    if (m_finished)
        return false;
    m_finished = true;
    m_heartbeat.stop();
    if (m_follower) {
        m_follower->disconnect(this);
        m_follower->stop();
        m_follower = nullptr;
    }
    return true;
}

void BuildRun::start()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_build.status = BuildStatus::Running;
    m_build.startedAt = now;
    m_build.phase = Phase::Setup;
    m_build.phaseRecord(Phase::Setup).startedAt = now;
    m_build.currentStep = tr("Detecting the stack");
    m_build.progress = 2;
    m_store->acquireLease(m_build.id, m_settings.leaseOwner, m_settings.leaseTtlMs);
    m_heartbeat.start();
    save();
    addEvent(BuildEvent::Type::PhaseStarted, Phase::Setup, tr("Setup started"));
    loadEtaHistory();
    detect();
}

void BuildRun::detect()
{
    StackDetector::Overrides overrides;
    if (!m_project.installCommand.isEmpty())
        overrides.installCommand = m_project.installCommand;
    if (m_project.skipBuild)
        overrides.buildCommand = QString();
    else if (!m_project.buildCommand.isEmpty())
        overrides.buildCommand = m_project.buildCommand;
    if (!m_project.outputDirectory.isEmpty())
        overrides.outputDirectory = m_project.outputDirectory;
    m_detector->detect(m_build.sandboxId, m_project.directory, overrides)
        ->onResult(this, [this](const Result<DetectedStack> &result) {
            if (m_finished)
                return;
            if (!result) {
                m_build.errorMessage = result.error().message;
                finish(BuildStatus::Failed);
                return;
            }
            m_stack = result.value();
            m_build.stack =
                m_stack.packageManager.isEmpty() || m_stack.packageManager == m_stack.stack
                    ? m_stack.stack
                    : m_stack.stack + u'-' + m_stack.packageManager;
            m_build.installCommand = m_stack.installCommand;
            m_build.buildCommand = m_stack.buildCommand;
            m_build.metadata.insert(QStringLiteral("install_step"), m_stack.installStep);
            m_build.metadata.insert(QStringLiteral("build_step"), m_stack.buildStep);
            m_build.metadata.insert(QStringLiteral("directory"), m_project.directory);
            // Where ArtifactScanner looks first once the build has succeeded.
            if (!m_stack.outputDirectory.isEmpty())
                m_build.metadata.insert(QStringLiteral("output_directory"),
                                        m_stack.outputDirectory);
            startDriver();
        });
}

void BuildRun::startDriver()
{
    m_nonce = DriverScript::newNonce();
    DriverScript::Spec spec;
    spec.nonce = m_nonce;
    spec.projectDirectory = m_project.directory;
    spec.phases = m_stack.phases();
    spec.clean = m_build.clean;
    spec.lockfile = m_stack.lockfile;
    spec.dependencyDirectory = m_stack.dependencyDirectory;
    spec.stateDirectory = m_settings.stateDirectory;
    const Result<QString> command = DriverScript::sessionCommand(spec);
    if (!command) {
        m_build.errorMessage = command.error().message;
        finish(BuildStatus::Failed);
        return;
    }
    m_build.daytonaSessionId =
        QStringLiteral("vaporwatch-build-%1-%2").arg(m_build.id).arg(m_nonce.left(8));
    m_build.metadata.insert(QStringLiteral("nonce"), m_nonce);
    m_build.currentStep = tr("Starting the build in the sandbox");
    m_build.progress = 5;
    save();
    m_client->createSession(m_build.sandboxId, m_build.daytonaSessionId)
        ->onResult(this, [this, text = command.value()](const Result<Done> &created) {
            if (m_finished)
                return;
            if (!created) {
                m_build.errorMessage =
                    tr("Could not create the build's session: %1").arg(created.error().message);
                finish(BuildStatus::Failed);
                return;
            }
            m_client->execAsync(m_build.sandboxId, m_build.daytonaSessionId, text)
                ->onResult(this, [this](const Result<QString> &commandId) {
                    if (m_finished)
                        return;
                    if (!commandId) {
                        m_build.errorMessage =
                            tr("Could not start the build: %1").arg(commandId.error().message);
                        finish(BuildStatus::Failed);
                        return;
                    }
                    m_build.daytonaCommandId = commandId.value();
                    const QDateTime now = QDateTime::currentDateTimeUtc();
                    PhaseRecord &setup = m_build.phaseRecord(Phase::Setup);
                    setup.completedAt = now;
                    setup.durationMs = setup.startedAt.msecsTo(now);
                    addEvent(BuildEvent::Type::PhaseFinished, Phase::Setup,
                             tr("Setup finished: %1").arg(m_build.stack),
                             {{QStringLiteral("stack"), m_build.stack}});
                    addEvent(BuildEvent::Type::CommandStarted, Phase::Setup,
                             tr("Build driver started in session %1").arg(m_build.daytonaSessionId),
                             {{QStringLiteral("command_id"), m_build.daytonaCommandId}});
                    save();
                    for (StreamState &s : m_streams)
                        s.phase = Phase::Setup;
                    follow();
                });
        });
}

void BuildRun::follow()
{
    for (StreamState &s : m_streams) {
        s.parser = std::make_unique<MarkerParser>(m_nonce);
    }
    m_resume.reset();
    daytona::CommandLogFollower::Options options = m_settings.followOptions;
    options.startOffset = m_build.logOffset;
    m_follower = m_client->followCommandLogs(m_build.sandboxId, m_build.daytonaSessionId,
                                             m_build.daytonaCommandId, options);
    connect(m_follower, &daytona::CommandLogFollower::outputReceived, this, &BuildRun::onOutput);
    connect(m_follower, &AsyncJob::finished, this, &BuildRun::onFollowerFinished);
}

void BuildRun::onOutput(LogStream stream, const QByteArray &bytes, qint64 endOffset)
{
    StreamState &s = m_streams[size_t(stream)];
    m_resume.received(stream, endOffset - bytes.size(), endOffset);
    const QString text = s.decoder.decode(bytes);
    const QList<MarkerParser::Piece> pieces = s.parser->feed(text);
    const auto held = [](const StreamState &state) {
        return state.decoder.pendingBytes() + (state.parser ? state.parser->heldBack() : 0);
    };
    takePieces(stream, pieces,
               m_resume.safeOffset(endOffset, held(m_streams[size_t(LogStream::Stdout)]),
                                   held(m_streams[size_t(LogStream::Stderr)])));
}

void BuildRun::takePieces(LogStream stream, const QList<MarkerParser::Piece> &pieces,
                          qint64 sourceOffset)
{
    StreamState &s = m_streams[size_t(stream)];
    qsizetype lastOutput = -1;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        if (!pieces[i].isEvent())
            lastOutput = i;
    }
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        const MarkerParser::Piece &piece = pieces[i];
        if (!piece.isEvent()) {
            storeOutput(stream, s.phase, piece.text, i == lastOutput ? sourceOffset : -1);
            continue;
        }
        const DriverEvent &event = piece.event;
        if (event.kind == DriverEvent::Kind::PhaseStarted) {
            if (const auto phase = phaseFromName(event.phase))
                s.phase = *phase;
        }
        // The events come from stdout; the copies on stderr only cut stderr into phases.
        if (stream == LogStream::Stdout && event.sequence > m_lastSeq) {
            m_lastSeq = event.sequence;
            apply(event);
        }
    }
}

void BuildRun::storeOutput(LogStream stream, Phase phase, const QString &text, qint64 sourceOffset)
{
    const QByteArray bytes = text.toUtf8();
    m_store->appendLog({m_build.id, phase, stream, bytes, sourceOffset});
    const qint64 from = m_liveSize;
    m_liveSize += bytes.size();
    QString &tail = m_tails[size_t(phase)];
    tail += text;
    if (tail.size() > kTailLength)
        tail.remove(0, tail.size() - kTailLength);
    if (m_hub)
        m_hub->announceLog(m_build.id, phase, stream, text, from, m_liveSize);
}

QString BuildRun::stepFor(Phase phase) const
{
    if (phase == Phase::Install) {
        const QString step = metaString(m_build, QStringLiteral("install_step"));
        return step.isEmpty() ? tr("Installing dependencies") : step;
    }
    if (phase == Phase::Build) {
        const QString step = metaString(m_build, QStringLiteral("build_step"));
        return step.isEmpty() ? tr("Building") : step;
    }
    return {};
}

// Progress by phase: setup up to 5 %, install 10–45 %, build 50–95 %, 100 % at the end.
int BuildRun::expectedProgress(Phase phase, bool ended) const
{
    switch (phase) {
    case Phase::Setup:
        return 5;
    case Phase::Install:
        return ended ? 45 : 10;
    case Phase::Build:
        return ended ? 95 : 50;
    case Phase::Complete:
        return 100;
    }
    return 0;
}

void BuildRun::apply(const DriverEvent &event)
{
    const std::optional<Phase> phase = phaseFromName(event.phase);
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(event.timestampMs, Qt::UTC);
    switch (event.kind) {
    case DriverEvent::Kind::BuildStarted:
        m_pid = event.fields.value(QStringLiteral("pid"));
        m_build.metadata.insert(QStringLiteral("pid"), m_pid);
        if (m_cancelRequested)
            sendKill();
        break;
    case DriverEvent::Kind::PhaseStarted:
        if (!phase)
            break;
        m_build.phase = *phase;
        m_build.phaseRecord(*phase).startedAt = at;
        m_build.currentStep = stepFor(*phase);
        m_build.progress = std::max(m_build.progress, expectedProgress(*phase, false));
        addEvent(BuildEvent::Type::PhaseStarted, phase,
                 tr("Phase %1 started").arg(phaseDisplayName(*phase)));
        addEvent(BuildEvent::Type::CommandStarted, phase,
                 *phase == Phase::Install ? m_build.installCommand : m_build.buildCommand);
        break;
    case DriverEvent::Kind::PhaseFinished: {
        if (!phase)
            break;
        PhaseRecord &record = m_build.phaseRecord(*phase);
        record.completedAt = at;
        if (record.startedAt.isValid())
            record.durationMs = record.startedAt.msecsTo(at);
        record.exitCode = event.exitCode;
        const int code = event.exitCode.value_or(-1);
        addEvent(BuildEvent::Type::CommandExited, phase,
                 tr("The %1 command exited with code %2").arg(phaseDisplayName(*phase)).arg(code),
                 {{QStringLiteral("exit_code"), code}});
        addEvent(BuildEvent::Type::PhaseFinished, phase,
                 tr("Phase %1 finished").arg(phaseDisplayName(*phase)),
                 {{QStringLiteral("exit_code"), code},
                  {QStringLiteral("duration_ms"), record.durationMs.value_or(0)}});
        if (code != 0 && !m_failedPhase && !m_cancelRequested) {
            m_failedPhase = *phase;
            m_failureFallback =
                tr("The %1 command exited with code %2").arg(phaseDisplayName(*phase)).arg(code);
        }
        if (code == 0)
            m_build.progress = std::max(m_build.progress, expectedProgress(*phase, true));
        break;
    }
    case DriverEvent::Kind::PhaseSkipped: {
        if (!phase)
            break;
        PhaseRecord &record = m_build.phaseRecord(*phase);
        record.skipped = true;
        record.skipReason = event.reason;
        if (!record.startedAt.isValid()) {
            record.startedAt = at;
            record.completedAt = at;
            record.durationMs = 0;
        }
        addEvent(
            BuildEvent::Type::PhaseSkipped, phase,
            tr("Phase %1 skipped: %2").arg(phaseDisplayName(*phase), describeSkip(event.reason)),
            {{QStringLiteral("reason"), event.reason}});
        if (event.reason != u"previous-phase-failed" && event.reason != u"build-cancelled")
            m_build.progress = std::max(m_build.progress, expectedProgress(*phase, true));
        break;
    }
    case DriverEvent::Kind::CacheHit:
        addEvent(BuildEvent::Type::CacheHit, phase,
                 tr("Dependencies unchanged since the last successful install: install skipped"),
                 {{QStringLiteral("reason"), event.reason},
                  {QStringLiteral("key"), event.fields.value(QStringLiteral("key"))}});
        break;
    case DriverEvent::Kind::CacheMiss:
        m_build.metadata.insert(QStringLiteral("cache_miss"), event.reason);
        addEvent(BuildEvent::Type::CacheMiss, phase,
                 tr("Installing dependencies: %1").arg(describeCacheMiss(event.reason)),
                 {{QStringLiteral("reason"), event.reason}});
        break;
    case DriverEvent::Kind::BuildFinished:
        m_result = event.result;
        m_build.metadata.insert(QStringLiteral("driver_result"), event.result);
        m_build.metadata.insert(QStringLiteral("driver_exit"), event.exitCode.value_or(-1));
        if (event.result == u"failed" && !m_failedPhase) {
            m_failedPhase = phase.value_or(m_build.phase);
            m_failureFallback =
                event.reason == u"no-project-dir"
                    ? tr("The project directory %1 does not exist in the sandbox")
                          .arg(m_project.directory)
                    : tr("The build failed with exit code %1").arg(event.exitCode.value_or(-1));
        }
        break;
    }
    updateEta();
    save();
}

void BuildRun::loadEtaHistory()
{
    BuildQuery query;
    query.projectId = m_build.projectId;
    query.statuses = {BuildStatus::Success};
    query.limit = 10;
    m_store->builds(query)->onResult(this, [this](const Result<BuildPage> &page) {
        if (!page)
            return;
        m_etaHistory.clear();
        for (const Build &earlier : page.value().builds) {
            if (earlier.id == m_build.id)
                continue;
            EtaEstimator::PhaseDurations durations;
            for (const PhaseRecord &record : earlier.phases) {
                if (record.durationMs &&
                    (record.phase == Phase::Install || record.phase == Phase::Build))
                    durations.insert(phaseName(record.phase), *record.durationMs);
            }
            m_etaHistory.append(durations);
        }
    });
}

void BuildRun::updateEta()
{
    if (m_etaHistory.isEmpty() || !m_build.startedAt.isValid())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const PhaseRecord *current = std::as_const(m_build).phaseRecord(m_build.phase);
    QString currentPhase;
    qint64 inPhase = 0;
    if ((m_build.phase == Phase::Install || m_build.phase == Phase::Build) && current &&
        !current->completedAt.isValid()) {
        currentPhase = phaseName(m_build.phase);
        inPhase = current->startedAt.msecsTo(now);
    }
    const EtaEstimator estimator(m_etaHistory);
    QStringList phases;
    for (Phase p : {Phase::Install, Phase::Build}) {
        const PhaseRecord *record = std::as_const(m_build).phaseRecord(p);
        if (!record || !record->completedAt.isValid())
            phases.append(phaseName(p));
    }
    if (!currentPhase.isEmpty() && !phases.contains(currentPhase))
        phases.prepend(currentPhase);
    const auto estimate =
        estimator.estimate(phases, currentPhase, inPhase, m_build.startedAt.msecsTo(now));
    if (estimate)
        m_build.metadata.insert(QStringLiteral("eta_remaining_ms"), estimate->remainingMs);
}

void BuildRun::onFollowerFinished()
{
    if (m_finished || !m_follower)
        return;
    daytona::CommandLogFollower *follower = m_follower;
    const qint64 end = follower->offset();
    for (size_t i = 0; i < m_streams.size(); ++i) {
        StreamState &s = m_streams[i];
        QList<MarkerParser::Piece> pieces = s.parser->feed(s.decoder.flush());
        pieces += s.parser->finish();
        takePieces(LogStream(i), pieces, end);
    }
    m_follower = nullptr;
    m_heartbeat.stop();
    settleErrorMessage();
    if (!follower->ok()) {
        if (m_cancelRequested) {
            finish(BuildStatus::Cancelled);
            return;
        }
        finish(BuildStatus::Interrupted,
               tr("The build's command is gone from the sandbox (%1); the build was interrupted")
                   .arg(follower->error().message));
        return;
    }
    const int exitCode = follower->exitCode().value_or(-1);
    if (m_result == u"success")
        finish(BuildStatus::Success);
    else if (m_result == u"cancelled")
        finish(BuildStatus::Cancelled);
    else if (m_result == u"failed")
        finish(BuildStatus::Failed);
    else if (m_cancelRequested)
        finish(BuildStatus::Cancelled);
    else if (exitCode == 0)
        finish(BuildStatus::Success);
    else {
        if (m_build.errorMessage.isEmpty())
            m_build.errorMessage =
                tr("The build driver exited with code %1 without announcing its end").arg(exitCode);
        finish(BuildStatus::Failed);
    }
}

void BuildRun::settleErrorMessage()
{
    if (!m_failedPhase || !m_build.errorMessage.isEmpty() || m_cancelRequested)
        return;
    const QString line = ErrorLineExtractor::extract(m_tails[size_t(*m_failedPhase)]);
    m_build.errorMessage = line.isEmpty() ? m_failureFallback : line;
}

void BuildRun::cancel()
{
    if (m_finished || m_cancelRequested)
        return;
    m_cancelRequested = true;
    m_build.metadata.insert(QStringLiteral("cancel_requested"), true);
    if (!m_follower && m_build.daytonaCommandId.isEmpty()) {
        // The driver does not run yet (setup): end here; a driver started meanwhile goes with
        // the session, which finish() deletes.
        finish(BuildStatus::Cancelled);
        return;
    }
    m_build.currentStep = tr("Cancelling");
    save();
    // While re-attaching (not following yet) reattach() sends it once it follows the log.
    if (m_follower && !m_pid.isEmpty())
        sendKill();
}

void BuildRun::sendKill()
{
    if (m_killSent || m_pid.isEmpty())
        return;
    m_killSent = true;
    daytona::ExecuteRequest request;
    request.command = QStringLiteral("kill -TERM %1").arg(m_pid);
    request.timeoutSeconds = 30;
    m_client->execute(m_build.sandboxId, request)
        ->onResult(this, [this](const Result<daytona::ExecuteResult> &result) {
            if (m_finished || (result && result.value().exitCode == 0))
                return;
            // The driver could not be signalled: end everything with the session.
            m_client->deleteSession(m_build.sandboxId, m_build.daytonaSessionId);
        });
}

void BuildRun::finish(BuildStatus status, const QString &message)
{
    if (!stopFollowing())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // A phase that started and never ended (setup failed, cancel before the driver ran).
    for (PhaseRecord &record : m_build.phases) {
        if (record.startedAt.isValid() && !record.completedAt.isValid()) {
            record.completedAt = now;
            record.durationMs = record.startedAt.msecsTo(now);
        }
    }
    PhaseRecord &complete = m_build.phaseRecord(Phase::Complete);
    complete.startedAt = now;
    complete.completedAt = now;
    complete.durationMs = 0;
    m_build.phase = Phase::Complete;
    m_build.status = status;
    m_build.completedAt = now;
    if (!m_build.startedAt.isValid())
        m_build.startedAt = now;
    m_build.durationMs = m_build.startedAt.msecsTo(now);
    m_build.metadata.remove(QStringLiteral("eta_remaining_ms"));
    switch (status) {
    case BuildStatus::Success:
        m_build.progress = 100;
        m_build.currentStep = tr("Build succeeded");
        break;
    case BuildStatus::Failed:
        m_build.currentStep = tr("Build failed");
        if (m_build.errorMessage.isEmpty())
            m_build.errorMessage = message.isEmpty() ? tr("The build failed") : message;
        addEvent(BuildEvent::Type::Error, std::nullopt, m_build.errorMessage);
        break;
    case BuildStatus::Cancelled:
        m_build.currentStep = tr("Build cancelled");
        addEvent(BuildEvent::Type::Cancelled, std::nullopt,
                 message.isEmpty() ? tr("The build was cancelled") : message);
        break;
    case BuildStatus::Interrupted:
        m_build.currentStep = tr("Build interrupted");
        if (m_build.errorMessage.isEmpty())
            m_build.errorMessage = message;
        addEvent(BuildEvent::Type::Interrupted, std::nullopt, message);
        break;
    case BuildStatus::Queued:
    case BuildStatus::Running:
        break;
    }
    save();
    if (m_client && !m_build.daytonaSessionId.isEmpty() && status != BuildStatus::Interrupted)
        m_client->deleteSession(m_build.sandboxId, m_build.daytonaSessionId);
    const auto finishedEvent = [this, status] {
        addEvent(BuildEvent::Type::Finished, Phase::Complete,
                 tr("Build finished: %1").arg(buildStatusDisplayName(status)),
                 {{QStringLiteral("status"), buildStatusName(status)}}, [this] {
                     if (m_hub)
                         m_hub->announceFinished(m_build);
                     emit finished(m_build.id);
                 });
    };
    if (!m_store) {
        finishedEvent();
        return;
    }
    // The last output must be stored before the build counts as finished; if it cannot be, the
    // error event says so before the `finished` event, which stays last.
    m_store->flush()->onResult(this, [this, finishedEvent](const Status &flushed) {
        if (!flushed)
            recordLogNotStored(flushed.error());
        m_store->releaseLease(m_build.id, m_settings.leaseOwner);
        finishedEvent();
    });
}

void BuildRun::save()
{
    m_build.metadata.insert(QStringLiteral("driver_seq"), m_lastSeq);
    if (m_store)
        m_store->updateBuild(m_build);
    if (m_hub)
        m_hub->announceChanged(m_build);
}

void BuildRun::addEvent(const QString &type, std::optional<Phase> phase, const QString &message,
                        const QJsonObject &metadata, std::function<void()> then)
{
    BuildEvent event;
    event.buildId = m_build.id;
    event.type = type;
    event.phase = phase;
    event.message = message;
    event.metadata = metadata;
    event.createdAt = QDateTime::currentDateTimeUtc();
    if (!m_store)
        return;
    QPointer<BuildHub> hub = m_hub;
    m_store->addEvent(event)->onResult(
        this, [hub, then = std::move(then)](const Result<BuildEvent> &stored) {
            if (stored && hub)
                hub->announceEvent(stored.value());
            if (then)
                then();
        });
}

void BuildRun::reattach()
{
    m_nonce = metaString(m_build, QStringLiteral("nonce"));
    m_lastSeq = m_build.metadata.value(QStringLiteral("driver_seq")).toInteger();
    m_pid = metaString(m_build, QStringLiteral("pid"));
    m_result = metaString(m_build, QStringLiteral("driver_result"));
    m_cancelRequested = m_build.metadata.value(QStringLiteral("cancel_requested")).toBool();
    if (m_nonce.isEmpty() || m_build.daytonaSessionId.isEmpty() ||
        m_build.daytonaCommandId.isEmpty()) {
        finish(BuildStatus::Interrupted,
               tr("Vaporwatch stopped before the build's command started; the build was "
                  "interrupted"));
        return;
    }
    m_heartbeat.start();
    loadEtaHistory();
    m_client->commandStatus(m_build.sandboxId, m_build.daytonaSessionId, m_build.daytonaCommandId)
        ->onResult(this, [this](const Result<daytona::Command> &status) {
            if (m_finished)
                return;
            if (!status) {
                finish(BuildStatus::Interrupted,
                       tr("The build's session %1 is gone from the sandbox (%2); the build was "
                          "interrupted")
                           .arg(m_build.daytonaSessionId, status.error().message));
                return;
            }
            const daytona::Command &command = status.value();
            m_store->logSizes(m_build.id)
                ->onResult(this, [this, command](const Result<LogSizes> &sizes) {
                    if (m_finished)
                        return;
                    m_liveSize = sizes ? sizes.value().total() : 0;
                    const qint64 phaseSize = sizes ? sizes.value().size(m_build.phase) : 0;
                    loadStoredTail(m_build.phase, phaseSize, [this, command] {
                        addEvent(
                            BuildEvent::Type::Reattached, m_build.phase,
                            command.exitCode
                                ? tr("Re-attached at byte %1 of the log; the command has exited "
                                     "with code %2")
                                      .arg(m_build.logOffset)
                                      .arg(*command.exitCode)
                                : tr("Re-attached at byte %1 of the log; the command is running")
                                      .arg(m_build.logOffset),
                            {{QStringLiteral("log_offset"), m_build.logOffset}});
                        for (StreamState &s : m_streams)
                            s.phase = m_build.phase;
                        follow();
                        if (m_cancelRequested)
                            sendKill();
                    });
                });
        });
}

// The error line of a failed phase comes from the phase's output, and the beginning of it was
// seen by the process that followed the build before: take the stored tail of the running phase
// as the start of this run's tail.
void BuildRun::loadStoredTail(Phase phase, qint64 phaseSize, std::function<void()> then)
{
    const qint64 from = std::max<qint64>(0, phaseSize - kTailLength);
    m_store->readLog(m_build.id, LogSelection{phase, std::nullopt}, from, -1)
        ->onResult(this, [this, phase, then = std::move(then)](const Result<LogSlice> &slice) {
            if (m_finished)
                return;
            if (slice)
                m_tails[size_t(phase)] = QString::fromUtf8(slice.value().bytes());
            else
                log::get("engine")->warn("build {}: the stored output of its {} phase could "
                                         "not be read: {}",
                                         m_build.id, phaseName(phase), slice.error().toString());
            then();
        });
}

void BuildRun::reportLogNotStored(const Error &error)
{
    if (!m_finished) // a finished run reports it after its final flush (finish())
        recordLogNotStored(error);
}

void BuildRun::recordLogNotStored(const Error &error)
{
    if (m_logErrorReported)
        return;
    // Once per run: a database that refuses one batch usually refuses the next ones too.
    m_logErrorReported = true;
    log::get("engine")->error("build {}: its output could not be stored: {}", m_build.id,
                              error.toString());
    addEvent(BuildEvent::Type::Error, m_build.phase,
             tr("The build's output could not be stored: %1").arg(error.message),
             {{QStringLiteral("reason"), QStringLiteral("log_not_stored")},
              {QStringLiteral("code"), error.code}});
}

} // namespace vw::engine
