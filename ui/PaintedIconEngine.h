#pragma once

#include <QIconEngine>
#include <QPainter>
#include <QPixmap>

namespace vw::ui {

// An icon drawn with QPainter at whatever size and scale is asked for, so it stays sharp on
// every screen: subclasses implement paint() (and clone()); pixmaps come from it.
class PaintedIconEngine : public QIconEngine
{
public:
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    // `size` is in device pixels (QIcon::pixmap() multiplies by the scale first).
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override
    {
        QPixmap pixmap(size);
        pixmap.fill(Qt::transparent);
        pixmap.setDevicePixelRatio(scale);
        QPainter painter(&pixmap);
        paint(&painter, QRect(QPoint(0, 0), (QSizeF(size) / scale).toSize()), mode, state);
        return pixmap;
    }
};

} // namespace vw::ui
