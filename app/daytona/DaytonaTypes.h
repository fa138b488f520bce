#pragma once

#include "models/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

#include <optional>

// The data the Daytona API hands back, parsed leniently: unknown fields are ignored, unknown
// enum values are kept as strings, and older shapes (plain-array sandbox lists, `code` for
// `exitCode`, `commands: null`) are accepted.
namespace vw::daytona {

struct Sandbox
{
    QString id;
    QString name;
    QString state; // "started", "stopped", … kept as text: the server adds states over time
    QString desiredState;
    QString errorReason;
    QString target;
    QString snapshot;
    QString user;
    QUrl toolboxProxyUrl;
    QMap<QString, QString> labels;
    double cpu = 0;
    double memoryGiB = 0;
    double diskGiB = 0;
    QString createdAt;
    QJsonObject json; // the whole object, for callers that need more

    static Result<Sandbox> fromJson(const QJsonObject &object);
};

struct SandboxPage
{
    QList<Sandbox> items;
    QString nextCursor; // empty: last page

    // {items,nextCursor} (v0.180+) or a plain array of sandboxes (before).
    static Result<SandboxPage> fromJson(const QByteArray &body);
};

struct PreviewLink
{
    QString sandboxId;
    QUrl url;
    QString token; // registered with the log redactor when parsed

    static Result<PreviewLink> fromJson(const QByteArray &body);
};

struct Command
{
    QString id;
    QString command;
    std::optional<int> exitCode; // absent while the command runs

    bool isRunning() const { return !exitCode.has_value(); }
    static Result<Command> fromJson(const QJsonObject &object);
};

struct Session
{
    QString sessionId;
    QList<Command> commands;

    static Result<Session> fromJson(const QJsonObject &object);
};

// A finished synchronous session exec; stdout and stderr demultiplexed by the client.
struct ExecResult
{
    QString commandId;
    int exitCode = -1;
    QByteArray stdoutBytes;
    QByteArray stderrBytes;
    QByteArray output; // stdout and stderr combined in order, markers removed

    QString stdoutText() const { return QString::fromUtf8(stdoutBytes); }
    QString stderrText() const { return QString::fromUtf8(stderrBytes); }
    static Result<ExecResult> fromJson(const QByteArray &body);
};

// A snapshot of a command's log, demultiplexed.
struct CommandLogs
{
    QByteArray raw; // as the daemon stored it (markers included when it writes them)
    QByteArray stdoutBytes;
    QByteArray stderrBytes;

    // text/plain (the raw log) or JSON {output,stdout,stderr}.
    static Result<CommandLogs> fromBody(const QByteArray &body, const QByteArray &contentType);
};

// One entry of a toolbox directory listing (GET /files?path=…).
struct FileInfo
{
    QString name;
    qint64 size = 0;
    bool isDir = false;
    QString mode;       // "-rw-r--r--", Go's FileMode.String()
    QString modifiedAt; // RFC 3339

    static Result<FileInfo> fromJson(const QJsonObject &object);
    // The listing: a JSON array of FileInfo objects.
    static Result<QList<FileInfo>> listFromJson(const QByteArray &body);
};

struct ExecuteRequest
{
    QString command;
    QString cwd;
    int timeoutSeconds = 0; // 0: no server-side limit
    QMap<QString, QString> envs;

    QJsonObject toJson() const;
};

struct ExecuteResult
{
    int exitCode = -1;
    QString result; // stdout and stderr combined

    static Result<ExecuteResult> fromJson(const QByteArray &body);
};

} // namespace vw::daytona
