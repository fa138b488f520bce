#pragma once

#include "models/AsyncJob.h"
#include "models/StreamDemuxer.h"
#include "models/Utf8StreamDecoder.h"

#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <array>
#include <optional>

class QNetworkReply;
class QWebSocket;

namespace vw::daytona {

class DaytonaClient;

// Follows the output of a session command live until the command exits.
//
// Transports, tried in this order (Options::transport forces one, e.g. in tests):
// 1. WebSocket `…/logs?follow=true` (what the SDKs use): binary frames of the raw log;
// 2. the chunked HTTP stream (`GET …/logs?follow=true` without upgrade, served by runners);
// 3. polling snapshots (`GET …/logs`), of which only the bytes not yet seen are delivered.
// Whatever the transport and however often it changes, every byte is delivered exactly once:
// positions count payload bytes (stdout and stderr together, markers excluded), which are the
// same in every transport, and a new stream skips what was already delivered.
//
// Output is demultiplexed with a StreamDemuxer (markers split across frames are fine) and
// decoded as UTF-8 per stream without ever splitting a character.
//
// Resuming: Options::startOffset skips that many payload bytes (the endOffset of the last
// outputReceived() a previous follower reported), so after a restart the output continues
// where the stored log ended.
//
// The end: when the stream is over the command status is read; exited(exitCode) then
// finished() fire. On an error that no fallback can overcome (the command or session does not
// exist, authentication fails) failed(error) then finished() fire. finished() always fires
// exactly once (vw::AsyncJob); all output signals come before it.
class CommandLogFollower : public AsyncJob
{
    Q_OBJECT

public:
    enum class Transport { Auto, WebSocket, Chunked, Snapshot };
    Q_ENUM(Transport)

    struct Options
    {
        qint64 startOffset = 0;
        // Auto: WebSocket, then chunked, then snapshots. Any other value uses only that one.
        Transport transport = Transport::Auto;
        int pollIntervalMs = 500;
        // After a stream ends, how often to look for the exit code before falling back.
        int statusAttempts = 10;
        int statusIntervalMs = 200;
        // The WebSocket is pinged this often; one that shows no sign of life (frame, pong)
        // for a whole interval is taken as dropped and the next transport takes over.
        int keepAliveIntervalMs = 15'000;
        // The chunked HTTP stream is given up after this long without data (0: never).
        int streamIdleTimeoutMs = 5 * 60'000;
    };

    CommandLogFollower(DaytonaClient *client, QString sandbox, QString sessionId, QString commandId,
                       Options options, QObject *parent = nullptr);
    ~CommandLogFollower() override;

    // Starts following (the client calls it). Calling it again does nothing.
    void start();
    // Stops and finishes with the CANCELED error.
    void stop();

    // Payload bytes delivered so far, counting from the start of the log (incl. startOffset).
    qint64 offset() const { return m_delivered; }
    std::optional<int> exitCode() const { return m_exitCode; }
    Transport activeTransport() const { return m_active; }

signals:
    // Raw payload bytes of one stream; endOffset is offset() after them (store it to resume).
    void outputReceived(vw::StreamDemuxer::Stream stream, const QByteArray &bytes,
                        qint64 endOffset);
    void stdoutReceived(const QString &text);
    void stderrReceived(const QString &text);
    void transportChanged(vw::daytona::CommandLogFollower::Transport transport);
    void exited(int exitCode);
    void failed(const vw::Error &error);

private:
    void useTransport(Transport transport);
    void nextTransportAfterFailure(const Error &error);
    void startWebSocket();
    void startChunked();
    void pollSnapshot();
    void beginStream();
    void consume(QByteArrayView raw);
    void deliver(const StreamDemuxer::Chunk &chunk);
    void endOfStream();
    void checkExitCode(int attemptsLeft);
    void finishWithExitCode(int exitCode);
    void failWith(const Error &error);
    void closeStreams();
    void checkSocketAlive();

    QPointer<DaytonaClient> m_client;
    QString m_sandbox;
    QString m_sessionId;
    QString m_commandId;
    Options m_options;
    QUrl m_toolboxBase;

    bool m_started = false;
    Transport m_active = Transport::Auto;
    QWebSocket *m_socket = nullptr;
    bool m_socketConnected = false;
    bool m_closeFrameReceived = false;
    bool m_socketAlive = false;
    QTimer m_keepAlive;
    QNetworkReply *m_reply = nullptr;
    bool m_replyIsJson = false;
    int m_generation = 0; // bumps on each new stream, so late signals of old ones are ignored

    StreamDemuxer m_demuxer;
    qint64 m_streamPosition = 0; // payload position in the current stream
    qint64 m_rawSeen = 0;        // raw log bytes already fed (snapshots)
    qint64 m_delivered = 0;
    qint64 m_primed = 0;
    std::array<Utf8StreamDecoder, 2> m_decoders;
    std::optional<int> m_exitCode;
};

} // namespace vw::daytona
