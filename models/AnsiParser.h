#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace vw {

// A colour as a terminal program asked for it. Kept symbolic (not a QColor) so the view can map
// the 16 standard colours onto a light or a dark palette.
struct AnsiColor
{
    enum class Kind : quint8 { Default, Indexed, Rgb };
    Kind kind = Kind::Default;
    quint8 index = 0; // Indexed: 0–15 standard and bright, 16–255 the xterm cube and greys
    quint32 rgb = 0;  // Rgb: 0xRRGGBB

    static AnsiColor indexed(int i) { return {Kind::Indexed, static_cast<quint8>(i), 0}; }
    static AnsiColor fromRgb(int r, int g, int b)
    {
        return {Kind::Rgb, 0,
                (static_cast<quint32>(r & 0xff) << 16) | (static_cast<quint32>(g & 0xff) << 8) |
                    static_cast<quint32>(b & 0xff)};
    }
    bool isDefault() const { return kind == Kind::Default; }
    friend bool operator==(const AnsiColor &, const AnsiColor &) = default;
};

struct AnsiStyle
{
    AnsiColor foreground;
    AnsiColor background;
    bool bold = false;
    bool faint = false;
    bool italic = false;
    bool underline = false;
    bool inverse = false;
    bool strikeOut = false;

    bool isPlain() const { return *this == AnsiStyle{}; }
    friend bool operator==(const AnsiStyle &, const AnsiStyle &) = default;
};

// A run of text in one style. Text keeps '\n', '\r', '\t' and '\b' for the log buffer to act
// on; every other control character and escape sequence has been removed.
struct AnsiSegment
{
    QString text;
    AnsiStyle style;
    friend bool operator==(const AnsiSegment &, const AnsiSegment &) = default;
};

// Turns terminal output into styled text, one instance per output stream. Stateful: an escape
// sequence split across feed() calls is completed by the next call, and the style carries over.
// Applies SGR (ESC [ … m): reset, bold, faint, italic, underline, inverse, strike-out, the 16
// standard colours, 256-colour (38;5;n) and 24-bit (38;2;r;g;b, also the colon forms) for
// foreground and background. Drops every other CSI sequence (cursor moves, erase, …), OSC
// (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings and two-character escapes, so no garbage
// reaches the view. A sequence that grows beyond 4 KiB without ending is dropped as garbage.
class AnsiParser
{
public:
    QList<AnsiSegment> feed(QStringView text);
    // Ends the stream: an unfinished escape sequence is dropped. The style is kept.
    void finish();
    void reset();

    const AnsiStyle &style() const { return m_style; }

    // The text without any escape sequence (e.g. for searching or error-line matching).
    static QString strip(QStringView text);

private:
    enum class State : quint8 { Text, Escape, Csi, String, StringEscape };

    void applySgr(QStringView parameters);
    void append(QList<AnsiSegment> &out, QStringView text) const;

    State m_state = State::Text;
    QString m_sequence; // parameters of the CSI or string being read
    AnsiStyle m_style;
};

} // namespace vw
