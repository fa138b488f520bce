#include "app/engine/ErrorLineExtractor.h"

#include "models/AnsiParser.h"

#include <QRegularExpression>

#include <algorithm>

namespace vw::engine {
namespace {

using Re = QRegularExpression;

bool matches(const Re &re, const QString &line)
{
    return re.match(line).hasMatch();
}

// Text after a prefix such as "npm ERR!", or a null string when the line does not start with it.
QString restAfter(const Re &re, const QString &line)
{
    const auto match = re.match(line);
    if (!match.hasMatch())
        return {};
    return line.sliced(match.capturedEnd()).trimmed();
}

int npmWeight(const QString &rest)
{
    static const Re ignored(QStringLiteral(
        R"(^(A complete log of this run|Log files were not written|This is probably not a problem|)"
        R"(You can rerun the command|Tell the author|If you believe this might be a permissions|)"
        R"(Run "npm help|enoent This is related to npm|[/~][^ ]*$|\S+\.log$))"));
    static const Re bookkeeping(QStringLiteral(
        R"(^(code|errno|syscall|path|command|signal|workspace|location|cwd|dest|Exit status|)"
        R"(Lifecycle script|Failed at the|Error: command failed|in workspace|at location)\b)"));
    if (rest.isEmpty() || matches(ignored, rest))
        return 0;
    if (matches(bookkeeping, rest))
        return 40;
    return 90;
}

int mavenWeight(const QString &rest)
{
    static const Re footer(QStringLiteral(
        R"(^(-> \[Help|To see the full stack trace|Re-run Maven using|For more information about|)"
        R"(\[Help \d|After correcting the problems|COMPILATION ERROR\s*:?$|Failed to execute goal.*)"
        R"(-> \[Help|mvn <args>))"));
    if (rest.isEmpty() || matches(footer, rest))
        return 0;
    return 90;
}

int weightOf(const QString &line)
{
    static const Re compiler(QStringLiteral(R"(^\S.*?:\d+(:\d+)?:\s*(fatal )?error:\s)"));
    static const Re rustc(QStringLiteral(R"(^error\[E\d+\]:)"));
    static const Re typescript(QStringLiteral(R"(\berror TS\d+:)"));
    static const Re goError(QStringLiteral(R"(^(\./)?[\w./@+-]+\.go:\d+(:\d+)?: )"));
    static const Re linker(QStringLiteral(R"(undefined reference to )"));
    static const Re npm(QStringLiteral(R"(^npm (ERR!|error)(?=\s|$))"));
    static const Re pnpm(QStringLiteral(R"(\bERR_PNPM_\w+)"));
    static const Re yarnSummary(QStringLiteral(R"(^error Command failed with exit code)"));
    static const Re yarn(QStringLiteral(R"(^error \S)"));
    static const Re yarnBerry(QStringLiteral(R"(\bYN(0001|0009|0018|0028|0035|0082):)"));
    static const Re maven(QStringLiteral(R"(^\[ERROR\])"));
    static const Re pipSummary(
        QStringLiteral(R"((subprocess-exited-with-error|metadata-generation-failed))"));
    static const Re pip(QStringLiteral(R"(^ERROR: \S)"));
    static const Re driver(QStringLiteral(R"(^vaporwatch: )"));
    static const Re gem(QStringLiteral(R"(^(Could not find gem |Your requirements could not be )"
                                       R"(resolved|Bundler could not find))"));
    static const Re summaries(QStringLiteral(
        R"(^(make(\[\d+\])?: \*\*\*|error: could not compile|error: aborting due to|)"
        R"(collect2: error: ld returned|\[INFO\] BUILD FAILURE|BUILD FAILED in))"));
    static const Re aborting(QStringLiteral(R"(aborting due to (\d+ )?previous error)"));
    static const Re cargoError(QStringLiteral(R"(^error:\s)"));
    static const Re runtime(QStringLiteral(R"(^([\w$]+\.)*[\w$]*(Error|Exception)(:\s|$))"));
    static const Re fatal(QStringLiteral(R"(^(fatal|FATAL|Fatal)( error)?:)"));
    static const Re gradleFailure(QStringLiteral(R"(^FAILURE: )"));
    static const Re notAnError(
        QStringLiteral(
            R"(\b(0|no|zero|without) (errors?|failures?|failed)\b|\b(errors?|failures?|failed):? 0\b|)"
            R"(^\s*(warning|WARN|npm WARN|\[WARNING\]))"),
        Re::CaseInsensitiveOption);
    static const Re generic(QStringLiteral(R"(\b(error|errors|fatal|failed|failure)\b)"),
                            Re::CaseInsensitiveOption);

    if (line.isEmpty())
        return 0;
    if (matches(rustc, line) || matches(compiler, line) || matches(typescript, line) ||
        matches(goError, line) || matches(linker, line))
        return 100;
    if (matches(npm, line))
        return npmWeight(restAfter(npm, line));
    if (matches(maven, line))
        return mavenWeight(restAfter(maven, line));
    if (matches(summaries, line) || matches(aborting, line) || matches(yarnSummary, line) ||
        matches(pipSummary, line))
        return 30;
    if (matches(pnpm, line) || matches(yarn, line) || matches(yarnBerry, line) ||
        matches(pip, line) || matches(driver, line) || matches(gem, line))
        return 90;
    if (matches(cargoError, line))
        return 70;
    if (matches(runtime, line) || matches(fatal, line) || matches(gradleFailure, line))
        return 60;
    if (matches(notAnError, line))
        return 0;
    if (matches(generic, line))
        return 50;
    return 0;
}

// The exception line of the last Python traceback, or -1.
int pythonExceptionLine(const QStringList &lines)
{
    static const Re exception(QStringLiteral(R"(^[A-Za-z_][\w.]*(: .*)?$)"));
    int traceback = -1;
    for (int i = int(lines.size()) - 1; i >= 0; --i) {
        if (lines.at(i).trimmed().startsWith(u"Traceback (most recent call last)")) {
            traceback = i;
            break;
        }
    }
    if (traceback < 0)
        return -1;
    for (int i = traceback + 1; i < lines.size(); ++i) {
        const QString &raw = lines.at(i);
        if (raw.trimmed().isEmpty() || raw.front().isSpace())
            continue; // frames and source lines are indented
        if (raw.startsWith(u"^") || raw.startsWith(u"~"))
            continue;
        return matches(exception, raw.trimmed()) ? i : -1;
    }
    return -1;
}

// The first non-empty line after a line that `header` matches, with its index; -1 if none.
int lineAfter(const QStringList &lines, const Re &header)
{
    for (int i = 0; i < lines.size(); ++i) {
        if (!matches(header, lines.at(i).trimmed()))
            continue;
        for (int j = i + 1; j < lines.size(); ++j) {
            if (!lines.at(j).trimmed().isEmpty())
                return j;
        }
    }
    return -1;
}

} // namespace

QString ErrorLineExtractor::stripAnsi(QStringView text)
{
    const QString out = AnsiParser::strip(text);

    // A CR rewrites the line: keep what a terminal would show at the end.
    QStringList lines = out.split(u'\n');
    for (QString &line : lines) {
        while (line.endsWith(u'\r'))
            line.chop(1);
        const qsizetype cr = line.lastIndexOf(u'\r');
        if (cr >= 0)
            line = line.sliced(cr + 1);
        // A backspace takes back the character before it, as in a terminal (and the log view).
        if (line.contains(u'\b')) {
            QString shown;
            for (const QChar c : std::as_const(line)) {
                if (c != u'\b')
                    shown += c;
                else if (!shown.isEmpty())
                    shown.chop(1);
            }
            line = shown;
        }
    }
    return lines.join(u'\n');
}

ErrorLineExtractor::Match ErrorLineExtractor::bestMatch(const QStringList &rawLines)
{
    QStringList lines;
    lines.reserve(rawLines.size());
    for (const QString &raw : rawLines)
        lines.append(stripAnsi(raw));

    QList<int> weights(lines.size(), 0);
    for (int i = 0; i < lines.size(); ++i)
        weights[i] = weightOf(lines.at(i).trimmed());

    const int exceptionLine = pythonExceptionLine(lines);
    if (exceptionLine >= 0)
        weights[exceptionLine] = 100;
    static const Re gradleHeader(QStringLiteral(R"(^\* What went wrong:$)"));
    static const Re rakeHeader(QStringLiteral(R"(^rake aborted!$)"));
    for (const Re *header : {&gradleHeader, &rakeHeader}) {
        const int after = lineAfter(lines, *header);
        if (after >= 0)
            weights[after] = std::max(weights[after], 90);
    }

    Match best;
    for (int i = 0; i < lines.size(); ++i) {
        if (weights.at(i) > best.weight) {
            best.weight = weights.at(i);
            best.lineIndex = i;
        }
    }
    if (best.lineIndex >= 0) {
        best.line = lines.at(best.lineIndex).trimmed();
        if (best.line.size() > kMaxLineLength)
            best.line = best.line.first(kMaxLineLength - 1) + QChar(0x2026);
    }
    return best;
}

QString ErrorLineExtractor::extract(QStringView log)
{
    return bestMatch(log.toString().split(u'\n')).line;
}

} // namespace vw::engine
