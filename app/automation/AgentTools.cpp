#include "app/automation/AgentTools.h"

#include "app/automation/BuildApiJson.h"
#include "app/automation/CheckProcessCommand.h"
#include "app/automation/PreviewUrlCommand.h"
#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/DevServer.h"
#include "app/engine/EngineSession.h"
#include "app/engine/LogTailReader.h"
#include "app/engine/ProcessCheck.h"
#include "models/BuildStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>

namespace vw::automation {

namespace {

constexpr int kCancelWaitMs = 30'000;

QJsonObject schema(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

// Terminal colours and cursor movements mean nothing to a model: plain text.
QString plainText(const QByteArray &bytes)
{
    static const QRegularExpression escapes(QStringLiteral(
        "\x1b(?:\\[[0-?]*[ -/]*[@-~]|\\][^\x07\x1b]*(?:\x07|\x1b\\\\)|[@-Z\\\\-_])"));
    QString text = QString::fromUtf8(bytes);
    text.remove(escapes);
    return text;
}

qint64 durationOf(const Build &build)
{
    if (build.durationMs)
        return *build.durationMs;
    if (build.startedAt.isValid())
        return build.startedAt.msecsTo(
            build.completedAt.isValid() ? build.completedAt : QDateTime::currentDateTimeUtc());
    return 0;
}

// Where a failed build broke: the phase whose command failed, else the last one that started
// before the end (setup failing before any command).
std::optional<Phase> failedPhase(const Build &build)
{
    if (build.status != BuildStatus::Failed)
        return std::nullopt;
    std::optional<Phase> lastStarted;
    for (Phase phase : {Phase::Setup, Phase::Install, Phase::Build}) {
        const PhaseRecord *record = build.phaseRecord(phase);
        if (!record)
            continue;
        if (record->exitCode && *record->exitCode != 0)
            return phase;
        if (record->startedAt.isValid() && !record->skipped)
            lastStarted = phase;
    }
    return lastStarted;
}

QString seconds(qint64 ms)
{
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

McpToolJob *finished(QObject *parent, const McpToolResult &result)
{
    auto *job = new McpToolJob(parent);
    job->succeed(result);
    return job;
}

} // namespace

AgentTools::AgentTools(engine::EngineSession *session, daytona::DaytonaClient *client,
                       QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_client(client)
    , m_processCheck(new engine::ProcessCheck(client, this))
    , m_devServer(new engine::DevServer(client, this))
{
}

AgentTools::~AgentTools() = default;

QList<McpTool> AgentTools::tools()
{
    const auto bind = [this](McpToolJob *(AgentTools::*call)(const QJsonObject &)) {
        return [this, call](const QJsonObject &arguments) { return (this->*call)(arguments); };
    };
    QList<McpTool> tools;

    McpTool start;
    start.name = QStringLiteral("start_build");
    start.title = tr("Start a build");
    start.description =
        tr("Starts a build of a project in its Daytona sandbox: setup, install (dependencies, "
           "cached unless clean), build, complete. Returns the build id at once; follow it with "
           "get_build_status and get_live_logs. Without project and sandbox: the local sandbox's "
           "sample project.");
    start.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "properties": {
          "project": {"type": "string", "minLength": 1,
                      "description": "The project's directory in the sandbox."},
          "sandbox": {"type": "string", "minLength": 1,
                      "description": "The sandbox's name or id."},
          "clean": {"type": "boolean",
                    "description": "Ignore the dependency cache (a clean install)."}}})");
    start.outputSchema = schema(R"({"type": "object", "required": ["build_id", "status"],
        "properties": {"build_id": {"type": "integer"}, "status": {"type": "string"},
                       "project_id": {"type": "integer"}, "project": {"type": "string"},
                       "sandbox": {"type": "string"}}})");
    start.call = bind(&AgentTools::startBuild);
    tools << start;

