#pragma once

#include "models/AnsiParser.h"

#include <QColor>
#include <QPalette>
#include <QTextCharFormat>

#include <array>

namespace vw::ui {

// Maps the terminal colours a log asked for onto the widget's palette: the 16 standard colours
// have a light-background and a dark-background variant (so "white" text stays readable on a
// light theme and "black" on a dark one); the 256-colour cube, the greys and 24-bit colours are
// used as they are.
class AnsiPalette
{
public:
    explicit AnsiPalette(const QPalette &palette = {});

    bool isDark() const { return m_dark; }
    // An invalid QColor for the default colour.
    QColor color(const AnsiColor &color) const;
    // The character format for a style run (bold, italic, underline, faint, inverse, colours).
    QTextCharFormat format(const AnsiStyle &style) const;

    static QColor xterm256(int index);

private:
    bool m_dark = false;
    QColor m_foreground;
    QColor m_background;
    std::array<QColor, 16> m_standard;
};

} // namespace vw::ui
