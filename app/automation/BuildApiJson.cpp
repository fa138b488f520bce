#include "app/automation/BuildApiJson.h"

#include "models/JsonValues.h"

namespace vw::automation {

QJsonObject BuildApiJson::build(const Build &build)
{
    QJsonObject metadata = build.metadata;
    if (!build.trigger.isEmpty()) // what the client sent as metadata.trigger, back in its place
        metadata.insert(QStringLiteral("trigger"), build.trigger);
    return QJsonObject{
        {QStringLiteral("id"), json::id(build.id)},
        {QStringLiteral("project_id"), json::id(build.projectId)},
        {QStringLiteral("workspace_id"), json::text(build.sandboxId)},
        {QStringLiteral("status"), buildStatusName(build.status)},
        {QStringLiteral("phase"), phaseName(build.phase)},
        {QStringLiteral("current_step"), json::text(build.currentStep)},
        {QStringLiteral("progress"), build.progress},
        {QStringLiteral("error_message"), json::text(build.errorMessage)},
        {QStringLiteral("daytona_session_id"), json::text(build.daytonaSessionId)},
        {QStringLiteral("started_at"), json::time(build.startedAt)},
        {QStringLiteral("completed_at"), json::time(build.completedAt)},
        {QStringLiteral("duration_ms"), json::optional(build.durationMs)},
        {QStringLiteral("metadata"), metadata},
        {QStringLiteral("trigger"), json::text(build.trigger)},
        {QStringLiteral("clean"), build.clean},
        {QStringLiteral("stack"), json::text(build.stack)},
        {QStringLiteral("install_command"), json::text(build.installCommand)},
        {QStringLiteral("build_command"), json::text(build.buildCommand)},
        {QStringLiteral("created_at"), json::time(build.createdAt)},
        {QStringLiteral("updated_at"), json::time(build.updatedAt)},
        {QStringLiteral("finished"), build.isFinished()},
    };
}

QJsonObject BuildApiJson::buildWithLogs(const Build &build, const QList<LogTail> &tails)
{
    QJsonObject json = BuildApiJson::build(build);
    QJsonObject logs;
    for (const LogTail &tail : tails) {
        const QString name = logKindName(tail.kind);
        const bool truncated = tail.offset > 0;
        json.insert(name, QString::fromUtf8(tail.bytes));
        json.insert(name + QStringLiteral("_truncated"), truncated);
        logs.insert(name, QJsonObject{{QStringLiteral("size"), tail.size},
                                      {QStringLiteral("offset"), tail.offset},
                                      {QStringLiteral("truncated"), truncated},
                                      {QStringLiteral("url"), logUrl(build.id, tail.kind)}});
    }
    json.insert(QStringLiteral("logs"), logs);
    return json;
}

QJsonObject BuildApiJson::event(const BuildEvent &event)
{
    return event.toJson(); // already the original's names: id, build_id, event_type, …
}

QJsonObject BuildApiJson::error(int status, const QString &message)
{
    return QJsonObject{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("message"), message}}}};
}

BuildApiJson::LogTail BuildApiJson::tail(LogKind kind, const LogSlice &slice)
{
    LogTail tail;
    tail.kind = kind;
    tail.size = slice.totalSize;
    tail.bytes = slice.bytes();
    tail.offset = slice.offset;
    if (tail.offset > 0) {
        qsizetype skip = 0; // continuation bytes of a character that began before the tail
        while (skip < tail.bytes.size() && skip < 3 &&
               (static_cast<unsigned char>(tail.bytes.at(skip)) & 0xc0) == 0x80)
            ++skip;
        tail.bytes.remove(0, skip);
        tail.offset += skip;
    }
    return tail;
}

qsizetype BuildApiJson::completeUtf8Length(const QByteArray &bytes)
{
    const qsizetype n = bytes.size();
    for (qsizetype back = 1; back <= 4 && back <= n; ++back) {
        const auto byte = static_cast<unsigned char>(bytes.at(n - back));
        if ((byte & 0xc0) == 0x80)
            continue; // a continuation byte: look further back for the lead byte
        const qsizetype needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
        return needed > back ? n - back : n;
    }
    return n;
}

QString BuildApiJson::logUrl(qint64 buildId, LogKind kind)
{
    const QString base = QStringLiteral("/workspace/build/%1/logs").arg(buildId);
    switch (kind) {
    case LogKind::InstallLog:
        return base + QStringLiteral("?phase=install");
    case LogKind::BuildLog:
        return base + QStringLiteral("?phase=build");
    case LogKind::LiveOutput:
        break;
    }
    return base;
}

} // namespace vw::automation
