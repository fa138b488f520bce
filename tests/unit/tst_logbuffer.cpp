#include "models/LogBuffer.h"

#include <QTest>

using vw::AnsiColor;
using vw::LogBuffer;
using vw::LogStream;

class tst_LogBuffer : public QObject
{
    Q_OBJECT

private slots:
    void splitsLines_data();
    void splitsLines();
    void keepsStreamsApart();
    void lineInProgressIsVisible();
    void stylesArePerLineRuns();
    void styleContinuesOnTheSameStreamOnly();
    void carriageReturnDropsOldStyles();
    void remembersArrivalTime();
    void findsForwardBackwardAndWraps();
    void findOptions_data();
    void findOptions();
    void findAllAndCount();
    void compactForALargeLog();
    void linesSurviveBlockBoundaries();
    void stylesAgreeWithTheParser_data();
    void stylesAgreeWithTheParser();
    void byteSearchAgreesWithLineSearch();
    void matchesNeverSpanLines();
    void countsInARange();
    void textFastPathAgreesWithReference_data();
    void textFastPathAgreesWithReference();
    void surrogatesAcrossSlicesAndAppends();
    void chunkBoundariesInsideSequencesAndCrlf();
    void largeIndexAcrossSlabs();
};

void tst_LogBuffer::splitsLines_data()
{
    QTest::addColumn<QStringList>("pieces");
    QTest::addColumn<QStringList>("lines");

    QTest::newRow("simple") << QStringList{"a\nb\n"} << QStringList{"a", "b"};
    QTest::newRow("empty lines") << QStringList{"\n\nx\n"} << QStringList{"", "", "x"};
    QTest::newRow("split across pieces")
        << QStringList{"hel", "lo\nwor", "ld\n"} << QStringList{"hello", "world"};
    QTest::newRow("carriage return rewrites")
        << QStringList{"10%\r20%\r30%\n"} << QStringList{"30%"};
    QTest::newRow("return split from its text")
        << QStringList{"10%\r", "20%\n"} << QStringList{"20%"};
    QTest::newRow("CRLF is a line end")
        << QStringList{"abc\r\ndef\r\n"} << QStringList{"abc", "def"};
    QTest::newRow("backspace") << QStringList{"abc\b\bX\n"} << QStringList{"aX"};
    QTest::newRow("backspace over UTF-8") << QStringList{"grü\bn\n"} << QStringList{"grn"};
    QTest::newRow("tabs stay") << QStringList{"a\tb\n"} << QStringList{"a\tb"};
    QTest::newRow("escapes removed")
        << QStringList{"\x1b[1m", "bold\x1b[0", "m\x1b]0;t\x07!\n"} << QStringList{"bold!"};
    QTest::newRow("non-ASCII") << QStringList{"✓ done 😀\n"} << QStringList{"✓ done 😀"};
}

void tst_LogBuffer::splitsLines()
{
    QFETCH(QStringList, pieces);
    QFETCH(QStringList, lines);
    LogBuffer buffer;
    for (const QString &piece : pieces)
        buffer.append(piece, LogStream::Stdout);
    QStringList got;
    for (qsizetype i = 0; i < buffer.lineCount(); ++i)
        got << buffer.lineText(i);
    QCOMPARE(got, lines);
}

void tst_LogBuffer::keepsStreamsApart()
{
    LogBuffer buffer;
    buffer.append(u"compiling", LogStream::Stdout);
    buffer.append(u"warning: x\n", LogStream::Stderr); // ends stdout's unfinished line first
    buffer.append(u" done\n", LogStream::Stdout);
    QCOMPARE(buffer.lineCount(), 3);
    QCOMPARE(buffer.lineText(0), QStringLiteral("compiling"));
    QCOMPARE(buffer.lineStream(0), LogStream::Stdout);
    QCOMPARE(buffer.lineText(1), QStringLiteral("warning: x"));
    QCOMPARE(buffer.lineStream(1), LogStream::Stderr);
    QCOMPARE(buffer.lineText(2), QStringLiteral(" done"));
    QCOMPARE(buffer.lineStream(2), LogStream::Stdout);
}

