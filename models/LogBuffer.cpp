#include "models/LogBuffer.h"

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace vw {

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
    return QByteArrayView(m_blocks[l.block].data.get() + l.offset, l.length);
}

QByteArrayView LogBuffer::lineUtf8(qsizetype line) const
{
    if (line < 0 || line >= lineCount())
        return {};
    return lineBytes(line);
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
    for (const Block &block : m_blocks)
        bytes += block.capacity;
    return bytes + m_lines.memoryUsage() + m_runs.memoryUsage() +
           m_styles.capacity() * static_cast<qsizetype>(sizeof(AnsiStyle)) +
           m_styleIndex.capacity() * static_cast<qsizetype>(sizeof(StyleKey) + 16);
}

namespace {

constexpr char16_t kEsc = 0x1b;
constexpr char16_t kBel = 0x07;
constexpr qsizetype kMaxSequenceLength = 4096; // as AnsiParser: longer sequences are garbage
constexpr qsizetype kMaxPending = 2 * kMaxSequenceLength + 16;

bool isStringStart(char16_t c)
{
    return c == u']' || c == u'P' || c == u'X' || c == u'^' || c == u'_';
}

// Where the escape sequence starting at text[i] (an ESC) ends, with AnsiParser's rules: one
// past its last character, or the index of a character that ends it without belonging to it
// (a control character, a new ESC, the length limit). -1: the text ends inside the sequence.
// `sgr` is set when it is a complete SGR sequence (ESC [ digits ; : m); `parameters` is then
// where its parameters start.
qsizetype sequenceEnd(QStringView text, qsizetype i, bool &sgr, qsizetype &parameters)
{
    sgr = false;
    const qsizetype n = text.size();
    qsizetype k = i + 1;
    while (k < n && text[k].unicode() >= 0x20 && text[k].unicode() <= 0x2f)
        ++k; // intermediates (ESC ( B …) wait for the character that decides
    if (k >= n)
        return -1;
    const char16_t type = text[k].unicode();
    if (type == kEsc)
        return k; // another ESC restarts
    if (type == u'[') {
        bool plain = true;
        for (qsizetype j = k + 1; j < n; ++j) {
            const char16_t c = text[j].unicode();
            if (c >= 0x40 && c <= 0x7e) {
                sgr = c == u'm' && plain;
                parameters = k + 1;
                return j + 1;
            }
            if (c == kEsc || c < 0x20 || j - (k + 1) >= kMaxSequenceLength)
                return j;
            plain = plain && c >= u'0' && c <= u';';
        }
        return -1;
    }
    if (isStringStart(type)) {
        for (qsizetype j = k + 1; j < n; ++j) {
            const char16_t c = text[j].unicode();
            if (c == kBel)
                return j + 1;
            if (c == kEsc) {
                if (j + 1 >= n)
                    return -1;
                return text[j + 1] == u'\\' ? j + 2 : j;
            }
            if (j - (k + 1) >= kMaxSequenceLength)
                return j;
        }
        return -1;
    }
    return k + 1; // a two-character escape: dropped
}

// Characters stored as they are: printable ASCII, tab, and everything from U+00A0 on (encoded
// as UTF-8). The others (controls, DEL, C1) are acted on or dropped.
inline bool isText(char16_t c)
{
    return (c >= 0x20 && c < 0x7f) || c >= 0xa0 || c == u'\t';
}

// Encodes text characters from `p` on as UTF-8 at `out` until a character that is not text or
// `stop`, whichever comes first, and returns where it stopped (past `stop` by one if a
// surrogate pair straddles it). `end` is the end of the whole text (a pair is completed up to
// it); lone surrogates become U+FFFD. `out` needs room for 3 bytes a unit plus 16.
const char16_t *encodeText(const char16_t *p, const char16_t *stop, const char16_t *end, char *&out)
{
    char *o = out;
    while (p < stop) {
#ifdef __SSE2__
        // Printable ASCII, 8 units at a time: the bulk of a build log.
        const __m128i space = _mm_set1_epi16(0x20);
        const __m128i span = _mm_set1_epi16(0x7e - 0x20);
        while (stop - p >= 8) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
            // (v - 0x20) as unsigned <= 0x5e, i.e. 0x20 <= v <= 0x7e
            const __m128i over = _mm_subs_epu16(_mm_sub_epi16(v, space), span);
            const auto ascii = static_cast<unsigned>(
                _mm_movemask_epi8(_mm_cmpeq_epi16(over, _mm_setzero_si128())));
            _mm_storel_epi64(reinterpret_cast<__m128i *>(o), _mm_packus_epi16(v, v));
            if (ascii == 0xffffu) {
                p += 8;
                o += 8;
                continue;
            }
            const int count =
                std::countr_zero(~ascii) / 2; // the ASCII units before the first other
            p += count;
            o += count;
            break;
        }
        if (p >= stop)
            break;
#endif
        const char16_t c = *p;
        if ((c >= 0x20 && c < 0x7f) || c == u'\t') {
            *o++ = static_cast<char>(c);
            ++p;
        } else if (c < 0xa0) {
            break; // not text
        } else if (c < 0x800) {
            *o++ = static_cast<char>(0xC0 | (c >> 6));
            *o++ = static_cast<char>(0x80 | (c & 0x3F));
            ++p;
        } else if (QChar::isHighSurrogate(c) && p + 1 < end && QChar::isLowSurrogate(p[1])) {
            const char32_t u = QChar::surrogateToUcs4(c, p[1]);
            *o++ = static_cast<char>(0xF0 | (u >> 18));
            *o++ = static_cast<char>(0x80 | ((u >> 12) & 0x3F));
            *o++ = static_cast<char>(0x80 | ((u >> 6) & 0x3F));
            *o++ = static_cast<char>(0x80 | (u & 0x3F));
            p += 2;
        } else {
            const char16_t u = QChar::isSurrogate(c) ? char16_t(0xFFFD) : c;
            *o++ = static_cast<char>(0xE0 | (u >> 12));
            *o++ = static_cast<char>(0x80 | ((u >> 6) & 0x3F));
            *o++ = static_cast<char>(0x80 | (u & 0x3F));
            ++p;
        }
    }
    out = o;
    return p;
}

} // namespace

