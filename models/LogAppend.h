#pragma once

#include "models/LogStream.h"
#include "models/Phase.h"

#include <QByteArray>

namespace vw {

// Output to add at the end of a build's log.
struct LogAppend
{
    qint64 buildId = 0;
    Phase phase = Phase::Setup;
    LogStream stream = LogStream::Stdout;
    QByteArray data;
    // The position in the source stream (e.g. the sandbox command's log) just after `data`;
    // stored as Build::logOffset in the same transaction as the bytes, so a re-attach resumes
    // exactly there. -1: leave Build::logOffset alone.
    qint64 sourceOffset = -1;
};

} // namespace vw
