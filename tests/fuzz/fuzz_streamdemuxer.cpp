// StreamDemuxer and its UTF-8 decoding: however the log is cut into pieces, the streams come out
// exactly as from the whole log (StreamDemuxer::split), never with an empty chunk, never with
// more than 2 bytes held back, and the text of each stream is its bytes decoded whole.

#include "FuzzSupport.h"

#include "models/StreamDemuxer.h"
#include "models/Utf8StreamDecoder.h"

using vw::LogStream;
using vw::StreamDemuxer;

namespace {

QString decodedWhole(const QByteArray &bytes)
{
    vw::Utf8StreamDecoder decoder;
    QString text = decoder.decode(bytes);
    text += decoder.flush(); // after decode(): the operands of + are not sequenced
    return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    const vw::fuzz::PiecewiseInput input = vw::fuzz::piecewise(bytes, size);
    const StreamDemuxer::Split whole = StreamDemuxer::split(input.data);

    QByteArray out[2];
    const auto take = [&out](const QList<StreamDemuxer::Chunk> &chunks) {
        for (qsizetype i = 0; i < chunks.size(); ++i) {
            VW_FUZZ_CHECK(!chunks[i].bytes.isEmpty());
            VW_FUZZ_CHECK(i == 0 || chunks[i].stream != chunks[i - 1].stream); // merged
            out[chunks[i].stream == LogStream::Stderr] += chunks[i].bytes;
        }
    };
    StreamDemuxer demuxer;
    for (QByteArrayView piece : input.pieces) {
        take(demuxer.feed(piece));
        VW_FUZZ_CHECK(demuxer.heldBackBytes() <= 2);
    }
    take(demuxer.finish());
    VW_FUZZ_CHECK_EQUAL(out[0], whole.stdoutBytes);
    VW_FUZZ_CHECK_EQUAL(out[1], whole.stderrBytes);
    VW_FUZZ_CHECK(StreamDemuxer::stripMarkers(input.data).size() ==
                  whole.stdoutBytes.size() + whole.stderrBytes.size());

    QString text[2];
    const auto takeText = [&text](const QList<StreamDemuxer::TextChunk> &chunks) {
        for (const StreamDemuxer::TextChunk &chunk : chunks) {
            VW_FUZZ_CHECK(!chunk.text.isEmpty());
            text[chunk.stream == LogStream::Stderr] += chunk.text;
        }
    };
    StreamDemuxer textDemuxer;
    for (QByteArrayView piece : input.pieces)
        takeText(textDemuxer.feedText(piece));
    takeText(textDemuxer.finishText());
    VW_FUZZ_CHECK_EQUAL(text[0], decodedWhole(whole.stdoutBytes));
    VW_FUZZ_CHECK_EQUAL(text[1], decodedWhole(whole.stderrBytes));
    return 0;
}
