#include "app/daytona/DaytonaClient.h"

#include "app/daytona/ErrorParser.h"
#include "models/Log.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

namespace vw::daytona {
namespace {

using Query = QList<QPair<QString, QString>>;

QByteArray toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<QJsonObject> objectOf(const HttpResponse &response, const QString &what)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return ErrorParser::invalidResponse(QStringLiteral("%1 is not a JSON object").arg(what));
    return document.object();
}

Result<Sandbox> parseSandbox(const HttpResponse &response)
{
    auto object = objectOf(response, QStringLiteral("sandbox"));
    if (!object)
        return object.error();
    return Sandbox::fromJson(object.value());
}

Result<Done> parseNothing(const HttpResponse &)
{
    return Done{};
}

QStringList sessionPath(const QString &sessionId)
{
    return {QStringLiteral("process"), QStringLiteral("session"), sessionId};
}

QStringList commandPath(const QString &sessionId, const QString &commandId)
{
    return sessionPath(sessionId) << QStringLiteral("command") << commandId;
}

} // namespace

DaytonaClient::DaytonaClient(DaytonaConfig config, QObject *parent)
    : QObject(parent)
    , m_transport(new ApiTransport(std::move(config), this))
{
}

DaytonaClient::~DaytonaClient()
{
    // Jobs chained through this client would otherwise never finish.
    const auto jobs = m_jobs;
    for (const QPointer<AsyncJob> &job : jobs) {
        if (job)
            job->cancel();
    }
}

template<typename T>
AsyncJobOf<T> *DaytonaClient::track(AsyncJobOf<T> *job)
{
    m_jobs.removeIf([](const QPointer<AsyncJob> &tracked) {
        return tracked.isNull() || tracked->isFinished();
    });
    m_jobs.append(job);
    return job;
}

template<typename T>
void DaytonaClient::complete(AsyncJobOf<HttpResponse> *http, QPointer<AsyncJobOf<T>> job,
                             Parser<T> parse)
{
    http->onResult(this, [job, parse = std::move(parse)](const Result<HttpResponse> &response) {
        if (!job)
            return;
        if (!response) {
            job->fail(response.error());
            return;
        }
        Result<T> parsed = parse(response.value());
        if (parsed)
            job->succeed(std::move(parsed).value());
        else
            job->fail(parsed.error());
    });
}

template<typename T>
AsyncJobOf<T> *DaytonaClient::apiCall(HttpCall call, Parser<T> parse)
{
    auto *job = track(new AsyncJobOf<T>);
    complete<T>(m_transport->send(std::move(call)), job, std::move(parse));
    return job;
}

template<typename T>
AsyncJobOf<T> *DaytonaClient::toolboxCall(const QString &sandbox,
                                          std::function<HttpCall(const QUrl &)> makeCall,
                                          Parser<T> parse)
{
    auto *job = track(new AsyncJobOf<T>);
    QPointer<AsyncJobOf<T>> guard(job);
    toolboxBaseUrl(sandbox)->onResult(this, [this, guard, makeCall = std::move(makeCall),
                                             parse = std::move(parse)](const Result<QUrl> &base) {
        if (!guard)
            return;
        if (!base) {
            guard->fail(base.error());
            return;
        }
        HttpCall call = makeCall(base.value());
        call.toolbox = true;
        complete<T>(m_transport->send(std::move(call)), guard, parse);
    });
    return job;
}

// ---- sandboxes ------------------------------------------------------------------------------

AsyncJobOf<SandboxPage> *DaytonaClient::listSandboxes(const SandboxListOptions &options)
{
    Query query;
    if (options.limit > 0)
        query.append({QStringLiteral("limit"), QString::number(options.limit)});
    if (!options.cursor.isEmpty())
        query.append({QStringLiteral("cursor"), options.cursor});
    if (!options.namePrefix.isEmpty())
        query.append({QStringLiteral("name"), options.namePrefix});
    if (!options.labels.isEmpty()) {
        QJsonObject labels;
        for (auto it = options.labels.begin(); it != options.labels.end(); ++it)
            labels.insert(it.key(), it.value());
        query.append({QStringLiteral("labels"), QString::fromUtf8(toJson(labels))});
    }
    HttpCall call;
    call.url = m_transport->apiUrl({QStringLiteral("sandbox")}, query);
    return apiCall<SandboxPage>(std::move(call), [](const HttpResponse &response) {
        return SandboxPage::fromJson(response.body);
    });
}

