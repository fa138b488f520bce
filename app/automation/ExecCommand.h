#pragma once

#include "app/automation/ClientCommand.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace vw::daytona {
class DaytonaClient;
}

// `vaporwatch-cli exec SANDBOX -- COMMAND…`: runs a command in a fresh session of the sandbox,
// streams its stdout to stdout and its stderr to stderr as it runs, removes the session, and
// ends with the command's exit code.
//
// One argument after `--` is a shell command line (`exec sb -- 'cd app && make'`); several are
// quoted for the shell one by one (`exec sb -- ls -l "my dir"`).
//
// Ctrl-C (or SIGTERM) deletes the session, which ends the command in the sandbox, and exits
// with 128 + the signal number, as a shell would.
class ExecCommand : public ClientCommand
{
    Q_OBJECT

public:
    explicit ExecCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr);

    bool start(const QStringList &arguments) override;

    static QString shellCommand(const QStringList &words);

private:
    void run();
    void follow(const QString &commandId);
    void finish(int exitCode);
    void interrupt(int signalNumber);

    QString m_sandbox;
    QString m_command;
    QString m_sessionId;
    bool m_sessionCreated = false;
    bool m_finishing = false;
    int m_pendingExitCode = 0;
};
