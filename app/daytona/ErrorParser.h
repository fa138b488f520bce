#pragma once

#include "models/Error.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QString>

namespace vw::daytona {

// Turns every way a Daytona call can fail into one vw::Error:
// - the main API's NestJS shape {path,timestamp,statusCode,error,message}, where message may be
//   an array of validation messages (joined with ", ");
// - the toolbox daemon's and proxy's shape {statusCode,message,code,timestamp,path,method};
// - empty bodies (gin AbortWithError) and non-JSON bodies (an HTML page from a proxy);
// - network failures and timeouts.
// The code is Daytona's own when the body has one, else derived from the status (404 →
// NOT_FOUND), so callers can switch on it whichever server answered.
class ErrorParser
{
public:
    static Error fromHttp(int httpStatus, const QByteArray &body);
    static Error fromNetwork(QNetworkReply::NetworkError error, const QString &errorString,
                             bool timedOut);
    // For a 2xx answer whose body is not what the call expects.
    static Error invalidResponse(const QString &what);

    static QString reasonPhrase(int httpStatus);

    // A message taken from a server's answer is one line of at most this many characters (cut
    // with "…"), escape sequences and control characters removed.
    static constexpr qsizetype kMaxMessageLength = 500;

    static inline const QString kNetwork = QStringLiteral("NETWORK");
    static inline const QString kTimeout = QStringLiteral("TIMEOUT");
    static inline const QString kInvalidResponse = QStringLiteral("INVALID_RESPONSE");
};

} // namespace vw::daytona