    McpTool status;
    status.name = QStringLiteral("get_build_status");
    status.title = tr("Build status");
    status.description =
        tr("A build's status, phase, current step, progress, duration, estimated time remaining, "
           "error message and the last lines of its install and build logs. Give build_id, or "
           "latest: true with a project (and sandbox) for the project's newest build.");
    status.readOnly = true;
    status.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "properties": {
          "build_id": {"type": "integer", "minimum": 1},
          "latest": {"type": "boolean",
                     "description": "The project's newest build instead of build_id."},
          "project": {"type": "string", "minLength": 1},
          "sandbox": {"type": "string", "minLength": 1},
          "log_lines": {"type": "integer", "minimum": 0, "maximum": 2000,
                        "description": "Lines of each log to include (default 40)."}}})");
    status.outputSchema = schema(R"({"type": "object",
        "required": ["id", "status", "phase", "progress", "finished"],
        "properties": {
          "id": {"type": "integer"}, "project_id": {"type": "integer"},
          "status": {"type": "string",
                     "enum": ["queued", "running", "success", "failed", "cancelled", "interrupted"]},
          "phase": {"type": "string", "enum": ["setup", "install", "build", "complete"]},
          "failed_phase": {"type": ["string", "null"],
                           "description": "Where a failed build broke."},
          "current_step": {"type": ["string", "null"]}, "progress": {"type": "integer"},
          "finished": {"type": "boolean"}, "duration_ms": {"type": "integer"},
          "eta_remaining_ms": {"type": ["integer", "null"]},
          "error_message": {"type": ["string", "null"]},
          "started_at": {"type": ["string", "null"]}, "completed_at": {"type": ["string", "null"]},
          "install_logs": {"type": "string"}, "install_logs_truncated": {"type": "boolean"},
          "build_logs": {"type": "string"}, "build_logs_truncated": {"type": "boolean"}}})");
    status.call = bind(&AgentTools::buildStatus);
    tools << status;

    McpTool logs;
    logs.name = QStringLiteral("get_live_logs");
    logs.title = tr("Build logs");
    logs.description =
        tr("A build's output as plain text (colours removed), paged by byte offsets: without "
           "since/tail the first page; since: OFFSET continues from a previous next_offset (also "
           "while the build runs); tail: N the last N lines. phase narrows to install or build. "
           "Give build_id, or sandbox for the newest build in that sandbox.");
    logs.readOnly = true;
    logs.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "properties": {
          "build_id": {"type": "integer", "minimum": 1},
          "sandbox": {"type": "string", "minLength": 1},
          "phase": {"type": "string", "enum": ["setup", "install", "build", "complete"]},
          "tail": {"type": "integer", "minimum": 1, "maximum": 2000},
          "since": {"type": "integer", "minimum": 0,
                    "description": "A byte offset: next_offset of the previous call."},
          "max_bytes": {"type": "integer", "minimum": 1, "maximum": 1048576}}})");
    logs.outputSchema = schema(R"({"type": "object",
        "required": ["build_id", "text", "offset", "next_offset", "size", "more", "finished"],
        "properties": {"build_id": {"type": "integer"}, "text": {"type": "string"},
                       "offset": {"type": "integer"}, "next_offset": {"type": "integer"},
                       "size": {"type": "integer"}, "more": {"type": "boolean"},
                       "finished": {"type": "boolean"}, "status": {"type": "string"}}})");
    logs.call = bind(&AgentTools::liveLogs);
    tools << logs;

    McpTool list;
    list.name = QStringLiteral("list_builds");
    list.title = tr("List builds");
    list.description = tr("The build history, newest first, optionally of one project and one "
                          "status.");
    list.readOnly = true;
    list.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "properties": {
          "project": {"type": "string", "minLength": 1},
          "sandbox": {"type": "string", "minLength": 1},
          "status": {"type": "string",
                     "enum": ["queued", "running", "success", "failed", "cancelled", "interrupted"]},
          "limit": {"type": "integer", "minimum": 1, "maximum": 200}}})");
    list.outputSchema = schema(R"({"type": "object", "required": ["builds", "total"],
        "properties": {"total": {"type": "integer"},
                       "builds": {"type": "array", "items": {"type": "object"}}}})");
    list.call = bind(&AgentTools::listBuilds);
    tools << list;

    McpTool cancel;
    cancel.name = QStringLiteral("cancel_build");
    cancel.title = tr("Cancel a build");
    cancel.description = tr("Stops a queued or running build and waits (up to 30 s) until it "
                            "has ended.");
    cancel.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "required": ["build_id"], "properties": {"build_id": {"type": "integer", "minimum": 1}}})");
    cancel.outputSchema = schema(R"({"type": "object", "required": ["build_id", "status"],
        "properties": {"build_id": {"type": "integer"}, "status": {"type": "string"},
                       "finished": {"type": "boolean"}}})");
    cancel.call = bind(&AgentTools::cancelBuild);
    tools << cancel;

    McpTool process;
    process.name = QStringLiteral("check_process_status");
    process.title = tr("Check processes and ports");
    process.description = tr("Whether a port is in use in the sandbox (and by which process) "
                             "and whether processes of a name run. Give port, name or both.");
    process.readOnly = true;
    process.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "properties": {
          "sandbox": {"type": "string", "minLength": 1},
          "port": {"type": "integer", "minimum": 1, "maximum": 65535},
          "name": {"type": "string", "minLength": 1,
                   "description": "A process name or part of its command line."}}})");
    process.outputSchema = schema(R"({"type": "object", "required": ["sandbox", "notes"],
        "properties": {"sandbox": {"type": "string"}, "port": {"type": "object"},
                       "process": {"type": "object"},
                       "notes": {"type": "array", "items": {"type": "string"}}}})");
    process.call = bind(&AgentTools::checkProcess);
    tools << process;

    McpTool preview;
    preview.name = QStringLiteral("get_preview_url");
    preview.title = tr("Preview URL");
    preview.description =
        tr("The preview URL of the sandbox's dev server — of port, or of the first listening one "
           "of 3000, 5173, 8080, 4200, 8000, 5000, 80 — and its health (HTTP status, latency). "
           "Requests to a Daytona preview need the X-Daytona-Preview-Token header.");
    preview.readOnly = true;
    preview.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "properties": {"sandbox": {"type": "string", "minLength": 1},
                       "port": {"type": "integer", "minimum": 1, "maximum": 65535}}})");
    preview.outputSchema = schema(R"({"type": "object", "required": ["url", "port", "health"],
        "properties": {"sandbox": {"type": "string"}, "port": {"type": "integer"},
                       "url": {"type": "string"}, "detected": {"type": "boolean"},
                       "listening": {"type": "boolean"}, "health": {"type": "object"}}})");
    preview.call = bind(&AgentTools::previewUrl);
    tools << preview;

    McpTool dev;
    dev.name = QStringLiteral("run_dev_server");
    dev.title = tr("Run the dev server");
    dev.description =
        tr("Starts the project's dev server in its own sandbox session (command: given, else the "
           "project's setting, else the stack's, e.g. `npm run dev`; PORT set to port, default "
           "3000), waits until the port listens and returns the preview URL and health. A server "
           "that already runs is left as it is.");
    dev.inputSchema = schema(R"({"type": "object", "additionalProperties": false,
        "properties": {
          "project": {"type": "string", "minLength": 1},
          "sandbox": {"type": "string", "minLength": 1},
          "command": {"type": "string", "minLength": 1},
          "port": {"type": "integer", "minimum": 1, "maximum": 65535}}})");
    dev.outputSchema = schema(R"({"type": "object", "required": ["url", "port", "health"],
        "properties": {"sandbox": {"type": "string"}, "project": {"type": "string"},
                       "command": {"type": "string"}, "port": {"type": "integer"},
                       "url": {"type": "string"}, "already_running": {"type": "boolean"},
                       "health": {"type": "object"}}})");
    dev.call = bind(&AgentTools::runDevServer);
    tools << dev;
    return tools;
}