struct DaytonaClient::ListAllState
{
    SandboxListOptions options;
    QPointer<AsyncJobOf<QList<Sandbox>>> job;
    QList<Sandbox> items;
    QSet<QString> cursorsSeen;
};

AsyncJobOf<QList<Sandbox>> *DaytonaClient::listAllSandboxes(const SandboxListOptions &options)
{
    auto state = std::make_shared<ListAllState>();
    state->options = options;
    state->job = track(new AsyncJobOf<QList<Sandbox>>);
    fetchNextPage(state);
    return state->job;
}

void DaytonaClient::fetchNextPage(const std::shared_ptr<ListAllState> &state)
{
    listSandboxes(state->options)->onResult(this, [this, state](const Result<SandboxPage> &page) {
        if (!state->job)
            return;
        if (!page) {
            state->job->fail(page.error());
            return;
        }
        state->items.append(page.value().items);
        const QString next = page.value().nextCursor;
        // A server that hands out the same cursor twice would otherwise keep us here forever.
        if (next.isEmpty() || state->cursorsSeen.contains(next)) {
            state->job->succeed(state->items);
            return;
        }
        state->cursorsSeen.insert(next);
        state->options.cursor = next;
        fetchNextPage(state);
    });
}

AsyncJobOf<Sandbox> *DaytonaClient::getSandbox(const QString &sandbox)
{
    HttpCall call;
    call.url = m_transport->apiUrl({QStringLiteral("sandbox"), sandbox});
    return apiCall<Sandbox>(std::move(call), parseSandbox);
}

AsyncJobOf<Sandbox> *DaytonaClient::startSandbox(const QString &sandbox)
{
    HttpCall call;
    call.method = "POST";
    call.url = m_transport->apiUrl({QStringLiteral("sandbox"), sandbox, QStringLiteral("start")});
    call.idempotent = true; // starting a started sandbox returns it unchanged
    return apiCall<Sandbox>(std::move(call), parseSandbox);
}

AsyncJobOf<Sandbox> *DaytonaClient::stopSandbox(const QString &sandbox, bool force)
{
    HttpCall call;
    call.method = "POST";
    call.url = m_transport->apiUrl({QStringLiteral("sandbox"), sandbox, QStringLiteral("stop")},
                                   force ? Query{{QStringLiteral("force"), QStringLiteral("true")}}
                                         : Query{});
    call.idempotent = false; // a repeated stop answers 400 "not in a stoppable state"
    return apiCall<Sandbox>(std::move(call), parseSandbox);
}

struct DaytonaClient::WaitState
{
    QString sandbox;
    QPointer<AsyncJobOf<Sandbox>> job;
    QElapsedTimer elapsed;
    int timeoutMs = 60'000;
    int intervalMs = 100;
};

AsyncJobOf<Sandbox> *DaytonaClient::waitUntilStarted(const QString &sandbox, int timeoutMs)
{
    auto state = std::make_shared<WaitState>();
    state->sandbox = sandbox;
    state->timeoutMs = timeoutMs;
    state->job = track(new AsyncJobOf<Sandbox>);
    state->elapsed.start();
    pollUntilStarted(state);
    return state->job;
}

void DaytonaClient::pollUntilStarted(const std::shared_ptr<WaitState> &state)
{
    getSandbox(state->sandbox)->onResult(this, [this, state](const Result<Sandbox> &sandbox) {
        if (!state->job)
            return;
        if (!sandbox) {
            state->job->fail(sandbox.error());
            return;
        }
        const QString &current = sandbox.value().state;
        if (current == QStringLiteral("started")) {
            state->job->succeed(sandbox.value());
            return;
        }
        if (current == QStringLiteral("error") || current == QStringLiteral("build_failed")) {
            state->job->fail(Error{QStringLiteral("SANDBOX_ERROR"),
                                   tr("Sandbox %1 failed to start: %2")
                                       .arg(state->sandbox, sandbox.value().errorReason.isEmpty()
                                                                ? current
                                                                : sandbox.value().errorReason),
                                   0});
            return;
        }
        if (state->elapsed.elapsed() >= state->timeoutMs) {
            state->job->fail(Error{
                ErrorParser::kTimeout,
                tr("Sandbox %1 did not start within %n second(s)", nullptr, state->timeoutMs / 1000)
                    .arg(state->sandbox),
                0});
            return;
        }
        // The SDKs' schedule: 100 ms for 5 s, then ×1.1 per poll up to 1 s.
        if (state->elapsed.elapsed() > 5000)
            state->intervalMs = qMin(1000, static_cast<int>(state->intervalMs * 1.1) + 1);
        const int remaining = state->timeoutMs - static_cast<int>(state->elapsed.elapsed());
        QTimer::singleShot(qMax(0, qMin(state->intervalMs, remaining)), this,
                           [this, state] { pollUntilStarted(state); });
    });
}