void tst_LogBuffer::lineInProgressIsVisible()
{
    LogBuffer buffer;
    buffer.append(u"Downloading", LogStream::Stdout);
    QCOMPARE(buffer.lineCount(), 1);
    QCOMPARE(buffer.lineText(0), QStringLiteral("Downloading"));
    buffer.append(u"...\nnext", LogStream::Stdout);
    QCOMPARE(buffer.lineCount(), 2);
    QCOMPARE(buffer.lineText(0), QStringLiteral("Downloading..."));
    QCOMPARE(buffer.lineText(1), QStringLiteral("next"));
}

void tst_LogBuffer::stylesArePerLineRuns()
{
    LogBuffer buffer;
    buffer.append(u"plain line\n\x1b[31mred\x1b[0m and \x1b[1mbold\x1b[0m\n", LogStream::Stdout);
    const QList<vw::AnsiSegment> plain = buffer.lineSegments(0);
    QCOMPARE(plain.size(), 1);
    QVERIFY(plain[0].style.isPlain());

    const QList<vw::AnsiSegment> styled = buffer.lineSegments(1);
    QCOMPARE(styled.size(), 3);
    QCOMPARE(styled[0].text, QStringLiteral("red"));
    QCOMPARE(styled[0].style.foreground, AnsiColor::indexed(1));
    QCOMPARE(styled[1].text, QStringLiteral(" and "));
    QVERIFY(styled[1].style.isPlain());
    QCOMPARE(styled[2].text, QStringLiteral("bold"));
    QVERIFY(styled[2].style.bold);
}

void tst_LogBuffer::styleContinuesOnTheSameStreamOnly()
{
    LogBuffer buffer;
    buffer.append(u"\x1b[32mgreen\n", LogStream::Stdout);
    buffer.append(u"error\n", LogStream::Stderr);
    buffer.append(u"still green\n", LogStream::Stdout);
    QCOMPARE(buffer.lineSegments(1).value(0).style.foreground, AnsiColor{});
    QCOMPARE(buffer.lineSegments(2).value(0).style.foreground, AnsiColor::indexed(2));
}

void tst_LogBuffer::carriageReturnDropsOldStyles()
{
    LogBuffer buffer;
    buffer.append(u"\x1b[31m[=====     ]\x1b[0m\r", LogStream::Stdout);
    buffer.append(u"done\n", LogStream::Stdout);
    const QList<vw::AnsiSegment> segments = buffer.lineSegments(0);
    QCOMPARE(segments.size(), 1);
    QCOMPARE(segments[0].text, QStringLiteral("done"));
    QVERIFY(segments[0].style.isPlain());
}

void tst_LogBuffer::remembersArrivalTime()
{
    LogBuffer buffer;
    buffer.append(u"first\nsec", LogStream::Stdout, 1000);
    buffer.append(u"ond\nthird\n", LogStream::Stdout, 2000);
    QCOMPARE(buffer.lineTimestamp(0), 1000);
    QCOMPARE(buffer.lineTimestamp(1), 1000); // a line is as old as its first character
    QCOMPARE(buffer.lineTimestamp(2), 2000);
}

void tst_LogBuffer::findsForwardBackwardAndWraps()
{
    LogBuffer buffer;
    buffer.append(u"error one\nfine\nanother error\nerror error\n", LogStream::Stdout);
    const LogBuffer::FindOptions options;
    using M = LogBuffer::Match;

    QCOMPARE(buffer.find(QStringLiteral("error"), options, 0, 0), (M{0, 0, 5}));
    QCOMPARE(buffer.find(QStringLiteral("error"), options, 0, 1), (M{2, 8, 5}));
    QCOMPARE(buffer.find(QStringLiteral("error"), options, 3, 1), (M{3, 6, 5}));
    QCOMPARE(buffer.find(QStringLiteral("error"), options, 3, 7), (M{0, 0, 5})); // wraps
    QCOMPARE(buffer.find(QStringLiteral("error"), options, 3, 6, true), (M{3, 0, 5}));
    QCOMPARE(buffer.find(QStringLiteral("error"), options, 2, 0, true), (M{0, 0, 5}));
    QCOMPARE(buffer.find(QStringLiteral("error"), options, 0, 0, true), (M{3, 6, 5})); // wraps
    QVERIFY(!buffer.find(QStringLiteral("absent"), options, 0, 0));
}

