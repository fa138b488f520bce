#include "app/automation/JsonSchemaCheck.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace vw::automation {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JsonSchemaCheck", text);
}

bool isInteger(const QJsonValue &value)
{
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    return std::isfinite(d) && std::floor(d) == d;
}

bool hasType(const QJsonValue &value, const QString &type)
{
    if (type == u"object")
        return value.isObject();
    if (type == u"array")
        return value.isArray();
    if (type == u"string")
        return value.isString();
    if (type == u"boolean")
        return value.isBool();
    if (type == u"integer")
        return isInteger(value);
    if (type == u"number")
        return value.isDouble();
    if (type == u"null")
        return value.isNull();
    return true; // a type this check does not know: not its business
}

QString typeName(const QString &type)
{
    if (type == u"object")
        return tr("an object");
    if (type == u"array")
        return tr("an array");
    if (type == u"string")
        return tr("a string");
    if (type == u"boolean")
        return tr("true or false");
    if (type == u"integer")
        return tr("an integer");
    if (type == u"number")
        return tr("a number");
    return type;
}

QString literal(const QJsonValue &value)
{
    if (value.isString())
        return QStringLiteral("\"%1\"").arg(value.toString());
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

} // namespace

std::optional<QString> JsonSchemaCheck::check(const QJsonObject &schema, const QJsonValue &value,
                                              const QString &path)
{
    const QString name = path.isEmpty() ? tr("the arguments") : QStringLiteral("`%1`").arg(path);
    const QString type = schema.value(QStringLiteral("type")).toString();
    if (!type.isEmpty() && !hasType(value, type))
        return tr("%1 must be %2").arg(name, typeName(type));

    if (const QJsonArray allowed = schema.value(QStringLiteral("enum")).toArray();
        !allowed.isEmpty() && !allowed.contains(value)) {
        QStringList choices;
        for (const QJsonValue &choice : allowed)
            choices << literal(choice);
        return tr("%1 must be one of %2").arg(name, choices.join(QStringLiteral(", ")));
    }
    if (value.isDouble()) {
        const QJsonValue minimum = schema.value(QStringLiteral("minimum"));
        if (minimum.isDouble() && value.toDouble() < minimum.toDouble())
            return tr("%1 must be at least %2").arg(name, literal(minimum));
        const QJsonValue maximum = schema.value(QStringLiteral("maximum"));
        if (maximum.isDouble() && value.toDouble() > maximum.toDouble())
            return tr("%1 must be at most %2").arg(name, literal(maximum));
    }
    if (value.isString()) {
        const QJsonValue minLength = schema.value(QStringLiteral("minLength"));
        if (minLength.isDouble() && value.toString().size() < minLength.toInt())
            return minLength.toInt() == 1
                       ? tr("%1 must not be empty").arg(name)
                       : tr("%1 must have at least %2 characters").arg(name).arg(minLength.toInt());
    }
    if (value.isArray()) {
        const QJsonObject items = schema.value(QStringLiteral("items")).toObject();
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size() && !items.isEmpty(); ++i) {
            if (auto problem = check(items, array.at(i), QStringLiteral("%1[%2]").arg(path).arg(i)))
                return problem;
        }
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        const QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
        const auto member = [&path](const QString &key) {
            return path.isEmpty() ? key : path + u'.' + key;
        };
        for (const QJsonValue &required : schema.value(QStringLiteral("required")).toArray()) {
            if (!object.contains(required.toString()))
                return tr("`%1` is required").arg(member(required.toString()));
        }
        const bool closed = schema.value(QStringLiteral("additionalProperties")) == false;
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!properties.contains(it.key())) {
                if (closed) {
                    QStringList known = properties.keys();
                    return tr("unknown argument `%1` (known: %2)")
                        .arg(member(it.key()), known.join(QStringLiteral(", ")));
                }
                continue;
            }
            if (auto problem =
                    check(properties.value(it.key()).toObject(), it.value(), member(it.key())))
                return problem;
        }
    }
    return std::nullopt;
}

} // namespace vw::automation