std::optional<QString> AgentTools::resolveProject(const QJsonObject &arguments, QString *sandbox,
                                                  QString *directory) const
{
    *sandbox = resolveSandbox(arguments);
    *directory = arguments.value(QStringLiteral("project")).toString();
    if (directory->isEmpty() && !arguments.contains(QStringLiteral("sandbox")))
        *directory = m_session->connection()->defaultProject();
    if (sandbox->isEmpty() || directory->isEmpty())
        return tr("`project` and `sandbox` are required (there is no default project with a "
                  "Daytona account)");
    return std::nullopt;
}

QString AgentTools::resolveSandbox(const QJsonObject &arguments) const
{
    const QString sandbox = arguments.value(QStringLiteral("sandbox")).toString();
    return sandbox.isEmpty() ? m_session->connection()->defaultSandbox() : sandbox;
}

McpToolJob *AgentTools::startBuild(const QJsonObject &arguments)
{
    QString sandbox, directory;
    if (const auto problem = resolveProject(arguments, &sandbox, &directory))
        return finished(this, McpToolResult::failure(*problem));
    engine::BuildManager::StartOptions options;
    options.clean = arguments.value(QStringLiteral("clean")).toBool();
    options.trigger = QStringLiteral("agent");
    auto *job = new McpToolJob(this);
    m_session->manager()
        ->startBuild(sandbox, directory, options)
        ->onResult(job, [job, sandbox, directory](const Result<Build> &build) {
            if (!build) {
                job->succeed(McpToolResult::failure(
                    tr("The build did not start: %1").arg(build.error().message)));
                return;
            }
            const Build &b = build.value();
            McpToolResult result;
            result.text = tr("Build #%1 of %2 in sandbox %3 started (%4). Follow it with "
                             "get_build_status {\"build_id\": %1}.")
                              .arg(b.id)
                              .arg(directory, sandbox, buildStatusName(b.status));
            result.structured = {{QStringLiteral("build_id"), b.id},
                                 {QStringLiteral("status"), buildStatusName(b.status)},
                                 {QStringLiteral("project_id"), b.projectId},
                                 {QStringLiteral("project"), directory},
                                 {QStringLiteral("sandbox"), sandbox}};
            job->succeed(result);
        });
    return job;
}

