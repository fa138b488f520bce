#include "app/sandboxd/ToolboxApi.h"

#include "app/sandboxd/ApiRequest.h"
#include "app/sandboxd/ErrorBodies.h"
#include "app/sandboxd/FileInfoJson.h"
#include "app/sandboxd/ListeningPorts.h"
#include "app/sandboxd/LogStreamer.h"
#include "app/sandboxd/OneShotExecution.h"
#include "app/sandboxd/Sandbox.h"
#include "app/sandboxd/SessionCommand.h"
#include "app/sandboxd/ShellSession.h"
#include "models/StreamDemuxer.h"
#include "models/Version.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>

#include <cmath>
#include <limits>

namespace vw::sandboxd {

namespace {

QJsonObject commandJson(const SessionCommand &command)
{
    QJsonObject json{{QStringLiteral("id"), command.id()},
                     {QStringLiteral("command"), command.text()}};
    // Absent while the command runs, as the daemon's omitempty does.
    if (const auto exitCode = command.exitCode())
        json.insert(QStringLiteral("exitCode"), *exitCode);
    return json;
}

QJsonObject sessionJson(const ShellSession &session)
{
    QJsonArray commands;
    for (const auto &command : session.commands())
        commands.append(commandJson(*command));
    return {{QStringLiteral("sessionId"), session.id()}, {QStringLiteral("commands"), commands}};
}

QByteArray readLog(const SessionCommand &command)
{
    QFile log(command.logPath());
    return log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
}

std::optional<QJsonObject> jsonBody(const ApiRequest &request)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

QByteArray contentDisposition(const QString &fileName)
{
    QByteArray quoted = fileName.toUtf8();
    quoted.replace('\\', "\\\\").replace('"', "\\\"");
    return "attachment; filename=\"" + quoted + "\"; filename*=utf-8''" +
           QUrl::toPercentEncoding(fileName);
}

} // namespace

ToolboxApi::ToolboxApi()
{
    const auto bind = [this](auto method) {
        return [this, method](const QStringList &captures, const Call &call) {
            (this->*method)(captures, call);
        };
    };
    m_routes.add("POST", QStringLiteral("/process/session"), bind(&ToolboxApi::createSession));
    m_routes.add("GET", QStringLiteral("/process/session"), bind(&ToolboxApi::listSessions));
    m_routes.add("GET", QStringLiteral("/process/session/{sid}"), bind(&ToolboxApi::getSession));
    m_routes.add("DELETE", QStringLiteral("/process/session/{sid}"),
                 bind(&ToolboxApi::deleteSession));
    m_routes.add("POST", QStringLiteral("/process/session/{sid}/exec"),
                 bind(&ToolboxApi::executeInSession));
    m_routes.add("GET", QStringLiteral("/process/session/{sid}/command/{cid}"),
                 bind(&ToolboxApi::getCommand));
    m_routes.add("GET", QStringLiteral("/process/session/{sid}/command/{cid}/logs"),
                 bind(&ToolboxApi::getLogs));
    m_routes.add("POST", QStringLiteral("/process/session/{sid}/command/{cid}/input"),
                 bind(&ToolboxApi::sendInput));
    m_routes.add("POST", QStringLiteral("/process/execute"), bind(&ToolboxApi::executeOnce));
    m_routes.add("GET", QStringLiteral("/port"), bind(&ToolboxApi::listPorts));
    m_routes.add("GET", QStringLiteral("/port/{port}/in-use"), bind(&ToolboxApi::portInUse));
    m_routes.add("GET", QStringLiteral("/files/download"), bind(&ToolboxApi::download));
    m_routes.add("GET", QStringLiteral("/files"), bind(&ToolboxApi::listFiles));
    m_routes.add("GET", QStringLiteral("/files/info"), bind(&ToolboxApi::fileInfo));

    const auto directory = [](auto whichDirectory) {
        return [whichDirectory](const QStringList &, const Call &call) {
            call.reply->sendJson(200, QJsonObject{{QStringLiteral("dir"), whichDirectory(call)}});
        };
    };
    const auto workDir = [](const Call &call) { return call.sandbox.directory(); };
    m_routes.add("GET", QStringLiteral("/work-dir"), directory(workDir));
    m_routes.add("GET", QStringLiteral("/project-dir"), directory(workDir));
    m_routes.add("GET", QStringLiteral("/user-home-dir"),
                 directory([](const Call &) { return QDir::homePath(); }));
    m_routes.add("GET", QStringLiteral("/version"), [](const QStringList &, const Call &call) {
        call.reply->sendJson(
            200, QJsonObject{{QStringLiteral("version"), QString::fromLatin1(kVersion)}});
    });
}

void ToolboxApi::handle(const Call &call)
{
    if (const auto match = m_routes.match(call.request.method(), call.routePath)) {
        match->handler(match->captures, call);
        return;
    }
    fail(call, 404,
         QStringLiteral("%1 %2").arg(QString::fromLatin1(call.request.method()),
                                     QUrl::fromPercentEncoding(call.routePath)));
}

ToolboxApi::Failure ToolboxApi::failure(int status, const QString &message,
                                        const QByteArray &routePath, const QByteArray &method,
                                        const QString &code)
{
    return Failure{
        status,
        ErrorBodies::toolbox(status, message, QUrl::fromPercentEncoding(routePath), method, code)};
}

void ToolboxApi::fail(const Call &call, int status, const QString &message, const QString &code)
{
    send(call, failure(status, message, call.routePath, call.request.method(), code));
}

void ToolboxApi::send(const Call &call, const Failure &failure)
{
    if (failure.body.isEmpty())
        call.reply->sendEmpty(failure.status);
    else
        call.reply->sendJson(failure.status, failure.body);
}

QString ToolboxApi::resolvePath(const Sandbox &sandbox, const QString &path)
{
    return QDir::cleanPath(QDir(sandbox.directory()).absoluteFilePath(path));
}

// --- sessions --------------------------------------------------------------------------------

void ToolboxApi::createSession(const Captures &, const Call &call)
{
    const auto body = jsonBody(call.request);
    const QString sessionId =
        body ? body->value(QStringLiteral("sessionId")).toString() : QString();
    if (sessionId.trimmed().isEmpty())
        return fail(call, 400, QStringLiteral("invalid request body: sessionId is required"),
                    QStringLiteral("INVALID_REQUEST_BODY"));
    switch (call.sandbox.createSession(sessionId)) {
    case Sandbox::SessionError::Reserved:
        return fail(call, 400, QStringLiteral("session ID \"entrypoint\" is reserved"));
    case Sandbox::SessionError::Exists:
        return fail(call, 409, QStringLiteral("session already exists"));
    case Sandbox::SessionError::None:
        return call.reply->sendEmpty(201);
    }
}

void ToolboxApi::listSessions(const Captures &, const Call &call)
{
    QJsonArray sessions;
    for (const ShellSession *session : call.sandbox.sessions())
        sessions.append(sessionJson(*session));
    call.reply->sendJson(200, sessions);
}

void ToolboxApi::getSession(const Captures &captures, const Call &call)
{
    const ShellSession *session = call.sandbox.session(captures.at(0));
    if (!session)
        return fail(call, 404, QStringLiteral("session not found"));
    call.reply->sendJson(200, sessionJson(*session));
}

void ToolboxApi::deleteSession(const Captures &captures, const Call &call)
{
    if (captures.at(0) == QStringLiteral("entrypoint"))
        return fail(call, 400, QStringLiteral("the entrypoint session cannot be deleted"));
    if (!call.sandbox.deleteSession(captures.at(0)))
        return fail(call, 404, QStringLiteral("session not found"));
    call.reply->sendEmpty(204);
}

void ToolboxApi::executeInSession(const Captures &captures, const Call &call)
{
    const QString sessionId = captures.at(0);
    if (sessionId == QStringLiteral("entrypoint"))
        return fail(call, 400, QStringLiteral("cannot execute in the entrypoint session"));
    ShellSession *session = call.sandbox.session(sessionId);
    if (!session)
        return fail(call, 404, QStringLiteral("session not found"));
    // The daemon checks the exec body with AbortWithError: status only, empty body.
    const auto body = jsonBody(call.request);
    const QString commandText =
        body ? body->value(QStringLiteral("command")).toString() : QString();
    if (commandText.trimmed().isEmpty())
        return call.reply->sendEmpty(400);
    const bool runAsync = body->value(QStringLiteral("runAsync")).toBool() ||
                          body->value(QStringLiteral("async")).toBool();

    auto executed = session->execute(commandText);
    if (!executed)
        return fail(call, 500, executed.error().message);
    const std::shared_ptr<SessionCommand> command = executed.value();
    if (runAsync)
        return call.reply->sendJson(202, QJsonObject{{QStringLiteral("cmdId"), command->id()}});

    const OutputFormat::Mode mode = OutputFormat::forRequest(call.request);
    http::HttpReplyPtr reply = call.reply;
    const auto answer = [reply, command, mode] {
        const QByteArray log = readLog(*command);
        QJsonObject json{{QStringLiteral("cmdId"), command->id()},
                         {QStringLiteral("exitCode"), command->exitCode().value_or(-1)}};
        const QByteArray output =
            OutputFormat::keepsMarkers(mode) ? log : StreamDemuxer::stripMarkers(log);
        json.insert(QStringLiteral("output"), QString::fromUtf8(output));
        if (mode == OutputFormat::Mode::ServerDemux) {
            const StreamDemuxer::Split split = StreamDemuxer::split(log);
            json.insert(QStringLiteral("stdout"), QString::fromUtf8(split.stdoutBytes));
            json.insert(QStringLiteral("stderr"), QString::fromUtf8(split.stderrBytes));
        }
        reply->sendJson(200, json);
    };
    if (command->isFinished())
        return answer();
    // The reply waits for the command without blocking; if the client goes away first, the
    // connection (the context object) goes and the answer is never attempted.
    if (QTcpSocket *socket = reply->socket())
        QObject::connect(command.get(), &SessionCommand::finished, socket, answer,
                         Qt::SingleShotConnection);
}

void ToolboxApi::getCommand(const Captures &captures, const Call &call)
{
    auto found = findCommand(call.sandbox, captures.at(0), captures.at(1), call.routePath,
                             call.request.method());
    if (auto *refusal = std::get_if<Failure>(&found))
        return send(call, *refusal);
    call.reply->sendJson(200, commandJson(*std::get<std::shared_ptr<SessionCommand>>(found)));
}

std::variant<std::shared_ptr<SessionCommand>, ToolboxApi::Failure>
ToolboxApi::findCommand(Sandbox &sandbox, const QString &sessionId, const QString &commandId,
                        const QByteArray &routePath, const QByteArray &method) const
{
    const ShellSession *session = sandbox.session(sessionId);
    if (!session)
        return failure(404, QStringLiteral("session not found"), routePath, method);
    auto command = session->command(commandId);
    if (!command)
        return failure(404, QStringLiteral("command not found"), routePath, method);
    return command;
}

void ToolboxApi::getLogs(const Captures &captures, const Call &call)
{
    auto found = findCommand(call.sandbox, captures.at(0), captures.at(1), call.routePath,
                             call.request.method());
    if (auto *refusal = std::get_if<Failure>(&found))
        return send(call, *refusal);
    const auto command = std::get<std::shared_ptr<SessionCommand>>(found);

    if (call.request.queryValue(QStringLiteral("follow")) == QStringLiteral("true")) {
        // Follow over plain HTTP is what the runner serves: a chunked stream of the log with
        // the markers stripped (it forwards no headers, so the daemon is in combined mode).
        http::HttpReplyPtr reply = call.reply;
        QTcpSocket *socket = reply->socket();
        if (!socket)
            return;
        reply->beginChunked(200, "application/octet-stream", {{"Cache-Control", "no-cache"}});
        LogStreamer::Sink sink{
            [reply](const QByteArray &piece) { reply->writeChunk(piece); },
            [reply] { return reply->bytesToWrite(); },
            [reply] { reply->endChunked(); },
        };
        auto *streamer = new LogStreamer(command, true, true, std::move(sink), socket);
        QObject::connect(socket, &QTcpSocket::bytesWritten, streamer, &LogStreamer::pump);
        return;
    }

    const QByteArray log = readLog(*command);
    switch (OutputFormat::forRequest(call.request)) {
    case OutputFormat::Mode::Combined:
        return call.reply->sendBytes(200, StreamDemuxer::stripMarkers(log),
                                     "text/plain; charset=utf-8");
    case OutputFormat::Mode::Markers:
        return call.reply->sendBytes(200, log, "text/plain; charset=utf-8");
    case OutputFormat::Mode::ServerDemux: {
        const StreamDemuxer::Split split = StreamDemuxer::split(log);
        return call.reply->sendJson(
            200, QJsonObject{{QStringLiteral("output"), QString::fromUtf8(log)},
                             {QStringLiteral("stdout"), QString::fromUtf8(split.stdoutBytes)},
                             {QStringLiteral("stderr"), QString::fromUtf8(split.stderrBytes)}});
    }
    }
}

std::variant<ToolboxApi::LogsTarget, ToolboxApi::Failure>
ToolboxApi::resolveLogs(Sandbox &sandbox, const QByteArray &routePath,
                        const ApiRequest &request) const
{
    static const QStringList pattern =
        routeSplitPattern(QStringLiteral("/process/session/{sid}/command/{cid}/logs"));
    const auto captures = routeMatchSegments(pattern, routeSplitPath(routePath));
    if (!captures || request.method() != "GET")
        return failure(404,
                       QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method()),
                                                   QUrl::fromPercentEncoding(routePath)),
                       routePath, request.method());
    auto found =
        findCommand(sandbox, captures->at(0), captures->at(1), routePath, request.method());
    if (auto *refusal = std::get_if<Failure>(&found))
        return *refusal;
    return LogsTarget{std::get<std::shared_ptr<SessionCommand>>(found),
                      request.queryValue(QStringLiteral("follow")) == QStringLiteral("true")};
}

