#pragma once

#include "models/AnsiParser.h"
#include "models/LogStream.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringView>

#include <array>
#include <deque>
#include <optional>
#include <vector>

namespace vw {

// The text of a log as a view needs it, compact enough for a 100 MB build log: UTF-8 text in
// fixed-size blocks (no reallocation of the whole log as it grows, so appending never stalls on a
// huge copy), a line index, and style runs only where the text is styled (Konsole's scrollback
// idea). Lines
// come from two streams (stdout, stderr), each with its own ANSI parser so a colour set on one
// stream never bleeds into the other; every line remembers its stream and arrival time.
//
// Terminal semantics: '\n' ends a line; '\r' followed by more text rewrites the current line
// (progress bars), "\r\n" is a plain line end; '\b' removes the previous character; '\t' stays
// (the view expands it). A line in progress (no '\n' yet) is visible as the last line; output
// from the other stream ends it first, so lines of the two streams never mix.
class LogBuffer
{
public:
    struct FindOptions
    {
        bool caseSensitive = false;
        bool regularExpression = false;
    };
    // A match in line coordinates; column and length count UTF-16 units of lineText().
    struct Match
    {
        qsizetype line = 0;
        qsizetype column = 0;
        qsizetype length = 0;
        friend bool operator==(const Match &, const Match &) = default;
    };

    // Raw terminal output of one stream (escape sequences are parsed here).
    void append(QStringView text, LogStream stream, qint64 timestampMs = 0);
    void clear();

    qsizetype lineCount() const;
    QString lineText(qsizetype line) const;
    // The line's text in styled runs, ready to paint.
    QList<AnsiSegment> lineSegments(qsizetype line) const;
    LogStream lineStream(qsizetype line) const;
    qint64 lineTimestamp(qsizetype line) const;
    // The whole text, lines joined with '\n' (for copy and save; avoid on huge logs).
    QString text(qsizetype firstLine, qsizetype lastLine) const;

    // Bytes of text stored (UTF-8, escape sequences removed) and an estimate of all memory held.
    qsizetype textBytes() const { return m_textBytes; }
    qsizetype memoryUsage() const;

    // The next match at or after (line, column), or before it when `backwards`; wraps around.
    std::optional<Match> find(const QString &pattern, FindOptions options, qsizetype line,
                              qsizetype column, bool backwards = false) const;
    // Every match in lines [firstLine, lastLine] (for highlighting what is visible).
    QList<Match> findAll(const QString &pattern, FindOptions options, qsizetype firstLine,
                         qsizetype lastLine) const;
    // Every match in the whole buffer, counted (for "n of m"); stops at `limit`.
    qsizetype countMatches(const QString &pattern, FindOptions options,
                           qsizetype limit = 100000) const;

private:
    // 24 bytes a line: a 1.5-million-line log needs 36 MB of index.
    struct Line
    {
        quint32 block = 0;     // index in m_blocks
        quint32 offset = 0;    // byte offset of the line in its block
        quint32 length = 0;    // bytes
        quint32 firstRun = 0;  // index in m_runs
        quint32 timestamp = 0; // ms after m_epochMs
        quint16 runCount = 0;  // 0: the whole line has the default style
        bool isStderr = false;
    };
    struct Run
    {
        quint32 offset = 0; // byte offset in the line where this style starts
        quint32 style = 0;  // index in m_styles
    };
    static constexpr qsizetype kBlockSize = 256 * 1024;

    void appendSegment(const AnsiSegment &segment, LogStream stream, qint64 timestampMs);
    void appendToOpenLine(QStringView text, const AnsiStyle &style);
    void openLine(LogStream stream, qint64 timestampMs);
    void endLine();
    void truncateOpenLine(quint32 newLength);
    quint32 styleIndex(const AnsiStyle &style);
    QByteArrayView lineBytes(qsizetype line) const;
    QByteArray &blockFor(qsizetype bytes);
    std::optional<QRegularExpression> compile(const QString &pattern, FindOptions options) const;
    QList<Match> matchesInLine(qsizetype line, const QString &pattern, FindOptions options,
                               const std::optional<QRegularExpression> &regex) const;

    std::vector<QByteArray> m_blocks;
    qsizetype m_textBytes = 0;
    qint64 m_epochMs = -1; // arrival time of the first line
    std::deque<Line> m_lines;
    std::deque<Run> m_runs;
    QList<AnsiStyle> m_styles{AnsiStyle{}};
    std::array<AnsiParser, 2> m_parsers;
    bool m_lineOpen = false;      // the last line has no '\n' yet
    bool m_pendingReturn = false; // a '\r' arrived; the next text rewrites the open line
};

} // namespace vw