void AgentTools::findBuild(const QJsonObject &arguments, McpToolJob *job,
                           std::function<void(const Build &)> then)
{
    BuildStore *store = m_session->store();
    if (arguments.contains(QStringLiteral("build_id"))) {
        const qint64 id = arguments.value(QStringLiteral("build_id")).toInteger();
        store->build(id)->onResult(job, [job, id, then](const Result<Build> &build) {
            if (!build)
                job->succeed(McpToolResult::failure(
                    build.error().code == QLatin1String("NOT_FOUND")
                        ? tr("There is no build #%1 (list_builds shows the builds).").arg(id)
                        : build.error().message));
            else
                then(build.value());
        });
        return;
    }
    if (!arguments.value(QStringLiteral("latest")).toBool()) {
        job->succeed(
            McpToolResult::failure(tr("Give `build_id`, or `latest: true` with a project")));
        return;
    }
    QString sandbox, directory;
    if (const auto problem = resolveProject(arguments, &sandbox, &directory)) {
        job->succeed(McpToolResult::failure(*problem));
        return;
    }
    store->findProject(sandbox, directory)
        ->onResult(job, [job, store, sandbox, directory,
                         then](const Result<std::optional<Project>> &project) {
            if (!project || !project.value()) {
                job->succeed(McpToolResult::failure(
                    project ? tr("%1 in sandbox %2 has no builds yet (start one with start_build)")
                                  .arg(directory, sandbox)
                            : project.error().message));
                return;
            }
            store->latestBuild(project.value()->id)
                ->onResult(job, [job, directory, then](const Result<std::optional<Build>> &b) {
                    if (!b || !b.value())
                        job->succeed(McpToolResult::failure(
                            b ? tr("%1 has no builds yet").arg(directory) : b.error().message));
                    else
                        then(*b.value());
                });
        });
}

McpToolJob *AgentTools::buildStatus(const QJsonObject &arguments)
{
    auto *job = new McpToolJob(this);
    const int lines = arguments.value(QStringLiteral("log_lines")).toInt(kDefaultLogLines);
    findBuild(arguments, job,
              [this, job, lines](const Build &build) { describeBuild(build, lines, job); });
    return job;
}

