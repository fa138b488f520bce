#pragma once

#include "app/automation/ClientCommand.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

class QCommandLineParser;

namespace vw {
struct Error;
}
namespace vw::engine {
struct PreviewHealth;
}

// What the sandbox tool commands (check_process, get_preview_url, run_dev_server,
// stop_dev_server) share: option parsing, the local-sandbox defaults, output helpers and the
// exit codes they document:
//   0  what was asked for is there (port in use, process running, dev server up or stopped)
//   1  it is not (not in use, not running, no dev server, unhealthy, failed to start)
//   2  wrong usage
//   3  the sandbox could not be asked (unknown sandbox, network, API error)
//   130 interrupted (run_dev_server: Ctrl-C detaches, the server keeps running)
class SandboxToolCommand : public ClientCommand
{
    Q_OBJECT

public:
    static constexpr int kExitOk = 0;
    static constexpr int kExitNo = 1;
    static constexpr int kExitUsage = 2;
    static constexpr int kExitError = 3;
    static constexpr int kExitInterrupted = 130;

    using ClientCommand::ClientCommand;

protected:
    // Parses `arguments` (the words after the command name); prints why and `usage` to stderr
    // when they are not usable.
    bool parse(QCommandLineParser &parser, const QStringList &arguments, const QString &usage);
    // --port N → N; nullopt when not given; prints the error and sets `ok` false when invalid.
    static std::optional<int> portOption(const QCommandLineParser &parser, bool *ok);
    // --sandbox and --project, or when not given the connection's defaults: the local sandbox
    // and its sample project without a Daytona account, empty with one (the user must name them).
    QString sandboxOption(const QCommandLineParser &parser) const;
    QString projectOption(const QCommandLineParser &parser) const;

    static void printError(const QString &sentence);
    static void printError(const vw::Error &error);
    static void printNote(const QString &sentence);
    static void printJson(const QJsonObject &object);
    static QJsonObject healthJson(const vw::engine::PreviewHealth &health);
    // "up (HTTP 200, 12 ms)", "unhealthy (HTTP 502, 3 ms)", "down (Connection refused)"
    static QString healthText(const vw::engine::PreviewHealth &health);
    // The exit code of a failed job: kExitNo for `noCodes` (what was asked for is not there),
    // kExitError for everything else.
    static int exitCodeFor(const vw::Error &error, const QStringList &noCodes);
};
