#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace vw::automation {

// Checks a tool's arguments against its input schema — the part of JSON Schema the tools' schemas
// use: type (object, string, integer, number, boolean, array), properties, required,
// additionalProperties: false, enum, minimum/maximum, minLength, items. Returns what is wrong in
// one sentence naming the argument ("`tail` must be an integer of at least 1"), or nullopt.
class JsonSchemaCheck
{
public:
    static std::optional<QString> check(const QJsonObject &schema, const QJsonValue &value,
                                        const QString &path = {});
};

} // namespace vw::automation