void tst_LogBuffer::findOptions_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("caseSensitive");
    QTest::addColumn<bool>("regex");
    QTest::addColumn<int>("count");

    QTest::newRow("case-insensitive") << "npm err!" << false << false << 2;
    QTest::newRow("case-sensitive") << "npm ERR!" << true << false << 1;
    QTest::newRow("regex") << R"(E\d{3})" << false << true << 2;
    QTest::newRow("regex case-sensitive") << "^npm" << true << true << 1;
    QTest::newRow("invalid regex finds nothing") << "(" << false << true << 0;
    QTest::newRow("no match inside removed escapes") << "31m" << false << false << 0;
}

void tst_LogBuffer::findOptions()
{
    QFETCH(QString, pattern);
    QFETCH(bool, caseSensitive);
    QFETCH(bool, regex);
    QFETCH(int, count);
    LogBuffer buffer;
    buffer.append(u"\x1b[31mnpm ERR!\x1b[0m code E404\nNPM err! E500\n", LogStream::Stderr);
    QCOMPARE(buffer.countMatches(pattern, {caseSensitive, regex}), count);
}

void tst_LogBuffer::findAllAndCount()
{
    LogBuffer buffer;
    for (int i = 0; i < 100; ++i)
        buffer.append(QStringLiteral("line %1 ok ok\n").arg(i), LogStream::Stdout);
    QCOMPARE(buffer.findAll(QStringLiteral("ok"), {}, 10, 19).size(), 20);
    QCOMPARE(buffer.findAll(QStringLiteral("ok"), {}, 98, 500).size(), 4);
    QCOMPARE(buffer.countMatches(QStringLiteral("ok"), {}), 200);
    QCOMPARE(buffer.countMatches(QStringLiteral("ok"), {}, 50), 50);
}

void tst_LogBuffer::compactForALargeLog()
{
    // 2 MB of coloured output: the buffer keeps the text once, as UTF-8 without escapes and
    // without '\n', plus a small index — well under the 2x-the-log budget of the log view.
    LogBuffer buffer;
    const QString line =
        QStringLiteral("\x1b[32m[ok]\x1b[0m compiled src/module_%1.cpp in 12 ms\n");
    qsizetype rawBytes = 0;
    qsizetype visibleBytes = 0;
    for (int i = 0; i < 40000; ++i) {
        const QString text = line.arg(i, 5, 10, QLatin1Char('0'));
        rawBytes += text.toUtf8().size();
        visibleBytes += vw::AnsiParser::strip(text).toUtf8().size() - 1;
        buffer.append(text, LogStream::Stdout);
    }
    QCOMPARE(buffer.lineCount(), 40000);
    QCOMPARE(buffer.textBytes(), visibleBytes);
    QVERIFY2(buffer.memoryUsage() < 2 * rawBytes,
             qPrintable(QStringLiteral("%1 bytes held for a %2-byte log")
                            .arg(buffer.memoryUsage())
                            .arg(rawBytes)));
}

