#pragma once

#include "app/engine/ProcessProbe.h"
#include "models/AsyncJob.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <optional>

namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

// The answer of a process check (the original platform's check_process tool).
struct ProcessCheckResult
{
    struct PortStatus
    {
        int port = 0;
        bool inUse = false; // from the toolbox's list of listening ports
        // Who listens, from `ss`/`lsof` in the sandbox; empty when unknown (holdersKnown false)
        // or when only another user's process holds it.
        QList<ProcessProbe::Listener> holders;
        bool holdersKnown = false;
    };
    struct ProcessStatus
    {
        QString name;
        bool checked = false; // false: the process table could not be read (see notes)
        QList<ProcessProbe::Process> matches;

        bool found() const { return !matches.isEmpty(); }
        int count() const { return int(matches.size()); }
    };

    std::optional<PortStatus> port;
    std::optional<ProcessStatus> process;
    // Why part of the answer is missing, one sentence each, e.g. "ps is not installed in the
    // sandbox; process names cannot be checked".
    QStringList notes;

    // Everything asked for was found: the port is in use and/or the process runs.
    bool allFound() const;
    // Something asked for could not be answered at all.
    bool incomplete() const;
};

// Checks in a sandbox whether a TCP port is in use (the toolbox's port list, which every Daytona
// sandbox serves) and whether processes of a name run (`ps` in the sandbox, see ProcessProbe),
// and which process holds the port (`ss`/`lsof`) where the sandbox has those tools. A missing
// tool leaves a note instead of failing the check; the job fails only when the sandbox cannot be
// asked at all (unknown sandbox, network, …).
class ProcessCheck : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QString sandbox;
        std::optional<int> port;
        QString processName; // empty: not asked
    };

    explicit ProcessCheck(daytona::DaytonaClient *client, QObject *parent = nullptr);
    // Unfinished checks end with the CANCELED error.
    ~ProcessCheck() override;

    // Fails with INVALID_ARGUMENT when neither a port (1–65535) nor a name is asked.
    AsyncJobOf<ProcessCheckResult> *check(const Request &request);

    // The answer from what was gathered: the toolbox's listening ports (when a port was asked)
    // and the probe's output (nullopt when it could not run; `probeError` then says why).
    static ProcessCheckResult evaluate(const Request &request, const QList<int> &listeningPorts,
                                       const std::optional<ProcessProbe::Output> &probe,
                                       const QString &probeError = {});

private:
    QPointer<daytona::DaytonaClient> m_client;
    QList<QPointer<AsyncJob>> m_jobs;
};

} // namespace vw::engine
