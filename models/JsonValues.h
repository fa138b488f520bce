#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

#include <optional>

// Helpers for the JSON form of the domain types: timestamps are ISO 8601 in UTC with
// milliseconds, missing values are null.
namespace vw::json {

inline QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

inline QJsonValue text(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}

inline QJsonValue optional(const std::optional<qint64> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

inline QJsonValue id(qint64 v)
{
    return v > 0 ? QJsonValue(v) : QJsonValue();
}

} // namespace vw::json
