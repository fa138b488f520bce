#include "app/sandboxd/ShellSession.h"

#include "models/Log.h"
#include "models/RandomToken.h"

#include <QDir>
#include <QFile>
#include <QTimer>

#include <csignal>

#include <sys/prctl.h>
#include <unistd.h>

namespace vw::sandboxd {

namespace {

// sandboxd writes into FIFOs whose reader may be gone; that must be an error, not a SIGPIPE.
void ignoreSigpipeOnce()
{
    static const bool ignored = [] {
        std::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    Q_UNUSED(ignored);
}

// The processes whose session id is `session` (from /proc/<pid>/stat: field 6, after the
// command name in parentheses).
QList<pid_t> processesInSession(pid_t session)
{
    QList<pid_t> found;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const pid_t pid = entry.toInt(&numeric);
        if (!numeric)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        // state ppid pgrp session …
        if (fields.size() > 3 && fields.at(3).toInt() == session)
            found.append(pid);
    }
    return found;
}

} // namespace

ShellSession::ShellSession(QString id, QString workingDirectory, QString scratchDirectory,
                           QObject *parent)
    : QObject(parent)
    , m_id(std::move(id))
    , m_workingDirectory(std::move(workingDirectory))
    , m_scratchDirectory(std::move(scratchDirectory))
    // The shell's own stdout carries only our status lines; the random tag keeps anything
    // else that might end up there from being taken for one.
    , m_statusTag("vw-status-" + RandomToken::lowercaseAlphanumeric(16).toLatin1())
{
    ignoreSigpipeOnce();
    QDir().mkpath(m_scratchDirectory);
    m_killTimer = new QTimer(this);
    m_killTimer->setSingleShot(true);
    connect(m_killTimer, &QTimer::timeout, this, [this] { signalGroup(SIGKILL); });
    startShell();
}

ShellSession::~ShellSession()
{
    if (m_shell) {
        m_shell->disconnect(this);
        if (m_shell->state() != QProcess::NotRunning) {
            signalGroup(SIGKILL);
            m_shell->waitForFinished(2000);
        }
    }
    QDir(m_scratchDirectory).removeRecursively();
}

void ShellSession::startShell()
{
    m_shell = new QProcess(this);
    m_shell->setProgram(QStringLiteral("/bin/bash"));
    m_shell->setArguments({QStringLiteral("--noprofile"), QStringLiteral("--norc")});
    m_shell->setWorkingDirectory(m_workingDirectory);
    m_shell->setChildProcessModifier([] {
        ::setsid();
        // Signals sandboxd ignores would stay ignored in every command; give them back.
        std::signal(SIGPIPE, SIG_DFL);
        // If sandboxd dies without cleaning up, the shell goes with it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    connect(m_shell, &QProcess::readyReadStandardOutput, this, &ShellSession::readShellOutput);
    connect(m_shell, &QProcess::readyReadStandardError, this, [this] {
        log::get("sandboxd")
            ->debug("session {} shell: {}", m_id, m_shell->readAllStandardError().trimmed());
    });
    connect(m_shell, &QProcess::started, this, [this] { m_shellGroup = m_shell->processId(); });
    connect(m_shell, &QProcess::finished, this, &ShellSession::onShellFinished);
    connect(m_shell, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            log::get("sandboxd")
                ->error("session {}: cannot start bash: {}", m_id, m_shell->errorString());
            onShellFinished(-1, QProcess::CrashExit);
        }
    });
    m_shell->start();
    // Known as soon as the fork happened; `started` may come later than a quick terminate().
    m_shellGroup = m_shell->processId();
}

Result<std::shared_ptr<SessionCommand>> ShellSession::execute(const QString &commandText)
{
    if (m_terminating)
        return Error{QStringLiteral("GONE"), QStringLiteral("session is being terminated")};
    auto prepared = SessionCommand::prepare(commandText, m_scratchDirectory);
    if (!prepared)
        return prepared.error();
    m_commands.append(prepared.value());
    m_queue.append(prepared.value());
    startNextCommand();
    return prepared.value();
}

std::shared_ptr<SessionCommand> ShellSession::command(const QString &commandId) const
{
    for (const auto &candidate : m_commands) {
        if (candidate->id() == commandId)
            return candidate;
    }
    return nullptr;
}

void ShellSession::startNextCommand()
{
    if (m_running || m_queue.isEmpty() || m_terminating)
        return;
    if (!m_shell)
        startShell();
    m_running = m_queue.takeFirst();
    m_shell->write(m_running->shellLine(m_statusTag));
}

void ShellSession::readShellOutput()
{
    m_shellOutput.append(m_shell->readAllStandardOutput());
    qsizetype newline;
    while ((newline = m_shellOutput.indexOf('\n')) >= 0) {
        const QList<QByteArray> fields = m_shellOutput.left(newline).split(' ');
        m_shellOutput.remove(0, newline + 1);
        if (fields.size() != 3 || fields.at(0) != m_statusTag || !m_running ||
            fields.at(1) != m_running->id().toLatin1())
            continue;
        bool numeric = false;
        const int exitCode = fields.at(2).toInt(&numeric);
        auto finishedCommand = std::exchange(m_running, nullptr);
        finishedCommand->complete(numeric ? exitCode : -1);
        startNextCommand();
    }
}

void ShellSession::onShellFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    // A signal ends the shell the way a shell reports it for a command: 128 + signal.
    const int status =
        exitStatus == QProcess::CrashExit && exitCode >= 0 ? 128 + exitCode : exitCode;
    if (m_shell) {
        m_shell->deleteLater();
        m_shell = nullptr;
    }
    m_shellGroup = 0;
    m_killTimer->stop();
    if (m_terminating) {
        finishAll(status);
        m_terminated = true;
        emit terminated();
        return;
    }
    // The running command ended the shell (e.g. `exit 3`): it finishes with the shell's status.
    if (auto ended = std::exchange(m_running, nullptr))
        ended->complete(status);
    log::get("sandboxd")
        ->info("session {}: the shell exited ({}); the next command gets a new one", m_id, status);
    startNextCommand();
}

void ShellSession::signalGroup(int signal)
{
    if (m_shellGroup <= 0)
        return;
    ::kill(-pid_t(m_shellGroup), signal);
    // Commands may start their own process groups (job control, as the build driver does for
    // each phase); they stay in the shell's session, so signal every process of the session.
    for (const pid_t pid : processesInSession(pid_t(m_shellGroup)))
        ::kill(pid, signal);
}

void ShellSession::finishAll(int exitCode)
{
    if (auto running = std::exchange(m_running, nullptr))
        running->complete(exitCode);
    // Queued commands never ran.
    for (const auto &queued : std::exchange(m_queue, {}))
        queued->complete(-1);
}

void ShellSession::terminate(std::chrono::milliseconds grace)
{
    if (m_terminated)
        return;
    if (!m_terminating) {
        m_terminating = true;
        if (!m_shell || m_shell->state() == QProcess::NotRunning) {
            finishAll(-1);
            QTimer::singleShot(0, this, [this] {
                m_terminated = true;
                emit terminated();
            });
            return;
        }
    }
    if (grace.count() <= 0) {
        signalGroup(SIGKILL);
        return;
    }
    signalGroup(SIGTERM);
    m_killTimer->start(grace);
}

} // namespace vw::sandboxd
