#include "app/sandboxd/ErrorBodies.h"

#include "models/HttpStatus.h"

#include <QDateTime>

namespace vw::sandboxd {

QJsonObject ErrorBodies::mainApi(int status, const QString &message, const QString &path)
{
    return {
        {QStringLiteral("path"), path},
        {QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("statusCode"), status},
        {QStringLiteral("error"), QString::fromLatin1(reasonPhrase(status))},
        {QStringLiteral("message"), message},
    };
}

QJsonObject ErrorBodies::toolbox(int status, const QString &message, const QString &path,
                                 const QByteArray &method, const QString &code)
{
    QString text = message;
    if (status == 404 && !text.startsWith(QStringLiteral("not found: ")))
        text.prepend(QStringLiteral("not found: "));
    return {
        {QStringLiteral("statusCode"), status},
        {QStringLiteral("message"), text},
        {QStringLiteral("code"), code.isEmpty() ? errorCodeForHttpStatus(status) : code},
        {QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("path"), path},
        {QStringLiteral("method"), QString::fromLatin1(method)},
    };
}

QByteArray ErrorBodies::reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    default:
        return status >= 500 ? "Internal Server Error" : "Bad Request";
    }
}

} // namespace vw::sandboxd
