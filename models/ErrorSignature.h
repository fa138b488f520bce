#pragma once

#include <QString>
#include <QStringView>

namespace vw {

// The similarity key of an error line: what stays when the parts that differ from one
// occurrence of the same error to the next are masked, so that
//   Cannot find module '/app/src/a.js'   and   Cannot find module '/app/lib/b.js'
// both become  Cannot find module '<str>'. Masked, in this order:
//   quoted strings ('…', "…", `…`; an apostrophe inside a word does not open one) → <str>
//   URLs (scheme://…) → <url>;  file paths (a word containing / or \) → <path>
//   UUIDs → <uuid>;  hex hashes (0x…, or 7+ hex digits with a digit and a letter) → <hash>
//   numbers standing alone (404, 12:5, 1.25) → <n>
// Codes glued to letters (E404, TS2304) are kept: they name the error. Only the first non-empty
// line counts; runs of white space become one space.
class ErrorSignature
{
public:
    static QString key(QStringView message);
    // The first non-empty line of a message, trimmed (the line that key() masks).
    static QString firstLine(QStringView message);
};

} // namespace vw
