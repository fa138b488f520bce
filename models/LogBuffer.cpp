#include "models/LogBuffer.h"

#include <algorithm>

namespace vw {

void LogBuffer::append(QStringView text, LogStream stream, qint64 timestampMs)
{
    AnsiParser &parser = m_parsers[stream == LogStream::Stderr ? 1 : 0];
    for (const AnsiSegment &segment : parser.feed(text))
        appendSegment(segment, stream, timestampMs);
}

void LogBuffer::clear()
{
    *this = LogBuffer();
}

qsizetype LogBuffer::lineCount() const
{
    return static_cast<qsizetype>(m_lines.size());
}

QByteArrayView LogBuffer::lineBytes(qsizetype line) const
{
    const Line &l = m_lines[static_cast<size_t>(line)];
    return QByteArrayView(m_blocks[l.block]).sliced(l.offset, l.length);
}

QString LogBuffer::lineText(qsizetype line) const
{
    if (line < 0 || line >= lineCount())
        return {};
    return QString::fromUtf8(lineBytes(line));
}

QList<AnsiSegment> LogBuffer::lineSegments(qsizetype line) const
{
    if (line < 0 || line >= lineCount())
        return {};
    const Line &l = m_lines[static_cast<size_t>(line)];
    const QByteArrayView bytes = lineBytes(line);
    if (l.runCount == 0)
        return {{QString::fromUtf8(bytes), {}}};
    QList<AnsiSegment> segments;
    for (quint32 r = 0; r < l.runCount; ++r) {
        const Run &run = m_runs[l.firstRun + r];
        const qsizetype end = r + 1 < l.runCount ? m_runs[l.firstRun + r + 1].offset : bytes.size();
        if (end > run.offset)
            segments.append({QString::fromUtf8(bytes.sliced(run.offset, end - run.offset)),
                             m_styles[run.style]});
    }
    return segments;
}

LogStream LogBuffer::lineStream(qsizetype line) const
{
    return line >= 0 && line < lineCount() && m_lines[static_cast<size_t>(line)].isStderr
               ? LogStream::Stderr
               : LogStream::Stdout;
}

qint64 LogBuffer::lineTimestamp(qsizetype line) const
{
    return line >= 0 && line < lineCount()
               ? m_epochMs + m_lines[static_cast<size_t>(line)].timestamp
               : 0;
}

QString LogBuffer::text(qsizetype firstLine, qsizetype lastLine) const
{
    QString out;
    firstLine = std::max<qsizetype>(firstLine, 0);
    lastLine = std::min(lastLine, lineCount() - 1);
    for (qsizetype line = firstLine; line <= lastLine; ++line) {
        if (line > firstLine)
            out += QLatin1Char('\n');
        out += lineText(line);
    }
    return out;
}

qsizetype LogBuffer::memoryUsage() const
{
    qsizetype bytes = 0;
    for (const QByteArray &block : m_blocks)
        bytes += block.capacity();
    return bytes + static_cast<qsizetype>(m_lines.size() * sizeof(Line)) +
           static_cast<qsizetype>(m_runs.size() * sizeof(Run)) +
           m_styles.capacity() * static_cast<qsizetype>(sizeof(AnsiStyle));
}

void LogBuffer::appendSegment(const AnsiSegment &segment, LogStream stream, qint64 timestampMs)
{
    if (m_lineOpen && m_lines.back().isStderr != (stream == LogStream::Stderr)) {
        endLine();
        m_pendingReturn = false;
    }
    const QString &text = segment.text;
    qsizetype chunkStart = 0;
    const auto writeChunk = [&](qsizetype end) {
        if (end <= chunkStart)
            return;
        if (m_pendingReturn && m_lineOpen)
            truncateOpenLine(0);
        m_pendingReturn = false;
        if (!m_lineOpen)
            openLine(stream, timestampMs);
        appendToOpenLine(QStringView(text).sliced(chunkStart, end - chunkStart), segment.style);
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c != u'\n' && c != u'\r' && c != u'\b')
            continue;
        writeChunk(i);
        chunkStart = i + 1;
        if (c == u'\n') {
            if (!m_lineOpen)
                openLine(stream, timestampMs);
            endLine();
            m_pendingReturn = false;
        } else if (c == u'\r') {
            m_pendingReturn = true;
        } else if (m_lineOpen) { // '\b': remove the last character (a whole UTF-8 sequence)
            const QByteArrayView bytes = lineBytes(lineCount() - 1);
            auto length = static_cast<quint32>(bytes.size());
            while (length > 0 && (static_cast<quint8>(bytes[length - 1]) & 0xC0) == 0x80)
                --length;
            if (length > 0)
                truncateOpenLine(length - 1);
        }
    }
    writeChunk(text.size());
}