void LogBuffer::append(QStringView text, LogStream stream, qint64 timestampMs)
{
    StreamState &state = m_streams[stream == LogStream::Stderr ? 1 : 0];
    if (!state.pending.isEmpty()) {
        // An escape sequence was split across appends: finish it with this text.
        QString joined = std::exchange(state.pending, QString());
        joined.append(text);
        appendRaw(joined, state, stream == LogStream::Stderr, timestampMs);
        return;
    }
    appendRaw(text, state, stream == LogStream::Stderr, timestampMs);
}

// One pass over raw terminal output: text goes straight into the open line as UTF-8, line
// controls act on the line, escape sequences are delimited here (with AnsiParser's rules) and
// only SGR sequences have an effect, through a cache of what each one does (see SgrEffect).
void LogBuffer::appendRaw(QStringView text, StreamState &state, bool isStderr, qint64 timestampMs)
{
    const char16_t *const data = text.utf16();
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const char16_t c = data[i];
        if (isText(c)) {
            i = writeText(data, i, n, state, isStderr, timestampMs);
            continue;
        }
        if (c == u'\n' || c == u'\r' || c == u'\b') {
            lineControl(c, isStderr, timestampMs);
            ++i;
        } else if (c == kEsc) {
            bool sgr = false;
            qsizetype parameters = 0;
            const qsizetype end = sequenceEnd(text, i, sgr, parameters);
            if (end < 0) {
                if (n - i <= kMaxPending)
                    state.pending = text.sliced(i).toString();
                return;
            }
            if (sgr)
                applySgr(text.sliced(parameters, end - 1 - parameters), state);
            i = end;
        } else {
            ++i; // any other control character is dropped
        }
    }
}

