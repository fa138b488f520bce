#include "app/engine/MarkerParser.h"

#include <utility>

namespace vw::engine {
namespace {

constexpr QChar kEsc(0x1b);
constexpr QChar kBel(0x07);

} // namespace

MarkerParser::MarkerParser(QString nonce)
    : m_nonce(std::move(nonce))
    , m_prefix(QStringLiteral("\x1b]%1;").arg(DriverEvent::kOscCode))
{
}

void MarkerParser::appendOutput(QList<Piece> &pieces, QStringView text)
{
    if (text.isEmpty())
        return;
    if (!pieces.isEmpty() && !pieces.last().isEvent()) {
        pieces.last().text += text;
        return;
    }
    Piece piece;
    piece.text = text.toString();
    pieces.append(std::move(piece));
}

QList<MarkerParser::Piece> MarkerParser::feed(QStringView text)
{
    QList<Piece> pieces;
    m_pending += text;
    process(pieces);
    return pieces;
}

QList<MarkerParser::Piece> MarkerParser::finish()
{
    QList<Piece> pieces;
    // A lone CR held after a marker is output after all.
    appendOutput(pieces, m_pending);
    m_pending.clear();
    m_swallowLineBreak = false;
    return pieces;
}

void MarkerParser::process(QList<Piece> &pieces)
{
    const QStringView text(m_pending);
    qsizetype position = 0;    // everything before has been handled
    qsizetype outputStart = 0; // output not yet appended starts here
    const auto flushOutput = [&](qsizetype end) {
        appendOutput(pieces, text.sliced(outputStart, end - outputStart));
        outputStart = end;
    };

    while (position < text.size()) {
        if (m_swallowLineBreak) {
            if (text.at(position) == u'\n') {
                position += 1;
            } else if (text.at(position) == u'\r') {
                if (position + 1 >= text.size())
                    break; // CR at the end: wait for what follows
                if (text.at(position + 1) == u'\n')
                    position += 2;
            }
            m_swallowLineBreak = false;
            outputStart = position;
            continue;
        }

        const qsizetype escape = text.indexOf(kEsc, position);
        if (escape < 0) {
            position = text.size();
            break;
        }
        const QStringView rest = text.sliced(escape);
        if (rest.size() < m_prefix.size()) {
            if (QStringView(m_prefix).startsWith(rest)) {
                position = escape; // maybe the start of a marker: hold it back
                break;
            }
            position = escape + 1;
            continue;
        }
        if (!rest.startsWith(m_prefix)) {
            position = escape + 1;
            continue;
        }

        // Our OSC: find its terminator (BEL or ESC \) on the same line.
        qsizetype end = -1;
        qsizetype terminatorLength = 0;
        bool broken = false;
        qsizetype i = m_prefix.size();
        for (; i < rest.size(); ++i) {
            if (i > kMaxMarkerLength) {
                broken = true;
                break;
            }
            const QChar c = rest.at(i);
            if (c == kBel) {
                end = i;
                terminatorLength = 1;
                break;
            }
            if (c == kEsc) {
                if (i + 1 < rest.size()) {
                    if (rest.at(i + 1) == u'\\') {
                        end = i;
                        terminatorLength = 2;
                    } else {
                        broken = true;
                    }
                }
                break; // an ESC at the very end may start the ST terminator: incomplete
            }
            if (c == u'\n' || c == u'\r') {
                broken = true;
                break;
            }
        }
        if (end < 0) {
            if (!broken) {
                position = escape; // wait for the rest of the marker
                break;
            }
            position = escape + 1; // not a marker: the ESC is output, look further
            continue;
        }

        const QStringView body = rest.sliced(2, end - 2); // after "ESC ]"
        const qsizetype markerEnd = escape + end + terminatorLength;
        if (auto event = DriverEvent::parse(body, m_nonce)) {
            flushOutput(escape);
            Piece piece;
            piece.type = Piece::Type::Event;
            piece.event = std::move(*event);
            pieces.append(std::move(piece));
            position = markerEnd;
            outputStart = markerEnd;
            m_swallowLineBreak = true;
        } else {
            position = markerEnd; // a forged or broken marker: output, terminator included
        }
    }

    flushOutput(position);
    m_pending.remove(0, position);
}

MarkerParser::Parsed MarkerParser::parseAll(QStringView text, const QString &nonce)
{
    MarkerParser parser(nonce);
    Parsed parsed;
    QList<Piece> pieces = parser.feed(text);
    pieces += parser.finish();
    for (const Piece &piece : std::as_const(pieces)) {
        if (piece.isEvent())
            parsed.events.append(piece.event);
        else
            parsed.output += piece.text;
    }
    return parsed;
}

} // namespace vw::engine