void AgentTools::describeBuild(const Build &build, int logLines, McpToolJob *job)
{
    struct Tails
    {
        LogSlice install;
        LogSlice build;
        int pending = 2;
    };
    auto tails = std::make_shared<Tails>();
    const auto answer = [build, logLines, tails, job] {
        QJsonObject json{
            {QStringLiteral("id"), build.id},
            {QStringLiteral("project_id"), build.projectId},
            {QStringLiteral("status"), buildStatusName(build.status)},
            {QStringLiteral("phase"), phaseName(build.phase)},
            {QStringLiteral("current_step"),
             build.currentStep.isEmpty() ? QJsonValue() : QJsonValue(build.currentStep)},
            {QStringLiteral("progress"), build.progress},
            {QStringLiteral("failed_phase"),
             failedPhase(build) ? QJsonValue(phaseName(*failedPhase(build))) : QJsonValue()},
            {QStringLiteral("finished"), build.isFinished()},
            {QStringLiteral("duration_ms"), durationOf(build)},
            {QStringLiteral("eta_remaining_ms"),
             build.metadata.value(QStringLiteral("eta_remaining_ms")).isDouble() &&
                     !build.isFinished()
                 ? build.metadata.value(QStringLiteral("eta_remaining_ms"))
                 : QJsonValue()},
            {QStringLiteral("error_message"),
             build.errorMessage.isEmpty() ? QJsonValue() : QJsonValue(build.errorMessage)},
            {QStringLiteral("started_at"),
             build.startedAt.isValid() ? QJsonValue(build.startedAt.toString(Qt::ISODateWithMs))
                                       : QJsonValue()},
            {QStringLiteral("completed_at"),
             build.completedAt.isValid() ? QJsonValue(build.completedAt.toString(Qt::ISODateWithMs))
                                         : QJsonValue()},
            {QStringLiteral("install_logs"), plainText(tails->install.bytes())},
            {QStringLiteral("install_logs_truncated"), tails->install.offset > 0},
            {QStringLiteral("build_logs"), plainText(tails->build.bytes())},
            {QStringLiteral("build_logs_truncated"), tails->build.offset > 0},
        };
        QStringList text;
        const std::optional<Phase> broken = failedPhase(build);
        text << tr("Build #%1: %2, phase %3, %4 %, %5.")
                    .arg(build.id)
                    .arg(broken ? tr("failed in %1").arg(phaseName(*broken))
                                : buildStatusName(build.status),
                         phaseName(build.phase))
                    .arg(build.progress)
                    .arg(seconds(durationOf(build)));
        if (!build.currentStep.isEmpty())
            text << tr("Step: %1").arg(build.currentStep);
        if (!build.errorMessage.isEmpty())
            text << tr("Error: %1").arg(build.errorMessage);
        const auto addLog = [&text, logLines](const QString &name, const QString &log) {
            if (log.isEmpty())
                return;
            text << tr("--- %1 log (last %2 lines) ---").arg(name).arg(logLines) << log.trimmed();
        };
        addLog(QStringLiteral("install"), json.value(QStringLiteral("install_logs")).toString());
        addLog(QStringLiteral("build"), json.value(QStringLiteral("build_logs")).toString());
        if (!build.isFinished())
            text << tr("The build is still running; ask again, or page its output with "
                       "get_live_logs {\"build_id\": %1, \"since\": OFFSET}.")
                        .arg(build.id);
        McpToolResult result;
        result.text = text.join(u'\n');
        result.structured = json;
        job->succeed(result);
    };
    if (logLines <= 0) {
        answer();
        return;
    }
    for (Phase phase : {Phase::Install, Phase::Build}) {
        engine::LogTailReader::read(m_session->store(), build.id, LogSelection{phase, {}}, logLines)
            ->onResult(job, [tails, phase, answer](const Result<LogSlice> &slice) {
                if (slice)
                    (phase == Phase::Install ? tails->install : tails->build) = slice.value();
                if (--tails->pending == 0)
                    answer();
            });
    }
}

