#pragma once

#include "models/Error.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace vw::engine {

// Generates the build driver: one bash script that runs a build's phases in a sandbox session
// and announces every step with the markers described in DriverEvent.h.
//
// The contract of the generated script:
// - It is started as one command of the build's session, asynchronously
//   (sessionCommand(): `bash -c '<script>' vaporwatch-driver </dev/null`). The session shell only
//   starts a child bash, so `exit` in the driver never ends the long-lived session shell and the
//   session's state (cwd, variables) is not touched.
// - build-start first; then it enters the project directory (relative paths resolve against the
//   session shell's directory). When that fails: a message on stderr and build-end
//   result=failed exit=2 reason=no-project-dir.
// - Each phase, in order: phase-start, its command, phase-end with the command's exit code. The
//   command runs as `bash -o pipefail -c <command>` in the project directory with stdin from
//   /dev/null and the session's environment; its stdout and stderr go to the driver's stdout and
//   stderr unchanged. A phase without a command is announced as phase-skip with its reason, never
//   silently left out.
// - The first phase that fails (exit code ≠ 0) ends the build: the remaining phases are announced
//   as phase-skip reason=previous-phase-failed, then build-end result=failed exit=<its code>
//   phase=<its name>. After all phases succeed: build-end result=success exit=0.
// - Each phase's command runs in a process group of its own. SIGTERM, SIGINT or SIGHUP to the
//   driver (pid in build-start) cancels: the driver passes SIGTERM on to the command's group,
//   announces phase-end with the command's status, skips the remaining phases with
//   reason=build-cancelled and ends with build-end result=cancelled exit=128+signal. So a cancel
//   is `kill -TERM <pid>` (e.g. through POST /process/execute): the session shell is left alone,
//   the command ends with the driver's status and every marker reaches the log. Deleting the
//   session ends everything too (the driver gets SIGTERM with its group), but its log goes with it.
// - The driver's own exit code is the build's: 0 on success, else the failed phase's code.
//
// Dependency cache (for the phase marked usesDependencyCache, normally install), checked inside
// the script: the cache key is the SHA-256 of the lockfile plus the SHA-256 of the install
// command and the dependency directory. When the key equals the one recorded after the last
// successful install of this project directory and the dependency directory exists and is not
// empty, the phase is skipped: cache-hit reason=lockfile-unchanged, then phase-skip
// reason=dependency-cache. Otherwise cache-miss with the reason (clean, no-lockfile,
// no-hash-tool, first-install, lockfile-changed, install-command-changed, dependencies-missing)
// and the install runs; the record is removed before and written (atomically) only after a
// successful install, from the lockfile as the install left it. `clean` forces the install
// (it does not delete the dependency directory).
// The record is <stateDirectory>/<first 32 hex digits of the SHA-256 of the project's absolute
// path>/install.key, stateDirectory by default
// ${XDG_STATE_HOME:-$HOME/.local/state}/vaporwatch/deps — per sandbox and project, outside the
// repository.
class DriverScript
{
public:
    struct Phase
    {
        QString name;       // a token: letters, digits, '.', '_', '-' (e.g. "install", "build")
        QString command;    // shell text, any characters but NUL; empty: the phase is skipped
        QString skipReason; // token, for an empty command; default "no-command"
        bool usesDependencyCache = false;
    };

    struct Spec
    {
        QString nonce; // DriverEvent::isValidNonce
        QString projectDirectory;
        QList<Phase> phases;
        bool clean = false;
        QString lockfile;            // relative to the project directory (or absolute)
        QString dependencyDirectory; // likewise, e.g. "node_modules"
        QString stateDirectory;      // base of the cache records; empty: the default above
    };

    // A fresh random nonce: 32 hex digits from the system's secure random source.
    static QString newNonce();

    // The bash script, or an error (code INVALID_ARGUMENT) for an unusable spec.
    static Result<QString> script(const Spec &spec);
    // The command to run in the session: the script wrapped in `bash -c`.
    static Result<QString> sessionCommand(const Spec &spec);

    // The nonce of a driver from its command text (the script, or the session command as the
    // session's command list shows it), so a later process can pick a running build up from the
    // session alone. nullopt for any other command.
    static std::optional<QString> nonceOf(const QString &commandText);

    // Quotes `text` as one bash word: '…' with every ' written as '\''.
    static QString shellQuote(QStringView text);
};

} // namespace vw::engine
