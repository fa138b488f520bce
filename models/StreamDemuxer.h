#pragma once

#include "models/LogStream.h"
#include "models/Utf8StreamDecoder.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <array>

namespace vw {

// Splits a Daytona session log back into stdout and stderr.
//
// The daemon (v0.101+) writes every line of a command's output as `<marker><line>\n` into one log,
// where the marker is 01 01 01 for stdout and 02 02 02 for stderr (daytona-api.md §3.5). A marker
// switches the current stream; every byte up to the next marker belongs to that stream.
//
// Decisions that differ from the SDK, on purpose:
// - Bytes before the first marker are kept as stdout (the SDK drops them). Daemons before v0.101,
//   and every daemon in "combined mode" (no X-Daytona-Split-Output header), emit no markers at
//   all; a client that dropped unmarked bytes would show nothing for them. So a stream that has
//   never shown a marker is plain stdout.
// - Streaming: up to 2 trailing bytes that could be the start of a marker (01, 01 01, 02, 02 02)
//   are held back until the next feed() decides what they are, so a marker split across network
//   frames still switches streams and never leaks into the output. finish() releases them as data.
//
// Markers are always found leftmost-first: 01 01 02 02 02 is the data bytes 01 01 followed by a
// stderr marker. Bytes 01/02 that are not part of a full marker are ordinary data.
//
// Usage: one instance per log stream; feed() every piece in order, finish() at the end. For
// text, use feedText()/finishText() instead (per-stream UTF-8 decoding that never splits a
// multi-byte character across feeds). Do not mix the byte and the text calls on one instance.
class StreamDemuxer
{
public:
    using Stream = LogStream;

    static constexpr int kMarkerLength = 3;
    static constexpr QByteArrayView kStdoutMarker{"\x01\x01\x01", kMarkerLength};
    static constexpr QByteArrayView kStderrMarker{"\x02\x02\x02", kMarkerLength};

    struct Chunk
    {
        Stream stream = Stream::Stdout;
        QByteArray bytes;
        friend bool operator==(const Chunk &, const Chunk &) = default;
    };

    struct TextChunk
    {
        Stream stream = Stream::Stdout;
        QString text;
        friend bool operator==(const TextChunk &, const TextChunk &) = default;
    };

    struct Split
    {
        QByteArray stdoutBytes;
        QByteArray stderrBytes;
    };

    // Demultiplexes the next piece of the log. Returns the payload in order, markers removed;
    // adjacent bytes of the same stream are merged into one chunk, empty chunks are never returned.
    QList<Chunk> feed(QByteArrayView data);
    // Releases held-back bytes as data of the current stream and resets the instance for reuse.
    QList<Chunk> finish();

    // feed()/finish() plus UTF-8 decoding with one decoder per stream.
    QList<TextChunk> feedText(QByteArrayView data);
    // Also flushes incomplete UTF-8 sequences (as U+FFFD) and resets the instance.
    QList<TextChunk> finishText();

    // Whether any marker has been seen since construction or the last finish().
    bool sawMarker() const { return m_sawMarker; }
    Stream currentStream() const { return m_current; }
    // Bytes held back because they could start a marker (0–2).
    qsizetype heldBackBytes() const { return m_heldBack.size(); }

    // Whole-buffer helpers for complete logs (e.g. building JSON logs or exec output).
    static Split split(QByteArrayView log);
    // stdout and stderr combined in log order, markers removed.
    static QByteArray stripMarkers(QByteArrayView log);
    static bool containsMarker(QByteArrayView log);
    static QByteArrayView marker(Stream stream);

private:
    QList<TextChunk> decode(const QList<Chunk> &chunks);

    Stream m_current = Stream::Stdout;
    bool m_sawMarker = false;
    QByteArray m_heldBack;
    std::array<Utf8StreamDecoder, 2> m_decoders;
};

} // namespace vw
