#pragma once

#include "models/StreamDemuxer.h"

#include <QFile>
#include <QObject>

#include <functional>
#include <memory>

namespace vw::sandboxd {

class SessionCommand;

// Sends a command's log to one client as it grows: reads output.log from where it left off in
// bounded pieces, only while the client's send buffer has room, so a slow client or a huge log
// never piles up in memory. With `follow` it ends once the command has finished and every byte
// was sent; without, at the current end of the log.
class LogStreamer : public QObject
{
    Q_OBJECT

public:
    struct Sink
    {
        std::function<void(const QByteArray &)> write;
        // Bytes written but not yet handed to the network.
        std::function<qint64()> backlog;
        std::function<void()> end;
    };

    LogStreamer(std::shared_ptr<SessionCommand> command, bool follow, bool stripMarkers, Sink sink,
                QObject *parent);

    // Sends what the log and the client's buffer allow; call again when the client drained.
    void pump();

private:
    void finish();

    std::shared_ptr<SessionCommand> m_command;
    bool m_follow;
    bool m_stripMarkers;
    Sink m_sink;
    QFile m_log;
    StreamDemuxer m_demuxer;
    bool m_ended = false;
};

} // namespace vw::sandboxd
