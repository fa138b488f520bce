#pragma once

#include "app/http/HttpReply.h"
#include "app/sandboxd/OutputFormat.h"
#include "app/sandboxd/RouteTable.h"

#include <QJsonObject>

#include <memory>
#include <variant>

namespace vw::sandboxd {

class ApiRequest;
class Sandbox;
class SessionCommand;

// The toolbox of one sandbox, what the daemon inside a Daytona sandbox serves (daytona-api.md §3,
// §4): process sessions and their commands and logs, one-shot execute, ports, files and the info
// routes. Paths are relative to the sandbox's toolbox base, e.g. "/process/session".
class ToolboxApi
{
public:
    // One request on its way through the toolbox.
    struct Call
    {
        Sandbox &sandbox;
        const ApiRequest &request;
        QByteArray routePath; // percent-encoded, relative to the toolbox base
        http::HttpReplyPtr reply;
    };

    // A refusal: status plus the toolbox error body (or an empty body, where the daemon sends
    // none).
    struct Failure
    {
        int status = 0;
        QJsonObject body; // empty → empty body
    };

    // A log follow over WebSocket that may go ahead.
    struct LogsTarget
    {
        std::shared_ptr<SessionCommand> command;
        bool follow = false;
    };

    ToolboxApi();

    void handle(const Call &call);
    // For a WebSocket upgrade: the command whose logs the request is for, or why not.
    std::variant<LogsTarget, Failure> resolveLogs(Sandbox &sandbox, const QByteArray &routePath,
                                                  const ApiRequest &request) const;

    static Failure failure(int status, const QString &message, const QByteArray &routePath,
                           const QByteArray &method, const QString &code = {});

private:
    using Captures = QStringList;
    void createSession(const Captures &, const Call &call);
    void listSessions(const Captures &, const Call &call);
    void getSession(const Captures &, const Call &call);
    void deleteSession(const Captures &, const Call &call);
    void executeInSession(const Captures &, const Call &call);
    void getCommand(const Captures &, const Call &call);
    void getLogs(const Captures &, const Call &call);
    void sendInput(const Captures &, const Call &call);
    void executeOnce(const Captures &, const Call &call);
    void listPorts(const Captures &, const Call &call);
    void portInUse(const Captures &, const Call &call);
    void download(const Captures &, const Call &call);
    void listFiles(const Captures &, const Call &call);
    void fileInfo(const Captures &, const Call &call);

    std::variant<std::shared_ptr<SessionCommand>, Failure>
    findCommand(Sandbox &sandbox, const QString &sessionId, const QString &commandId,
                const QByteArray &routePath, const QByteArray &method) const;
    static void fail(const Call &call, int status, const QString &message,
                     const QString &code = {});
    static void send(const Call &call, const Failure &failure);
    static QString resolvePath(const Sandbox &sandbox, const QString &path);

    RouteTable<const Call &> m_routes;
};

} // namespace vw::sandboxd