AsyncJobOf<PreviewLink> *DaytonaClient::previewLink(const QString &sandbox, int port)
{
    HttpCall call;
    call.url = m_transport->apiUrl({QStringLiteral("sandbox"), sandbox, QStringLiteral("ports"),
                                    QString::number(port), QStringLiteral("preview-url")});
    return apiCall<PreviewLink>(std::move(call), [](const HttpResponse &response) {
        return PreviewLink::fromJson(response.body);
    });
}

AsyncJobOf<QUrl> *DaytonaClient::toolboxBaseUrl(const QString &sandbox)
{
    auto *job = track(new AsyncJobOf<QUrl>);
    if (const auto cached = m_toolboxBases.constFind(sandbox);
        cached != m_toolboxBases.constEnd()) {
        job->succeed(cached.value());
        return job;
    }
    QPointer<AsyncJobOf<QUrl>> guard(job);
    getSandbox(sandbox)->onResult(this, [this, guard, sandbox](const Result<Sandbox> &found) {
        if (!guard)
            return;
        if (!found) {
            guard->fail(found.error());
            return;
        }
        const QString id = found.value().id;
        const auto remember = [this, guard, sandbox, id](const QUrl &base) {
            m_toolboxBases.insert(sandbox, base);
            m_toolboxBases.insert(id, base);
            if (guard)
                guard->succeed(base);
        };
        if (!found.value().toolboxProxyUrl.isEmpty()) {
            remember(ApiTransport::appendPath(found.value().toolboxProxyUrl, {id}));
            return;
        }
        // Servers before v0.148 have no toolboxProxyUrl in the DTO.
        HttpCall call;
        call.url = m_transport->apiUrl(
            {QStringLiteral("sandbox"), id, QStringLiteral("toolbox-proxy-url")});
        m_transport->send(call)->onResult(this, [this, remember,
                                                 id](const Result<HttpResponse> &answer) {
            if (answer) {
                auto object = objectOf(answer.value(), QStringLiteral("toolbox proxy url"));
                const QUrl proxy(object ? object.value().value(QStringLiteral("url")).toString()
                                        : QString());
                if (proxy.isValid() && !proxy.isEmpty()) {
                    remember(ApiTransport::appendPath(proxy, {id}));
                    return;
                }
            }
            // Before v0.132: the toolbox is reached through the API itself.
            remember(
                m_transport->apiUrl({QStringLiteral("toolbox"), id, QStringLiteral("toolbox")}));
        });
    });
    return job;
}

// ---- sessions and commands ------------------------------------------------------------------

StatusJob *DaytonaClient::createSession(const QString &sandbox, const QString &sessionId)
{
    const QByteArray body = toJson({{QStringLiteral("sessionId"), sessionId}});
    return toolboxCall<Done>(
        sandbox,
        [body](const QUrl &base) {
            HttpCall call;
            call.method = "POST";
            call.url = ApiTransport::appendPath(
                base, {QStringLiteral("process"), QStringLiteral("session")});
            call.jsonBody = body;
            call.idempotent = false; // a second create answers 409
            return call;
        },
        parseNothing);
}

AsyncJobOf<QList<Session>> *DaytonaClient::listSessions(const QString &sandbox)
{
    return toolboxCall<QList<Session>>(
        sandbox,
        [](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(
                base, {QStringLiteral("process"), QStringLiteral("session")});
            return call;
        },
        [](const HttpResponse &response) -> Result<QList<Session>> {
            const QJsonDocument document = QJsonDocument::fromJson(response.body);
            if (!document.isArray() && !document.isNull())
                return ErrorParser::invalidResponse(QStringLiteral("session list is not an array"));
            QList<Session> sessions;
            for (const QJsonValue &item : document.array()) {
                auto session = Session::fromJson(item.toObject());
                if (!session)
                    return session.error();
                sessions.append(std::move(session).value());
            }
            return sessions;
        });
}