void LogBuffer::openLine(LogStream stream, qint64 timestampMs)
{
    if (m_epochMs < 0)
        m_epochMs = timestampMs;
    Line line;
    line.block = static_cast<quint32>(std::max<qsizetype>(0, qsizetype(m_blocks.size()) - 1));
    line.offset = m_blocks.empty() ? 0 : static_cast<quint32>(m_blocks.back().size());
    line.firstRun = static_cast<quint32>(m_runs.size());
    line.timestamp =
        static_cast<quint32>(std::clamp<qint64>(timestampMs - m_epochMs, 0, UINT32_MAX));
    line.isStderr = stream == LogStream::Stderr;
    m_lines.push_back(line);
    m_lineOpen = true;
}

void LogBuffer::endLine()
{
    m_lineOpen = false;
}

QByteArray &LogBuffer::blockFor(qsizetype bytes)
{
    // The open line grows in place while its block has room; otherwise it moves to a new block
    // (lines never span blocks), which is as large as the line needs.
    Line &line = m_lines.back();
    if (!m_blocks.empty() && line.block == m_blocks.size() - 1 &&
        m_blocks.back().capacity() - m_blocks.back().size() >= bytes)
        return m_blocks.back();
    QByteArray block;
    block.reserve(std::max(kBlockSize, line.length + bytes));
    if (!m_blocks.empty() && line.length > 0)
        block.append(QByteArrayView(m_blocks[line.block]).sliced(line.offset, line.length));
    if (!m_blocks.empty() && line.block == m_blocks.size() - 1)
        m_blocks.back().truncate(line.offset); // the moved line leaves no copy behind
    m_blocks.push_back(std::move(block));
    line.block = static_cast<quint32>(m_blocks.size() - 1);
    line.offset = 0;
    return m_blocks.back();
}

void LogBuffer::appendToOpenLine(QStringView text, const AnsiStyle &style)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray &block = blockFor(utf8.size());
    Line &line = m_lines.back();
    const quint32 offset = line.length;
    const quint32 index = styleIndex(style);
    if (line.runCount == 0) {
        if (index != 0) {
            if (offset > 0) {
                m_runs.push_back({0, 0});
                ++line.runCount;
            }
            m_runs.push_back({offset, index});
            ++line.runCount;
        }
    } else if (m_runs.back().style != index) {
        if (m_runs.back().offset == offset) {
            m_runs.back().style = index;
        } else {
            m_runs.push_back({offset, index});
            ++line.runCount;
        }
    }
    block.append(utf8);
    line.length += static_cast<quint32>(utf8.size());
    m_textBytes += utf8.size();
}

void LogBuffer::truncateOpenLine(quint32 newLength)
{
    Line &line = m_lines.back();
    m_textBytes -= line.length - newLength;
    line.length = newLength;
    m_blocks[line.block].truncate(line.offset + newLength);
    // The line's runs are the last ones; those that would now start at or past the end go.
    while (line.runCount > 0 && m_runs.back().offset >= newLength) {
        m_runs.pop_back();
        --line.runCount;
    }
}