void LogBuffer::enterStream(bool isStderr)
{
    // Output from the other stream ends the open line first, so lines never mix streams.
    if (m_lineOpen && m_lines.back().isStderr != isStderr) {
        endLine();
        m_pendingReturn = false;
    }
}

void LogBuffer::lineControl(char16_t c, bool isStderr, qint64 timestampMs)
{
    enterStream(isStderr);
    if (c == u'\n') {
        if (!m_lineOpen)
            openLine(isStderr ? LogStream::Stderr : LogStream::Stdout, timestampMs);
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

// Writes the text characters from text[from] (one) on into the open line, up to the next
// character that is not text; returns its index (or `size`).
qsizetype LogBuffer::writeText(const char16_t *text, qsizetype from, qsizetype size,
                               const StreamState &state, bool isStderr, qint64 timestampMs)
{
    enterStream(isStderr);
    if (m_pendingReturn && m_lineOpen)
        truncateOpenLine(0);
    m_pendingReturn = false;
    if (!m_lineOpen)
        openLine(isStderr ? LogStream::Stderr : LogStream::Stdout, timestampMs);
    startRun(state.styleIndex);
    // Encode straight into the block, a slice at a time (blockFor makes room for the longest
    // encoding of the slice without asking for much more than a line needs).
    constexpr qsizetype kSlice = 4096;
    const char16_t *p = text + from;
    const char16_t *const end = text + size;
    for (;;) {
        const char16_t *const stop = p + std::min(kSlice, qsizetype(end - p));
        Block &block = blockFor((stop - p) * 3 + 16);
        char *const start = block.data.get() + block.size;
        char *out = start;
        p = encodeText(p, stop, end, out);
        const qsizetype written = out - start;
        block.size += written;
        m_lines.back().length += static_cast<quint32>(written);
        m_textBytes += written;
        if (p < stop || p >= end)
            break; // stopped at a character that is not text, or at the end
    }
    return p - text;
}

void LogBuffer::applySgr(QStringView parameters, StreamState &state)
{
    SgrEffect *found = nullptr;
    SgrTransition *transition = nullptr;
    if (parameters.size() <= 16) {
        // Parameters are digits, ';' and ':' (12 values): 16 of them pack into a 64-bit key.
        quint64 key = 0;
        for (QChar c : parameters)
            key = key << 4 | quint64(c.unicode() - u'0' + 1);
        const quint64 hash = (key ^ (quint64(state.styleIndex) << 40)) * 0x9E3779B97F4A7C15ull;
        transition = &m_sgrTransitions[hash >> (64 - kSgrTransitionBits)];
        if (transition->key == key && transition->from == state.styleIndex) {
            state.styleIndex = transition->to;
            return;
        }
        transition->key = key;
        auto it = m_packedSgrEffects.find(key);
        if (it == m_packedSgrEffects.end()) {
            if (m_packedSgrEffects.size() >= 4096)
                m_packedSgrEffects.clear(); // a log that never repeats a sequence: stay small
            it = m_packedSgrEffects.insert(key, sgrEffect(parameters));
        }
        found = &*it;
    } else {
        const QString key = QString::fromRawData(parameters.data(), parameters.size());
        auto it = m_sgrEffects.find(key);
        if (it == m_sgrEffects.end()) {
            if (m_sgrEffects.size() >= 4096)
                m_sgrEffects.clear();
            it = m_sgrEffects.insert(parameters.toString(), sgrEffect(parameters));
        }
        found = &*it;
    }
    SgrEffect &effect = *found;
    // Logs repeat the same few transitions (green on, colour off, bold on, …): remember them.
    const quint32 from = state.styleIndex;
    if (transition) {
        transition->from = from;
        transition->to = 0; // set below
    }
    for (const auto &[before, after] : effect.transitions) {
        if (before == from && after != 0xffffffffu) {
            state.styleIndex = after;
            if (transition)
                transition->to = after;
            return;
        }
    }
    AnsiStyle style = m_styles[from];
    if (effect.touched & SgrEffect::Foreground)
        style.foreground = effect.values.foreground;
    if (effect.touched & SgrEffect::Background)
        style.background = effect.values.background;
    if (effect.touched & SgrEffect::Bold)
        style.bold = effect.values.bold;
    if (effect.touched & SgrEffect::Faint)
        style.faint = effect.values.faint;
    if (effect.touched & SgrEffect::Italic)
        style.italic = effect.values.italic;
    if (effect.touched & SgrEffect::Underline)
        style.underline = effect.values.underline;
    if (effect.touched & SgrEffect::Inverse)
        style.inverse = effect.values.inverse;
    if (effect.touched & SgrEffect::StrikeOut)
        style.strikeOut = effect.values.strikeOut;
    state.styleIndex = styleIndex(style);
    if (transition)
        transition->to = state.styleIndex;
    effect.transitions[effect.nextTransition] = {from, state.styleIndex};
    effect.nextTransition = (effect.nextTransition + 1) % effect.transitions.size();
}

// What an SGR sequence does, asked of AnsiParser (the authority on SGR): every SGR code assigns
// fields, so the sequence is "set these fields to these values". A field is set if applying the
// sequence to a style where every field differs from the default changes it, or if applying it
// to the default style gives a non-default value.
LogBuffer::SgrEffect LogBuffer::sgrEffect(QStringView parameters)
{
    QString sequence = QStringLiteral("\x1b[");
    sequence.append(parameters);
    sequence.append(QLatin1Char('m'));
    AnsiParser parser;
    parser.feed(sequence);
    const AnsiStyle fromDefault = parser.style();
    parser.reset();
    parser.feed(u"\x1b[0;1;2;3;4;7;9;38;2;1;2;3;48;2;4;5;6m");
    const AnsiStyle sentinel = parser.style();
    parser.feed(sequence);
    const AnsiStyle fromSentinel = parser.style();
    const AnsiStyle plain;
    SgrEffect effect;
    effect.values = fromDefault;
    effect.transitions.fill({0xffffffffu, 0xffffffffu}); // empty
    const auto mark = [&](auto field, SgrEffect::Field flag) {
        if (fromSentinel.*field != sentinel.*field || fromDefault.*field != plain.*field)
            effect.touched |= flag;
    };
    mark(&AnsiStyle::foreground, SgrEffect::Foreground);
    mark(&AnsiStyle::background, SgrEffect::Background);
    mark(&AnsiStyle::bold, SgrEffect::Bold);
    mark(&AnsiStyle::faint, SgrEffect::Faint);
    mark(&AnsiStyle::italic, SgrEffect::Italic);
    mark(&AnsiStyle::underline, SgrEffect::Underline);
    mark(&AnsiStyle::inverse, SgrEffect::Inverse);
    mark(&AnsiStyle::strikeOut, SgrEffect::StrikeOut);
    return effect;
}

void LogBuffer::openLine(LogStream stream, qint64 timestampMs)
{
    if (m_epochMs < 0)
        m_epochMs = timestampMs;
    if (m_blocks.empty()) // every line, even an empty one, belongs to a real block
        m_blocks.push_back(makeBlock(kSmallBlockSize));
    Line line;
    line.block = static_cast<quint32>(m_blocks.size() - 1);
    line.offset = static_cast<quint32>(m_blocks.back().size);
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

void LogBuffer::BlockDeleter::operator()(char *data) const
{
    std::free(data);
}

LogBuffer::Memory LogBuffer::allocate(qsizetype &capacity)
{
    char *data = nullptr;
#ifdef Q_OS_LINUX
    if (capacity >= kLargeBlockSize) {
        capacity = (capacity + kLargeBlockSize - 1) / kLargeBlockSize * kLargeBlockSize;
        data = static_cast<char *>(std::aligned_alloc(kLargeBlockSize, capacity));
        if (data) {
            // Hints, fine if refused: huge pages, and the pages mapped now in one call rather
            // than by a page fault per 4 KB as the block fills (when huge pages are refused).
            madvise(data, capacity, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
            madvise(data, capacity, MADV_POPULATE_WRITE);
#endif
        }
    }
#endif
    if (!data)
        data = static_cast<char *>(std::malloc(capacity));
    if (!data)
        qFatal("LogBuffer: out of memory");
    return Memory(data);
}

LogBuffer::Block LogBuffer::makeBlock(qsizetype capacity)
{
    Block block;
    block.data = allocate(capacity);
    block.capacity = capacity;
    return block;
}

LogBuffer::Block &LogBuffer::blockFor(qsizetype bytes)
{
    // The open line grows in place while its block has room; otherwise it moves to a new block
    // (lines never span blocks), which is as large as the line needs.
    Line &line = m_lines.back();
    Block &last = m_blocks.back();
    if (last.capacity - last.size >= bytes)
        return last; // the open line is always at the end of the last block
    const qsizetype standard =
        qsizetype(m_blocks.size()) < kSmallBlocks ? kSmallBlockSize : kLargeBlockSize;
    Block block = makeBlock(std::max(standard, qsizetype(line.length) + bytes));
    if (line.length > 0)
        std::memcpy(block.data.get(), last.data.get() + line.offset, line.length);
    block.size = line.length;
    last.size = line.offset; // the moved line leaves no copy behind
    m_blocks.push_back(std::move(block));
    line.block = static_cast<quint32>(m_blocks.size() - 1);
    line.offset = 0;
    return m_blocks.back();
}

// The open line's text continues in style `index`: a new run if the style changes.
void LogBuffer::startRun(quint32 index)
{
    Line &line = m_lines.back();
    const quint32 offset = line.length;
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
}

void LogBuffer::truncateOpenLine(quint32 newLength)
{
    Line &line = m_lines.back();
    m_textBytes -= line.length - newLength;
    line.length = newLength;
    m_blocks[line.block].size = line.offset + newLength;
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
    // Logs use a handful of styles and repeat the last one most; a hash keeps a log with many
    // distinct (e.g. 24-bit) colours from costing a scan of every style per run.
    if (m_styles[m_lastStyle] == style)
        return m_lastStyle;
    const StyleKey key = styleKey(style);
    const auto it = m_styleIndex.constFind(key);
    if (it != m_styleIndex.cend())
        return m_lastStyle = *it;
    m_styles.append(style);
    m_lastStyle = static_cast<quint32>(m_styles.size() - 1);
    m_styleIndex.insert(key, m_lastStyle);
    return m_lastStyle;
}

LogBuffer::StyleKey LogBuffer::styleKey(const AnsiStyle &style)
{
    const auto color = [](const AnsiColor &c) {
        return (quint64(c.kind) << 32) | (quint64(c.index) << 24) | quint64(c.rgb);
    };
    const quint64 flags = quint64(style.bold) | quint64(style.faint) << 1 |
                          quint64(style.italic) << 2 | quint64(style.underline) << 3 |
                          quint64(style.inverse) << 4 | quint64(style.strikeOut) << 5;
    return {color(style.foreground) | flags << 40, color(style.background)};
}

namespace {

char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

char asciiUpper(char c)
{
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - ('a' - 'A')) : c;
}

// UTF-16 units in a piece of valid UTF-8: one per sequence, two for a 4-byte sequence.
qsizetype utf16Length(const char *utf8, qsizetype bytes)
{
    qsizetype units = 0;
    for (qsizetype i = 0; i < bytes; ++i) {
        const auto b = static_cast<quint8>(utf8[i]);
        units += (b & 0xC0) != 0x80;
        units += b >= 0xF0;
    }
    return units;
}

} // namespace

// Boyer–Moore–Horspool over UTF-8 bytes; case-insensitive for ASCII letters when asked.
class LogBuffer::ByteSearcher
{
public:
    ByteSearcher(const QString &pattern, bool caseSensitive)
        : m_needle(pattern.toUtf8())
        , m_caseSensitive(caseSensitive)
    {
        if (!caseSensitive)
            m_needle = m_needle.toLower(); // ASCII only in Qt 6
        const qsizetype n = m_needle.size();
        m_skip.fill(n);
        for (qsizetype k = 0; k + 1 < n; ++k) {
            const char c = m_needle[k];
            m_skip[static_cast<quint8>(c)] = n - 1 - k;
            if (!caseSensitive)
                m_skip[static_cast<quint8>(asciiUpper(c))] = n - 1 - k;
        }
    }

    qsizetype size() const { return m_needle.size(); }

    // The first match in data[from, end), or -1.
    qsizetype indexIn(const char *data, qsizetype end, qsizetype from) const
    {
        const qsizetype n = m_needle.size();
        const char *needle = m_needle.constData();
        const char last = needle[n - 1];
        for (qsizetype i = from; i + n <= end;) {
            const char c = data[i + n - 1];
            if ((m_caseSensitive ? c : asciiLower(c)) == last) {
                qsizetype j = n - 2;
                if (m_caseSensitive) {
                    while (j >= 0 && data[i + j] == needle[j])
                        --j;
                } else {
                    while (j >= 0 && asciiLower(data[i + j]) == needle[j])
                        --j;
                }
                if (j < 0)
                    return i;
            }
            i += m_skip[static_cast<quint8>(c)];
        }
        return -1;
    }

private:
    QByteArray m_needle;
    bool m_caseSensitive;
    std::array<qsizetype, 256> m_skip{};
};

bool LogBuffer::searchesBytes(const QString &pattern, FindOptions options)
{
    if (options.regularExpression || pattern.isEmpty())
        return false;
    if (options.caseSensitive)
        return true;
    return std::all_of(pattern.cbegin(), pattern.cend(),
                       [](QChar c) { return c.unicode() < 0x80; });
}

// The first line in [low, high) whose block is after `block` (lines are in block order), or high.
qsizetype LogBuffer::firstLineAfter(qint64 block, qsizetype low, qsizetype high) const
{
    while (low < high) {
        const qsizetype mid = low + (high - low) / 2;
        if (qint64(m_lines[static_cast<size_t>(mid)].block) <= block)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

template<typename OnMatch>
void LogBuffer::scanBytes(const ByteSearcher &searcher, qsizetype firstLine, qsizetype lastLine,
                          OnMatch &&onMatch) const
{
    firstLine = std::max<qsizetype>(firstLine, 0);
    lastLine = std::min(lastLine, lineCount() - 1);
    const qsizetype n = searcher.size();
    qsizetype line = firstLine;
    while (line <= lastLine) {
        // The lines from `line` on that share its block are one stretch of contiguous text:
        // search it in one go, then tell which line each hit lies in.
        const quint32 block = m_lines[static_cast<size_t>(line)].block;
        const qsizetype last = firstLineAfter(block, line, lastLine + 1) - 1;
        const char *data = m_blocks[block].data.get();
        const Line &lastOfStretch = m_lines[static_cast<size_t>(last)];
        const qsizetype end = qsizetype(lastOfStretch.offset) + lastOfStretch.length;
        qsizetype at = m_lines[static_cast<size_t>(line)].offset;
        qsizetype current = line;
        while ((at = searcher.indexIn(data, end, at)) >= 0) {
            while (current <= last && qsizetype(m_lines[static_cast<size_t>(current)].offset) +
                                              m_lines[static_cast<size_t>(current)].length <
                                          at + n)
                ++current;
            if (current > last)
                break;
            const Line &l = m_lines[static_cast<size_t>(current)];
            if (l.offset <= at) { // inside the line, not across a line boundary
                const Match match{current, utf16Length(data + l.offset, at - l.offset),
                                  utf16Length(data + at, n)};
                if (!onMatch(match))
                    return;
                at += n;
            } else {
                at = l.offset;
            }
        }
        line = last + 1;
    }
}

std::optional<LogBuffer::Match> LogBuffer::lastByteMatch(const ByteSearcher &searcher,
                                                         qsizetype firstLine,
                                                         qsizetype lastLine) const
{
    firstLine = std::max<qsizetype>(firstLine, 0);
    qsizetype high = std::min(lastLine, lineCount() - 1);
    // Block by block from the end: the last match of the last block that has one.
    while (high >= firstLine) {
        const quint32 block = m_lines[static_cast<size_t>(high)].block;
        const qsizetype low = firstLineAfter(qint64(block) - 1, firstLine, high + 1);
        std::optional<Match> found;
        scanBytes(searcher, low, high, [&](const Match &m) {
            found = m;
            return true;
        });
        if (found)
            return found;
        high = low - 1;
    }
    return std::nullopt;
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
    if (searchesBytes(pattern, options)) {
        scanBytes(ByteSearcher(pattern, options.caseSensitive), line, line, [&](const Match &m) {
            matches.append(m);
            return true;
        });
        return matches;
    }
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
    line = std::clamp<qsizetype>(line, 0, count - 1);
    if (searchesBytes(pattern, options)) {
        const ByteSearcher searcher(pattern, options.caseSensitive);
        std::optional<Match> found;
        const auto takeFirst = [&](const Match &m) {
            found = m;
            return false;
        };
        if (!backwards) {
            scanBytes(searcher, line, line, [&](const Match &m) {
                if (m.column >= column)
                    found = m;
                return !found;
            });
            if (!found)
                scanBytes(searcher, line + 1, count - 1, takeFirst);
            if (!found)
                scanBytes(searcher, 0, line - 1, takeFirst);
            if (!found)
                scanBytes(searcher, line, line, takeFirst); // wrapped: all are before `column`
        } else {
            scanBytes(searcher, line, line, [&](const Match &m) {
                if (m.column < column)
                    found = m;
                return m.column < column;
            });
            if (!found)
                found = lastByteMatch(searcher, 0, line - 1);
            if (!found)
                found = lastByteMatch(searcher, line + 1, count - 1);
            if (!found)
                found = lastByteMatch(searcher, line, line); // wrapped: all are at or after
        }
        return found;
    }
    const auto regex = compile(pattern, options);
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
    firstLine = std::max<qsizetype>(firstLine, 0);
    lastLine = std::min(lastLine, lineCount() - 1);
    if (searchesBytes(pattern, options)) {
        scanBytes(ByteSearcher(pattern, options.caseSensitive), firstLine, lastLine,
                  [&](const Match &m) {
                      all.append(m);
                      return true;
                  });
        return all;
    }
    const auto regex = compile(pattern, options);
    for (qsizetype line = firstLine; line <= lastLine; ++line)
        all += matchesInLine(line, pattern, options, regex);
    return all;
}

qsizetype LogBuffer::countMatches(const QString &pattern, FindOptions options,
                                  qsizetype limit) const
{
    return countMatches(pattern, options, 0, lineCount() - 1, limit);
}

qsizetype LogBuffer::countMatches(const QString &pattern, FindOptions options, qsizetype firstLine,
                                  qsizetype lastLine, qsizetype limit) const
{
    qsizetype count = 0;
    if (pattern.isEmpty() || limit <= 0)
        return 0;
    firstLine = std::max<qsizetype>(firstLine, 0);
    lastLine = std::min(lastLine, lineCount() - 1);
    if (searchesBytes(pattern, options)) {
        scanBytes(ByteSearcher(pattern, options.caseSensitive), firstLine, lastLine,
                  [&](const Match &) { return ++count < limit; });
        return count;
    }
    const auto regex = compile(pattern, options);
    for (qsizetype line = firstLine; line <= lastLine && count < limit; ++line)
        count += matchesInLine(line, pattern, options, regex).size();
    return std::min(count, limit);
}

} // namespace vw
