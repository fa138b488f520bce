#include "app/daytona/DaytonaTypes.h"

#include "app/daytona/ErrorParser.h"
#include "models/Log.h"
#include "models/StreamDemuxer.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <limits>

namespace vw::daytona {
namespace {

Result<QJsonDocument> parseDocument(const QByteArray &body, const QString &what)
{
    QJsonParseError error;
    QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return ErrorParser::invalidResponse(
            QStringLiteral("%1 is not JSON (%2)").arg(what, error.errorString()));
    return document;
}

Result<QJsonObject> parseObject(const QByteArray &body, const QString &what)
{
    auto document = parseDocument(body, what);
    if (!document)
        return document.error();
    if (!document.value().isObject())
        return ErrorParser::invalidResponse(QStringLiteral("%1 is not a JSON object").arg(what));
    return document.value().object();
}

// An integer field: none when absent, null or not a number (parsed leniently), but an error when
// it is a number that is not a whole one within int: QJsonValue::toInt() makes 1.5 or 1e300 a 0,
// and a broken answer must not read as exit code 0.
Result<std::optional<int>> optionalInt(const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (!value.isDouble())
        return std::optional<int>();
    const double number = value.toDouble();
    if (number != std::floor(number) || number < std::numeric_limits<int>::min() ||
        number > std::numeric_limits<int>::max())
        return ErrorParser::invalidResponse(
            QStringLiteral("%1 is not a whole number: %2").arg(key).arg(number));
    return std::optional<int>(int(number));
}

} // namespace

Result<Sandbox> Sandbox::fromJson(const QJsonObject &object)
{
    Sandbox sandbox;
    sandbox.id = object.value(QStringLiteral("id")).toString();
    if (sandbox.id.isEmpty())
        return ErrorParser::invalidResponse(QStringLiteral("sandbox without an id"));
    sandbox.name = object.value(QStringLiteral("name")).toString();
    sandbox.state = object.value(QStringLiteral("state")).toString();
    sandbox.desiredState = object.value(QStringLiteral("desiredState")).toString();
    sandbox.errorReason = object.value(QStringLiteral("errorReason")).toString();
    sandbox.target = object.value(QStringLiteral("target")).toString();
    sandbox.snapshot = object.value(QStringLiteral("snapshot")).toString();
    sandbox.user = object.value(QStringLiteral("user")).toString();
    sandbox.toolboxProxyUrl = QUrl(object.value(QStringLiteral("toolboxProxyUrl")).toString());
    const QJsonObject labels = object.value(QStringLiteral("labels")).toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it)
        sandbox.labels.insert(it.key(), it.value().toString());
    sandbox.cpu = object.value(QStringLiteral("cpu")).toDouble();
    sandbox.memoryGiB = object.value(QStringLiteral("memory")).toDouble();
    sandbox.diskGiB = object.value(QStringLiteral("disk")).toDouble();
    sandbox.createdAt = object.value(QStringLiteral("createdAt")).toString();
    sandbox.json = object;
    return sandbox;
}

Result<SandboxPage> SandboxPage::fromJson(const QByteArray &body)
{
    auto document = parseDocument(body, QStringLiteral("sandbox list"));
    if (!document)
        return document.error();
    QJsonArray items;
    SandboxPage page;
    if (document.value().isArray()) {
        items = document.value().array();
    } else if (document.value().isObject()) {
        const QJsonObject object = document.value().object();
        if (!object.value(QStringLiteral("items")).isArray())
            return ErrorParser::invalidResponse(QStringLiteral("sandbox list without items"));
        items = object.value(QStringLiteral("items")).toArray();
        page.nextCursor = object.value(QStringLiteral("nextCursor")).toString();
    } else {
        return ErrorParser::invalidResponse(QStringLiteral("sandbox list"));
    }
    for (const QJsonValue &item : std::as_const(items)) {
        auto sandbox = Sandbox::fromJson(item.toObject());
        if (!sandbox)
            return sandbox.error();
        page.items.append(std::move(sandbox).value());
    }
    return page;
}

Result<PreviewLink> PreviewLink::fromJson(const QByteArray &body)
{
    auto object = parseObject(body, QStringLiteral("preview link"));
    if (!object)
        return object.error();
    PreviewLink link;
    link.sandboxId = object.value().value(QStringLiteral("sandboxId")).toString();
    link.url = QUrl(object.value().value(QStringLiteral("url")).toString());
    link.token = object.value().value(QStringLiteral("token")).toString();
    if (!link.url.isValid() || link.url.isEmpty())
        return ErrorParser::invalidResponse(QStringLiteral("preview link without a url"));
    if (!link.token.isEmpty())
        vw::log::registerSecret(link.token);
    return link;
}

Result<Command> Command::fromJson(const QJsonObject &object)
{
    Command command;
    command.id = object.value(QStringLiteral("id")).toString();
    if (command.id.isEmpty())
        return ErrorParser::invalidResponse(QStringLiteral("command without an id"));
    command.command = object.value(QStringLiteral("command")).toString();
    const auto exitCode = optionalInt(object, QStringLiteral("exitCode"));
    if (!exitCode)
        return exitCode.error();
    command.exitCode = exitCode.value();
    return command;
}

Result<Session> Session::fromJson(const QJsonObject &object)
{
    Session session;
    session.sessionId = object.value(QStringLiteral("sessionId")).toString();
    if (session.sessionId.isEmpty())
        return ErrorParser::invalidResponse(QStringLiteral("session without an id"));
    // `commands` may be null in the legacy schema: same as none.
    for (const QJsonValue &item : object.value(QStringLiteral("commands")).toArray()) {
        auto command = Command::fromJson(item.toObject());
        if (!command)
            return command.error();
        session.commands.append(std::move(command).value());
    }
    return session;
}