void tst_LogBuffer::linesSurviveBlockBoundaries()
{
    // Lines that outgrow their block move to a new one while they are still being written,
    // and a line larger than a block gets a block of its own.
    LogBuffer buffer;
    QStringList expected;
    for (int i = 0; i < 3000; ++i) {
        const QString line = QStringLiteral("%1:").arg(i) + QString(200 + i % 37, QLatin1Char('x'));
        expected << line;
        const qsizetype cut = i % 150;
        buffer.append(QStringView(line).left(cut), LogStream::Stdout);
        buffer.append(line.mid(cut) + QLatin1Char('\n'), LogStream::Stdout);
    }
    QString huge;
    for (int i = 0; i < 4000; ++i) {
        const QString piece = QStringLiteral("\x1b[3%1mchunk%2 ").arg(i % 8).arg(i);
        buffer.append(piece, LogStream::Stderr);
        huge += vw::AnsiParser::strip(piece);
    }
    buffer.append(u"\n", LogStream::Stderr);
    expected << huge;
    QCOMPARE(buffer.lineCount(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QCOMPARE(buffer.lineText(i), expected[i]);
    QString painted;
    for (const vw::AnsiSegment &segment : buffer.lineSegments(expected.size() - 1))
        painted += segment.text;
    QCOMPARE(painted, huge);
    QCOMPARE(buffer.lineStream(expected.size() - 1), LogStream::Stderr);
}

namespace {

// Every character of every line with its style, for comparing two ways of styling a text.
using StyledChars = QList<QPair<QChar, vw::AnsiStyle>>;

QList<StyledChars> styledLines(const QList<vw::AnsiSegment> &segments)
{
    QList<StyledChars> lines{{}};
    for (const vw::AnsiSegment &segment : segments) {
        for (QChar c : segment.text) {
            if (c == u'\n')
                lines.append(StyledChars{});
            else
                lines.last().append({c, segment.style});
        }
    }
    if (lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

void tst_LogBuffer::stylesAgreeWithTheParser_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("npm") << QStringLiteral("npm \x1b[32mhttp\x1b[39m \x1b[35mfetch\x1b[39m GET "
                                           "200\n\x1b[1m\x1b[33mWARN\x1b[39m\x1b[22m "
                                           "deprecated\n");
    QTest::newRow("256 and 24-bit")
        << QStringLiteral("\x1b[38;5;208mor\x1b[48;5;17mange\x1b[0m \x1b[38;2;10;20;30mrgb"
                          "\x1b[38:2::40:50:60mcolon\x1b[49m bg off\x1b[m\n");
    QTest::newRow("attributes") << QStringLiteral(
        "\x1b[1;2;3;4;7;9mall\x1b[22mx\x1b[23my\x1b[24mz\x1b[27mw\x1b[29mv\x1b[0m\n\x1b[4:0mno"
        "\x1b[21mdouble\x1b[0m\n");
    QTest::newRow("style carries over lines")
        << QStringLiteral("\x1b[31mred\nstill red\x1b[0m\nplain\n");
    QTest::newRow("other sequences dropped") << QStringLiteral(
        "\x1b]0;title\x07a\x1b[?25lb\x1b[2Kc\x1b(Bd\x1b]8;;http://x\x1b\\\\e\x1b[31mf\x1b[1Ag\n");
    QTest::newRow("interrupted sequences")
        << QStringLiteral("a\x1b[31\nb\x1b[3\x1b[32mc\x1b]x\x1b[1md\x1b\x1b[4me\n");
    QTest::newRow("C1 and DEL dropped") << QStringLiteral("a\x7f"
                                                          "b\u0085c\x01d\n");
    // The same sequence applied to different styles, again and again (the transition cache
    // is keyed by sequence and style before).
    QTest::newRow("same sequence, different styles")
        << QStringLiteral("\x1b[1mA\x1b[31mB\x1b[1mC\x1b[0m\x1b[1mD\x1b[32mE\x1b[1mF\x1b[0m\n"
                          "\x1b[31mG\x1b[1mH\x1b[0mI\x1b[1mJ\x1b[31mK\x1b[22mL\x1b[39mM\n"
                          "\x1b[38;5;100mN\x1b[1mO\x1b[38;5;101mP\x1b[1mQ\x1b[mR\x1b[1mS\x1b[m\n")
               .repeated(3);
    QTest::newRow("long styled ASCII runs") << QStringLiteral(
        "\x1b[32m0123456789abcdefghijklmnopqrstuvwxyz\x1b[0m0123456789abcdefghij\tklmn\x1b[1m"
        "opqrstuvwxyz0123456789ABCDEF\u00e9GHIJKLMNOPQRSTUVWXYZ\x1b[0m\n");
}

void tst_LogBuffer::stylesAgreeWithTheParser()
{
    // The buffer delimits escape sequences itself and caches what an SGR sequence does; every
    // way of cutting the text into appends must style it exactly as AnsiParser does.
    QFETCH(QString, text);
    vw::AnsiParser parser;
    const QList<StyledChars> expected = styledLines(parser.feed(text));
    for (int piece : {1, 2, 3, 5, 7, 1000}) {
        LogBuffer buffer;
        for (qsizetype at = 0; at < text.size(); at += piece)
            buffer.append(QStringView(text).mid(at, piece), LogStream::Stdout);
        QList<StyledChars> got;
        for (qsizetype line = 0; line < buffer.lineCount(); ++line) {
            QList<vw::AnsiSegment> segments = buffer.lineSegments(line);
            QList<StyledChars> one = styledLines(segments);
            got.append(one.value(0));
        }
        QCOMPARE(got.size(), expected.size());
        for (qsizetype line = 0; line < got.size(); ++line) {
            QCOMPARE(got[line].size(), expected[line].size());
            for (qsizetype i = 0; i < got[line].size(); ++i) {
                QVERIFY2(got[line][i] == expected[line][i],
                         qPrintable(QStringLiteral("piece %1, line %2, column %3")
                                        .arg(piece)
                                        .arg(line)
                                        .arg(i)));
            }
        }
    }
}

void tst_LogBuffer::byteSearchAgreesWithLineSearch()
{
    // The byte search (a block at a time) must find what a search of each decoded line finds,
    // also with non-ASCII text before a match (columns count UTF-16 units) and across blocks.
    LogBuffer buffer;
    QStringList lines;
    const QStringList words{"Error", "error", "grün", "😀", "ERR", "x", "errorerror", "\t"};
    quint32 seed = 7;
    for (int i = 0; i < 6000; ++i) {
        QString line;
        const int n = int(seed % 12);
        for (int w = 0; w < n; ++w) {
            seed = seed * 1103515245 + 12345;
            line += words[int((seed >> 16) % words.size())] + QLatin1Char(' ');
        }
        seed = seed * 1103515245 + 12345;
        line += QString(int(seed % 300), QLatin1Char('.')); // fill blocks unevenly
        lines << line;
        buffer.append(line + QLatin1Char('\n'), i % 5 ? LogStream::Stdout : LogStream::Stderr);
    }
    QVERIFY(buffer.memoryUsage() > 1024 * 1024); // several blocks
    for (const QString &pattern :
         {QStringLiteral("error"), QStringLiteral("Error"), QStringLiteral("grün"),
          QStringLiteral("😀 x"), QStringLiteral("rr"), QStringLiteral("errore")}) {
        for (bool caseSensitive : {false, true}) {
            const LogBuffer::FindOptions options{caseSensitive, false};
            const Qt::CaseSensitivity cs = caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
            QList<LogBuffer::Match> expected;
            for (qsizetype l = 0; l < lines.size(); ++l) {
                for (qsizetype at = lines[l].indexOf(pattern, 0, cs); at >= 0;
                     at = lines[l].indexOf(pattern, at + pattern.size(), cs))
                    expected.append({l, at, pattern.size()});
            }
            QCOMPARE(buffer.findAll(pattern, options, 0, lines.size()), expected);
            QCOMPARE(buffer.countMatches(pattern, options), expected.size());
            if (expected.isEmpty())
                continue;
            // Forward and backward from a few places, wrapping around.
            for (qsizetype k : {qsizetype(0), expected.size() / 3, expected.size() - 1}) {
                const LogBuffer::Match &m = expected[k];
                QCOMPARE(buffer.find(pattern, options, m.line, m.column + 1),
                         expected[(k + 1) % expected.size()]);
                QCOMPARE(buffer.find(pattern, options, m.line, m.column, true),
                         expected[(k + expected.size() - 1) % expected.size()]);
                QCOMPARE(buffer.find(pattern, options, m.line, m.column), m);
            }
        }
    }
}

void tst_LogBuffer::matchesNeverSpanLines()
{
    LogBuffer buffer;
    buffer.append(u"ab\ncd\nabcd\n", LogStream::Stdout);
    QCOMPARE(buffer.countMatches(QStringLiteral("bc"), {}), 1);
    QCOMPARE(buffer.find(QStringLiteral("bc"), {}, 0, 0), (LogBuffer::Match{2, 1, 2}));
    QCOMPARE(buffer.countMatches(QStringLiteral("bc"), {true, false}), 1);
}

void tst_LogBuffer::countsInARange()
{
    LogBuffer buffer;
    for (int i = 0; i < 10; ++i)
        buffer.append(u"ok ok\n", LogStream::Stdout);
    QCOMPARE(buffer.countMatches(QStringLiteral("ok"), {}, 2, 4, 1000), 6);
    QCOMPARE(buffer.countMatches(QStringLiteral("ok"), {}, 2, 4, 5), 5);
    QCOMPARE(buffer.countMatches(QStringLiteral("o."), {false, true}, 9, 20, 1000), 2);
    QCOMPARE(buffer.countMatches(QStringLiteral("ok"), {}, 5, 4, 1000), 0);
}

namespace {

// What the buffer should keep of text without escape sequences, '\r' or '\b', appended in
// pieces of `piece` characters: lines split at '\n', other controls, DEL and C1 dropped, tabs
// kept, a surrogate pair cut by an append (or a lone surrogate) is U+FFFD for each half.
QStringList referenceLines(const QString &text, qsizetype piece)
{
    QStringList lines{QString()};
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text[i].unicode();
        if (u == u'\n') {
            lines.append(QString());
        } else if (QChar::isHighSurrogate(u) && i + 1 < text.size() &&
                   QChar::isLowSurrogate(text[i + 1].unicode()) && (i + 1) % piece != 0) {
            lines.last() += text.mid(i, 2);
            ++i;
        } else if (QChar::isSurrogate(u)) {
            lines.last() += QChar(0xFFFD);
        } else if ((u >= 0x20 && u < 0x7f) || u >= 0xa0 || u == u'\t') {
            lines.last() += QChar(u);
        }
    }
    if (lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

void tst_LogBuffer::textFastPathAgreesWithReference_data()
{
    // Printable ASCII is copied 8 characters at a time: put every other kind of character at
    // every position of such a group (and past it), in text cut into appends of every size.
    QTest::addColumn<QString>("text");
    const QString ascii = QStringLiteral("The quick brown fox jumps over the lazy dog 0123456789");
    const QList<QPair<const char *, QString>> odd = {
        {"tab", QStringLiteral("\t")},        {"newline", QStringLiteral("\n")},
        {"latin1", QStringLiteral("\u00e9")}, {"nbsp", QStringLiteral("\u00a0")},
        {"bmp", QStringLiteral("\u2714")},    {"pair", QStringLiteral("\U0001F600")},
        {"del", QStringLiteral("\x7f")},      {"c1", QStringLiteral("\u0085")},
        {"control", QStringLiteral("\x01")},  {"tilde", QStringLiteral("~")},
        {"space", QStringLiteral(" ")},       {"nul", QString(QChar(0))},
    };
    for (const auto &[name, c] : odd) {
        QString text;
        for (int at = 0; at < 20; ++at)
            text += ascii.left(at) + c + ascii.mid(at) + QLatin1Char('\n');
        QTest::newRow(name) << text;
    }
    QTest::newRow("only non-ASCII")
        << QStringLiteral("\u00e9\u00e8\u2714\u4e2d\u6587\n").repeated(20);
}

void tst_LogBuffer::textFastPathAgreesWithReference()
{
    QFETCH(QString, text);
    for (int piece : {1, 3, 7, 8, 9, 16, 17, 100000}) {
        const QStringList expected = referenceLines(text, piece);
        LogBuffer buffer;
        for (qsizetype at = 0; at < text.size(); at += piece)
            buffer.append(QStringView(text).mid(at, piece), LogStream::Stdout);
        QStringList got;
        for (qsizetype i = 0; i < buffer.lineCount(); ++i)
            got << buffer.lineText(i);
        QCOMPARE(got, expected);
        qsizetype bytes = 0;
        for (const QString &line : expected)
            bytes += line.toUtf8().size();
        QCOMPARE(buffer.textBytes(), bytes);
    }
}

void tst_LogBuffer::surrogatesAcrossSlicesAndAppends()
{
    // Text is encoded a slice at a time: a pair at any position of a long run stays one
    // character; a pair cut by an append, or a lone surrogate, becomes U+FFFD.
    for (int at : {4090, 4094, 4095, 4096, 4097, 8191, 8192}) {
        LogBuffer buffer;
        const QString text = QString(at, QLatin1Char('a')) + QStringLiteral("\U0001F600b\n");
        buffer.append(text, LogStream::Stdout);
        QCOMPARE(buffer.lineText(0), text.chopped(1));
        QCOMPARE(buffer.lineUtf8(0).size(), at + 5);
    }
    LogBuffer buffer;
    const QString pair = QStringLiteral("\U0001F600");
    buffer.append(QStringLiteral("x") + pair.front(), LogStream::Stdout);
    buffer.append(QString(pair.back()) + QStringLiteral("y\n"), LogStream::Stdout);
    buffer.append(QStringLiteral("lone ") + QChar(0xDC00) + QChar(0xD800) + QStringLiteral("!\n"),
                  LogStream::Stdout);
    QCOMPARE(buffer.lineText(0), QStringLiteral("x\uFFFD\uFFFDy"));
    QCOMPARE(buffer.lineText(1), QStringLiteral("lone \uFFFD\uFFFD!"));
}

void tst_LogBuffer::chunkBoundariesInsideSequencesAndCrlf()
{
    LogBuffer buffer;
    buffer.append(u"abc\r", LogStream::Stdout); // "\r\n" cut in two is still a line end
    buffer.append(u"\ndef\x1b[3", LogStream::Stdout);
    buffer.append(u"1", LogStream::Stdout);
    buffer.append(u"mred\x1b", LogStream::Stdout);
    buffer.append(u"[0mplain 0123456789abcdef\r", LogStream::Stdout);
    buffer.append(u"\n", LogStream::Stdout);
    buffer.append(u"50%\r", LogStream::Stdout);
    buffer.append(u"100%\n", LogStream::Stdout);
    QCOMPARE(buffer.lineCount(), 3);
    QCOMPARE(buffer.lineText(0), QStringLiteral("abc"));
    QCOMPARE(buffer.lineText(1), QStringLiteral("defredplain 0123456789abcdef"));
    QCOMPARE(buffer.lineText(2), QStringLiteral("100%"));
    const QList<vw::AnsiSegment> segments = buffer.lineSegments(1);
    QCOMPARE(segments.size(), 3);
    QCOMPARE(segments[1].text, QStringLiteral("red"));
    QCOMPARE(segments[1].style.foreground, AnsiColor::indexed(1));
    QVERIFY(segments[2].style.isPlain());
}

void tst_LogBuffer::largeIndexAcrossSlabs()
{
    // More lines and style runs than fit the index's first chunks: the rest come from slabs.
    const auto streamOf = [](int line) {
        return (line / 100) % 3 == 0 ? LogStream::Stderr : LogStream::Stdout;
    };
    LogBuffer buffer;
    const int lines = 200000;
    for (int i = 0; i < lines; i += 100) {
        QString chunk;
        for (int k = i; k < i + 100; ++k)
            chunk += QStringLiteral("\x1b[3%1m%2\x1b[0m x\n").arg(k % 7 + 1).arg(k);
        buffer.append(chunk, streamOf(i));
    }
    QCOMPARE(buffer.lineCount(), lines);
    for (int i : {0, 1, 4095, 4096, 87381, 100000, 131071, 131072, lines - 1}) {
        QCOMPARE(buffer.lineText(i), QStringLiteral("%1 x").arg(i));
        const QList<vw::AnsiSegment> segments = buffer.lineSegments(i);
        QCOMPARE(segments.size(), 2);
        QCOMPARE(segments[0].style.foreground, AnsiColor::indexed(i % 7 + 1));
        QCOMPARE(buffer.lineStream(i), streamOf(i));
    }
    QCOMPARE(buffer.countMatches(QStringLiteral("199999 x"), {}), 1);
    QCOMPARE(buffer.find(QStringLiteral("123456 x"), {}, 0, 0), (LogBuffer::Match{123456, 0, 8}));
    QVERIFY(buffer.memoryUsage() < 3 * buffer.textBytes() + 8 * 1024 * 1024);
}

QTEST_APPLESS_MAIN(tst_LogBuffer)
#include "tst_logbuffer.moc"