McpToolJob *AgentTools::liveLogs(const QJsonObject &arguments)
{
    auto *job = new McpToolJob(this);
    const auto withBuild = [this, job, arguments](const Build &build) {
        LogSelection selection;
        if (arguments.contains(QStringLiteral("phase")))
            selection.phase = phaseFromName(arguments.value(QStringLiteral("phase")).toString());
        const qint64 maxBytes =
            arguments.value(QStringLiteral("max_bytes")).toInteger(kDefaultPageBytes);
        const auto answer = [job, build](const LogSlice &slice, bool paged) {
            QByteArray bytes = slice.bytes();
            if (paged)
                bytes.truncate(BuildApiJson::completeUtf8Length(bytes)); // whole characters
            const qint64 next = slice.offset + bytes.size();
            McpToolResult result;
            const QString text = plainText(bytes);
            result.structured = {{QStringLiteral("build_id"), build.id},
                                 {QStringLiteral("text"), text},
                                 {QStringLiteral("offset"), slice.offset},
                                 {QStringLiteral("next_offset"), next},
                                 {QStringLiteral("size"), slice.totalSize},
                                 {QStringLiteral("more"), next < slice.totalSize},
                                 {QStringLiteral("finished"), build.isFinished()},
                                 {QStringLiteral("status"), buildStatusName(build.status)}};
            result.text = text.isEmpty() ? tr("(no output in bytes %1–%2 of build #%3; %4)")
                                               .arg(slice.offset)
                                               .arg(next)
                                               .arg(build.id)
                                               .arg(buildStatusName(build.status))
                                         : text;
            if (next < slice.totalSize || !build.isFinished())
                result.text += tr("\n[bytes %1–%2 of %3; continue with since: %2]")
                                   .arg(slice.offset)
                                   .arg(next)
                                   .arg(slice.totalSize);
            job->succeed(result);
        };
        if (arguments.contains(QStringLiteral("tail")) &&
            !arguments.contains(QStringLiteral("since"))) {
            engine::LogTailReader::read(m_session->store(), build.id, selection,
                                        arguments.value(QStringLiteral("tail")).toInt())
                ->onResult(job, [job, answer](const Result<LogSlice> &slice) {
                    if (slice)
                        answer(slice.value(), false);
                    else
                        job->succeed(McpToolResult::failure(slice.error().message));
                });
            return;
        }
        const qint64 since = arguments.value(QStringLiteral("since")).toInteger(0);
        m_session->store()
            ->readLog(build.id, selection, since, maxBytes)
            ->onResult(job, [job, answer](const Result<LogSlice> &slice) {
                if (slice)
                    answer(slice.value(), true);
                else
                    job->succeed(McpToolResult::failure(slice.error().message));
            });
    };
    if (arguments.contains(QStringLiteral("build_id"))) {
        findBuild(arguments, job, withBuild);
        return job;
    }
    // The newest build of any project in the sandbox.
    const QString sandbox = resolveSandbox(arguments);
    if (sandbox.isEmpty()) {
        job->succeed(McpToolResult::failure(tr("Give `build_id` or `sandbox`")));
        return job;
    }
    BuildStore *store = m_session->store();
    store->latestBuilds()->onResult(job, [job, store, sandbox,
                                          withBuild](const Result<QList<Build>> &latest) {
        if (!latest) {
            job->succeed(McpToolResult::failure(latest.error().message));
            return;
        }
        store->projects()->onResult(job, [job, sandbox, withBuild,
                                          latest](const Result<QList<Project>> &projects) {
            QSet<qint64> inSandbox;
            for (const Project &p : projects.value())
                if (p.sandboxId == sandbox || p.sandboxName == sandbox)
                    inSandbox.insert(p.id);
            for (const Build &b : latest.value()) { // newest first
                if (inSandbox.contains(b.projectId))
                    return withBuild(b);
            }
            job->succeed(McpToolResult::failure(tr("No builds in sandbox %1 yet").arg(sandbox)));
        });
    });
    return job;
}

