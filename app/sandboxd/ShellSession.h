#pragma once

#include "app/sandboxd/SessionCommand.h"
#include "models/Error.h"

#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>

#include <chrono>
#include <memory>

class QTimer;

namespace vw::sandboxd {

// A process session: one long-lived bash in the sandbox's directory, started in its own process
// session and group (setsid) so that deleting the session, stopping the sandbox or quitting
// sandboxd ends it with everything it started.
//
// Commands are sourced into that shell one after another, like the daemon's `{ . cmd.sh; }`, so
// `cd`, exported variables and functions persist. A command that ends the shell itself (`exit 3`)
// finishes with the shell's status; the next command gets a fresh shell.
class ShellSession : public QObject
{
    Q_OBJECT

public:
    ShellSession(QString id, QString workingDirectory, QString scratchDirectory,
                 QObject *parent = nullptr);
    ~ShellSession() override;

    QString id() const { return m_id; }

    // Queues a command; it runs when the commands before it have finished.
    Result<std::shared_ptr<SessionCommand>> execute(const QString &commandText);
    std::shared_ptr<SessionCommand> command(const QString &commandId) const;
    QList<std::shared_ptr<SessionCommand>> commands() const { return m_commands; }

    // Ends the shell's process group: SIGTERM, then SIGKILL once `grace` has passed (at once for
    // a zero grace). Unfinished commands finish; terminated() follows when the shell is gone.
    void terminate(std::chrono::milliseconds grace);
    bool isTerminated() const { return m_terminated; }

signals:
    void terminated();

private:
    void startShell();
    void startNextCommand();
    void readShellOutput();
    void onShellFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void signalGroup(int signal);
    void finishAll(int exitCode);

    QString m_id;
    QString m_workingDirectory;
    QString m_scratchDirectory;
    QByteArray m_statusTag;
    QProcess *m_shell = nullptr;
    qint64 m_shellGroup = 0;
    QByteArray m_shellOutput;
    QList<std::shared_ptr<SessionCommand>> m_commands;
    QList<std::shared_ptr<SessionCommand>> m_queue;
    std::shared_ptr<SessionCommand> m_running;
    QTimer *m_killTimer = nullptr;
    bool m_terminating = false;
    bool m_terminated = false;
};

} // namespace vw::sandboxd