AsyncJobOf<Session> *DaytonaClient::getSession(const QString &sandbox, const QString &sessionId)
{
    return toolboxCall<Session>(
        sandbox,
        [sessionId](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(base, sessionPath(sessionId));
            return call;
        },
        [](const HttpResponse &response) -> Result<Session> {
            auto object = objectOf(response, QStringLiteral("session"));
            if (!object)
                return object.error();
            return Session::fromJson(object.value());
        });
}

StatusJob *DaytonaClient::deleteSession(const QString &sandbox, const QString &sessionId)
{
    return toolboxCall<Done>(
        sandbox,
        [sessionId](const QUrl &base) {
            HttpCall call;
            call.method = "DELETE";
            call.url = ApiTransport::appendPath(base, sessionPath(sessionId));
            call.idempotent = false; // a repeated delete answers 404
            return call;
        },
        parseNothing);
}

AsyncJobOf<ExecResult> *DaytonaClient::exec(const QString &sandbox, const QString &sessionId,
                                            const QString &command)
{
    const QByteArray body =
        toJson({{QStringLiteral("command"), command}, {QStringLiteral("runAsync"), false}});
    const int timeout = config().longRequestTimeoutMs;
    return toolboxCall<ExecResult>(
        sandbox,
        [body, sessionId, timeout](const QUrl &base) {
            HttpCall call;
            call.method = "POST";
            call.url =
                ApiTransport::appendPath(base, sessionPath(sessionId) << QStringLiteral("exec"));
            call.jsonBody = body;
            call.idempotent = false;
            call.timeoutMs = timeout; // the answer comes only when the command exits
            return call;
        },
        [](const HttpResponse &response) { return ExecResult::fromJson(response.body); });
}

AsyncJobOf<QString> *DaytonaClient::execAsync(const QString &sandbox, const QString &sessionId,
                                              const QString &command)
{
    const QByteArray body =
        toJson({{QStringLiteral("command"), command}, {QStringLiteral("runAsync"), true}});
    return toolboxCall<QString>(
        sandbox,
        [body, sessionId](const QUrl &base) {
            HttpCall call;
            call.method = "POST";
            call.url =
                ApiTransport::appendPath(base, sessionPath(sessionId) << QStringLiteral("exec"));
            call.jsonBody = body;
            call.idempotent = false;
            return call;
        },
        [](const HttpResponse &response) -> Result<QString> {
            auto object = objectOf(response, QStringLiteral("exec answer"));
            if (!object)
                return object.error();
            const QString id = object.value().value(QStringLiteral("cmdId")).toString();
            if (id.isEmpty())
                return ErrorParser::invalidResponse(QStringLiteral("exec answer without cmdId"));
            return id;
        });
}

AsyncJobOf<Command> *DaytonaClient::commandStatus(const QString &sandbox, const QString &sessionId,
                                                  const QString &commandId)
{
    return toolboxCall<Command>(
        sandbox,
        [sessionId, commandId](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(base, commandPath(sessionId, commandId));
            return call;
        },
        [](const HttpResponse &response) -> Result<Command> {
            auto object = objectOf(response, QStringLiteral("command"));
            if (!object)
                return object.error();
            return Command::fromJson(object.value());
        });
}

AsyncJobOf<CommandLogs> *DaytonaClient::commandLogs(const QString &sandbox,
                                                    const QString &sessionId,
                                                    const QString &commandId)
{
    return toolboxCall<CommandLogs>(
        sandbox,
        [sessionId, commandId](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(base, commandPath(sessionId, commandId)
                                                          << QStringLiteral("logs"));
            return call;
        },
        [](const HttpResponse &response) {
            return CommandLogs::fromBody(response.body, response.contentType);
        });
}

AsyncJobOf<ExecuteResult> *DaytonaClient::execute(const QString &sandbox,
                                                  const ExecuteRequest &request)
{
    const QByteArray body = toJson(request.toJson());
    // Without a server-side limit the answer may take as long as the command.
    const int timeout = request.timeoutSeconds > 0
                            ? request.timeoutSeconds * 1000 + config().requestTimeoutMs
                            : config().longRequestTimeoutMs;
    return toolboxCall<ExecuteResult>(
        sandbox,
        [body, timeout](const QUrl &base) {
            HttpCall call;
            call.method = "POST";
            call.url = ApiTransport::appendPath(
                base, {QStringLiteral("process"), QStringLiteral("execute")});
            call.jsonBody = body;
            call.idempotent = false;
            call.timeoutMs = timeout;
            return call;
        },
        [](const HttpResponse &response) { return ExecuteResult::fromJson(response.body); });
}

