#pragma once

#include "models/Error.h"

#include <QString>

namespace vw {

// An API token lives in a file, never on a command line or in the environment: a token given
// with --token-file (vaporwatch-sandboxd, `vaporwatch-cli serve`) is read from it, and a missing
// file is created with a fresh random token and mode 0600 so only its owner can read it.
class TokenFile
{
public:
    static Result<QString> loadOrCreate(const QString &path);
};

} // namespace vw
