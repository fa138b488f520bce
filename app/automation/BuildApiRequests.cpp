#include "app/automation/BuildApiRequests.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

namespace vw::automation {

namespace {

Error badRequest(const QString &message)
{
    return Error{QStringLiteral("BAD_REQUEST"), message, 400};
}

QString translated(const char *text)
{
    return QCoreApplication::translate("BuildApiRequests", text);
}

bool isDigits(const QString &text)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    return digits.match(text).hasMatch();
}

// A string field, or an id given as a JSON number (scripts send both `"1"` and `1`).
std::optional<QString> idOrText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().trimmed();
    if (value.isDouble() && value.toDouble() == double(value.toInteger()))
        return QString::number(value.toInteger());
    return std::nullopt;
}

} // namespace

Result<CreateBuildRequest> BuildApiRequests::createBuild(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return badRequest(translated("The body is not valid JSON: %1 at byte %2")
                              .arg(parseError.errorString())
                              .arg(parseError.offset));
    if (!document.isObject())
        return badRequest(translated("The body must be a JSON object with projectId, "
                                     "workspaceId and optionally metadata"));
    const QJsonObject object = document.object();
    CreateBuildRequest request;

    const QJsonValue project = object.value(QStringLiteral("projectId"));
    if (project.isUndefined() || project.isNull())
        return badRequest(translated("projectId is required: a project id or the project's "
                                     "directory in the sandbox"));
    const std::optional<QString> projectText = idOrText(project);
    if (!projectText || projectText->isEmpty())
        return badRequest(translated("projectId must be a non-empty string (a project id or a "
                                     "directory)"));
    if (isDigits(*projectText)) {
        bool ok = false;
        const qint64 id = projectText->toLongLong(&ok);
        if (!ok || id <= 0)
            return badRequest(
                translated("projectId %1 is not a valid project id").arg(*projectText));
        request.projectId = id;
    } else {
        request.projectDirectory = *projectText;
    }

    const QJsonValue workspace = object.value(QStringLiteral("workspaceId"));
    if (workspace.isUndefined() || workspace.isNull())
        return badRequest(translated("workspaceId is required: the sandbox's name or id"));
    const std::optional<QString> workspaceText = idOrText(workspace);
    if (!workspaceText || workspaceText->isEmpty())
        return badRequest(translated("workspaceId must be a non-empty string (the sandbox's name "
                                     "or id)"));
    request.workspace = *workspaceText;

    const QJsonValue metadata = object.value(QStringLiteral("metadata"));
    if (!metadata.isUndefined() && !metadata.isNull() && !metadata.isObject())
        return badRequest(translated("metadata must be a JSON object"));
    request.metadata = metadata.toObject();
    request.trigger = QStringLiteral("api");
    if (request.metadata.contains(QStringLiteral("trigger"))) {
        const QJsonValue trigger = request.metadata.take(QStringLiteral("trigger"));
        if (!trigger.isString() || trigger.toString().trimmed().isEmpty())
            return badRequest(translated("metadata.trigger must be a non-empty string"));
        request.trigger = trigger.toString().trimmed();
    }
    if (request.metadata.contains(QStringLiteral("clean"))) {
        const QJsonValue clean = request.metadata.take(QStringLiteral("clean"));
        if (!clean.isBool())
            return badRequest(translated("metadata.clean must be true or false"));
        request.clean = clean.toBool();
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() != QLatin1String("projectId") && it.key() != QLatin1String("workspaceId") &&
            it.key() != QLatin1String("metadata"))
            return badRequest(translated("Unknown field %1 (the body takes projectId, workspaceId "
                                         "and metadata)")
                                  .arg(it.key()));
    }
    return request;
}

std::optional<qint64> BuildApiRequests::id(const QString &segment)
{
    if (!isDigits(segment))
        return std::nullopt;
    bool ok = false;
    const qint64 value = segment.toLongLong(&ok);
    if (!ok || value <= 0)
        return std::nullopt;
    return value;
}

Result<qint64> BuildApiRequests::number(const QUrlQuery &query, const QString &name,
                                        qint64 fallback, qint64 minimum, qint64 maximum)
{
    if (!query.hasQueryItem(name))
        return fallback;
    const QString text = query.queryItemValue(name, QUrl::FullyDecoded).trimmed();
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || !isDigits(text.startsWith(u'-') ? text.mid(1) : text))
        return badRequest(translated("%1 must be a whole number, not \"%2\"").arg(name, text));
    if (value < minimum || value > maximum)
        return badRequest(
            translated("%1 must be between %2 and %3").arg(name).arg(minimum).arg(maximum));
    return value;
}

Result<LogSelection> BuildApiRequests::logSelection(const QUrlQuery &query)
{
    LogSelection selection;
    if (query.hasQueryItem(QStringLiteral("phase"))) {
        const QString name = query.queryItemValue(QStringLiteral("phase"));
        const std::optional<Phase> phase = phaseFromName(name);
        if (!phase)
            return badRequest(
                translated("phase must be setup, install, build or complete, not \"%1\"")
                    .arg(name));
        selection.phase = phase;
    }
    if (query.hasQueryItem(QStringLiteral("stream"))) {
        const QString name = query.queryItemValue(QStringLiteral("stream"));
        const std::optional<LogStream> stream = logStreamFromName(name);
        if (!stream)
            return badRequest(translated("stream must be stdout or stderr, not \"%1\"").arg(name));
        selection.stream = stream;
    }
    return selection;
}

} // namespace vw::automation
