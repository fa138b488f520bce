#pragma once

#include <QByteArray>
#include <QString>

#include <cstdio>
#include <optional>

namespace vw {
struct Build;
}

// The live progress of a followed build on stderr. On a terminal: one status line that redraws
// in place ("[######------]  45%  build: Building with make  12.4s"), moved out of the way for
// every piece of log output. Elsewhere (a pipe, a file, CI logs): one line per phase,
// "==> build: Building with make (45%)", so logs stay readable.
class ProgressLine
{
public:
    explicit ProgressLine(bool terminal);
    // Whether stderr is a terminal.
    static bool stderrIsTerminal();

    void update(const vw::Build &build);
    // Writes log output to `stream` (stdout or stderr) without tearing the status line.
    void write(FILE *stream, const QByteArray &bytes);
    // Removes the status line (before the final summary).
    void clear();

private:
    void draw();

    bool m_terminal;
    bool m_drawn = false;
    bool m_atLineStart = true; // the last log output ended with '\n'
    QString m_line;
    std::optional<int> m_lastPhase;
};
