#include "app/daytona/CommandLogFollower.h"

#include "app/daytona/DaytonaClient.h"
#include "app/daytona/ErrorParser.h"
#include "models/Log.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QWebSocket>

namespace vw::daytona {
namespace {

QString transportName(CommandLogFollower::Transport transport)
{
    switch (transport) {
    case CommandLogFollower::Transport::WebSocket:
        return QStringLiteral("websocket");
    case CommandLogFollower::Transport::Chunked:
        return QStringLiteral("chunked");
    case CommandLogFollower::Transport::Snapshot:
        return QStringLiteral("snapshot");
    case CommandLogFollower::Transport::Auto:
        break;
    }
    return QStringLiteral("auto");
}

// Errors no other transport can overcome: the server has answered clearly.
bool isFinalError(const Error &error)
{
    return error.httpStatus == 401 || error.httpStatus == 403 || error.httpStatus == 404 ||
           error.httpStatus == 410;
}

} // namespace

CommandLogFollower::CommandLogFollower(DaytonaClient *client, QString sandbox, QString sessionId,
                                       QString commandId, Options options, QObject *parent)
    : AsyncJob(parent)
    , m_client(client)
    , m_sandbox(std::move(sandbox))
    , m_sessionId(std::move(sessionId))
    , m_commandId(std::move(commandId))
    , m_options(options)
    , m_delivered(qMax<qint64>(0, options.startOffset))
{
    connect(&m_keepAlive, &QTimer::timeout, this, &CommandLogFollower::checkSocketAlive);
    // However it ends (including cancel() from a client going away), no stream stays open.
    connect(this, &AsyncJob::finished, this, [this] { closeStreams(); });
}

CommandLogFollower::~CommandLogFollower()
{
    closeStreams();
}

void CommandLogFollower::start()
{
    if (m_started || isFinished())
        return;
    m_started = true;
    if (!m_client) {
        failWith(Error{QStringLiteral("CANCELED"), tr("The Daytona client is gone."), 0});
        return;
    }
    m_client->toolboxBaseUrl(m_sandbox)->onResult(this, [this](const Result<QUrl> &base) {
        if (!base) {
            failWith(base.error());
            return;
        }
        m_toolboxBase = base.value();
        useTransport(m_options.transport == Transport::Auto ? Transport::WebSocket
                                                            : m_options.transport);
    });
}

void CommandLogFollower::stop()
{
    closeStreams();
    cancel();
}

void CommandLogFollower::closeStreams()
{
    ++m_generation;
    m_keepAlive.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
}

void CommandLogFollower::useTransport(Transport transport)
{
    if (isFinished())
        return;
    closeStreams();
    if (m_active != transport) {
        m_active = transport;
        vw::log::get("daytona")->debug("following {} over {}", m_commandId,
                                       transportName(transport));
        emit transportChanged(transport);
    }
    switch (transport) {
    case Transport::Auto:
    case Transport::WebSocket:
        startWebSocket();
        break;
    case Transport::Chunked:
        startChunked();
        break;
    case Transport::Snapshot:
        beginStream();
        pollSnapshot();
        break;
    }
}

void CommandLogFollower::nextTransportAfterFailure(const Error &error)
{
    if (isFinished())
        return;
    const bool forced = m_options.transport != Transport::Auto;
    if (forced || isFinalError(error) || m_active == Transport::Snapshot) {
        failWith(error);
        return;
    }
    vw::log::get("daytona")->info("log stream over {} failed ({}), falling back",
                                  transportName(m_active), error.toString());
    useTransport(m_active == Transport::WebSocket ? Transport::Chunked : Transport::Snapshot);
}

static QUrl logsUrl(const QUrl &base, const QString &sessionId, const QString &commandId,
                    bool follow)
{
    return ApiTransport::appendPath(
        base,
        {QStringLiteral("process"), QStringLiteral("session"), sessionId, QStringLiteral("command"),
         commandId, QStringLiteral("logs")},
        follow ? QList<QPair<QString, QString>>{{QStringLiteral("follow"), QStringLiteral("true")}}
               : QList<QPair<QString, QString>>{});
}

void CommandLogFollower::beginStream()
{
    // Each stream (and the first snapshot) starts at the beginning of the log.
    m_demuxer = StreamDemuxer();
    m_streamPosition = 0;
    m_rawSeen = 0;
}

void CommandLogFollower::startWebSocket()
{
    beginStream();
    QUrl url = logsUrl(m_toolboxBase, m_sessionId, m_commandId, true);
    url.setScheme(url.scheme() == QStringLiteral("https") ? QStringLiteral("wss")
                                                          : QStringLiteral("ws"));
    // Silence is normal while a command works; the socket's own errors end a dead stream.
    const QNetworkRequest request = m_client->transport()->makeRequest(url, true, -1);
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socketConnected = false;
    m_closeFrameReceived = false;
    const int generation = m_generation;
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_socketConnected = true;
        m_socketAlive = true;
    });
    connect(m_socket, &QWebSocket::pong, this, [this] { m_socketAlive = true; });
    // The output is complete only when the server says so with a close frame. A dropped
    // connection also ends in disconnected(), with closeCode() still at its default (1000), and
    // would otherwise pass for the end of the output. aboutToClose() fires for the closing
    // handshake only (we never close a socket we still listen to).
    connect(m_socket, &QWebSocket::aboutToClose, this, [this] { m_closeFrameReceived = true; });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &frame) {
        m_socketAlive = true;
        consume(frame);
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &frame) {
        m_socketAlive = true;
        consume(frame.toUtf8());
    });
    connect(m_socket, &QWebSocket::disconnected, this, [this, generation] {
        if (generation != m_generation)
            return;
        const bool normal = m_socketConnected && m_closeFrameReceived &&
                            m_socket->closeCode() == QWebSocketProtocol::CloseCodeNormal;
        const QString reason = m_socket->errorString();
        m_socket->deleteLater();
        m_socket = nullptr;
        if (normal) {
            endOfStream();
        } else {
            nextTransportAfterFailure(
                Error{ErrorParser::kNetwork,
                      tr("The log WebSocket closed unexpectedly: %1").arg(reason), 0});
        }
    });
    m_socket->open(request);
    // A half-open connection (a NAT or proxy that dropped it silently) sends no error, ever:
    // ping, and give up on a socket that showed no sign of life for a whole interval.
    m_socketAlive = false;
    m_keepAlive.start(m_options.keepAliveIntervalMs);
}

