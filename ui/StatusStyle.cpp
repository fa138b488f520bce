#include "ui/StatusStyle.h"

#include "ui/PaintedIconEngine.h"

#include <QCoreApplication>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

namespace vw::ui {

namespace {

// Paints the badge at whatever size and device pixel ratio is asked for (no blurry scaling).
class BadgeEngine : public PaintedIconEngine
{
public:
    explicit BadgeEngine(BuildStatus status)
        : m_status(status)
    {
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const qreal side = qMin(rect.width(), rect.height());
        const QRectF box(rect.x() + (rect.width() - side) / 2.0,
                         rect.y() + (rect.height() - side) / 2.0, side, side);
        QColor fill = StatusStyle::color(m_status);
        if (mode == QIcon::Disabled)
            fill.setAlphaF(0.4);
        const QRectF disc = box.adjusted(side * 0.06, side * 0.06, -side * 0.06, -side * 0.06);
        if (m_status == BuildStatus::Queued) {
            painter->setPen(QPen(fill, side * 0.12, Qt::DotLine, Qt::RoundCap));
            painter->drawEllipse(
                disc.adjusted(side * 0.06, side * 0.06, -side * 0.06, -side * 0.06));
            painter->restore();
            return;
        }
        painter->setPen(Qt::NoPen);
        painter->setBrush(fill);
        painter->drawEllipse(disc);
        QPen glyph(Qt::white, side * 0.13, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        painter->setPen(glyph);
        painter->setBrush(Qt::NoBrush);
        const auto at = [&box, side](qreal x, qreal y) {
            return QPointF(box.x() + x * side, box.y() + y * side);
        };
        switch (m_status) {
        case BuildStatus::Success: {
            QPainterPath tick(at(0.29, 0.52));
            tick.lineTo(at(0.44, 0.67));
            tick.lineTo(at(0.72, 0.36));
            painter->drawPath(tick);
            break;
        }
        case BuildStatus::Failed:
            painter->drawLine(at(0.35, 0.35), at(0.65, 0.65));
            painter->drawLine(at(0.65, 0.35), at(0.35, 0.65));
            break;
        case BuildStatus::Cancelled:
            painter->drawLine(at(0.32, 0.5), at(0.68, 0.5));
            break;
        case BuildStatus::Interrupted:
            painter->drawLine(at(0.5, 0.3), at(0.5, 0.56));
            painter->drawPoint(at(0.5, 0.71));
            break;
        case BuildStatus::Running:
            painter->setPen(Qt::NoPen);
            painter->setBrush(Qt::white);
            painter->drawEllipse(QRectF(at(0.36, 0.36), at(0.64, 0.64)));
            break;
        case BuildStatus::Queued:
            break;
        }
        painter->restore();
    }

    QIconEngine *clone() const override { return new BadgeEngine(m_status); }

private:
    BuildStatus m_status;
};

} // namespace

QColor StatusStyle::color(BuildStatus status)
{
    switch (status) {
    case BuildStatus::Queued:
        return QColor(0x8a, 0x8f, 0x98);
    case BuildStatus::Running:
        return QColor(0x1f, 0x6f, 0xd1);
    case BuildStatus::Success:
        return QColor(0x1a, 0x7f, 0x37);
    case BuildStatus::Failed:
        return QColor(0xcf, 0x22, 0x2e);
    case BuildStatus::Cancelled:
        return QColor(0x6e, 0x77, 0x81);
    case BuildStatus::Interrupted:
        return QColor(0xbf, 0x87, 0x00);
    }
    return {};
}

QIcon StatusStyle::icon(BuildStatus status)
{
    return QIcon(new BadgeEngine(status));
}

QString StatusStyle::label(BuildStatus status)
{
    switch (status) {
    case BuildStatus::Queued:
        return QCoreApplication::translate("StatusStyle", "Queued");
    case BuildStatus::Running:
        return QCoreApplication::translate("StatusStyle", "Running");
    case BuildStatus::Success:
        return QCoreApplication::translate("StatusStyle", "Succeeded");
    case BuildStatus::Failed:
        return QCoreApplication::translate("StatusStyle", "Failed");
    case BuildStatus::Cancelled:
        return QCoreApplication::translate("StatusStyle", "Cancelled");
    case BuildStatus::Interrupted:
        return QCoreApplication::translate("StatusStyle", "Interrupted");
    }
    return {};
}

QString StatusStyle::duration(qint64 ms)
{
    ms = qMax<qint64>(0, ms);
    if (ms < 10'000)
        return QCoreApplication::translate("StatusStyle", "%1 s")
            .arg(QLocale().toString(double(ms) / 1000.0, 'f', 1)); // "2,5 s" in German
    const qint64 seconds = ms / 1000;
    if (seconds < 60)
        return QCoreApplication::translate("StatusStyle", "%1 s").arg(seconds);
    if (seconds < 3600)
        return QCoreApplication::translate("StatusStyle", "%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("StatusStyle", "%1 h %2 min")
        .arg(seconds / 3600)
        .arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace vw::ui
