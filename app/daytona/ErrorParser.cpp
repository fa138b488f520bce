#include "app/daytona/ErrorParser.h"

#include "models/AnsiParser.h"
#include "models/HttpStatus.h"
#include "models/Utf8StreamDecoder.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace vw::daytona {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("vw::daytona::ErrorParser", text);
}

// Validation errors come as an array of messages; anything else is shown as it is.
QString messageFrom(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isArray()) {
        QStringList parts;
        for (const QJsonValue &item : value.toArray()) {
            const QString part = messageFrom(item);
            if (!part.isEmpty())
                parts.append(part);
        }
        return parts.join(QStringLiteral(", "));
    }
    return {};
}

// A message from a server ends up in the status bar, dialogs and logs: one line of text without
// escape sequences or control characters (a coloured or multi-line stack trace), and not a page.
QString readable(const QString &message)
{
    QString text = AnsiParser::strip(message);
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            c = u' ';
    }
    text = text.simplified();
    if (text.size() > ErrorParser::kMaxMessageLength) {
        qsizetype cut = ErrorParser::kMaxMessageLength - 1;
        if (text.at(cut - 1).isHighSurrogate())
            --cut; // never half a character
        text = text.left(cut) + QChar(0x2026);
    }
    return text;
}

// Callers switch on codes: only a machine code of the server's (NOT_FOUND, INVALID_REQUEST_BODY)
// replaces the one derived from the status.
bool isMachineCode(const QString &code)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Z][A-Z0-9_]{0,63}$"));
    return pattern.match(code).hasMatch();
}

} // namespace

QString ErrorParser::reasonPhrase(int httpStatus)
{
    switch (httpStatus) {
    case 400:
        return tr("Bad request");
    case 401:
        return tr("Unauthorized: the API key or token was not accepted");
    case 403:
        return tr("Forbidden");
    case 404:
        return tr("Not found");
    case 405:
        return tr("Method not allowed");
    case 408:
        return tr("Request timed out");
    case 409:
        return tr("Conflict");
    case 410:
        return tr("Gone");
    case 413:
        return tr("Payload too large");
    case 422:
        return tr("Unprocessable entity");
    case 429:
        return tr("Too many requests");
    case 500:
        return tr("Internal server error");
    case 501:
        return tr("Not implemented");
    case 502:
        return tr("Bad gateway");
    case 503:
        return tr("Service unavailable");
    case 504:
        return tr("Gateway timeout");
    default:
        return tr("The server answered HTTP %1").arg(httpStatus);
    }
}

Error ErrorParser::fromHttp(int httpStatus, const QByteArray &body)
{
    Error error;
    error.httpStatus = httpStatus;
    error.code = errorCodeForHttpStatus(httpStatus);

    const QByteArray trimmed = body.trimmed();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &parseError);
    if (parseError.error == QJsonParseError::NoError && document.isObject()) {
        const QJsonObject object = document.object();
        // The toolbox carries its own machine code; the main API's "error" is only the
        // reason phrase, so its code stays the one derived from the status.
        QString code = object.value(QStringLiteral("code")).toString();
        if (!isMachineCode(code))
            code.clear();
        if (!code.isEmpty())
            error.code = code;
        error.message = readable(messageFrom(object.value(QStringLiteral("message"))));
        if (error.message.isEmpty())
            error.message = readable(object.value(QStringLiteral("error")).toString());
        const int bodyStatus = object.value(QStringLiteral("statusCode")).toInt();
        if (httpStatus == 0 && bodyStatus > 0) {
            error.httpStatus = bodyStatus;
            if (code.isEmpty())
                error.code = errorCodeForHttpStatus(bodyStatus);
        }
    } else if (parseError.error != QJsonParseError::NoError && !trimmed.isEmpty() &&
               !trimmed.startsWith('<')) {
        // Plain text from a proxy or an old daemon: worth showing, but not a whole page.
        QByteArray head = trimmed.left(4 * kMaxMessageLength);
        head.chop(Utf8StreamDecoder::incompleteTailLength(head)); // no half character
        error.message = readable(QString::fromUtf8(head));
    }
    // "Unauthorized" alone does not say what to fix: name the key.
    if (error.httpStatus == 401 &&
        error.message.compare(QStringLiteral("Unauthorized"), Qt::CaseInsensitive) == 0)
        error.message.clear();
    if (error.message.isEmpty())
        error.message = reasonPhrase(error.httpStatus);
    return error;
}

Error ErrorParser::fromNetwork(QNetworkReply::NetworkError networkError, const QString &errorString,
                               bool timedOut)
{
    Error error;
    if (timedOut || networkError == QNetworkReply::TimeoutError) {
        error.code = kTimeout;
        error.message = tr("The server did not answer in time");
        return error;
    }
    error.code = networkError == QNetworkReply::OperationCanceledError ? QStringLiteral("CANCELED")
                                                                       : kNetwork;
    error.message = errorString.isEmpty() ? tr("Network error") : errorString;
    return error;
}

Error ErrorParser::invalidResponse(const QString &what)
{
    return Error{kInvalidResponse, tr("Unexpected answer from the server: %1").arg(what), 0};
}

} // namespace vw::daytona