Result<FileInfo> FileInfo::fromJson(const QJsonObject &object)
{
    FileInfo info;
    info.name = object.value(QStringLiteral("name")).toString();
    if (info.name.isEmpty())
        return ErrorParser::invalidResponse(QStringLiteral("file entry without a name"));
    // A size is a whole number of bytes; nonsense (negative, beyond 63 bits, not a number) is
    // read as 0 rather than converted (which C++ leaves undefined).
    const double size = object.value(QStringLiteral("size")).toDouble();
    info.size = size >= 0 && size < 0x1p63 ? qint64(size) : 0;
    info.isDir = object.value(QStringLiteral("isDir")).toBool();
    info.mode = object.value(QStringLiteral("mode")).toString();
    info.modifiedAt = object.value(QStringLiteral("modifiedAt")).toString();
    if (info.modifiedAt.isEmpty())
        info.modifiedAt = object.value(QStringLiteral("modTime")).toString();
    return info;
}

Result<QList<FileInfo>> FileInfo::listFromJson(const QByteArray &body)
{
    // `null` (Go's nil slice) for an empty directory: no entries.
    if (body.trimmed() == "null")
        return QList<FileInfo>{};
    auto document = parseDocument(body, QStringLiteral("file list"));
    if (!document)
        return document.error();
    if (!document.value().isArray())
        return ErrorParser::invalidResponse(QStringLiteral("file list is not a JSON array"));
    QList<FileInfo> entries;
    for (const QJsonValue &item : document.value().array()) {
        auto info = FileInfo::fromJson(item.toObject());
        if (!info)
            return info.error();
        entries.append(std::move(info).value());
    }
    return entries;
}

Result<ExecResult> ExecResult::fromJson(const QByteArray &body)
{
    auto parsed = parseObject(body, QStringLiteral("exec result"));
    if (!parsed)
        return parsed.error();
    const QJsonObject &object = parsed.value();
    ExecResult result;
    result.commandId = object.value(QStringLiteral("cmdId")).toString();
    if (result.commandId.isEmpty())
        return ErrorParser::invalidResponse(QStringLiteral("exec result without cmdId"));
    const auto exitCode = optionalInt(object, QStringLiteral("exitCode"));
    if (!exitCode)
        return exitCode.error();
    result.exitCode = exitCode.value().value_or(-1);
    const QByteArray output = object.value(QStringLiteral("output")).toString().toUtf8();
    // We send X-Daytona-Split-Output, so `output` carries the markers and we split it; a server
    // that demultiplexed for us (stdout/stderr fields) and stripped them is accepted too.
    if (!StreamDemuxer::containsMarker(output) &&
        (object.contains(QStringLiteral("stdout")) || object.contains(QStringLiteral("stderr")))) {
        result.stdoutBytes = object.value(QStringLiteral("stdout")).toString().toUtf8();
        result.stderrBytes = object.value(QStringLiteral("stderr")).toString().toUtf8();
        result.output = output;
        return result;
    }
    const StreamDemuxer::Split split = StreamDemuxer::split(output);
    result.stdoutBytes = split.stdoutBytes;
    result.stderrBytes = split.stderrBytes;
    result.output = StreamDemuxer::stripMarkers(output);
    return result;
}

Result<CommandLogs> CommandLogs::fromBody(const QByteArray &body, const QByteArray &contentType)
{
    CommandLogs logs;
    if (contentType.contains("json")) {
        auto parsed = parseObject(body, QStringLiteral("command logs"));
        if (!parsed)
            return parsed.error();
        const QJsonObject &object = parsed.value();
        logs.raw = object.value(QStringLiteral("output")).toString().toUtf8();
        if (!StreamDemuxer::containsMarker(logs.raw) &&
            (object.contains(QStringLiteral("stdout")) ||
             object.contains(QStringLiteral("stderr")))) {
            logs.stdoutBytes = object.value(QStringLiteral("stdout")).toString().toUtf8();
            logs.stderrBytes = object.value(QStringLiteral("stderr")).toString().toUtf8();
            return logs;
        }
    } else {
        logs.raw = body;
    }
    const StreamDemuxer::Split split = StreamDemuxer::split(logs.raw);
    logs.stdoutBytes = split.stdoutBytes;
    logs.stderrBytes = split.stderrBytes;
    return logs;
}

QJsonObject ExecuteRequest::toJson() const
{
    QJsonObject object{{QStringLiteral("command"), command}};
    if (!cwd.isEmpty())
        object.insert(QStringLiteral("cwd"), cwd);
    if (timeoutSeconds > 0)
        object.insert(QStringLiteral("timeout"), timeoutSeconds);
    if (!envs.isEmpty()) {
        QJsonObject env;
        for (auto it = envs.begin(); it != envs.end(); ++it)
            env.insert(it.key(), it.value());
        object.insert(QStringLiteral("envs"), env);
    }
    return object;
}

Result<ExecuteResult> ExecuteResult::fromJson(const QByteArray &body)
{
    auto parsed = parseObject(body, QStringLiteral("execute result"));
    if (!parsed)
        return parsed.error();
    const QJsonObject &object = parsed.value();
    ExecuteResult result;
    auto exitCode = optionalInt(object, QStringLiteral("exitCode"));
    if (exitCode && !exitCode.value()) // absent: older daemons called the field `code`
        exitCode = optionalInt(object, QStringLiteral("code"));
    if (!exitCode)
        return exitCode.error();
    if (!exitCode.value())
        return ErrorParser::invalidResponse(QStringLiteral("execute result without exitCode"));
    result.exitCode = *exitCode.value();
    result.result = object.value(QStringLiteral("result")).toString();
    return result;
}

} // namespace vw::daytona
