#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

namespace vw::engine {

// Finds the first meaningful error line in the tail of a failed build's log — the line a person
// would quote ("npm ERR! 404 Not Found - GET …", "error[E0425]: cannot find value `x`",
// "ModuleNotFoundError: No module named 'flask'"), not just "exit code 1".
//
// Every line (ANSI escape sequences and OSC markers removed, trimmed) is matched against rules
// that each give it a weight; the heaviest line wins, the earliest among equals. Rules, heaviest
// first:
//  100  compiler diagnostics: `file:line[:col]: error: …`, `file:line:col: fatal error: …`,
//       rustc `error[E0425]: …`, TypeScript `error TS2322: …`, javac `File.java:3: error: …`,
//       Go `./main.go:5:2: undefined: x`, linker `undefined reference to …`;
//       the final exception line of a Python traceback (`ValueError: …`)
//   90  package managers: `npm ERR! …` / `npm error …` (not the bookkeeping lines: code, errno,
//       path, syscall, "A complete log …"), pnpm `ERR_PNPM_…`, yarn `error …` (not "Command
//       failed with exit code"), pip/Maven `ERROR: …` / `[ERROR] …` (not the help footer),
//       Gradle's line after "* What went wrong:", the line after "rake aborted!"
//   60  runtime errors `TypeError: …`, `Error: …`; `fatal: …`; Gradle `FAILURE: …`
//   50  any other line with the word error/fatal/failed as a word (not "0 errors", not -Werror)
//   40  npm's bookkeeping lines (`npm ERR! code ELIFECYCLE`, "command failed", …)
//   30  summaries: `make: *** … Error 1`, `error: could not compile …`, `collect2: error: ld
//       returned 1 exit status`, "aborting due to … previous error", yarn's "Command failed …"
class ErrorLineExtractor
{
public:
    struct Match
    {
        QString line; // cleaned (no ANSI, trimmed, at most kMaxLineLength characters)
        int weight = 0;
        int lineIndex = -1; // in the lines given
        bool isValid() const { return lineIndex >= 0; }
    };

    static constexpr int kMaxLineLength = 500;

    // The best line of `log` (e.g. the last few hundred lines of a phase's output; stdout and
    // stderr may be mixed), or an empty string when no line looks like an error.
    static QString extract(QStringView log);
    static Match bestMatch(const QStringList &lines);

    // Removes CSI, OSC (including our markers) and other escape sequences, and CRs that
    // overwrite a line (keeps the text after the last CR, as a terminal shows it).
    static QString stripAnsi(QStringView text);
};

} // namespace vw::engine
