#include "models/StoreChange.h"

#include <QStringList>

namespace vw {

QString StoreChange::toPayload() const
{
    switch (kind) {
    case Kind::Project:
        return QStringLiteral("project %1").arg(projectId);
    case Kind::Build:
        return QStringLiteral("build %1 %2").arg(buildId).arg(projectId);
    case Kind::Event:
        return QStringLiteral("event %1 %2").arg(buildId).arg(eventId);
    case Kind::Log:
        return QStringLiteral("log %1").arg(buildId);
    case Kind::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

std::optional<StoreChange> StoreChange::fromPayload(const QString &payload)
{
    const QStringList parts = payload.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return std::nullopt;
    QList<qint64> numbers;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        bool ok = false;
        numbers.append(parts[i].toLongLong(&ok));
        if (!ok)
            return std::nullopt;
    }
    StoreChange change;
    const QString &kind = parts.first();
    if (kind == u"project" && numbers.size() == 1) {
        change.kind = Kind::Project;
        change.projectId = numbers[0];
    } else if (kind == u"build" && numbers.size() == 2) {
        change.kind = Kind::Build;
        change.buildId = numbers[0];
        change.projectId = numbers[1];
    } else if (kind == u"event" && numbers.size() == 2) {
        change.kind = Kind::Event;
        change.buildId = numbers[0];
        change.eventId = numbers[1];
    } else if (kind == u"log" && numbers.size() == 1) {
        change.kind = Kind::Log;
        change.buildId = numbers[0];
    } else if (kind == u"unknown" && numbers.isEmpty()) {
        change.kind = Kind::Unknown;
    } else {
        return std::nullopt;
    }
    return change;
}

} // namespace vw
