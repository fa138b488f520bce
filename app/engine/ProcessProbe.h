#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace vw::engine {

// What a sandbox's own tools say about its processes: one small shell script, run with
// POST /process/execute, prints the process table (`ps`) and which process listens on a TCP port
// (`ss`, else `lsof`) between section lines; parse() reads that output back. Tools that are not
// installed are reported as missing, not as errors, so the caller can still answer what it can.
class ProcessProbe
{
public:
    struct Process
    {
        qint64 pid = 0;
        qint64 parentPid = 0;
        QString name;        // the kernel's command name (`comm`, at most 15 characters)
        QString commandLine; // the arguments (`args`); a process may rewrite them (npm does)

        friend bool operator==(const Process &, const Process &) = default;
    };

    // A process listening on a TCP port, as `ss -ltnp` or `lsof -iTCP -sTCP:LISTEN` shows it.
    struct Listener
    {
        int port = 0;
        qint64 pid = 0; // 0: the tool could not say (another user's process)
        QString name;

        friend bool operator==(const Listener &, const Listener &) = default;
    };

    struct Output
    {
        qint64 selfPid = 0; // the probe's own shell, left out of processes
        bool hasPs = false; // false: `ps` is not installed
        QString socketTool; // "ss", "lsof" or empty when neither is installed (or not asked)
        bool portAsked = false;
        QList<Process> processes;
        QList<Listener> listeners;
    };

    // The script: the process table when `processes`, the listeners of `port` when given.
    static QString script(bool processes, std::optional<int> port);
    static Output parse(const QString &output);

    // `ps -eo pid=,ppid=,args=` (or BusyBox `ps -o pid,ppid,args`, header included).
    static QList<Process> parsePsArgs(const QString &text);
    // `ps -eo pid=,comm=`: pid → name; lines that do not start with a pid are skipped.
    static QList<QPair<qint64, QString>> parsePsNames(const QString &text);
    // `ss -ltnp` (with or without its header): LISTEN lines on `port` (every port when 0).
    static QList<Listener> parseSs(const QString &text, int port = 0);
    // `lsof -nP -iTCP:PORT -sTCP:LISTEN -Fpcn`: field lines p<pid>, c<name>, n<address>.
    static QList<Listener> parseLsof(const QString &text, int port = 0);

    // Whether a process goes by `name`: its command name, or the file name of its program or of
    // its first argument when that is no option, the script an interpreter runs (`node
    // server.mjs` matches "node" and "server.mjs"; npm's rewritten `npm run dev` matches "npm").
    // Exact, case-sensitive.
    static bool matchesName(const Process &process, const QString &name);
};

} // namespace vw::engine
