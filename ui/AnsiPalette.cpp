#include "ui/AnsiPalette.h"

namespace vw::ui {
namespace {

// VS Code's terminal colours, tuned for contrast on each background.
constexpr std::array<QRgb, 16> kDarkColors = {
    0x000000, 0xcd3131, 0x0dbc79, 0xe5e510, 0x2472c8, 0xbc3fbc, 0x11a8cd, 0xe5e5e5,
    0x666666, 0xf14c4c, 0x23d18b, 0xf5f543, 0x3b8eea, 0xd670d6, 0x29b8db, 0xffffff};
constexpr std::array<QRgb, 16> kLightColors = {
    0x000000, 0xcd3131, 0x00a000, 0x949800, 0x0451a5, 0xbc05bc, 0x0598bc, 0x555555,
    0x666666, 0xcd3131, 0x14ce14, 0xb5ba00, 0x0451a5, 0xbc05bc, 0x0598bc, 0xa5a5a5};

} // namespace

AnsiPalette::AnsiPalette(const QPalette &palette)
    : m_dark(palette.color(QPalette::Base).lightness() < 128)
    , m_foreground(palette.color(QPalette::Text))
    , m_background(palette.color(QPalette::Base))
{
    const auto &colors = m_dark ? kDarkColors : kLightColors;
    for (size_t i = 0; i < colors.size(); ++i)
        m_standard[i] = QColor::fromRgb(colors[i]);
    // "Black" on a dark theme and "white" on a light one would vanish into the background.
    if (m_dark)
        m_standard[0] = QColor::fromRgb(0x4d4d4d);
    else
        m_standard[7] = QColor::fromRgb(0x555555);
}

QColor AnsiPalette::xterm256(int index)
{
    if (index < 16)
        return QColor::fromRgb(kDarkColors[size_t(index)]);
    if (index < 232) {
        const int i = index - 16;
        const auto level = [](int v) { return v == 0 ? 0 : 55 + v * 40; };
        return QColor(level(i / 36), level((i / 6) % 6), level(i % 6));
    }
    const int grey = 8 + (index - 232) * 10;
    return QColor(grey, grey, grey);
}

QColor AnsiPalette::color(const AnsiColor &color) const
{
    switch (color.kind) {
    case AnsiColor::Kind::Default:
        return {};
    case AnsiColor::Kind::Indexed:
        return color.index < 16 ? m_standard[color.index] : xterm256(color.index);
    case AnsiColor::Kind::Rgb:
        return QColor::fromRgb(color.rgb);
    }
    return {};
}

QTextCharFormat AnsiPalette::format(const AnsiStyle &style) const
{
    QTextCharFormat format;
    QColor foreground = color(style.foreground);
    QColor background = color(style.background);
    if (style.inverse) {
        const QColor fg = foreground.isValid() ? foreground : m_foreground;
        foreground = background.isValid() ? background : m_background;
        background = fg;
    }
    if (style.faint) {
        if (!foreground.isValid())
            foreground = m_foreground;
        foreground.setAlphaF(0.6f);
    }
    if (foreground.isValid())
        format.setForeground(foreground);
    if (background.isValid())
        format.setBackground(background);
    if (style.bold)
        format.setFontWeight(QFont::Bold);
    if (style.italic)
        format.setFontItalic(true);
    if (style.underline)
        format.setFontUnderline(true);
    if (style.strikeOut)
        format.setFontStrikeOut(true);
    return format;
}

} // namespace vw::ui
