#pragma once

#include "app/automation/StoreCommand.h"

#include "models/Error.h"
#include "models/LogSelection.h"

namespace vw {
struct LogSlice;
}

// `get_live_logs --build ID [--phase install|build] [--tail N] [--follow] [--json]`: a build's
// stored output (stdout to stdout, stderr to stderr), all of it or its last N lines; --follow
// goes on printing what arrives until the build ends (exit 0 on success, 1 otherwise; Ctrl-C
// exits 130). --json writes JSON Lines instead: {"offset", "phase", "stream", "text"} per piece,
// where the offset counts bytes of the selected log (the next offset is offset + text bytes).
class LiveLogsCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;

    bool start(const QStringList &arguments) override;

private:
    void printInitial();
    void follow();
    void readNew();
    bool consume(const vw::Result<vw::LogSlice> &slice);
    void print(const vw::LogSlice &slice);

    qint64 m_buildId = 0;
    vw::LogSelection m_selection;
    int m_tail = 0;
    bool m_follow = false;
    bool m_json = false;
    qint64 m_offset = 0;      // the next byte to print
    bool m_reading = false;   // a read is in flight
    bool m_readAgain = false; // more arrived while reading
    bool m_ended = false;     // the build has finished: one last read, then exit
    int m_exitCode = 0;
};
