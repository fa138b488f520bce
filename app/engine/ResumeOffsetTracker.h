#pragma once

#include "models/LogStream.h"

#include <QList>

#include <array>
#include <utility>

namespace vw::engine {

// Where a re-attach may resume reading a command's log (LogAppend::sourceOffset).
//
// The log's payload positions count stdout and stderr together, in arrival order. Each stream's
// consumer may hold back its last few bytes (half a marker, half a UTF-8 character) until the
// next piece decides what they are; those bytes are not stored yet, so resuming must start at or
// before the first of them — even when the other stream has delivered later bytes meanwhile.
// The tracker remembers where each stream's recent pieces sit in the log and turns "this stream
// holds back N bytes" into that position. Pure: no I/O.
class ResumeOffsetTracker
{
public:
    // A piece of `stream`: payload bytes [startOffset, endOffset) of the log.
    void received(LogStream stream, qint64 startOffset, qint64 endOffset);
    // The position before which every byte has been passed on, when the newest piece ended at
    // `endOffset` and the streams hold back `heldStdout` and `heldStderr` bytes (of their newest
    // pieces). Forgets the pieces no later call can need.
    qint64 safeOffset(qint64 endOffset, qint64 heldStdout, qint64 heldStderr);
    void reset();

private:
    std::array<QList<std::pair<qint64, qint64>>, 2> m_segments;
};

} // namespace vw::engine