McpToolJob *AgentTools::listBuilds(const QJsonObject &arguments)
{
    auto *job = new McpToolJob(this);
    const auto query = [this, job, arguments](std::optional<qint64> projectId) {
        BuildQuery q;
        q.projectId = projectId;
        if (arguments.contains(QStringLiteral("status")))
            q.statuses = {
                *buildStatusFromName(arguments.value(QStringLiteral("status")).toString())};
        q.limit = arguments.value(QStringLiteral("limit")).toInt(20);
        m_session->store()->builds(q)->onResult(job, [job](const Result<BuildPage> &page) {
            if (!page) {
                job->succeed(McpToolResult::failure(page.error().message));
                return;
            }
            QJsonArray builds;
            QStringList lines;
            for (const Build &b : page.value().builds) {
                builds.append(QJsonObject{
                    {QStringLiteral("id"), b.id},
                    {QStringLiteral("project_id"), b.projectId},
                    {QStringLiteral("sandbox_id"), b.sandboxId},
                    {QStringLiteral("status"), buildStatusName(b.status)},
                    {QStringLiteral("phase"), phaseName(b.phase)},
                    {QStringLiteral("trigger"), b.trigger},
                    {QStringLiteral("created_at"), b.createdAt.toString(Qt::ISODateWithMs)},
                    {QStringLiteral("duration_ms"), durationOf(b)},
                    {QStringLiteral("error_message"),
                     b.errorMessage.isEmpty() ? QJsonValue() : QJsonValue(b.errorMessage)}});
                lines << tr("#%1 %2 %3 (%4, %5)%6")
                             .arg(b.id)
                             .arg(buildStatusName(b.status), phaseName(b.phase),
                                  b.createdAt.toLocalTime().toString(Qt::ISODate),
                                  seconds(durationOf(b)),
                                  b.errorMessage.isEmpty() ? QString()
                                                           : QStringLiteral(": ") + b.errorMessage);
            }
            McpToolResult result;
            result.structured = {{QStringLiteral("builds"), builds},
                                 {QStringLiteral("total"), page.value().total}};
            result.text = lines.isEmpty() ? tr("No builds.")
                                          : tr("%1 of %2 builds, newest first:\n")
                                                    .arg(lines.size())
                                                    .arg(page.value().total) +
                                                lines.join(u'\n');
            job->succeed(result);
        });
    };
    if (!arguments.contains(QStringLiteral("project")) &&
        !arguments.contains(QStringLiteral("sandbox"))) {
        query(std::nullopt);
        return job;
    }
    QString sandbox, directory;
    if (const auto problem = resolveProject(arguments, &sandbox, &directory)) {
        job->succeed(McpToolResult::failure(*problem));
        return job;
    }
    m_session->store()
        ->findProject(sandbox, directory)
        ->onResult(job,
                   [job, query, directory, sandbox](const Result<std::optional<Project>> &project) {
                       if (!project)
                           job->succeed(McpToolResult::failure(project.error().message));
                       else if (!project.value())
                           job->succeed(McpToolResult::failure(
                               tr("%1 in sandbox %2 has no builds yet").arg(directory, sandbox)));
                       else
                           query(project.value()->id);
                   });
    return job;
}

McpToolJob *AgentTools::cancelBuild(const QJsonObject &arguments)
{
    auto *job = new McpToolJob(this);
    const qint64 id = arguments.value(QStringLiteral("build_id")).toInteger();
    const auto answer = [job, id](const Build &build) {
        McpToolResult result;
        result.structured = {{QStringLiteral("build_id"), id},
                             {QStringLiteral("status"), buildStatusName(build.status)},
                             {QStringLiteral("finished"), build.isFinished()}};
        result.text =
            build.isFinished()
                ? tr("Build #%1 has ended: %2.").arg(id).arg(buildStatusName(build.status))
                : tr("Build #%1 is being cancelled (still %2 after 30 s).")
                      .arg(id)
                      .arg(buildStatusName(build.status));
        job->succeed(result);
    };
    // Wait for the end through the hub (this process or, via the relay, the one following it).
    auto *timer = new QTimer(job);
    timer->setSingleShot(true);
    connect(m_session->hub(), &engine::BuildHub::buildFinished, job, [id, answer](const Build &b) {
        if (b.id == id)
            answer(b);
    });
    connect(timer, &QTimer::timeout, job, [this, job, id, answer] {
        m_session->store()->build(id)->onResult(job, [answer](const Result<Build> &b) {
            if (b)
                answer(b.value());
        });
    });
    m_session->manager()->cancel(id)->onResult(job, [job, id, timer](const Status &cancelled) {
        if (!cancelled) {
            job->succeed(
                McpToolResult::failure(cancelled.error().code == QLatin1String("ALREADY_FINISHED")
                                           ? tr("Build #%1 has already ended.").arg(id)
                                       : cancelled.error().code == QLatin1String("NOT_FOUND")
                                           ? tr("There is no build #%1.").arg(id)
                                           : cancelled.error().message));
            return;
        }
        timer->start(kCancelWaitMs);
    });
    return job;
}

