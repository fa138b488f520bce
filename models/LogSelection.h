#pragma once

#include "models/LogStream.h"
#include "models/Phase.h"

#include <optional>

namespace vw {

// A part of one build's output: all of it, one phase, one stream, or one stream of one phase.
// Every selection is its own byte sequence, with offsets from 0, in the order the bytes arrived
// (stdout and stderr interleaved where both are selected).
struct LogSelection
{
    std::optional<Phase> phase;      // none: every phase
    std::optional<LogStream> stream; // none: stdout and stderr

    friend bool operator==(const LogSelection &, const LogSelection &) = default;
};

} // namespace vw
