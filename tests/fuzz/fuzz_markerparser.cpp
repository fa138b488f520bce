// MarkerParser: however the text is cut into pieces, it finds the same driver events and the
// same user output as in the whole text (MarkerParser::parseAll); no piece of output is empty or
// follows another; it never holds back more than a marker's length; and every event it finds
// reads back from its own marker line (DriverEvent::toMarker).

#include "FuzzSupport.h"

#include "app/engine/MarkerParser.h"

#include <QString>

using vw::engine::DriverEvent;
using vw::engine::MarkerParser;

namespace {

const QString kNonce = QStringLiteral("fuzzNonce0123456"); // the seed corpus uses this one

// Equal, but for how its numbers were spelt: "ts=07" is read as 7 and written back as "ts=7".
bool sameEvent(DriverEvent a, DriverEvent b)
{
    for (const char *number : {"seq", "ts", "exit"}) {
        a.fields.remove(QLatin1String(number));
        b.fields.remove(QLatin1String(number));
    }
    return a == b;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    const vw::fuzz::PiecewiseInput input = vw::fuzz::piecewise(bytes, size);
    const QString text = QString::fromUtf8(input.data);
    const MarkerParser::Parsed whole = MarkerParser::parseAll(text, kNonce);

    MarkerParser parser(kNonce);
    QList<DriverEvent> events;
    QString output;
    const auto take = [&](const QList<MarkerParser::Piece> &pieces) {
        for (qsizetype i = 0; i < pieces.size(); ++i) {
            if (pieces[i].isEvent()) {
                events.append(pieces[i].event);
                continue;
            }
            VW_FUZZ_CHECK(!pieces[i].text.isEmpty());
            VW_FUZZ_CHECK(i == 0 || pieces[i - 1].isEvent()); // adjacent output is merged
            output += pieces[i].text;
        }
    };
    for (QStringView piece : vw::fuzz::textPieces(input, text)) {
        take(parser.feed(piece));
        VW_FUZZ_CHECK(parser.heldBack() <= MarkerParser::kMaxMarkerLength + 2);
    }
    take(parser.finish());
    VW_FUZZ_CHECK(parser.heldBack() == 0);
    VW_FUZZ_CHECK(events == whole.events);
    VW_FUZZ_CHECK_EQUAL(output, whole.output);

    for (const DriverEvent &event : std::as_const(whole.events)) {
        const MarkerParser::Parsed again = MarkerParser::parseAll(event.toMarker(kNonce), kNonce);
        if (again.events.size() != 1 || !sameEvent(again.events.constFirst(), event))
            vw::fuzz::failEqual("the event read back from its marker",
                                event.toMarker(kNonce).toUtf8(), QByteArray(), __FILE__, __LINE__);
        VW_FUZZ_CHECK(again.output.isEmpty());
    }
    return 0;
}