CommandLogFollower *DaytonaClient::followCommandLogs(const QString &sandbox,
                                                     const QString &sessionId,
                                                     const QString &commandId,
                                                     const CommandLogFollower::Options &options)
{
    auto *follower = new CommandLogFollower(this, sandbox, sessionId, commandId, options);
    m_jobs.append(follower);
    // Started from the event loop, so the caller can connect to every signal first.
    QMetaObject::invokeMethod(follower, &CommandLogFollower::start, Qt::QueuedConnection);
    return follower;
}

// ---- ports and files ------------------------------------------------------------------------

AsyncJobOf<QList<int>> *DaytonaClient::listPorts(const QString &sandbox)
{
    return toolboxCall<QList<int>>(
        sandbox,
        [](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(base, {QStringLiteral("port")});
            return call;
        },
        [](const HttpResponse &response) -> Result<QList<int>> {
            auto object = objectOf(response, QStringLiteral("port list"));
            if (!object)
                return object.error();
            QList<int> ports;
            for (const QJsonValue &port : object.value().value(QStringLiteral("ports")).toArray())
                ports.append(port.toInt());
            return ports;
        });
}

AsyncJobOf<bool> *DaytonaClient::isPortInUse(const QString &sandbox, int port)
{
    return toolboxCall<bool>(
        sandbox,
        [port](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(
                base, {QStringLiteral("port"), QString::number(port), QStringLiteral("in-use")});
            return call;
        },
        [](const HttpResponse &response) -> Result<bool> {
            auto object = objectOf(response, QStringLiteral("port check"));
            if (!object)
                return object.error();
            const QJsonValue inUse = object.value().value(QStringLiteral("isInUse"));
            if (!inUse.isBool())
                return ErrorParser::invalidResponse(QStringLiteral("port check without isInUse"));
            return inUse.toBool();
        });
}

AsyncJobOf<QList<FileInfo>> *DaytonaClient::listFiles(const QString &sandbox,
                                                      const QString &remotePath)
{
    return toolboxCall<QList<FileInfo>>(
        sandbox,
        [remotePath](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(base, {QStringLiteral("files")},
                                                {{QStringLiteral("path"), remotePath}});
            return call;
        },
        [](const HttpResponse &response) { return FileInfo::listFromJson(response.body); });
}

AsyncJobOf<qint64> *DaytonaClient::downloadFile(const QString &sandbox, const QString &remotePath,
                                                QIODevice *sink)
{
    QPointer<QIODevice> guardedSink(sink);
    return toolboxCall<qint64>(
        sandbox,
        [remotePath, guardedSink](const QUrl &base) {
            HttpCall call;
            call.url = ApiTransport::appendPath(
                base, {QStringLiteral("files"), QStringLiteral("download")},
                {{QStringLiteral("path"), remotePath}});
            call.sink = guardedSink;
            return call;
        },
        [](const HttpResponse &response) -> Result<qint64> { return response.bytesStreamed; });
}

AsyncJobOf<qint64> *DaytonaClient::downloadFile(const QString &sandbox, const QString &remotePath,
                                                const QString &localPath)
{
    auto file = std::make_shared<QSaveFile>(localPath);
    if (!file->open(QIODevice::WriteOnly)) {
        auto *job = track(new AsyncJobOf<qint64>);
        job->fail(Error{QStringLiteral("WRITE_FAILED"),
                        tr("Cannot write %1: %2").arg(localPath, file->errorString()), 0});
        return job;
    }
    auto *result = track(new AsyncJobOf<qint64>);
    QPointer<AsyncJobOf<qint64>> guard(result);
    downloadFile(sandbox, remotePath, file.get())
        ->onResult(this, [guard, file, localPath](const Result<qint64> &bytes) {
            if (!guard)
                return;
            if (!bytes) {
                file->cancelWriting();
                guard->fail(bytes.error());
                return;
            }
            if (!file->commit()) {
                guard->fail(Error{QStringLiteral("WRITE_FAILED"),
                                  tr("Cannot write %1: %2").arg(localPath, file->errorString()),
                                  0});
                return;
            }
            guard->succeed(bytes.value());
        });
    return result;
}

} // namespace vw::daytona
