#include "app/engine/ArtifactLocator.h"

#include <QDir>

namespace vw::engine {

namespace {

QStringList usualPlaces(const QString &family)
{
    if (family == QLatin1String("node"))
        return {QStringLiteral("dist"), QStringLiteral("build"), QStringLiteral("out"),
                QStringLiteral(".next"), QStringLiteral(".output")};
    if (family == QLatin1String("python"))
        return {QStringLiteral("dist")};
    if (family == QLatin1String("rust"))
        return {QStringLiteral("target/release"), QStringLiteral("target/debug")};
    if (family == QLatin1String("go"))
        return {QStringLiteral("bin")};
    if (family == QLatin1String("maven"))
        return {QStringLiteral("target")};
    if (family == QLatin1String("gradle"))
        return {QStringLiteral("build/libs"), QStringLiteral("build/distributions"),
                QStringLiteral("build")};
    if (family == QLatin1String("ruby"))
        return {QStringLiteral("pkg")};
    if (family == QLatin1String("php"))
        return {};
    return {QStringLiteral("dist"), QStringLiteral("build"), QStringLiteral("out"),
            QStringLiteral("bin"), QStringLiteral("target")};
}

} // namespace

QString ArtifactLocator::normalized(const QString &directory)
{
    const QString trimmed = directory.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (trimmed.startsWith(QLatin1Char('/')))
        return QDir::cleanPath(trimmed);
    const QString clean = QDir::cleanPath(trimmed);
    if (clean == QLatin1String(".") || clean == QLatin1String("..") ||
        clean.startsWith(QLatin1String("../")))
        return {};
    return clean;
}

QStringList ArtifactLocator::candidates(const QString &stack, const QString &configured,
                                        const QString &detected)
{
    if (const QString own = normalized(configured); !own.isEmpty())
        return {own};
    QStringList result;
    if (const QString chosen = normalized(detected); !chosen.isEmpty())
        result.append(chosen);
    const QString family = stack.section(QLatin1Char('-'), 0, 0).trimmed().toLower();
    for (const QString &place : usualPlaces(family)) {
        if (!result.contains(place))
            result.append(place);
    }
    return result;
}

} // namespace vw::engine
