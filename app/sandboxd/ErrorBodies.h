#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace vw::sandboxd {

// The two error shapes of the Daytona API (daytona-api.md §5).
class ErrorBodies
{
public:
    // Main API (NestJS): {path, timestamp, statusCode, error, message}.
    static QJsonObject mainApi(int status, const QString &message, const QString &path);
    // Toolbox daemon and proxy (Go): {statusCode, message, code, timestamp, path, method}.
    // `code` defaults to the one that belongs to the status; NOT_FOUND messages get the
    // "not found: " prefix the daemon adds.
    static QJsonObject toolbox(int status, const QString &message, const QString &path,
                               const QByteArray &method, const QString &code = {});
    // The standard reason phrase, e.g. "Not Found".
    static QByteArray reasonPhrase(int status);
};

} // namespace vw::sandboxd
