#pragma once

#include <QString>

namespace vw {

// Unguessable tokens from the system's CSPRNG.
class RandomToken
{
public:
    // Lowercase letters and digits, like Daytona's sandbox authToken (a 32-char nanoid).
    static QString lowercaseAlphanumeric(int length = 32);
    // 256 random bits as 64 hex digits: the API bearer token.
    static QString hex256();
};

} // namespace vw
