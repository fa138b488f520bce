#include "models/AnsiParser.h"

#include <algorithm>

namespace vw {
namespace {

constexpr QChar kEsc = QChar(0x1b);
constexpr QChar kBel = QChar(0x07);
constexpr qsizetype kMaxSequenceLength = 4096;

bool isKeptControl(char16_t c)
{
    return c == u'\n' || c == u'\r' || c == u'\t' || c == u'\b';
}

bool isDroppedControl(char16_t c)
{
    return (c < 0x20 && !isKeptControl(c)) || c == 0x7f || (c >= 0x80 && c <= 0x9f);
}

int number(QStringView s, int fallback = 0)
{
    bool ok = false;
    const int value = s.toInt(&ok);
    return ok ? value : fallback;
}

// Reads an extended colour (38/48) whose arguments start at args[0] (the 5 or the 2).
// Returns how many arguments were used, 0 if none fit.
int readExtendedColor(const QList<int> &args, AnsiColor &color, bool colonForm)
{
    if (args.isEmpty())
        return 0;
    if (args[0] == 5 && args.size() >= 2) {
        if (args[1] >= 0 && args[1] <= 255)
            color = AnsiColor::indexed(args[1]);
        return 2;
    }
    if (args[0] == 2) {
        // The colon form may carry a colour-space id before r:g:b (38:2:cs:r:g:b).
        const int first = (colonForm && args.size() >= 5) ? 2 : 1;
        if (args.size() < first + 3)
            return static_cast<int>(args.size());
        color = AnsiColor::fromRgb(args[first], args[first + 1], args[first + 2]);
        return first + 3;
    }
    return 1;
}

} // namespace

QList<AnsiSegment> AnsiParser::feed(QStringView text)
{
    QList<AnsiSegment> out;
    qsizetype runStart = 0;
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = text[i].unicode();
        switch (m_state) {
        case State::Text:
            if (c == kEsc) {
                append(out, text.mid(runStart, i - runStart));
                m_state = State::Escape;
            } else if (isDroppedControl(c)) {
                append(out, text.mid(runStart, i - runStart));
                runStart = i + 1;
            }
            continue;
        case State::Escape:
            if (c == u'[') {
                m_state = State::Csi;
                m_sequence.clear();
            } else if (c == u']' || c == u'P' || c == u'X' || c == u'^' || c == u'_') {
                m_state = State::String;
                m_sequence.clear();
            } else if (c == kEsc || (c >= 0x20 && c <= 0x2f)) {
                // Another ESC restarts; intermediates (ESC ( B …) wait for their final byte.
            } else {
                m_state = State::Text;
                runStart = i + 1;
            }
            continue;
        case State::Csi:
            if (c >= 0x40 && c <= 0x7e) {
                // Private sequences (ESC [ ? …) and those with intermediates are not SGR.
                const bool plainParameters =
                    std::all_of(m_sequence.cbegin(), m_sequence.cend(),
                                [](QChar p) { return p >= u'0' && p <= u';'; });
                if (c == u'm' && plainParameters)
                    applySgr(m_sequence);
                m_state = State::Text;
                runStart = i + 1;
            } else if (c == kEsc) {
                m_state = State::Escape; // an interrupted sequence is dropped
            } else if (c < 0x20 || m_sequence.size() >= kMaxSequenceLength) {
                m_state = State::Text; // not a sequence after all: drop what was read
                runStart = isDroppedControl(c) ? i + 1 : i;
            } else {
                m_sequence.append(QChar(c));
            }
            continue;
        case State::String:
            if (c == kBel) {
                m_state = State::Text;
                runStart = i + 1;
            } else if (c == kEsc) {
                m_state = State::StringEscape;
            } else if (m_sequence.size() < kMaxSequenceLength) {
                m_sequence.append(QChar(u'.')); // only the length matters
            } else {
                m_state = State::Text;
                runStart = i;
            }
            continue;
        case State::StringEscape:
            if (c == u'\\') {
                m_state = State::Text;
                runStart = i + 1;
            } else {
                // The string ended without a terminator; this ESC starts a new sequence.
                m_state = State::Escape;
                --i;
            }
            continue;
        }
    }
    if (m_state == State::Text)
        append(out, text.mid(runStart));
    return out;
}

void AnsiParser::finish()
{
    m_state = State::Text;
    m_sequence.clear();
}

void AnsiParser::reset()
{
    finish();
    m_style = {};
}

QString AnsiParser::strip(QStringView text)
{
    AnsiParser parser;
    QString plain;
    plain.reserve(text.size());
    for (const AnsiSegment &segment : parser.feed(text))
        plain += segment.text;
    return plain;
}

void AnsiParser::append(QList<AnsiSegment> &out, QStringView text) const
{
    if (text.isEmpty())
        return;
    if (!out.isEmpty() && out.last().style == m_style)
        out.last().text += text;
    else
        out.append({text.toString(), m_style});
}

void AnsiParser::applySgr(QStringView parameters)
{
    const QList<QStringView> groups = parameters.split(u';');
    for (qsizetype g = 0; g < groups.size(); ++g) {
        const QList<QStringView> parts = groups[g].split(u':');
        const int code = number(parts[0]);
        switch (code) {
        case 0:
            m_style = {};
            break;
        case 1:
            m_style.bold = true;
            break;
        case 2:
            m_style.faint = true;
            break;
        case 3:
            m_style.italic = true;
            break;
        case 4:
            m_style.underline = parts.size() < 2 || number(parts[1]) != 0; // 4:0 = none
            break;
        case 7:
            m_style.inverse = true;
            break;
        case 9:
            m_style.strikeOut = true;
            break;
        case 21:
            m_style.underline = true; // double underline
            break;
        case 22:
            m_style.bold = m_style.faint = false;
            break;
        case 23:
            m_style.italic = false;
            break;
        case 24:
            m_style.underline = false;
            break;
        case 27:
            m_style.inverse = false;
            break;
        case 29:
            m_style.strikeOut = false;
            break;
        case 39:
            m_style.foreground = {};
            break;
        case 49:
            m_style.background = {};
            break;
        case 38:
        case 48: {
            AnsiColor &target = code == 38 ? m_style.foreground : m_style.background;
            QList<int> args;
            if (parts.size() > 1) {
                for (qsizetype p = 1; p < parts.size(); ++p)
                    args.append(number(parts[p]));
                readExtendedColor(args, target, true);
            } else {
                for (qsizetype a = g + 1; a < groups.size() && a <= g + 5; ++a)
                    args.append(number(groups[a]));
                g += readExtendedColor(args, target, false);
            }
            break;
        }
        default:
            if (code >= 30 && code <= 37)
                m_style.foreground = AnsiColor::indexed(code - 30);
            else if (code >= 40 && code <= 47)
                m_style.background = AnsiColor::indexed(code - 40);
            else if (code >= 90 && code <= 97)
                m_style.foreground = AnsiColor::indexed(code - 90 + 8);
            else if (code >= 100 && code <= 107)
                m_style.background = AnsiColor::indexed(code - 100 + 8);
            break; // anything else (blink, fonts, …) has no effect on a log view
        }
    }
}

} // namespace vw
