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

QTEST_APPLESS_MAIN(tst_LogBuffer)
#include "tst_logbuffer.moc"
