#include "app/engine/DevServer.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/StackDetector.h"
#include "models/StreamDemuxer.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTimer>

#include <memory>

namespace vw::engine {

namespace {

constexpr int kStopWaitMs = 10'000;
constexpr int kOutputLines = 15;

QString shellQuote(const QString &text)
{
    return QLatin1Char('\'') + QString(text).replace(QStringLiteral("'"), QStringLiteral("'\\''")) +
           QLatin1Char('\'');
}

const QRegularExpression &launchPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral("^cd -- .* && export PORT=(\\d+) && \\{\\n(.*)\\n\\}$"),
        QRegularExpression::DotMatchesEverythingOption);
    return pattern;
}

bool isNotFound(const Error &error)
{
    return error.httpStatus == 404 || error.code == QLatin1String("NOT_FOUND");
}

// The last lines of a command's output, stdout and stderr in the order they were written.
QString lastLines(const daytona::CommandLogs &logs)
{
    QByteArray text = StreamDemuxer::containsMarker(logs.raw)
                          ? StreamDemuxer::stripMarkers(logs.raw)
                          : (logs.raw.isEmpty() ? logs.stdoutBytes + logs.stderrBytes : logs.raw);
    QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
        lines.removeLast();
    if (lines.size() > kOutputLines)
        lines = lines.mid(lines.size() - kOutputLines);
    return lines.join(QLatin1Char('\n'));
}

Error notRunning(const QString &sandbox, const QString &projectDirectory)
{
    return Error{
        QStringLiteral("NOT_RUNNING"),
        DevServer::tr("No dev server runs for %1 in sandbox %2").arg(projectDirectory, sandbox), 0};
}

} // namespace

struct DevServer::StartState
{
    Options options;
    QPointer<AsyncJobOf<DevServerState>> job;
    DevServerState state;
    QElapsedTimer clock;
};

