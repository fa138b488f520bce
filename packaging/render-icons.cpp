// vw-render-icons: renders the app's SVG icon to the PNG sizes of the hicolor icon theme, so
// desktops without SVG support (and menus, docks and alt-tab at fixed sizes) get sharp icons,
// without committing generated PNGs.
//
//   vw-render-icons SVG OUTPUT_DIR ICON_NAME SIZE...
//
// writes OUTPUT_DIR/<SIZE>x<SIZE>/apps/ICON_NAME.png for every SIZE.
#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QStringList>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char *argv[])
{
    // No GUI application: painting SVG paths into a QImage needs no platform plugin, so the
    // tool also runs in build environments without a display (CI, flatpak-builder).
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 5) {
        std::fprintf(stderr, "usage: vw-render-icons SVG OUTPUT_DIR ICON_NAME SIZE...\n");
        return 2;
    }
    const QString svgPath = arguments.at(1);
    const QDir outputDir(arguments.at(2));
    const QString iconName = arguments.at(3);

    QSvgRenderer renderer(svgPath);
    if (!renderer.isValid()) {
        std::fprintf(stderr, "vw-render-icons: cannot read the SVG %s\n", qPrintable(svgPath));
        return 1;
    }
    for (const QString &sizeText : arguments.mid(4)) {
        bool numeric = false;
        const int size = sizeText.toInt(&numeric);
        if (!numeric || size <= 0) {
            std::fprintf(stderr, "vw-render-icons: not a size: %s\n", qPrintable(sizeText));
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        {
            QPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing);
            painter.setRenderHint(QPainter::SmoothPixmapTransform);
            renderer.render(&painter, QRectF(0, 0, size, size));
        }
        const QString subdir = QStringLiteral("%1x%1/apps").arg(size);
        const QString target =
            outputDir.filePath(subdir + QLatin1Char('/') + iconName + QStringLiteral(".png"));
        if (!outputDir.mkpath(subdir) || !image.save(target, "PNG")) {
            std::fprintf(stderr, "vw-render-icons: cannot write %s\n", qPrintable(target));
            return 1;
        }
    }
    return 0;
}
