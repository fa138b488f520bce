// AnsiParser: however the text is cut into pieces, the styled text is the same as from the whole
// text; no escape sequence or control character other than \n, \r, \t and \b gets through; no
// segment is empty; and strip() is the text of the segments.

#include "FuzzSupport.h"

#include "models/AnsiParser.h"

#include <QString>

using vw::AnsiParser;
using vw::AnsiSegment;

namespace {

// Adjacent segments of one style joined, as the view shows them.
void appendMerged(QList<AnsiSegment> &into, const QList<AnsiSegment> &segments)
{
    for (const AnsiSegment &segment : segments) {
        VW_FUZZ_CHECK(!segment.text.isEmpty());
        for (QChar c : segment.text) {
            const char16_t u = c.unicode();
            VW_FUZZ_CHECK(u >= 0x20 || u == u'\n' || u == u'\r' || u == u'\t' || u == u'\b');
            VW_FUZZ_CHECK(u != 0x7f && !(u >= 0x80 && u < 0xa0) && u != 0x9b);
        }
        if (!into.isEmpty() && into.last().style == segment.style)
            into.last().text += segment.text;
        else
            into.append(segment);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    const vw::fuzz::PiecewiseInput input = vw::fuzz::piecewise(bytes, size);
    const QString text = QString::fromUtf8(input.data);

    AnsiParser whole;
    QList<AnsiSegment> expected;
    const QList<AnsiSegment> wholeSegments = whole.feed(text);
    for (qsizetype i = 1; i < wholeSegments.size(); ++i)
        VW_FUZZ_CHECK(wholeSegments[i].style != wholeSegments[i - 1].style); // merged
    appendMerged(expected, wholeSegments);
    whole.finish();

    AnsiParser piecewise;
    QList<AnsiSegment> actual;
    for (QStringView piece : vw::fuzz::textPieces(input, text))
        appendMerged(actual, piecewise.feed(piece));
    piecewise.finish();
    VW_FUZZ_CHECK(actual == expected);
    VW_FUZZ_CHECK(piecewise.style() == whole.style());

    QString plain;
    for (const AnsiSegment &segment : expected)
        plain += segment.text;
    VW_FUZZ_CHECK(AnsiParser::strip(text) == plain);
    return 0;
}
