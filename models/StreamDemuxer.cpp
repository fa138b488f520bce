#include "models/StreamDemuxer.h"

namespace vw {
namespace {

constexpr char kStdoutByte = '\x01';
constexpr char kStderrByte = '\x02';

void append(QList<StreamDemuxer::Chunk> &chunks, StreamDemuxer::Stream stream, QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return;
    if (!chunks.isEmpty() && chunks.last().stream == stream)
        chunks.last().bytes.append(bytes);
    else
        chunks.append({stream, bytes.toByteArray()});
}

// Whether all of `bytes` (1 or 2 bytes) equal `byte`: such a tail may be the start of a marker.
bool allEqual(QByteArrayView bytes, char byte)
{
    for (const char c : bytes) {
        if (c != byte)
            return false;
    }
    return true;
}

} // namespace

QList<StreamDemuxer::Chunk> StreamDemuxer::feed(QByteArrayView data)
{
    QList<Chunk> chunks;
    if (data.isEmpty())
        return chunks;

    QByteArray joined;
    QByteArrayView buffer = data;
    if (!m_heldBack.isEmpty()) {
        joined = m_heldBack + data.toByteArray();
        m_heldBack.clear();
        buffer = joined;
    }

    const qsizetype size = buffer.size();
    qsizetype runStart = 0;
    qsizetype i = 0;
    while (i < size) {
        const char c = buffer[i];
        if (c != kStdoutByte && c != kStderrByte) {
            ++i;
            continue;
        }
        if (i + kMarkerLength <= size) {
            if (buffer[i + 1] == c && buffer[i + 2] == c) {
                append(chunks, m_current, buffer.sliced(runStart, i - runStart));
                m_current = c == kStdoutByte ? Stream::Stdout : Stream::Stderr;
                m_sawMarker = true;
                i += kMarkerLength;
                runStart = i;
                continue;
            }
        } else if (allEqual(buffer.sliced(i), c)) {
            // Could be the first one or two bytes of a marker: wait for the next piece.
            append(chunks, m_current, buffer.sliced(runStart, i - runStart));
            m_heldBack = buffer.sliced(i).toByteArray();
            return chunks;
        }
        ++i;
    }
    append(chunks, m_current, buffer.sliced(runStart));
    return chunks;
}

QList<StreamDemuxer::Chunk> StreamDemuxer::finish()
{
    QList<Chunk> chunks;
    append(chunks, m_current, m_heldBack);
    m_heldBack.clear();
    m_current = Stream::Stdout;
    m_sawMarker = false;
    return chunks;
}

QList<StreamDemuxer::TextChunk> StreamDemuxer::decode(const QList<Chunk> &chunks)
{
    QList<TextChunk> texts;
    for (const Chunk &chunk : chunks) {
        const QString text = m_decoders[static_cast<int>(chunk.stream)].decode(chunk.bytes);
        if (text.isEmpty())
            continue;
        if (!texts.isEmpty() && texts.last().stream == chunk.stream)
            texts.last().text.append(text);
        else
            texts.append({chunk.stream, text});
    }
    return texts;
}

QList<StreamDemuxer::TextChunk> StreamDemuxer::feedText(QByteArrayView data)
{
    return decode(feed(data));
}

QList<StreamDemuxer::TextChunk> StreamDemuxer::finishText()
{
    QList<TextChunk> texts = decode(finish());
    for (const Stream stream : {Stream::Stdout, Stream::Stderr}) {
        const QString rest = m_decoders[static_cast<int>(stream)].flush();
        if (rest.isEmpty())
            continue;
        if (!texts.isEmpty() && texts.last().stream == stream)
            texts.last().text.append(rest);
        else
            texts.append({stream, rest});
    }
    return texts;
}

StreamDemuxer::Split StreamDemuxer::split(QByteArrayView log)
{
    StreamDemuxer demuxer;
    QList<Chunk> chunks = demuxer.feed(log);
    chunks.append(demuxer.finish());
    Split result;
    for (const Chunk &chunk : std::as_const(chunks))
        (chunk.stream == Stream::Stdout ? result.stdoutBytes : result.stderrBytes)
            .append(chunk.bytes);
    return result;
}

QByteArray StreamDemuxer::stripMarkers(QByteArrayView log)
{
    StreamDemuxer demuxer;
    QList<Chunk> chunks = demuxer.feed(log);
    chunks.append(demuxer.finish());
    QByteArray combined;
    combined.reserve(log.size());
    for (const Chunk &chunk : std::as_const(chunks))
        combined.append(chunk.bytes);
    return combined;
}

bool StreamDemuxer::containsMarker(QByteArrayView log)
{
    return log.indexOf(kStdoutMarker) >= 0 || log.indexOf(kStderrMarker) >= 0;
}

QByteArrayView StreamDemuxer::marker(Stream stream)
{
    return stream == Stream::Stdout ? kStdoutMarker : kStderrMarker;
}

} // namespace vw
