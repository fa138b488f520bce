#include "app/engine/ProcessCheck.h"

#include "app/daytona/DaytonaClient.h"

#include <memory>

namespace vw::engine {

bool ProcessCheckResult::allFound() const
{
    if (port && !port->inUse)
        return false;
    if (process && !process->found())
        return false;
    return port.has_value() || process.has_value();
}

bool ProcessCheckResult::incomplete() const
{
    return process && !process->checked;
}

ProcessCheck::ProcessCheck(daytona::DaytonaClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

ProcessCheck::~ProcessCheck()
{
    const auto jobs = m_jobs;
    for (const QPointer<AsyncJob> &job : jobs) {
        if (job)
            job->cancel();
    }
}

ProcessCheckResult ProcessCheck::evaluate(const Request &request, const QList<int> &listeningPorts,
                                          const std::optional<ProcessProbe::Output> &probe,
                                          const QString &probeError)
{
    ProcessCheckResult result;
    if (!probe && !probeError.isEmpty())
        result.notes.append(
            tr("The sandbox's process table could not be read: %1").arg(probeError));
    if (request.port) {
        ProcessCheckResult::PortStatus port;
        port.port = *request.port;
        port.inUse = listeningPorts.contains(*request.port);
        if (probe && !probe->socketTool.isEmpty()) {
            port.holdersKnown = true;
            for (const ProcessProbe::Listener &listener : probe->listeners) {
                if (listener.port == port.port && listener.pid > 0)
                    port.holders.append(listener);
            }
        } else if (probe && port.inUse) {
            result.notes.append(tr("Neither ss nor lsof is installed in the sandbox; the process "
                                   "holding port %1 cannot be named")
                                    .arg(port.port));
        }
        result.port = port;
    }
    if (!request.processName.isEmpty()) {
        ProcessCheckResult::ProcessStatus status;
        status.name = request.processName;
        status.checked = probe && probe->hasPs;
        if (probe && !probe->hasPs)
            result.notes.append(
                tr("ps is not installed in the sandbox; process names cannot be checked"));
        if (status.checked) {
            for (const ProcessProbe::Process &process : probe->processes) {
                if (ProcessProbe::matchesName(process, request.processName))
                    status.matches.append(process);
            }
        }
        result.process = status;
    }
    return result;
}

AsyncJobOf<ProcessCheckResult> *ProcessCheck::check(const Request &request)
{
    auto *job = new AsyncJobOf<ProcessCheckResult>(this);
    m_jobs.removeIf([](const QPointer<AsyncJob> &tracked) {
        return tracked.isNull() || tracked->isFinished();
    });
    m_jobs.append(job);
    if (request.sandbox.isEmpty()) {
        job->fail(Error{QStringLiteral("INVALID_ARGUMENT"), tr("No sandbox given."), 0});
        return job;
    }
    if (request.port && (*request.port < 1 || *request.port > 65535)) {
        job->fail(Error{QStringLiteral("INVALID_ARGUMENT"),
                        tr("The port must be between 1 and 65535."), 0});
        return job;
    }
    if (!request.port && request.processName.isEmpty()) {
        job->fail(Error{QStringLiteral("INVALID_ARGUMENT"),
                        tr("Give a port, a process name or both to check."), 0});
        return job;
    }

    if (!m_client) {
        job->fail(Error{QStringLiteral("NO_CLIENT"), tr("No Daytona client."), 0});
        return job;
    }

    QPointer<AsyncJobOf<ProcessCheckResult>> guard(job);
    auto ports = std::make_shared<QList<int>>();
    const auto probe = [this, guard, request, ports] {
        if (!guard || !m_client)
            return;
        daytona::ExecuteRequest execute;
        execute.command = ProcessProbe::script(!request.processName.isEmpty(), request.port);
        execute.timeoutSeconds = 20;
        m_client->execute(request.sandbox, execute)
            ->onResult(this, [guard, request, ports](const Result<daytona::ExecuteResult> &ran) {
                if (!guard)
                    return;
                if (!ran) {
                    // Without the toolbox nothing can be answered; with the port list the
                    // port part still can.
                    if (!request.port) {
                        guard->fail(ran.error());
                        return;
                    }
                    guard->succeed(evaluate(request, *ports, std::nullopt, ran.error().message));
                    return;
                }
                guard->succeed(evaluate(request, *ports, ProcessProbe::parse(ran.value().result)));
            });
    };
    if (!request.port) {
        probe();
        return job;
    }
    m_client->listPorts(request.sandbox)
        ->onResult(this, [guard, ports, probe](const Result<QList<int>> &listed) {
            if (!guard)
                return;
            if (!listed) {
                guard->fail(listed.error());
                return;
            }
            *ports = listed.value();
            probe();
        });
    return job;
}

} // namespace vw::engine
