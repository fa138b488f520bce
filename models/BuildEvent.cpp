#include "models/BuildEvent.h"

#include "models/JsonValues.h"

#include <QCoreApplication>
#include <QHash>

namespace vw {

QJsonObject BuildEvent::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), json::id(id)},
        {QStringLiteral("build_id"), json::id(buildId)},
        {QStringLiteral("event_type"), type},
        {QStringLiteral("phase"), phase ? QJsonValue(phaseName(*phase)) : QJsonValue()},
        {QStringLiteral("message"), message},
        {QStringLiteral("metadata"), metadata},
        {QStringLiteral("created_at"), json::time(createdAt)},
    };
}

QString BuildEvent::typeDisplayName(const QString &type)
{
    // QT_TRANSLATE_NOOP marks them for lupdate; translate() looks them up when shown.
    static const QHash<QString, const char *> names{
        {Type::Created, QT_TRANSLATE_NOOP("vw::BuildEvent", "created")},
        {Type::Queued, QT_TRANSLATE_NOOP("vw::BuildEvent", "queued")},
        {Type::PhaseStarted, QT_TRANSLATE_NOOP("vw::BuildEvent", "phase started")},
        {Type::PhaseFinished, QT_TRANSLATE_NOOP("vw::BuildEvent", "phase finished")},
        {Type::PhaseSkipped, QT_TRANSLATE_NOOP("vw::BuildEvent", "phase skipped")},
        {Type::CommandStarted, QT_TRANSLATE_NOOP("vw::BuildEvent", "command started")},
        {Type::CommandExited, QT_TRANSLATE_NOOP("vw::BuildEvent", "command exited")},
        {Type::CacheHit, QT_TRANSLATE_NOOP("vw::BuildEvent", "cache hit")},
        {Type::CacheMiss, QT_TRANSLATE_NOOP("vw::BuildEvent", "cache miss")},
        {Type::Error, QT_TRANSLATE_NOOP("vw::BuildEvent", "error")},
        {Type::Cancelled, QT_TRANSLATE_NOOP("vw::BuildEvent", "cancelled")},
        {Type::Reattached, QT_TRANSLATE_NOOP("vw::BuildEvent", "reattached")},
        {Type::Interrupted, QT_TRANSLATE_NOOP("vw::BuildEvent", "interrupted")},
        {Type::Finished, QT_TRANSLATE_NOOP("vw::BuildEvent", "finished")},
    };
    const auto found = names.constFind(type);
    return found == names.constEnd() ? type : QCoreApplication::translate("vw::BuildEvent", *found);
}

} // namespace vw
