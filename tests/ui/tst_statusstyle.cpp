#include "ui/StatusStyle.h"

#include <QImage>
#include <QPixmap>
#include <QTest>

using vw::BuildStatus;
using vw::ui::StatusStyle;

class tst_StatusStyle : public QObject
{
    Q_OBJECT

private slots:
    void duration_data();
    void duration();
    void everyStatusHasItsOwnColourAndLabel();
    void iconsAreSharpAtEveryScale();
};

void tst_StatusStyle::duration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0.0 s");
    QTest::newRow("negative clamps") << qint64(-5) << QStringLiteral("0.0 s");
    QTest::newRow("sub-second") << qint64(420) << QStringLiteral("0.4 s");
    QTest::newRow("under ten") << qint64(9'960) << QStringLiteral("10.0 s");
    QTest::newRow("seconds") << qint64(42'700) << QStringLiteral("42 s");
    QTest::newRow("minutes") << qint64(185'000) << QStringLiteral("3 min 05 s");
    QTest::newRow("hours") << qint64(3'725'000) << QStringLiteral("1 h 02 min");
}

void tst_StatusStyle::duration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(StatusStyle::duration(ms), text);
}

void tst_StatusStyle::everyStatusHasItsOwnColourAndLabel()
{
    QSet<QRgb> colours;
    QSet<QString> labels;
    for (BuildStatus status : vw::allBuildStatuses()) {
        colours.insert(StatusStyle::color(status).rgb());
        labels.insert(StatusStyle::label(status));
    }
    QCOMPARE(colours.size(), vw::allBuildStatuses().size());
    QCOMPARE(labels.size(), vw::allBuildStatuses().size());
}

void tst_StatusStyle::iconsAreSharpAtEveryScale()
{
    for (qreal scale : {1.0, 2.0, 3.0}) {
        const QPixmap pixmap = StatusStyle::icon(BuildStatus::Failed).pixmap(QSize(16, 16), scale);
        QCOMPARE(pixmap.size(), QSize(16, 16) * scale);
        // The disc's middle is the status colour… except the glyph: sample off the cross.
        const QImage image = pixmap.toImage();
        const QColor left = image.pixelColor(int(3 * scale), image.height() / 2);
        QVERIFY2(left.red() > 150 && left.green() < 90, qPrintable(left.name()));
    }
}

QTEST_MAIN(tst_StatusStyle)
#include "tst_statusstyle.moc"