McpToolJob *AgentTools::checkProcess(const QJsonObject &arguments)
{
    engine::ProcessCheck::Request request;
    request.sandbox = resolveSandbox(arguments);
    if (arguments.contains(QStringLiteral("port")))
        request.port = arguments.value(QStringLiteral("port")).toInt();
    request.processName = arguments.value(QStringLiteral("name")).toString();
    if (request.sandbox.isEmpty())
        return finished(this, McpToolResult::failure(tr("`sandbox` is required")));
    if (!request.port && request.processName.isEmpty())
        return finished(this, McpToolResult::failure(tr("Give `port`, `name` or both")));
    auto *job = new McpToolJob(this);
    m_processCheck->check(request)->onResult(
        job, [job, request](const Result<engine::ProcessCheckResult> &checked) {
            if (!checked) {
                job->succeed(McpToolResult::failure(checked.error().message));
                return;
            }
            const engine::ProcessCheckResult &r = checked.value();
            QStringList text;
            if (r.port) {
                QStringList holders;
                for (const auto &holder : r.port->holders)
                    holders << QStringLiteral("%1 (pid %2)").arg(holder.name).arg(holder.pid);
                text << (r.port->inUse
                             ? tr("Port %1 is in use%2.")
                                   .arg(r.port->port)
                                   .arg(holders.isEmpty() ? QString()
                                                          : tr(" by %1").arg(holders.join(u", ")))
                             : tr("Port %1 is free.").arg(r.port->port));
            }
            if (r.process && r.process->checked)
                text << tr("%n process(es) named %1 running.", nullptr, r.process->count())
                            .arg(r.process->name);
            text << r.notes;
            McpToolResult result;
            result.text = text.join(u'\n');
            result.structured = CheckProcessCommand::toJson(request.sandbox, r);
            job->succeed(result);
        });
    return job;
}

McpToolJob *AgentTools::previewUrl(const QJsonObject &arguments)
{
    const QString sandbox = resolveSandbox(arguments);
    if (sandbox.isEmpty())
        return finished(this, McpToolResult::failure(tr("`sandbox` is required")));
    std::optional<int> port;
    if (arguments.contains(QStringLiteral("port")))
        port = arguments.value(QStringLiteral("port")).toInt();
    auto *job = new McpToolJob(this);
    m_devServer->previewLocator()
        ->locate(sandbox, port)
        ->onResult(job, [job](const Result<engine::PreviewInfo> &info) {
            if (!info) {
                job->succeed(McpToolResult::failure(
                    info.error().code == QLatin1String("NO_DEV_SERVER")
                        ? info.error().message + tr(" Start one with run_dev_server.")
                        : info.error().message));
                return;
            }
            McpToolResult result;
            result.structured = PreviewUrlCommand::toJson(info.value());
            result.text = tr("%1 (port %2%3): %4")
                              .arg(info.value().link.url.toString())
                              .arg(info.value().port)
                              .arg(info.value().detected ? tr(", detected") : QString())
                              .arg(info.value().health.summary());
            job->succeed(result);
        });
    return job;
}

McpToolJob *AgentTools::runDevServer(const QJsonObject &arguments)
{
    QString sandbox, directory;
    if (const auto problem = resolveProject(arguments, &sandbox, &directory))
        return finished(this, McpToolResult::failure(*problem));
    auto *job = new McpToolJob(this);
    // The project's own dev command and port (set with `vaporwatch-cli project`) unless given.
    m_session->store()
        ->findProject(sandbox, directory)
        ->onResult(job, [this, job, arguments, sandbox,
                         directory](const Result<std::optional<Project>> &project) {
            engine::DevServer::Options options;
            options.sandbox = sandbox;
            options.projectDirectory = directory;
            if (project && project.value()) {
                options.command = project.value()->devCommand;
                if (project.value()->devPort > 0)
                    options.port = project.value()->devPort;
            }
            if (arguments.contains(QStringLiteral("command")))
                options.command = arguments.value(QStringLiteral("command")).toString();
            if (arguments.contains(QStringLiteral("port")))
                options.port = arguments.value(QStringLiteral("port")).toInt();
            m_devServer->start(options)->onResult(
                job, [job](const Result<engine::DevServerState> &started) {
                    if (!started) {
                        job->succeed(McpToolResult::failure(started.error().message));
                        return;
                    }
                    const engine::DevServerState &state = started.value();
                    QJsonObject json = PreviewUrlCommand::toJson(state.preview);
                    json.insert(QStringLiteral("project"), state.projectDirectory);
                    json.insert(QStringLiteral("command"), state.command);
                    json.insert(QStringLiteral("port"), state.port);
                    json.insert(QStringLiteral("already_running"), state.alreadyRunning);
                    McpToolResult result;
                    result.structured = json;
                    result.text =
                        tr("%1 dev server `%2` on port %3: %4 — %5")
                            .arg(state.alreadyRunning ? tr("The") : tr("Started the"),
                                 state.command)
                            .arg(state.port)
                            .arg(state.preview.link.url.toString(), state.preview.health.summary());
                    job->succeed(result);
                });
        });
    return job;
}

} // namespace vw::automation
