#pragma once

#include "app/automation/ClientCommand.h"

#include <QObject>
#include <QStringList>

namespace vw::daytona {
class DaytonaClient;
struct Sandbox;
} // namespace vw::daytona

// `vaporwatch-cli sandbox list|get|start|stop [NAME]`: sandbox lifecycle from the terminal.
// Results go to stdout, errors to stderr; done() carries the process exit code.
class SandboxCommand : public ClientCommand
{
    Q_OBJECT

public:
    explicit SandboxCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr);

    bool start(const QStringList &arguments) override;

private:
    void list();
    void get(const QString &sandbox);
    void startSandbox(const QString &sandbox);
    void stopSandbox(const QString &sandbox);
    // One line: "id<TAB>name<TAB>state", or with --json the sandbox's JSON object.
    void printSandbox(const vw::daytona::Sandbox &sandbox);

    bool m_json = false;
};
