#pragma once

#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/LogKind.h"
#include "models/LogSlice.h"

#include <QJsonObject>
#include <QList>

namespace vw::automation {

// The JSON of the HTTP API, with the original platform's snake_case field names.
//
// A build: id, project_id, workspace_id (the sandbox), status, phase, current_step, progress,
// error_message, daytona_session_id, started_at, completed_at, duration_ms, metadata (with its
// trigger), plus trigger, clean, stack, install_command, build_command, created_at, updated_at
// and finished. With logs (details, detailed lists) also install_logs, build_logs and
// live_output: the last bytes of each log, `<log>_truncated` true when the log is longer, and
// `logs.<log>` = {size, offset, truncated, url}: the whole log's size in bytes, where the tail
// starts, and the /logs URL that reads the rest by byte ranges.
// An event: id, build_id, event_type, phase, message, metadata, created_at.
// An error: {"error": {"status": N, "message": "…"}}.
class BuildApiJson
{
public:
    // The last bytes of one log of a build, as read from the store.
    struct LogTail
    {
        LogKind kind = LogKind::LiveOutput;
        QByteArray bytes;
        qint64 offset = 0; // where `bytes` start in the log
        qint64 size = 0;   // the log's whole size when it was read
    };

    static QJsonObject build(const Build &build);
    static QJsonObject buildWithLogs(const Build &build, const QList<LogTail> &tails);
    static QJsonObject event(const BuildEvent &event);
    static QJsonObject error(int status, const QString &message);

    // The tail of `slice` (a read of the log's last bytes) that starts on a character: bytes
    // before the first complete UTF-8 sequence are dropped (and the offset moved past them).
    static LogTail tail(LogKind kind, const LogSlice &slice);
    // The longest prefix of `bytes` that does not end inside a UTF-8 sequence.
    static qsizetype completeUtf8Length(const QByteArray &bytes);
    // Where the /logs endpoint reads `kind` of build `buildId`.
    static QString logUrl(qint64 buildId, LogKind kind);
};

} // namespace vw::automation