void ToolboxApi::sendInput(const Captures &captures, const Call &call)
{
    auto found = findCommand(call.sandbox, captures.at(0), captures.at(1), call.routePath,
                             call.request.method());
    if (auto *refusal = std::get_if<Failure>(&found))
        return send(call, *refusal);
    const auto body = jsonBody(call.request);
    if (!body || !body->value(QStringLiteral("data")).isString())
        return fail(call, 400, QStringLiteral("invalid request body: data is required"),
                    QStringLiteral("INVALID_REQUEST_BODY"));
    const auto command = std::get<std::shared_ptr<SessionCommand>>(found);
    const Status written =
        command->writeInput(body->value(QStringLiteral("data")).toString().toUtf8());
    if (!written)
        return fail(call, 410, QStringLiteral("command has already finished"));
    call.reply->sendEmpty(204);
}

// --- one-shot execute --------------------------------------------------------------------------

void ToolboxApi::executeOnce(const Captures &, const Call &call)
{
    const auto body = jsonBody(call.request);
    const QString commandText =
        body ? body->value(QStringLiteral("command")).toString() : QString();
    if (commandText.trimmed().isEmpty())
        return fail(call, 400, QStringLiteral("invalid request body: command is required"),
                    QStringLiteral("INVALID_REQUEST_BODY"));
    // A uint of seconds, as the daemon binds it (a fraction, a negative number or one beyond 64
    // bits is refused). One longer than a timer can hold (~24 days) is as good as none.
    const QJsonValue timeout = body->value(QStringLiteral("timeout"));
    const double seconds = timeout.isUndefined() || timeout.isNull() ? 0
                           : timeout.isDouble()                      ? timeout.toDouble()
                                                                     : -1;
    if (!(seconds >= 0 && seconds < 0x1p64 && seconds == std::floor(seconds)))
        return fail(call, 400,
                    QStringLiteral("invalid request body: timeout must be a number of seconds"),
                    QStringLiteral("INVALID_REQUEST_BODY"));
    constexpr double kLongestTimerSeconds = std::numeric_limits<int>::max() / 1000;
    const int timeoutSeconds = seconds > kLongestTimerSeconds ? 0 : int(seconds);
    QMap<QString, QString> environment;
    const QJsonObject envs = body->value(QStringLiteral("envs")).toObject();
    for (auto it = envs.begin(); it != envs.end(); ++it)
        environment.insert(it.key(), it.value().toString());
    const QString cwd = body->value(QStringLiteral("cwd")).toString();
    const QString directory =
        cwd.isEmpty() ? call.sandbox.directory() : resolvePath(call.sandbox, cwd);

    http::HttpReplyPtr reply = call.reply;
    QTcpSocket *socket = reply->socket();
    if (!socket)
        return;
    // Owned by the connection: a client that goes away takes its command with it.
    auto *execution =
        new OneShotExecution(commandText, directory, environment, timeoutSeconds, socket);
    const QByteArray routePath = call.routePath;
    const QByteArray method = call.request.method();
    QObject::connect(
        execution, &OneShotExecution::finished, socket,
        [reply, execution, routePath, method](const OneShotExecution::Outcome &outcome) {
            execution->deleteLater();
            if (outcome.timedOut) {
                const Failure timedOut =
                    failure(408, QStringLiteral("command execution timeout"), routePath, method);
                return reply->sendJson(timedOut.status, timedOut.body);
            }
            reply->sendJson(
                200, QJsonObject{{QStringLiteral("exitCode"), outcome.exitCode},
                                 {QStringLiteral("result"), QString::fromUtf8(outcome.output)}});
        });
    execution->start();
}