void CommandLogFollower::checkSocketAlive()
{
    if (!m_socket) {
        m_keepAlive.stop();
        return;
    }
    if (!m_socketAlive) {
        vw::log::get("daytona")->info("log WebSocket of {} silent for {} ms, dropping it",
                                      m_commandId, m_options.keepAliveIntervalMs);
        QWebSocket *socket = m_socket;
        m_socket = nullptr;
        m_keepAlive.stop();
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        nextTransportAfterFailure(
            Error{ErrorParser::kTimeout, tr("The log WebSocket stopped answering."), 0});
        return;
    }
    m_socketAlive = false;
    if (m_socketConnected)
        m_socket->ping();
}

void CommandLogFollower::startChunked()
{
    beginStream();
    // A silent command keeps the stream silent too; after streamIdleTimeoutMs without data the
    // stream is given up (a half-open connection looks the same) and snapshots take over.
    const QNetworkRequest request = m_client->transport()->makeRequest(
        logsUrl(m_toolboxBase, m_sessionId, m_commandId, true), true,
        m_options.streamIdleTimeoutMs > 0 ? m_options.streamIdleTimeoutMs : -1);
    m_reply = m_client->transport()->network()->get(request);
    m_replyIsJson = false;
    const int generation = m_generation;
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        m_replyIsJson =
            m_reply->header(QNetworkRequest::ContentTypeHeader).toByteArray().contains("json");
    });
    connect(m_reply, &QIODevice::readyRead, this, [this] {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        // Error bodies and whole JSON snapshots are read at the end.
        if (status >= 200 && status < 300 && !m_replyIsJson)
            consume(m_reply->readAll());
    });
    connect(m_reply, &QNetworkReply::finished, this, [this, generation] {
        if (generation != m_generation)
            return;
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300 && reply->error() == QNetworkReply::NoError) {
            const QByteArray rest = reply->readAll();
            if (m_replyIsJson) {
                // A server that answers follow with a snapshot: take it, then see what's next.
                auto logs = CommandLogs::fromBody(rest, "application/json");
                if (!logs) {
                    nextTransportAfterFailure(logs.error());
                    return;
                }
                consume(logs.value().raw);
            } else {
                consume(rest);
            }
            endOfStream();
            return;
        }
        // We never abort a reply we still listen to, so a cancel is Qt's transfer timeout.
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError;
        const Error error =
            status > 0 ? ErrorParser::fromHttp(status, reply->readAll())
                       : ErrorParser::fromNetwork(reply->error(), reply->errorString(), timedOut);
        nextTransportAfterFailure(error);
    });
}

