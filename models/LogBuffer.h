#pragma once

#include "models/AnsiParser.h"
#include "models/LogStream.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringView>

#include <array>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace vw {

// The text of a log as a view needs it, compact enough for a 100 MB build log: UTF-8 text in
// fixed-size blocks (no reallocation of the whole log as it grows, so appending never stalls on a
// huge copy), a line index, and style runs only where the text is styled (Konsole's scrollback
// idea). Lines come from two streams (stdout, stderr), each with its own style state and its
// own carry for an escape sequence split across appends, so a colour set on one stream never
// bleeds into the other; every line remembers its stream and arrival time.
//
// Appending is one pass over the text (about 3 ns a byte): text is encoded straight into the
// block (printable ASCII 8 characters at a time), escape sequences are delimited with
// AnsiParser's rules and dropped, and an SGR sequence's effect is asked of AnsiParser once and
// cached (logs repeat a few sequences), as is the style it leads to from a given style.
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
    // The line's text as stored (UTF-8), valid until the next append or clear; for saving and
    // measuring without decoding.
    QByteArrayView lineUtf8(qsizetype line) const;
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
    // The matches in lines [firstLine, lastLine], counted; stops at `limit`.
    qsizetype countMatches(const QString &pattern, FindOptions options, qsizetype firstLine,
                           qsizetype lastLine, qsizetype limit) const;
    // Plain patterns are searched in the stored UTF-8 text, a block at a time, without decoding
    // a line: case-sensitive patterns of any text, and case-insensitive ASCII patterns (which
    // then fold ASCII letters only). Regular expressions and case-insensitive non-ASCII
    // patterns are matched line by line on the decoded text.
    static bool searchesBytes(const QString &pattern, FindOptions options);

