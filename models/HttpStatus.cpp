#include "models/HttpStatus.h"

namespace vw {

QString errorCodeForHttpStatus(int httpStatus)
{
    switch (httpStatus) {
    case 400:
        return QStringLiteral("BAD_REQUEST");
    case 401:
        return QStringLiteral("UNAUTHORIZED");
    case 403:
        return QStringLiteral("FORBIDDEN");
    case 404:
        return QStringLiteral("NOT_FOUND");
    case 405:
        return QStringLiteral("METHOD_NOT_ALLOWED");
    case 408:
        return QStringLiteral("REQUEST_TIMEOUT");
    case 409:
        return QStringLiteral("CONFLICT");
    case 410:
        return QStringLiteral("GONE");
    case 413:
        return QStringLiteral("PAYLOAD_TOO_LARGE");
    case 422:
        return QStringLiteral("UNPROCESSABLE_ENTITY");
    case 429:
        return QStringLiteral("TOO_MANY_REQUESTS");
    case 500:
        return QStringLiteral("INTERNAL_SERVER_ERROR");
    case 501:
        return QStringLiteral("NOT_IMPLEMENTED");
    case 502:
        return QStringLiteral("BAD_GATEWAY");
    case 503:
        return QStringLiteral("SERVICE_UNAVAILABLE");
    case 504:
        return QStringLiteral("GATEWAY_TIMEOUT");
    default:
        return QStringLiteral("HTTP_%1").arg(httpStatus);
    }
}

} // namespace vw
