#include "models/ErrorSignature.h"

namespace vw {
namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

bool isHexDigit(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F');
}

bool isDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

bool isQuote(QChar c)
{
    return c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`');
}

// 8-4-4-4-12 hex digits at `at`, not glued to a word on either side.
bool isUuidAt(QStringView s, qsizetype at)
{
    constexpr qsizetype kLength = 36;
    if (at + kLength > s.size())
        return false;
    for (qsizetype i = 0; i < kLength; ++i) {
        const QChar c = s[at + i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != QLatin1Char('-') : !isHexDigit(c))
            return false;
    }
    return at + kLength == s.size() || !isWordChar(s[at + kLength]);
}

// Masks numbers, hashes and UUIDs in a piece of text without white space, paths or URLs.
void maskWords(QStringView chunk, QString &out)
{
    qsizetype i = 0;
    while (i < chunk.size()) {
        if (!isWordChar(chunk[i])) {
            out += chunk[i++];
            continue;
        }
        if (isUuidAt(chunk, i)) {
            out += QLatin1String("<uuid>");
            i += 36;
            continue;
        }
        qsizetype end = i;
        bool allDigits = true;
        bool allHex = true;
        bool hasHexLetter = false;
        while (end < chunk.size() && isWordChar(chunk[end])) {
            const QChar c = chunk[end];
            allDigits &= isDigit(c);
            allHex &= isHexDigit(c);
            hasHexLetter |= isHexDigit(c) && !isDigit(c);
            ++end;
        }
        const QStringView word = chunk.sliced(i, end - i);
        const bool prefixedHex = word.size() > 2 && word[0] == QLatin1Char('0') &&
                                 (word[1] == QLatin1Char('x') || word[1] == QLatin1Char('X')) &&
                                 std::all_of(word.begin() + 2, word.end(), isHexDigit);
        if (allDigits) {
            // A decimal fraction or a dotted version is one number: 1.25, 10.4.2.
            while (end + 1 < chunk.size() && chunk[end] == QLatin1Char('.') &&
                   isDigit(chunk[end + 1])) {
                end += 1;
                while (end < chunk.size() && isDigit(chunk[end]))
                    ++end;
            }
            out += QLatin1String("<n>");
        } else if (prefixedHex || (allHex && hasHexLetter && word.size() >= 7 &&
                                   std::any_of(word.begin(), word.end(), isDigit))) {
            out += QLatin1String("<hash>");
        } else {
            out += word;
        }
        i = end;
    }
}

// Masks one run of non-space text (quoted strings are already masked).
void maskChunk(QStringView chunk, QString &out)
{
    // Brackets and punctuation around a path or URL stay: "(/app/a.js:3:1)," keeps "(" and ",".
    qsizetype begin = 0;
    qsizetype end = chunk.size();
    while (begin < end && QStringView(u"([{<").contains(chunk[begin]))
        ++begin;
    while (end > begin && QStringView(u".,;:)]}>").contains(chunk[end - 1]))
        --end;
    const QStringView core = chunk.sliced(begin, end - begin);
    const bool url = core.contains(QLatin1String("://"));
    const bool path = !url && (core.contains(QLatin1Char('/')) || core.contains(QLatin1Char('\\')));
    if (!url && !path) {
        maskWords(chunk, out);
        return;
    }
    out += chunk.first(begin);
    out += url ? QLatin1String("<url>") : QLatin1String("<path>");
    out += chunk.sliced(end);
}

} // namespace

QString ErrorSignature::firstLine(QStringView message)
{
    qsizetype start = 0;
    while (start <= message.size()) {
        qsizetype end = message.indexOf(QLatin1Char('\n'), start);
        if (end < 0)
            end = message.size();
        const QStringView line = message.sliced(start, end - start).trimmed();
        if (!line.isEmpty())
            return line.toString();
        start = end + 1;
    }
    return QString();
}

QString ErrorSignature::key(QStringView message)
{
    const QString line = firstLine(message);
    // First the quoted strings: a quote opens at the start or after a non-word character and
    // closes before the end or a non-word character, so "Can't" opens nothing.
    QString unquoted;
    unquoted.reserve(line.size());
    qsizetype i = 0;
    while (i < line.size()) {
        const QChar c = line[i];
        if (isQuote(c) && (i == 0 || !isWordChar(line[i - 1]))) {
            qsizetype close = i + 1;
            while (close < line.size()) {
                close = line.indexOf(c, close);
                if (close < 0)
                    break;
                if (close + 1 == line.size() || !isWordChar(line[close + 1]))
                    break;
                ++close;
            }
            if (close > i && close < line.size()) {
                unquoted += c;
                unquoted += QLatin1String("<str>");
                unquoted += c;
                i = close + 1;
                continue;
            }
        }
        unquoted += c;
        ++i;
    }

    QString out;
    out.reserve(unquoted.size());
    i = 0;
    while (i < unquoted.size()) {
        if (unquoted[i].isSpace()) {
            while (i < unquoted.size() && unquoted[i].isSpace())
                ++i;
            out += QLatin1Char(' ');
            continue;
        }
        qsizetype end = i;
        while (end < unquoted.size() && !unquoted[end].isSpace())
            ++end;
        maskChunk(QStringView(unquoted).sliced(i, end - i), out);
        i = end;
    }
    return out;
}

} // namespace vw