private:
    static constexpr qsizetype kSmallBlockSize = 256 * 1024;
    static constexpr qsizetype kLargeBlockSize = 2 * 1024 * 1024;
    // Text blocks and index slabs: raw memory.
    struct BlockDeleter
    {
        void operator()(char *data) const;
    };
    using Memory = std::unique_ptr<char[], BlockDeleter>;
    // `capacity` bytes, rounded up to 2 MB and backed by huge pages where the system allows
    // when that large.
    static Memory allocate(qsizetype &capacity);

    // An append-only array of trivially copyable elements in fixed chunks of 4096: no copy of
    // the whole array as it grows (a 1.5-million-line index never moves) and no allocation
    // per few elements (std::deque allocates 512 bytes at a time). The first 2 MB of chunks are
    // allocated one by one; a larger array's are cut from 2 MB slabs (huge pages, one page
    // fault per slab instead of one per 4 KB).
    template<typename T>
    class ChunkedArray
    {
        static_assert(std::is_trivially_copyable_v<T>);

    public:
        static constexpr size_t kBits = 12;
        static constexpr size_t kChunk = size_t(1) << kBits;
        size_t size() const { return m_size; }
        bool empty() const { return m_size == 0; }
        T &operator[](size_t i) { return m_chunks[i >> kBits][i & (kChunk - 1)]; }
        const T &operator[](size_t i) const { return m_chunks[i >> kBits][i & (kChunk - 1)]; }
        T &back() { return (*this)[m_size - 1]; }
        const T &back() const { return (*this)[m_size - 1]; }
        void push_back(const T &value)
        {
            if ((m_size & (kChunk - 1)) == 0 && (m_size >> kBits) == m_chunks.size())
                addChunk();
            ::new (&(*this)[m_size]) T(value);
            ++m_size;
        }
        void pop_back() { --m_size; }
        qsizetype memoryUsage() const { return m_allocated; }

    private:
        static constexpr qsizetype kChunkBytes = qsizetype(kChunk * sizeof(T));
        // Chunks one by one up to 2 MB in all, so a small log's index stays small.
        static constexpr size_t kSingleChunks = size_t(kLargeBlockSize / kChunkBytes);
        void addChunk()
        {
            const bool single = m_chunks.size() < kSingleChunks;
            if (single || m_slabUsed + kChunkBytes > m_slabSize) {
                qsizetype bytes = single ? kChunkBytes : std::max(kLargeBlockSize, kChunkBytes);
                m_slabs.push_back(allocate(bytes));
                m_allocated += bytes;
                m_slabSize = bytes;
                m_slabUsed = 0;
            }
            m_chunks.push_back(reinterpret_cast<T *>(m_slabs.back().get() + m_slabUsed));
            m_slabUsed += kChunkBytes;
        }

        std::vector<T *> m_chunks;
        std::vector<Memory> m_slabs;
        qsizetype m_slabUsed = 0;
        qsizetype m_slabSize = 0;
        qsizetype m_allocated = 0;
        size_t m_size = 0;
    };

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
    // Text blocks: raw memory written in place (no QByteArray resize per write). The first
    // blocks are small so a short log stays small; a long log gets 2 MB blocks, which on Linux
    // are backed by transparent huge pages when the system allows (one page fault per 2 MB
    // instead of 512).
    struct Block
    {
        Memory data;
        qsizetype size = 0;
        qsizetype capacity = 0;
    };
    static constexpr qsizetype kSmallBlocks = 8;
    static Block makeBlock(qsizetype capacity);

    // Per output stream: the current style, and an escape sequence split across appends.
    struct StreamState
    {
        quint32 styleIndex = 0; // m_styles[styleIndex] is the stream's current style
        QString pending;
    };
    // The effect of one SGR sequence: the fields it sets and their values.
    struct SgrEffect
    {
        enum Field : quint8 {
            Foreground = 1,
            Background = 2,
            Bold = 4,
            Faint = 8,
            Italic = 16,
            Underline = 32,
            Inverse = 64,
            StrikeOut = 128,
        };
        quint8 touched = 0;
        AnsiStyle values;
        // Recent results: applied to style index `first`, it gives style index `second`.
        std::array<std::pair<quint32, quint32>, 4> transitions{};
        quint8 nextTransition = 0;
    };

    void appendRaw(QStringView text, StreamState &state, bool isStderr, qint64 timestampMs);
    void enterStream(bool isStderr);
    void lineControl(char16_t c, bool isStderr, qint64 timestampMs);
    qsizetype writeText(const char16_t *text, qsizetype from, qsizetype size,
                        const StreamState &state, bool isStderr, qint64 timestampMs);
    void applySgr(QStringView parameters, StreamState &state);
    static SgrEffect sgrEffect(QStringView parameters);
    void startRun(quint32 styleIndex);
    void openLine(LogStream stream, qint64 timestampMs);
    void endLine();
    void truncateOpenLine(quint32 newLength);
    quint32 styleIndex(const AnsiStyle &style);
    using StyleKey = std::pair<quint64, quint64>;
    static StyleKey styleKey(const AnsiStyle &style);
    QByteArrayView lineBytes(qsizetype line) const;
    Block &blockFor(qsizetype bytes);
    std::optional<QRegularExpression> compile(const QString &pattern, FindOptions options) const;
    QList<Match> matchesInLine(qsizetype line, const QString &pattern, FindOptions options,
                               const std::optional<QRegularExpression> &regex) const;
    qsizetype firstLineAfter(qint64 block, qsizetype low, qsizetype high) const;
    class ByteSearcher;
    // Calls onMatch(match) for every match of `searcher` in lines [firstLine, lastLine], in
    // order, until it returns false.
    template<typename OnMatch>
    void scanBytes(const ByteSearcher &searcher, qsizetype firstLine, qsizetype lastLine,
                   OnMatch &&onMatch) const;
    std::optional<Match> lastByteMatch(const ByteSearcher &searcher, qsizetype firstLine,
                                       qsizetype lastLine) const;

    std::vector<Block> m_blocks;
    qsizetype m_textBytes = 0;
    qint64 m_epochMs = -1; // arrival time of the first line
    ChunkedArray<Line> m_lines;
    ChunkedArray<Run> m_runs;
    QList<AnsiStyle> m_styles{AnsiStyle{}};
    QHash<StyleKey, quint32> m_styleIndex; // m_styles[i] -> i (not the plain style 0)
    quint32 m_lastStyle = 0;
    std::array<StreamState, 2> m_streams;
    QHash<quint64, SgrEffect> m_packedSgrEffects; // short SGR parameters, packed -> effect
    QHash<QString, SgrEffect> m_sgrEffects;       // longer SGR parameters -> effect
    // In front of the effect caches: (short SGR parameters, packed; style before) -> style after.
    // Direct-mapped; almost every sequence of a log hits it.
    struct SgrTransition
    {
        quint64 key = 0;
        quint32 from = 0xffffffffu; // 0xffffffff: empty
        quint32 to = 0;
    };
    static constexpr int kSgrTransitionBits = 8;
    std::array<SgrTransition, 1 << kSgrTransitionBits> m_sgrTransitions{};
    bool m_lineOpen = false;      // the last line has no '\n' yet
    bool m_pendingReturn = false; // a '\r' arrived; the next text rewrites the open line
};

} // namespace vw