void CommandLogFollower::pollSnapshot()
{
    if (isFinished() || !m_client)
        return;
    const int generation = m_generation;
    // Status first: if the command had exited before the snapshot is taken, the snapshot holds
    // all of its output and this is the last round.
    m_client->commandStatus(m_sandbox, m_sessionId, m_commandId)
        ->onResult(this, [this, generation](const Result<Command> &status) {
            if (generation != m_generation || isFinished())
                return;
            if (!status) {
                failWith(status.error());
                return;
            }
            const std::optional<int> exitCode = status.value().exitCode;
            m_client->commandLogs(m_sandbox, m_sessionId, m_commandId)
                ->onResult(this, [this, generation, exitCode](const Result<CommandLogs> &logs) {
                    if (generation != m_generation || isFinished())
                        return;
                    if (!logs) {
                        failWith(logs.error());
                        return;
                    }
                    const QByteArray &raw = logs.value().raw;
                    if (raw.size() < m_rawSeen) {
                        failWith(ErrorParser::invalidResponse(tr("the command log shrank")));
                        return;
                    }
                    consume(QByteArrayView(raw).sliced(m_rawSeen));
                    if (exitCode) {
                        for (const auto &chunk : m_demuxer.finish())
                            deliver(chunk);
                        finishWithExitCode(*exitCode);
                        return;
                    }
                    QTimer::singleShot(m_options.pollIntervalMs, this, [this, generation] {
                        if (generation == m_generation)
                            pollSnapshot();
                    });
                });
        });
}

void CommandLogFollower::consume(QByteArrayView raw)
{
    m_rawSeen += raw.size();
    for (const auto &chunk : m_demuxer.feed(raw))
        deliver(chunk);
}

void CommandLogFollower::deliver(const StreamDemuxer::Chunk &chunk)
{
    const qint64 begin = m_streamPosition;
    const qint64 end = begin + chunk.bytes.size();
    m_streamPosition = end;
    Utf8StreamDecoder &decoder = m_decoders[static_cast<int>(chunk.stream)];

    // Bytes before the resume offset were delivered by an earlier follower; only their last
    // few bytes matter here: they may start a character the next delivered bytes complete.
    const qint64 primeEnd = qMin(end, qMax(m_delivered, m_options.startOffset));
    if (begin >= m_primed && begin < m_options.startOffset && primeEnd > begin) {
        const qint64 from = qMax(begin, primeEnd - 4);
        decoder.decode(QByteArrayView(chunk.bytes).sliced(from - begin, primeEnd - from));
        m_primed = primeEnd;
    }
    if (end <= m_delivered)
        return;
    const qint64 skip = qMax<qint64>(0, m_delivered - begin);
    const QByteArray fresh = skip > 0 ? chunk.bytes.sliced(skip) : chunk.bytes;
    m_delivered = end;
    emit outputReceived(chunk.stream, fresh, m_delivered);
    const QString text = decoder.decode(fresh);
    if (text.isEmpty())
        return;
    if (chunk.stream == StreamDemuxer::Stream::Stdout)
        emit stdoutReceived(text);
    else
        emit stderrReceived(text);
}

void CommandLogFollower::endOfStream()
{
    for (const auto &chunk : m_demuxer.finish())
        deliver(chunk);
    checkExitCode(m_options.statusAttempts);
}

void CommandLogFollower::checkExitCode(int attemptsLeft)
{
    if (isFinished() || !m_client)
        return;
    const int generation = m_generation;
    m_client->commandStatus(m_sandbox, m_sessionId, m_commandId)
        ->onResult(this, [this, generation, attemptsLeft](const Result<Command> &status) {
            if (generation != m_generation || isFinished())
                return;
            if (!status) {
                failWith(status.error());
                return;
            }
            if (status.value().exitCode) {
                finishWithExitCode(*status.value().exitCode);
                return;
            }
            if (attemptsLeft > 1) {
                QTimer::singleShot(m_options.statusIntervalMs, this,
                                   [this, attemptsLeft, generation] {
                                       if (generation == m_generation)
                                           checkExitCode(attemptsLeft - 1);
                                   });
                return;
            }
            // The stream ended but the command runs on (a server closing early): keep going
            // with the same transport when forced, else with snapshots.
            vw::log::get("daytona")->info("log stream of {} ended while it still runs",
                                          m_commandId);
            useTransport(m_options.transport == Transport::Auto ? Transport::Snapshot
                                                                : m_options.transport);
        });
}

void CommandLogFollower::finishWithExitCode(int exitCode)
{
    closeStreams();
    // Characters cut off at the very end of the output become U+FFFD rather than vanish.
    const QString restOut = m_decoders[0].flush();
    if (!restOut.isEmpty())
        emit stdoutReceived(restOut);
    const QString restErr = m_decoders[1].flush();
    if (!restErr.isEmpty())
        emit stderrReceived(restErr);
    m_exitCode = exitCode;
    emit exited(exitCode);
    completeSuccessfully();
}

void CommandLogFollower::failWith(const Error &error)
{
    if (isFinished())
        return;
    closeStreams();
    vw::log::get("daytona")->warn("following command {} failed: {}", m_commandId, error.toString());
    emit failed(error);
    fail(error);
}

} // namespace vw::daytona
