// Utf8StreamDecoder: however the bytes are cut into pieces, the text is the same as when they
// are decoded whole — and the same as QString::fromUtf8 (invalid bytes become U+FFFD as there),
// but for a sequence cut off at the very end. It holds exactly the incomplete tail, at most 3
// bytes.

#include "FuzzSupport.h"

#include "models/Utf8StreamDecoder.h"

#include <QString>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    const vw::fuzz::PiecewiseInput input = vw::fuzz::piecewise(bytes, size);
    vw::Utf8StreamDecoder decoder;
    QString pieces;
    for (QByteArrayView piece : input.pieces) {
        pieces += decoder.decode(piece);
        VW_FUZZ_CHECK(decoder.pendingBytes() <= 3);
        VW_FUZZ_CHECK(decoder.pendingBytes() ==
                      vw::Utf8StreamDecoder::incompleteTailLength(
                          input.data.first(piece.data() + piece.size() - input.data.data())));
    }
    pieces += decoder.flush();
    VW_FUZZ_CHECK(decoder.pendingBytes() == 0);

    vw::Utf8StreamDecoder whole;
    QString wholeText = whole.decode(input.data);
    wholeText += whole.flush(); // after decode(): the operands of + are not sequenced
    VW_FUZZ_CHECK_EQUAL(pieces, wholeText);
    // As QString::fromUtf8, except that a sequence cut off at the very end is one U+FFFD (the
    // "maximal subpart" practice; fromUtf8 gives one per byte).
    const qsizetype tail = vw::Utf8StreamDecoder::incompleteTailLength(input.data);
    QString expected = QString::fromUtf8(input.data.first(input.data.size() - tail));
    if (tail > 0)
        expected += QChar(QChar::ReplacementCharacter);
    VW_FUZZ_CHECK_EQUAL(wholeText, expected);
    return 0;
}