quint32 LogBuffer::styleIndex(const AnsiStyle &style)
{
    if (style.isPlain())
        return 0;
    // Logs use a handful of styles; the most recent ones are the likeliest to come again.
    for (qsizetype i = m_styles.size() - 1; i > 0; --i) {
        if (m_styles[i] == style)
            return static_cast<quint32>(i);
    }
    m_styles.append(style);
    return static_cast<quint32>(m_styles.size() - 1);
}

std::optional<QRegularExpression> LogBuffer::compile(const QString &pattern,
                                                     FindOptions options) const
{
    if (!options.regularExpression)
        return std::nullopt;
    QRegularExpression regex(pattern, options.caseSensitive
                                          ? QRegularExpression::NoPatternOption
                                          : QRegularExpression::CaseInsensitiveOption);
    regex.optimize();
    return regex;
}

QList<LogBuffer::Match>
LogBuffer::matchesInLine(qsizetype line, const QString &pattern, FindOptions options,
                         const std::optional<QRegularExpression> &regex) const
{
    QList<Match> matches;
    const QString text = lineText(line);
    if (regex) {
        if (!regex->isValid())
            return matches;
        auto it = regex->globalMatch(text);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            if (m.capturedLength() > 0)
                matches.append({line, m.capturedStart(), m.capturedLength()});
        }
        return matches;
    }
    const Qt::CaseSensitivity cs = options.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    for (qsizetype at = text.indexOf(pattern, 0, cs); at >= 0;
         at = text.indexOf(pattern, at + pattern.size(), cs))
        matches.append({line, at, pattern.size()});
    return matches;
}

std::optional<LogBuffer::Match> LogBuffer::find(const QString &pattern, FindOptions options,
                                                qsizetype line, qsizetype column,
                                                bool backwards) const
{
    const qsizetype count = lineCount();
    if (pattern.isEmpty() || count == 0)
        return std::nullopt;
    const auto regex = compile(pattern, options);
    line = std::clamp<qsizetype>(line, 0, count - 1);
    // Visit every line once, starting at `line`, and `line` itself again at the end (wrapped).
    for (qsizetype step = 0; step <= count; ++step) {
        const qsizetype l =
            backwards ? ((line - step) % count + count) % count : (line + step) % count;
        const QList<Match> matches = matchesInLine(l, pattern, options, regex);
        if (matches.isEmpty())
            continue;
        const bool firstVisit = step == 0;
        const bool wrappedBack = step == count;
        if (!backwards) {
            for (const Match &m : matches) {
                if ((!firstVisit && !wrappedBack) || (firstVisit && m.column >= column) ||
                    (wrappedBack && m.column < column))
                    return m;
            }
        } else {
            for (auto it = matches.crbegin(); it != matches.crend(); ++it) {
                if ((!firstVisit && !wrappedBack) || (firstVisit && it->column < column) ||
                    (wrappedBack && it->column >= column))
                    return *it;
            }
        }
    }
    return std::nullopt;
}

QList<LogBuffer::Match> LogBuffer::findAll(const QString &pattern, FindOptions options,
                                           qsizetype firstLine, qsizetype lastLine) const
{
    QList<Match> all;
    if (pattern.isEmpty())
        return all;
    const auto regex = compile(pattern, options);
    firstLine = std::max<qsizetype>(firstLine, 0);
    lastLine = std::min(lastLine, lineCount() - 1);
    for (qsizetype line = firstLine; line <= lastLine; ++line)
        all += matchesInLine(line, pattern, options, regex);
    return all;
}

qsizetype LogBuffer::countMatches(const QString &pattern, FindOptions options,
                                  qsizetype limit) const
{
    qsizetype count = 0;
    if (pattern.isEmpty())
        return 0;
    const auto regex = compile(pattern, options);
    for (qsizetype line = 0; line < lineCount() && count < limit; ++line)
        count += matchesInLine(line, pattern, options, regex).size();
    return std::min(count, limit);
}

} // namespace vw