// --- ports -------------------------------------------------------------------------------------

void ToolboxApi::listPorts(const Captures &, const Call &call)
{
    QJsonArray ports;
    for (int port : ListeningPorts::current())
        ports.append(port);
    call.reply->sendJson(200, QJsonObject{{QStringLiteral("ports"), ports}});
}

void ToolboxApi::portInUse(const Captures &captures, const Call &call)
{
    bool numeric = false;
    const int port = captures.at(0).toInt(&numeric);
    if (!numeric || port < 3000 || port > 9999)
        return call.reply->sendEmpty(400);
    call.reply->sendJson(
        200, QJsonObject{{QStringLiteral("isInUse"), ListeningPorts::current().contains(port)}});
}

// --- files -------------------------------------------------------------------------------------

void ToolboxApi::download(const Captures &, const Call &call)
{
    // Like the daemon (gin AbortWithError), every refusal here is a bare status.
    const QString requested = call.request.queryValue(QStringLiteral("path"));
    if (requested.isEmpty())
        return call.reply->sendEmpty(400);
    const QFileInfo info(resolvePath(call.sandbox, requested));
    if (!info.exists())
        return call.reply->sendEmpty(404);
    if (info.isDir())
        return call.reply->sendEmpty(400);
    auto *file = new QFile(info.absoluteFilePath());
    if (!file->open(QIODevice::ReadOnly)) {
        const bool denied = file->error() == QFileDevice::PermissionsError;
        delete file;
        return call.reply->sendEmpty(denied ? 403 : 400);
    }
    call.reply->sendDownload(file, contentDisposition(info.fileName()));
}

