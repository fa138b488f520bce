#pragma once

#include <QObject>
#include <QStringList>

namespace vw::daytona {
class DaytonaClient;
struct Sandbox;
} // namespace vw::daytona

// `vaporwatch-cli sandbox list|get|start|stop [NAME]`: sandbox lifecycle from the terminal.
// Results go to stdout, errors to stderr; done() carries the process exit code.
class SandboxCommand : public QObject
{
    Q_OBJECT

public:
    explicit SandboxCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr);

    // Returns false (and prints why) when the arguments are not usable.
    bool start(const QStringList &arguments);

signals:
    void done(int exitCode);

private:
    void list();
    void get(const QString &sandbox);
    void startSandbox(const QString &sandbox);
    void stopSandbox(const QString &sandbox);
    void printSandbox(const vw::daytona::Sandbox &sandbox);

    vw::daytona::DaytonaClient *m_client;
};
