#pragma once

#include <QString>

namespace vw {

// The machine code Daytona uses for an HTTP status (404 → "NOT_FOUND"), shared by the client,
// which derives it when an error body carries none, and the local server, which sends it.
QString errorCodeForHttpStatus(int httpStatus);

} // namespace vw
