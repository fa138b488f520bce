#include "app/automation/HttpApiServer.h"

#include "app/automation/BuildApiJson.h"
#include "app/automation/BuildApiRequests.h"
#include "app/automation/BuildEventStream.h"
#include "app/automation/CctrayFeed.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "app/engine/EngineSession.h"
#include "models/BuildStore.h"
#include "models/Log.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>
#include <QWebSocket>

#include <limits>
#include <memory>

namespace vw::automation {

namespace {

// The header `name` (case-insensitive, as HTTP header names are).
QByteArray header(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

const HttpApiReply::Headers kChallenges = {
    {"WWW-Authenticate", "Bearer realm=\"vaporwatch\""},
    {"WWW-Authenticate", "Basic realm=\"vaporwatch\", charset=\"UTF-8\""},
};

int statusOf(const Error &error)
{
    if (error.code == QLatin1String("NOT_FOUND"))
        return 404;
    if (error.httpStatus >= 400 && error.httpStatus < 500)
        return error.httpStatus;
    return 500;
}

// The Host a client used, for links back to this server; the listening address otherwise.
QString baseUrlFor(const QHttpServerRequest &request, const QString &fallback)
{
    static const QRegularExpression host(QStringLiteral("^[A-Za-z0-9.\\-\\[\\]:]+$"));
    const QString value = QString::fromLatin1(header(request, "Host")).trimmed();
    return host.match(value).hasMatch() ? QStringLiteral("http://") + value : fallback;
}

} // namespace

HttpApiServer::HttpApiServer(engine::EngineSession *session, const QString &token, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_auth(token.toUtf8())
{
    // The stream's route handles WebSocket upgrades (by not answering them: QHttpServer then
    // upgrades the connection) and plain GETs of the same path; everything else is routed here.
    m_http.route(QStringLiteral("/workspace/build/<arg>/stream"),
                 [this](const QString &id, const QHttpServerRequest &request,
                        QHttpServerResponder &&responder) {
                     handleStream(id, request, std::move(responder));
                 });
    m_http.setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handle(request, HttpApiReply::create(std::move(responder)));
        });
    connect(&m_http, &QAbstractHttpServer::newWebSocketConnection, this,
            &HttpApiServer::acceptWebSockets);
}

HttpApiServer::~HttpApiServer() = default;

Result<quint16> HttpApiServer::listen(const QHostAddress &address, quint16 port)
{
    auto *server = new QTcpServer(this);
    if (!server->listen(address, port)) {
        const QString why = server->errorString();
        delete server;
        return Error{
            QStringLiteral("LISTEN"),
            tr("Cannot listen on %1 port %2: %3").arg(address.toString()).arg(port).arg(why)};
    }
    m_http.bind(server);
    m_address = address;
    m_port = server->serverPort();
    return m_port;
}

QString HttpApiServer::baseUrl() const
{
    QHostAddress shown = m_address;
    if (shown == QHostAddress::Any || shown == QHostAddress::AnyIPv4)
        shown = QHostAddress::LocalHost;
    else if (shown == QHostAddress::AnyIPv6)
        shown = QHostAddress::LocalHostIPv6;
    const QString host = shown.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(shown.toString())
                             : shown.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(m_port);
}

bool HttpApiServer::admit(const QHttpServerRequest &request, const Reply &reply) const
{
    switch (m_auth.check(header(request, "Authorization"))) {
    case HttpApiAuth::Outcome::Granted:
        return true;
    case HttpApiAuth::Outcome::Missing:
        reply->sendError(401,
                         tr("Authentication required: send the API token as "
                            "`Authorization: Bearer TOKEN`"),
                         kChallenges);
        return false;
    case HttpApiAuth::Outcome::WrongScheme:
        reply->sendError(401,
                         tr("Unsupported authorization scheme: use `Authorization: Bearer TOKEN` "
                            "(or Basic with the token as the password)"),
                         kChallenges);
        return false;
    case HttpApiAuth::Outcome::Invalid:
        reply->sendError(401, tr("Invalid API token"), kChallenges);
        return false;
    }
    return false;
}

void HttpApiServer::handle(const QHttpServerRequest &request, const Reply &reply)
{
    const QString path = request.url().path();
    log::get("http")->debug("{} {}", int(request.method()), path.toStdString());
    if (!admit(request, reply))
        return;
    const QStringList segments = path.split(u'/', Qt::SkipEmptyParts);
    const bool isGet = request.method() == QHttpServerRequest::Method::Get;
    const auto onlyGet = [&reply, isGet] {
        if (!isGet)
            reply->sendError(405, tr("Only GET is allowed here"), {{"Allow", "GET"}});
        return isGet;
    };
    const QUrlQuery query(request.url());

    if (segments == QStringList{QStringLiteral("cctray.xml")}) {
        if (onlyGet())
            cctray(baseUrlFor(request, baseUrl()), reply);
        return;
    }
    if (segments.size() == 3 && segments.at(0) == QLatin1String("workspace") &&
        segments.at(1) == QLatin1String("build") && segments.at(2) == QLatin1String("create")) {
        if (request.method() != QHttpServerRequest::Method::Post)
            return reply->sendError(405, tr("Use POST to create a build"), {{"Allow", "POST"}});
        return createBuild(request.body(), reply);
    }
    if (segments.size() == 4 && segments.at(0) == QLatin1String("workspace") &&
        segments.at(1) == QLatin1String("build")) {
        const QString &action = segments.at(3);
        if (action != QLatin1String("details") && action != QLatin1String("events") &&
            action != QLatin1String("logs"))
            return reply->sendError(404, tr("No such endpoint: %1").arg(path));
        if (!onlyGet())
            return;
        const std::optional<qint64> id = BuildApiRequests::id(segments.at(2));
        if (!id)
            return reply->sendError(404, tr("There is no build %1").arg(segments.at(2)));
        if (action == QLatin1String("details"))
            return buildDetails(*id, query, reply);
        if (action == QLatin1String("events"))
            return buildEvents(*id, query, reply);
        return buildLogs(*id, query, reply);
    }
    if (segments.size() == 4 && segments.at(0) == QLatin1String("workspace") &&
        segments.at(1) == QLatin1String("builds") && segments.at(3) == QLatin1String("detailed")) {
        if (!onlyGet())
            return;
        const std::optional<qint64> id = BuildApiRequests::id(segments.at(2));
        if (!id)
            return reply->sendError(404, tr("There is no project %1").arg(segments.at(2)));
        return projectBuilds(*id, query, reply);
    }
    reply->sendError(404, tr("No such endpoint: %1").arg(path));
}

// ---- builds ---------------------------------------------------------------------------------

void HttpApiServer::findBuild(qint64 buildId, const Reply &reply,
                              std::function<void(const Build &)> then)
{
    m_session->store()->build(buildId)->onResult(this, [reply, buildId,
                                                        then](const Result<Build> &build) {
        if (!build) {
            reply->sendError(statusOf(build.error()), statusOf(build.error()) == 404
                                                          ? tr("There is no build %1").arg(buildId)
                                                          : build.error().message);
            return;
        }
        then(build.value());
    });
}

void HttpApiServer::withLogTails(const Build &build, qint64 tailBytes,
                                 std::function<void(const QJsonObject &)> then, QObject *context)
{
    BuildStore *store = m_session->store();
    store->logSizes(build.id)->onResult(
        context, [store, build, tailBytes, then, context](const Result<LogSizes> &sizes) {
            struct Pending
            {
                QList<BuildApiJson::LogTail> tails;
                int waiting = 0;
            };
            auto pending = std::make_shared<Pending>();
            const QList<LogKind> kinds{LogKind::InstallLog, LogKind::BuildLog, LogKind::LiveOutput};
            pending->tails.resize(kinds.size());
            pending->waiting = int(kinds.size());
            for (qsizetype i = 0; i < kinds.size(); ++i) {
                const LogKind kind = kinds.at(i);
                const LogSelection selection = logSelection(kind);
                const qint64 size = sizes ? sizes.value().size(selection) : 0;
                const qint64 offset = std::max<qint64>(0, size - tailBytes);
                pending->tails[i].kind = kind;
                store->readLog(build.id, selection, offset, tailBytes)
                    ->onResult(context, [pending, i, kind, build, then](const Result<LogSlice> &s) {
                        if (s)
                            pending->tails[i] = BuildApiJson::tail(kind, s.value());
                        if (--pending->waiting == 0)
                            then(BuildApiJson::buildWithLogs(build, pending->tails));
                    });
            }
        });
}

void HttpApiServer::createBuild(const QByteArray &body, const Reply &reply)
{
    const Result<CreateBuildRequest> parsed = BuildApiRequests::createBuild(body);
    if (!parsed)
        return reply->sendError(400, parsed.error().message);
    const CreateBuildRequest request = parsed.value();
    engine::BuildManager::StartOptions options;
    options.trigger = request.trigger;
    options.clean = request.clean;
    options.metadata = request.metadata;
    const auto start = [this, reply, options](const QString &sandbox, const QString &directory) {
        m_session->manager()
            ->startBuild(sandbox, directory, options)
            ->onResult(this, [reply](const Result<Build> &build) {
                if (!build)
                    return reply->sendError(
                        statusOf(build.error()),
                        tr("The build did not start: %1").arg(build.error().message));
                reply->sendJson(201, BuildApiJson::build(build.value()),
                                {{"Location", QStringLiteral("/workspace/build/%1/details")
                                                  .arg(build.value().id)
                                                  .toUtf8()}});
            });
    };
    if (!request.projectId)
        return start(request.workspace, request.projectDirectory);
    m_session->store()
        ->project(*request.projectId)
        ->onResult(this, [reply, request, start](const Result<Project> &project) {
            if (!project) {
                if (statusOf(project.error()) == 404)
                    return reply->sendError(
                        404, tr("There is no project %1 (give its id, or its directory in the "
                                "sandbox as projectId)")
                                 .arg(*request.projectId));
                return reply->sendError(500, project.error().message);
            }
            const Project &p = project.value();
            if (request.workspace != p.sandboxId && request.workspace != p.sandboxName)
                return reply->sendError(
                    400, tr("workspaceId %1 does not match project %2, which is in sandbox %3")
                             .arg(request.workspace)
                             .arg(p.id)
                             .arg(p.sandboxName.isEmpty() || p.sandboxName == p.sandboxId
                                      ? p.sandboxId
                                      : QStringLiteral("%1 (%2)").arg(p.sandboxName, p.sandboxId)));
            start(p.sandboxId, p.directory);
        });
}

void HttpApiServer::buildDetails(qint64 buildId, const QUrlQuery &query, const Reply &reply)
{
    const Result<qint64> tailBytes = BuildApiRequests::number(query, QStringLiteral("log_bytes"),
                                                              BuildApiRequests::kDefaultTailBytes,
                                                              0, BuildApiRequests::kMaxTailBytes);
    if (!tailBytes)
        return reply->sendError(400, tailBytes.error().message);
    findBuild(buildId, reply, [this, reply, tailBytes = tailBytes.value()](const Build &build) {
        withLogTails(
            build, tailBytes,
            [this, reply, buildId = build.id](const QJsonObject &json) {
                m_session->store()->events(buildId)->onResult(
                    this, [reply, json](const Result<QList<BuildEvent>> &events) {
                        if (!events)
                            return reply->sendError(500, events.error().message);
                        QJsonArray array;
                        for (const BuildEvent &event : events.value())
                            array.append(BuildApiJson::event(event));
                        QJsonObject details = json;
                        details.insert(QStringLiteral("events"), array);
                        reply->sendJson(200, details);
                    });
            },
            this);
    });
}

void HttpApiServer::buildEvents(qint64 buildId, const QUrlQuery &query, const Reply &reply)
{
    const Result<qint64> after = BuildApiRequests::number(query, QStringLiteral("after"), 0, 0,
                                                          std::numeric_limits<qint64>::max());
    if (!after)
        return reply->sendError(400, after.error().message);
    const Result<qint64> limit =
        BuildApiRequests::number(query, QStringLiteral("limit"), 0, 0, 10'000);
    if (!limit)
        return reply->sendError(400, limit.error().message);
    findBuild(buildId, reply,
              [this, reply, after = after.value(), limit = limit.value()](const Build &build) {
                  m_session->store()
                      ->events(build.id, after, int(limit))
                      ->onResult(this, [reply, build](const Result<QList<BuildEvent>> &events) {
                          if (!events)
                              return reply->sendError(500, events.error().message);
                          QJsonArray array;
                          for (const BuildEvent &event : events.value())
                              array.append(BuildApiJson::event(event));
                          reply->sendJson(
                              200, {{QStringLiteral("build_id"), build.id},
                                    {QStringLiteral("status"), buildStatusName(build.status)},
                                    {QStringLiteral("finished"), build.isFinished()},
                                    {QStringLiteral("events"), array}});
                      });
              });
}

void HttpApiServer::buildLogs(qint64 buildId, const QUrlQuery &query, const Reply &reply)
{
    const Result<LogSelection> selection = BuildApiRequests::logSelection(query);
    if (!selection)
        return reply->sendError(400, selection.error().message);
    const Result<qint64> offset = BuildApiRequests::number(query, QStringLiteral("offset"), 0, 0,
                                                           std::numeric_limits<qint64>::max());
    if (!offset)
        return reply->sendError(400, offset.error().message);
    const Result<qint64> length = BuildApiRequests::number(query, QStringLiteral("length"),
                                                           BuildApiRequests::kDefaultRangeBytes, 1,
                                                           BuildApiRequests::kMaxRangeBytes);
    if (!length)
        return reply->sendError(400, length.error().message);
    findBuild(buildId, reply,
              [this, reply, selection = selection.value(), offset = offset.value(),
               length = length.value()](const Build &build) {
                  m_session->store()
                      ->readLog(build.id, selection, offset, length)
                      ->onResult(this, [reply, build](const Result<LogSlice> &slice) {
                          if (!slice)
                              return reply->sendError(500, slice.error().message);
                          const LogSlice &s = slice.value();
                          reply->sendBytes(
                              200, s.bytes(), "text/plain; charset=utf-8",
                              {{"X-Log-Offset", QByteArray::number(s.offset)},
                               {"X-Log-Next-Offset", QByteArray::number(s.end())},
                               {"X-Log-Size", QByteArray::number(s.totalSize)},
                               {"X-Build-Finished", build.isFinished() ? "true" : "false"}});
                      });
              });
}

void HttpApiServer::projectBuilds(qint64 projectId, const QUrlQuery &query, const Reply &reply)
{
    const Result<qint64> limit = BuildApiRequests::number(query, QStringLiteral("limit"),
                                                          BuildApiRequests::kDefaultListLimit, 1,
                                                          BuildApiRequests::kMaxListLimit);
    if (!limit)
        return reply->sendError(400, limit.error().message);
    const Result<qint64> tailBytes = BuildApiRequests::number(query, QStringLiteral("log_bytes"),
                                                              BuildApiRequests::kListTailBytes, 0,
                                                              BuildApiRequests::kMaxTailBytes);
    if (!tailBytes)
        return reply->sendError(400, tailBytes.error().message);
    BuildStore *store = m_session->store();
    store->project(projectId)->onResult(
        this, [this, reply, store, projectId, limit = limit.value(),
               tailBytes = tailBytes.value()](const Result<Project> &project) {
            if (!project)
                return reply->sendError(statusOf(project.error()),
                                        statusOf(project.error()) == 404
                                            ? tr("There is no project %1").arg(projectId)
                                            : project.error().message);
            BuildQuery q;
            q.projectId = projectId;
            q.limit = int(limit);
            store->builds(q)->onResult(
                this, [this, reply, projectId, tailBytes](const Result<BuildPage> &page) {
                    if (!page)
                        return reply->sendError(500, page.error().message);
                    struct Pending
                    {
                        QList<QJsonObject> builds;
                        qsizetype waiting = 0;
                    };
                    auto pending = std::make_shared<Pending>();
                    const QList<Build> &builds = page.value().builds;
                    const qint64 total = page.value().total;
                    const auto answer = [reply, projectId, total, pending] {
                        QJsonArray array;
                        for (const QJsonObject &build : pending->builds)
                            array.append(build);
                        reply->sendJson(200, {{QStringLiteral("project_id"), projectId},
                                              {QStringLiteral("total"), total},
                                              {QStringLiteral("builds"), array}});
                    };
                    if (builds.isEmpty())
                        return answer();
                    pending->builds.resize(builds.size());
                    pending->waiting = builds.size();
                    for (qsizetype i = 0; i < builds.size(); ++i) {
                        withLogTails(
                            builds.at(i), tailBytes,
                            [pending, i, answer](const QJsonObject &json) {
                                pending->builds[i] = json;
                                if (--pending->waiting == 0)
                                    answer();
                            },
                            this);
                    }
                });
        });
}

// ---- cctray ---------------------------------------------------------------------------------

void HttpApiServer::cctray(const QString &baseUrl, const Reply &reply)
{
    BuildStore *store = m_session->store();
    store->projects()->onResult(this, [this, store, reply,
                                       baseUrl](const Result<QList<Project>> &projects) {
        if (!projects)
            return reply->sendError(500, projects.error().message);
        struct Pending
        {
            QList<CctrayFeed::Entry> entries;
            qsizetype waiting = 0;
        };
        auto pending = std::make_shared<Pending>();
        const auto answer = [reply, pending, baseUrl] {
            reply->sendBytes(200, CctrayFeed::document(pending->entries, baseUrl),
                             "application/xml; charset=utf-8");
        };
        if (projects.value().isEmpty())
            return answer();
        pending->waiting = projects.value().size() * 2;
        for (const Project &project : projects.value()) {
            const qsizetype i = pending->entries.size();
            pending->entries.append(CctrayFeed::Entry{project, std::nullopt, std::nullopt});
            BuildQuery newest;
            newest.projectId = project.id;
            newest.limit = 1;
            newest.countTotal = false;
            BuildQuery verdict = newest;
            verdict.statuses = CctrayFeed::verdictStatuses();
            for (const bool isVerdict : {false, true}) {
                store->builds(isVerdict ? verdict : newest)
                    ->onResult(this, [pending, i, isVerdict, answer](const Result<BuildPage> &p) {
                        if (p && !p.value().builds.isEmpty())
                            (isVerdict ? pending->entries[i].verdict : pending->entries[i].newest) =
                                p.value().builds.first();
                        if (--pending->waiting == 0)
                            answer();
                    });
            }
        }
    });
}

// ---- the stream -----------------------------------------------------------------------------

void HttpApiServer::handleStream(const QString &id, const QHttpServerRequest &request,
                                 QHttpServerResponder &&responder)
{
    const bool upgrade = header(request, "Upgrade").trimmed().toLower() == "websocket";
    if (upgrade && m_auth.check(header(request, "Authorization")) == HttpApiAuth::Outcome::Granted)
        return; // not answered: QHttpServer hands the connection to acceptWebSockets()
    const Reply reply = HttpApiReply::create(std::move(responder));
    if (!admit(request, reply))
        return;
    if (request.method() != QHttpServerRequest::Method::Get)
        return reply->sendError(405, tr("Only GET is allowed here"), {{"Allow", "GET"}});
    const std::optional<qint64> buildId = BuildApiRequests::id(id);
    if (!buildId)
        return reply->sendError(404, tr("There is no build %1").arg(id));
    streamOverHttp(*buildId, reply);
}

void HttpApiServer::streamOverHttp(qint64 buildId, const Reply &reply)
{
    // Newline-delimited JSON in chunks (`curl -N`), the same messages as over the WebSocket.
    auto *stream =
        new BuildEventStream(m_session->store(), m_session->hub(), buildId, reply->socket());
    auto begun = std::make_shared<bool>(false);
    connect(stream, &BuildEventStream::message, stream, [reply, begun](const QByteArray &json) {
        if (!*begun) {
            reply->beginChunked(200, "application/x-ndjson; charset=utf-8");
            *begun = true;
        }
        reply->writeChunk(json + '\n');
    });
    connect(stream, &BuildEventStream::failed, stream,
            [reply, stream, begun](int status, const QString &message) {
                if (*begun) { // the status line is out: the error becomes the last message
                    reply->writeChunk(QJsonDocument(BuildApiJson::error(status, message))
                                          .toJson(QJsonDocument::Compact) +
                                      '\n');
                    reply->endChunked();
                } else {
                    reply->sendError(status, message);
                }
                stream->deleteLater();
            });
    connect(stream, &BuildEventStream::finished, stream, [reply, stream] {
        reply->endChunked();
        stream->deleteLater();
    });
    stream->start();
}

void HttpApiServer::acceptWebSockets()
{
    while (m_http.hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_http.nextPendingWebSocketConnection();
        if (!socket)
            break;
        QWebSocket *ws = socket.release();
        ws->setParent(this);
        connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
        streamOverWebSocket(ws);
    }
}

void HttpApiServer::streamOverWebSocket(QWebSocket *socket)
{
    // Only authorized upgrades of /workspace/build/{id}/stream get here (handleStream).
    const QStringList segments = socket->requestUrl().path().split(u'/', Qt::SkipEmptyParts);
    const std::optional<qint64> buildId =
        segments.size() == 4 ? BuildApiRequests::id(segments.at(2)) : std::nullopt;
    const auto refuse = [socket](int status, const QString &message) {
        socket->sendTextMessage(QString::fromUtf8(
            QJsonDocument(
                QJsonObject{{QStringLiteral("type"), QStringLiteral("error")},
                            {QStringLiteral("error"),
                             BuildApiJson::error(status, message).value(QStringLiteral("error"))}})
                .toJson(QJsonDocument::Compact)));
        // 4000 + the HTTP status: close codes 4000–4999 are the application's own.
        socket->close(static_cast<QWebSocketProtocol::CloseCode>(4000 + status), message);
    };
    if (!buildId)
        return refuse(404, tr("There is no build %1").arg(segments.value(2)));
    auto *stream = new BuildEventStream(m_session->store(), m_session->hub(), *buildId, socket);
    connect(stream, &BuildEventStream::message, socket,
            [socket](const QByteArray &json) { socket->sendTextMessage(QString::fromUtf8(json)); });
    connect(stream, &BuildEventStream::failed, socket, refuse);
    connect(stream, &BuildEventStream::finished, socket,
            [socket] { socket->close(QWebSocketProtocol::CloseCodeNormal, tr("build finished")); });
    stream->start();
}

} // namespace vw::automation