void ToolboxApi::listFiles(const Captures &, const Call &call)
{
    const QString requested = call.request.queryValue(QStringLiteral("path"));
    const QString path =
        requested.isEmpty() ? call.sandbox.directory() : resolvePath(call.sandbox, requested);
    const QFileInfo info(path);
    if (!info.exists())
        return fail(call, 404, QStringLiteral("%1: no such file or directory").arg(path));
    if (!info.isDir())
        return fail(call, 400, QStringLiteral("%1: not a directory").arg(path));
    QJsonArray entries;
    const QFileInfoList children = QDir(path).entryInfoList(
        QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
    for (const QFileInfo &child : children)
        entries.append(FileInfoJson::describe(child));
    call.reply->sendJson(200, entries);
}

void ToolboxApi::fileInfo(const Captures &, const Call &call)
{
    const QString requested = call.request.queryValue(QStringLiteral("path"));
    if (requested.isEmpty())
        return fail(call, 400, QStringLiteral("path is required"));
    const QFileInfo info(resolvePath(call.sandbox, requested));
    if (!info.exists())
        return fail(call, 404,
                    QStringLiteral("%1: no such file or directory").arg(info.absoluteFilePath()));
    call.reply->sendJson(200, FileInfoJson::describe(info));
}

} // namespace vw::sandboxd
