#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace vw::sandboxd {

// Turns one output stream of a command (stdout or stderr) into the daemon's log records:
// `<marker><line>\n` for every line, emitted when its newline arrives; at the end a partial
// last line still gets its `\n` (daytona-api.md §3.5).
//
// Memory stays bounded: a line longer than maxLineBytes (default 16 MiB) is written in pieces,
// each behind its own marker. A demuxer joins them back byte for byte, because a marker only
// says which stream the following bytes belong to.
class LogLineFramer
{
public:
    static constexpr qsizetype kDefaultMaxLineBytes = 16 * 1024 * 1024;

    explicit LogLineFramer(QByteArrayView marker, qsizetype maxLineBytes = kDefaultMaxLineBytes);

    // The records completed by this piece of output (possibly none).
    QByteArray feed(QByteArrayView data);
    // The record for a pending partial line, terminated by `\n`; empty if nothing is pending.
    QByteArray finish();

    qsizetype pendingBytes() const { return m_pending.size(); }

private:
    QByteArray m_marker;
    qsizetype m_maxLineBytes;
    QByteArray m_pending;
    // A piece of the current line was already written (without its newline).
    bool m_lineOpen = false;
};

} // namespace vw::sandboxd