DevServer::DevServer(daytona::DaytonaClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_locator(new PreviewLocator(client, this))
    , m_detector(new StackDetector(client, this))
{
}

DevServer::~DevServer()
{
    const auto jobs = m_jobs;
    for (const QPointer<AsyncJob> &job : jobs) {
        if (job)
            job->cancel();
    }
}

template<typename T>
AsyncJobOf<T> *DevServer::track(AsyncJobOf<T> *job)
{
    m_jobs.removeIf([](const QPointer<AsyncJob> &tracked) {
        return tracked.isNull() || tracked->isFinished();
    });
    m_jobs.append(job);
    return job;
}

QString DevServer::sessionName(const QString &projectDirectory)
{
    QString name = projectDirectory.trimmed();
    while (name.startsWith(QLatin1String("./")))
        name.remove(0, 2);
    static const QRegularExpression other(QStringLiteral("[^A-Za-z0-9._-]+"));
    static const QRegularExpression dashes(QStringLiteral("-{2,}"));
    name.replace(other, QStringLiteral("-")).replace(dashes, QStringLiteral("-"));
    while (!name.isEmpty() && (name.front() == u'-' || name.front() == u'.'))
        name.remove(0, 1);
    while (!name.isEmpty() && (name.back() == u'-' || name.back() == u'.'))
        name.chop(1);
    if (name.isEmpty())
        name = QStringLiteral("root");
    if (name.size() > 64) {
        // Long paths keep their end (the project's own name) and a hash of the whole.
        const QByteArray hash =
            QCryptographicHash::hash(projectDirectory.toUtf8(), QCryptographicHash::Sha1).toHex();
        name = name.right(55) + QLatin1Char('-') + QString::fromLatin1(hash.left(8));
    }
    return kSessionPrefix + name;
}

QString DevServer::launchCommand(const QString &projectDirectory, const QString &command, int port)
{
    return QStringLiteral("cd -- %1 && export PORT=%2 && {\n%3\n}")
        .arg(shellQuote(projectDirectory))
        .arg(port)
        .arg(command);
}

int DevServer::portOfLaunch(const QString &launch)
{
    const QRegularExpressionMatch match = launchPattern().match(launch);
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

QString DevServer::commandOfLaunch(const QString &launch)
{
    const QRegularExpressionMatch match = launchPattern().match(launch);
    return match.hasMatch() ? match.captured(2) : launch;
}

QString DevServer::defaultCommandFor(const QString &stack, const QString &packageManager)
{
    if (stack != QLatin1String("node"))
        return {};
    const QString manager = packageManager.isEmpty() ? QStringLiteral("npm") : packageManager;
    return manager + QStringLiteral(" run dev");
}

AsyncJobOf<DevServerState> *DevServer::find(const QString &sandbox, const QString &projectDirectory)
{
    auto *job = track(new AsyncJobOf<DevServerState>(this));
    if (!m_client) {
        job->fail(Error{QStringLiteral("NO_CLIENT"), tr("No Daytona client."), 0});
        return job;
    }
    DevServerState state;
    state.sandbox = sandbox;
    state.projectDirectory = projectDirectory;
    state.sessionId = sessionName(projectDirectory);
    QPointer<AsyncJobOf<DevServerState>> guard(job);
    m_client->getSession(sandbox, state.sessionId)
        ->onResult(this, [guard, state](const Result<daytona::Session> &session) mutable {
            if (!guard)
                return;
            if (!session) {
                guard->fail(isNotFound(session.error())
                                ? notRunning(state.sandbox, state.projectDirectory)
                                : session.error());
                return;
            }
            // The running command, else the last one started.
            for (const daytona::Command &command : session.value().commands) {
                if (command.isRunning() || !state.running) {
                    state.commandId = command.id;
                    state.command = commandOfLaunch(command.command);
                    state.port = portOfLaunch(command.command);
                    state.running = command.isRunning();
                }
            }
            guard->succeed(state);
        });
    return job;
}

AsyncJobOf<DevServerState> *DevServer::start(const Options &options)
{
    auto *job = track(new AsyncJobOf<DevServerState>(this));
    if (!m_client) {
        job->fail(Error{QStringLiteral("NO_CLIENT"), tr("No Daytona client."), 0});
        return job;
    }
    if (options.sandbox.isEmpty() || options.projectDirectory.isEmpty()) {
        job->fail(Error{QStringLiteral("INVALID_ARGUMENT"),
                        tr("A sandbox and a project directory are needed."), 0});
        return job;
    }
    if (options.port < 1 || options.port > 65535) {
        job->fail(Error{QStringLiteral("INVALID_ARGUMENT"),
                        tr("The port must be between 1 and 65535."), 0});
        return job;
    }
    auto state = std::make_shared<StartState>();
    state->options = options;
    state->job = job;
    state->clock.start();
    find(options.sandbox, options.projectDirectory)
        ->onResult(this, [this, state](const Result<DevServerState> &found) {
            if (!state->job || !m_client)
                return;
            if (found && found.value().running) {
                // Already there: report it as it is.
                state->state = found.value();
                state->state.alreadyRunning = true;
                const int port = found.value().port > 0 ? found.value().port : state->options.port;
                state->state.port = port;
                finishWithPreview(state, port);
                return;
            }
            if (!found && found.error().code != QLatin1String("NOT_RUNNING")) {
                state->job->fail(found.error());
                return;
            }
            state->state.sandbox = state->options.sandbox;
            state->state.projectDirectory = state->options.projectDirectory;
            state->state.sessionId = sessionName(state->options.projectDirectory);
            state->state.port = state->options.port;
            const auto continueWithPort = [this, state] {
                m_client->listPorts(state->options.sandbox)
                    ->onResult(this, [this, state](const Result<QList<int>> &ports) {
                        if (!state->job)
                            return;
                        if (!ports) {
                            state->job->fail(ports.error());
                            return;
                        }
                        if (ports.value().contains(state->options.port)) {
                            state->job->fail(Error{
                                QStringLiteral("PORT_IN_USE"),
                                tr("Port %1 is already in use in the sandbox by another process")
                                    .arg(state->options.port),
                                0});
                            return;
                        }
                        launch(state);
                    });
            };
            if (found) // a session whose server has exited: start afresh
                m_client->deleteSession(state->options.sandbox, state->state.sessionId)
                    ->onResult(this, [continueWithPort](const Status &) { continueWithPort(); });
            else
                continueWithPort();
        });
    return job;
}

void DevServer::launch(const std::shared_ptr<StartState> &state)
{
    if (state->options.command.trimmed().isEmpty()) {
        m_detector->detect(state->options.sandbox, state->options.projectDirectory)
            ->onResult(this, [this, state](const Result<DetectedStack> &stack) {
                if (!state->job)
                    return;
                if (!stack) {
                    state->job->fail(stack.error());
                    return;
                }
                const QString command =
                    defaultCommandFor(stack.value().stack, stack.value().packageManager);
                if (command.isEmpty()) {
                    state->job->fail(
                        Error{QStringLiteral("NO_DEFAULT_COMMAND"),
                              tr("There is no default dev server command for a project of stack "
                                 "\"%1\"; the command must be given")
                                  .arg(stack.value().stack),
                              0});
                    return;
                }
                state->options.command = command;
                launch(state);
            });
        return;
    }
    state->state.command = state->options.command;
    const QString sandbox = state->options.sandbox;
    const QString sessionId = state->state.sessionId;
    m_client->createSession(sandbox, sessionId)->onResult(this, [=, this](const Status &created) {
        if (!state->job)
            return;
        if (!created) {
            state->job->fail(created.error());
            return;
        }
        const QString launch = launchCommand(state->options.projectDirectory,
                                             state->options.command, state->options.port);
        m_client->execAsync(sandbox, sessionId, launch)
            ->onResult(this, [this, state](const Result<QString> &commandId) {
                if (!state->job)
                    return;
                if (!commandId) {
                    state->job->fail(commandId.error());
                    m_client->deleteSession(state->options.sandbox, state->state.sessionId);
                    return;
                }
                state->state.commandId = commandId.value();
                state->state.running = true;
                poll(state);
            });
    });
}

void DevServer::poll(const std::shared_ptr<StartState> &state)
{
    if (!state->job || !m_client)
        return;
    if (state->clock.elapsed() > state->options.readyTimeoutMs) {
        failWithOutput(state, QStringLiteral("TIMEOUT"),
                       tr("The dev server did not listen on port %1 within %2 s; it was stopped")
                           .arg(state->options.port)
                           .arg(state->options.readyTimeoutMs / 1000));
        return;
    }
    const QString sandbox = state->options.sandbox;
    m_client->commandStatus(sandbox, state->state.sessionId, state->state.commandId)
        ->onResult(this, [this, state, sandbox](const Result<daytona::Command> &command) {
            if (!state->job || !m_client)
                return;
            if (!command) {
                state->job->fail(command.error());
                return;
            }
            if (!command.value().isRunning()) {
                state->state.running = false;
                failWithOutput(state, QStringLiteral("EXITED"),
                               tr("The dev server command exited with code %1 before port %2 "
                                  "listened")
                                   .arg(*command.value().exitCode)
                                   .arg(state->options.port));
                return;
            }
            m_client->listPorts(sandbox)->onResult(
                this, [this, state, sandbox](const Result<QList<int>> &ports) {
                    if (!state->job)
                        return;
                    if (!ports) {
                        state->job->fail(ports.error());
                        return;
                    }
                    if (!ports.value().contains(state->options.port)) {
                        QTimer::singleShot(state->options.pollIntervalMs, this,
                                           [this, state] { poll(state); });
                        return;
                    }
                    finishWithPreview(state, state->options.port);
                });
        });
}

// Ends a start with the preview URL and health of `port`.
void DevServer::finishWithPreview(const std::shared_ptr<StartState> &state, int port)
{
    m_locator->locate(state->options.sandbox, port)
        ->onResult(this, [state](const Result<PreviewInfo> &preview) {
            if (!state->job)
                return;
            if (!preview) {
                state->job->fail(preview.error());
                return;
            }
            state->state.preview = preview.value();
            state->job->succeed(state->state);
        });
}

void DevServer::failWithOutput(const std::shared_ptr<StartState> &state, const QString &code,
                               const QString &message)
{
    const QString sandbox = state->options.sandbox;
    const QString sessionId = state->state.sessionId;
    m_client->commandLogs(sandbox, sessionId, state->state.commandId)
        ->onResult(this, [this, state, code, message, sandbox,
                          sessionId](const Result<daytona::CommandLogs> &logs) {
            const QString output = logs ? lastLines(logs.value()) : QString();
            // Nothing is left running: the session goes with whatever it started.
            m_client->deleteSession(sandbox, sessionId)
                ->onResult(this, [state, code, message, output](const Status &) {
                    if (!state->job)
                        return;
                    state->job->fail(
                        Error{code,
                              output.isEmpty()
                                  ? message
                                  : tr("%1. Its last output:\n%2").arg(message, output),
                              0});
                });
        });
}

AsyncJobOf<DevServerState> *DevServer::stop(const QString &sandbox, const QString &projectDirectory)
{
    auto *job = track(new AsyncJobOf<DevServerState>(this));
    QPointer<AsyncJobOf<DevServerState>> guard(job);
    find(sandbox, projectDirectory)
        ->onResult(this, [this, guard](const Result<DevServerState> &found) {
            if (!guard || !m_client)
                return;
            if (!found) {
                guard->fail(found.error());
                return;
            }
            const DevServerState state = found.value();
            m_client->deleteSession(state.sandbox, state.sessionId)
                ->onResult(this, [this, guard, state](const Status &deleted) {
                    if (!guard)
                        return;
                    if (!deleted && !isNotFound(deleted.error())) {
                        guard->fail(deleted.error());
                        return;
                    }
                    if (!state.running) {
                        guard->fail(Error{QStringLiteral("NOT_RUNNING"),
                                          tr("No dev server runs for %1 in sandbox %2 (its "
                                             "command had exited; its session was removed)")
                                              .arg(state.projectDirectory, state.sandbox),
                                          0});
                        return;
                    }
                    DevServerState stopped = state;
                    stopped.running = false;
                    if (stopped.port <= 0) {
                        guard->succeed(stopped);
                        return;
                    }
                    // Wait until the port is free, so "stopped" means it no longer answers.
                    auto clock = std::make_shared<QElapsedTimer>();
                    clock->start();
                    auto waitFree = std::make_shared<std::function<void()>>();
                    *waitFree = [this, guard, stopped, clock, weak = std::weak_ptr(waitFree)] {
                        if (!guard || !m_client)
                            return;
                        m_client->listPorts(stopped.sandbox)
                            ->onResult(this, [this, guard, stopped, clock,
                                              self = weak.lock()](const Result<QList<int>> &ports) {
                                if (!guard)
                                    return;
                                const bool free = !ports || !ports.value().contains(stopped.port);
                                if (free || clock->elapsed() > kStopWaitMs) {
                                    guard->succeed(stopped);
                                    return;
                                }
                                if (self)
                                    QTimer::singleShot(200, this, [self] { (*self)(); });
                            });
                    };
                    (*waitFree)();
                });
        });
    return job;
}

} // namespace vw::engine
