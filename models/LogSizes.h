#pragma once

#include "models/LogSelection.h"

#include <array>

namespace vw {

// How many bytes of a build's output are stored, per phase and stream: where appending (or a
// re-attach) continues, and how long each selection is.
struct LogSizes
{
    // bytes[phase][stream], indexed by the enums' values.
    std::array<std::array<qint64, 2>, 4> bytes{};

    qint64 size(const LogSelection &selection) const
    {
        qint64 n = 0;
        for (Phase phase : allPhases()) {
            if (selection.phase && *selection.phase != phase)
                continue;
            for (LogStream stream : {LogStream::Stdout, LogStream::Stderr}) {
                if (selection.stream && *selection.stream != stream)
                    continue;
                n += bytes[size_t(phase)][size_t(stream)];
            }
        }
        return n;
    }
    qint64 total() const { return size(LogSelection{}); }
    qint64 size(LogStream stream) const { return size(LogSelection{std::nullopt, stream}); }
    qint64 size(Phase phase) const { return size(LogSelection{phase, std::nullopt}); }
};

} // namespace vw
