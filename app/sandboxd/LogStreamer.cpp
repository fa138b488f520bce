#include "app/sandboxd/LogStreamer.h"

#include "app/sandboxd/SessionCommand.h"

#include <QTimer>

namespace vw::sandboxd {

namespace {

constexpr qint64 kPiece = 64 * 1024;
constexpr qint64 kMaxBacklog = 256 * 1024;

QByteArray joined(const QList<StreamDemuxer::Chunk> &chunks)
{
    QByteArray bytes;
    for (const auto &chunk : chunks)
        bytes.append(chunk.bytes);
    return bytes;
}

} // namespace

LogStreamer::LogStreamer(std::shared_ptr<SessionCommand> command, bool follow, bool stripMarkers,
                         Sink sink, QObject *parent)
    : QObject(parent)
    , m_command(std::move(command))
    , m_follow(follow)
    , m_stripMarkers(stripMarkers)
    , m_sink(std::move(sink))
    , m_log(m_command->logPath())
{
    // Unbuffered: every read goes to the file, which keeps growing while the command runs.
    m_log.open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    connect(m_command.get(), &SessionCommand::logAppended, this, &LogStreamer::pump);
    connect(m_command.get(), &SessionCommand::finished, this, &LogStreamer::pump);
    // The first piece goes out once the caller has finished setting the client up.
    QTimer::singleShot(0, this, &LogStreamer::pump);
}

void LogStreamer::pump()
{
    if (m_ended)
        return;
    while (m_sink.backlog() < kMaxBacklog) {
        const QByteArray piece = m_log.read(kPiece);
        if (piece.isEmpty())
            break;
        const QByteArray out = m_stripMarkers ? joined(m_demuxer.feed(piece)) : piece;
        if (!out.isEmpty())
            m_sink.write(out);
    }
    // Done when the end of the log was reached: at once for a snapshot, and for a follow once
    // the command finished (its log is then complete but for output of leftover background
    // processes).
    const bool atEnd = !m_log.isOpen() || m_log.pos() >= m_log.size();
    if (atEnd && (!m_follow || m_command->isFinished()))
        finish();
}

void LogStreamer::finish()
{
    m_ended = true;
    if (m_stripMarkers) {
        const QByteArray rest = joined(m_demuxer.finish());
        if (!rest.isEmpty())
            m_sink.write(rest);
    }
    m_sink.end();
}

} // namespace vw::sandboxd
