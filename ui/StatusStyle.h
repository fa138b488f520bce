#pragma once

#include "models/BuildStatus.h"

#include <QColor>
#include <QIcon>
#include <QString>

class QPalette;

namespace vw::ui {

// How a build status looks everywhere (indicator, timeline, history, tray): one colour, one
// icon and one short word each. Colours are chosen to read on light and dark palettes alike.
class StatusStyle
{
public:
    static QColor color(vw::BuildStatus status);
    // A round badge with a glyph (✓, ✗, …), drawn for the size asked for, sharp at any DPI.
    static QIcon icon(vw::BuildStatus status);
    // "Queued", "Running", "Succeeded", "Failed", "Cancelled", "Interrupted" (translated).
    static QString label(vw::BuildStatus status);
    // The duration as people read it: "0.4 s", "42 s", "3 min 05 s", "1 h 02 min".
    static QString duration(qint64 ms);
};

} // namespace vw::ui
