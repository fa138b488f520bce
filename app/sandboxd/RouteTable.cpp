#include "app/sandboxd/RouteTable.h"

#include <QUrl>

namespace vw::sandboxd {

QStringList routeSplitPattern(const QString &pattern)
{
    return pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

QList<QByteArray> routeSplitPath(const QByteArray &encodedPath)
{
    QList<QByteArray> segments = encodedPath.split('/');
    segments.removeAll(QByteArray());
    return segments;
}

std::optional<QStringList> routeMatchSegments(const QStringList &pattern,
                                              const QList<QByteArray> &segments)
{
    if (pattern.size() != segments.size())
        return std::nullopt;
    QStringList captures;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString decoded = QUrl::fromPercentEncoding(segments.at(i));
        const QString &expected = pattern.at(i);
        if (expected.startsWith(QLatin1Char('{')) && expected.endsWith(QLatin1Char('}'))) {
            if (decoded.isEmpty())
                return std::nullopt;
            captures.append(decoded);
        } else if (expected != decoded) {
            return std::nullopt;
        }
    }
    return captures;
}

} // namespace vw::sandboxd
