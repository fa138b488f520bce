#include "models/AnsiParser.h"

#include <QTest>

using vw::AnsiColor;
using vw::AnsiParser;
using vw::AnsiSegment;
using vw::AnsiStyle;

namespace {

AnsiStyle fg(AnsiColor color)
{
    AnsiStyle s;
    s.foreground = color;
    return s;
}

// Adjacent segments of one style are one run, however the input was cut.
QList<AnsiSegment> merged(const QList<AnsiSegment> &segments)
{
    QList<AnsiSegment> out;
    for (const AnsiSegment &s : segments) {
        if (!out.isEmpty() && out.last().style == s.style)
            out.last().text += s.text;
        else if (!s.text.isEmpty())
            out.append(s);
    }
    return out;
}

} // namespace

class tst_AnsiParser : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void sameResultWhereverTheInputIsCut_data() { parses_data(); }
    void sameResultWhereverTheInputIsCut();
    void styleCarriesAcrossFeeds();
    void unterminatedSequenceIsDroppedNotShown();
    void stripRemovesEverySequence();
};

void tst_AnsiParser::parses_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QList<AnsiSegment>>("expected");

    AnsiStyle bold;
    bold.bold = true;
    AnsiStyle boldUnderlinedRed = fg(AnsiColor::indexed(1));
    boldUnderlinedRed.bold = true;
    boldUnderlinedRed.underline = true;
    AnsiStyle onBlue;
    onBlue.background = AnsiColor::indexed(4);
    AnsiStyle italicBrightGreen = fg(AnsiColor::indexed(10));
    italicBrightGreen.italic = true;
    AnsiStyle rgbOnRgb = fg(AnsiColor::fromRgb(255, 128, 0));
    rgbOnRgb.background = AnsiColor::fromRgb(1, 2, 3);

    QTest::newRow("plain") << "hello world\n" << QList<AnsiSegment>{{"hello world\n", {}}};
    QTest::newRow("red then reset")
        << "\x1b[31mred\x1b[0m plain"
        << QList<AnsiSegment>{{"red", fg(AnsiColor::indexed(1))}, {" plain", {}}};
    QTest::newRow("empty params reset")
        << "\x1b[1mb\x1b[mn" << QList<AnsiSegment>{{"b", bold}, {"n", {}}};
    QTest::newRow("combined attributes")
        << "\x1b[1;4;31mx" << QList<AnsiSegment>{{"x", boldUnderlinedRed}};
    QTest::newRow("background") << "\x1b[44mx\x1b[49my"
                                << QList<AnsiSegment>{{"x", onBlue}, {"y", {}}};
    QTest::newRow("bright and italic")
        << "\x1b[3;92mok" << QList<AnsiSegment>{{"ok", italicBrightGreen}};
    QTest::newRow("256 colours") << "\x1b[38;5;208mo"
                                 << QList<AnsiSegment>{{"o", fg(AnsiColor::indexed(208))}};
    QTest::newRow("256 colours, colon form")
        << "\x1b[38:5:33mo" << QList<AnsiSegment>{{"o", fg(AnsiColor::indexed(33))}};
    QTest::newRow("24-bit fg and bg")
        << "\x1b[38;2;255;128;0;48;2;1;2;3mz" << QList<AnsiSegment>{{"z", rgbOnRgb}};
    QTest::newRow("24-bit colon form with colour space")
        << "\x1b[38:2::255:128:0mz"
        << QList<AnsiSegment>{{"z", fg(AnsiColor::fromRgb(255, 128, 0))}};
    QTest::newRow("bold off keeps colour")
        << "\x1b[1;32ma\x1b[22mb"
        << QList<AnsiSegment>{{"a",
                               [] {
                                   auto s = fg(AnsiColor::indexed(2));
                                   s.bold = true;
                                   return s;
                               }()},
                              {"b", fg(AnsiColor::indexed(2))}};
    QTest::newRow("default foreground")
        << "\x1b[35ma\x1b[39mb" << QList<AnsiSegment>{{"a", fg(AnsiColor::indexed(5))}, {"b", {}}};
    QTest::newRow("cursor and erase dropped")
        << "a\x1b[2K\x1b[1Gb\x1b[?25lc" << QList<AnsiSegment>{{"abc", {}}};
    QTest::newRow("private m is not SGR") << "\x1b[>4;2mx" << QList<AnsiSegment>{{"x", {}}};
    QTest::newRow("OSC title with BEL")
        << "\x1b]0;my title\x07text" << QList<AnsiSegment>{{"text", {}}};
    QTest::newRow("OSC hyperlink with ST")
        << "see \x1b]8;;http://x.test\x1b\\link\x1b]8;;\x1b\\ here"
        << QList<AnsiSegment>{{"see link here", {}}};
    QTest::newRow("build marker OSC dropped") << "\x1b]7771;vw;abc;phase-start;install\x07npm ci\n"
                                              << QList<AnsiSegment>{{"npm ci\n", {}}};
    QTest::newRow("charset escape dropped") << "\x1b(Bx\x1b"
                                               "7y"
                                            << QList<AnsiSegment>{{"xy", {}}};
    QTest::newRow("controls: kept and dropped")
        << QStringLiteral("a\tb\rc\bd\x07"
                          "e\x01"
                          "f\n")
        << QList<AnsiSegment>{{QStringLiteral("a\tb\rc\bdef\n"), {}}};
    QTest::newRow("non-ASCII text")
        << "\x1b[32m✓ grün\x1b[0m 😀"
        << QList<AnsiSegment>{{"✓ grün", fg(AnsiColor::indexed(2))}, {" 😀", {}}};
    QTest::newRow("ESC interrupts CSI")
        << "\x1b[3\x1b[31mr" << QList<AnsiSegment>{{"r", fg(AnsiColor::indexed(1))}};
}

void tst_AnsiParser::parses()
{
    QFETCH(QString, input);
    QFETCH(QList<AnsiSegment>, expected);
    AnsiParser parser;
    QCOMPARE(merged(parser.feed(input)), expected);
}

void tst_AnsiParser::sameResultWhereverTheInputIsCut()
{
    QFETCH(QString, input);
    QFETCH(QList<AnsiSegment>, expected);
    for (qsizetype cut = 0; cut <= input.size(); ++cut) {
        // Never between the halves of a surrogate pair: the decoder upstream doesn't do that.
        if (cut > 0 && cut < input.size() && input[cut].isLowSurrogate())
            continue;
        AnsiParser parser;
        QList<AnsiSegment> segments = parser.feed(QStringView(input).left(cut));
        segments += parser.feed(QStringView(input).mid(cut));
        QVERIFY2(merged(segments) == expected, qPrintable(QStringLiteral("cut at %1").arg(cut)));
    }
}

void tst_AnsiParser::styleCarriesAcrossFeeds()
{
    AnsiParser parser;
    parser.feed(u"\x1b[1;31mfirst");
    const QList<AnsiSegment> second = parser.feed(u"second\x1b[0m");
    QCOMPARE(second.size(), 1);
    QVERIFY(second[0].style.bold);
    QCOMPARE(second[0].style.foreground, AnsiColor::indexed(1));
    QVERIFY(parser.style().isPlain());
}

void tst_AnsiParser::unterminatedSequenceIsDroppedNotShown()
{
    AnsiParser parser;
    QCOMPARE(merged(parser.feed(u"before\x1b]0;never ends")),
             (QList<AnsiSegment>{{QStringLiteral("before"), {}}}));
    parser.finish();
    QCOMPARE(merged(parser.feed(u"after")), (QList<AnsiSegment>{{QStringLiteral("after"), {}}}));

    // A "sequence" longer than any real one ends as garbage, not as an endless swallow.
    AnsiParser overlong;
    const QString junk = QStringLiteral("\x1b[") + QString(5000, u'1') + QStringLiteral("\nnext");
    const QString shown = merged(overlong.feed(junk)).value(0).text;
    QVERIFY(shown.endsWith(QStringLiteral("\nnext")));
    QVERIFY(shown.size() < 1000);
}

void tst_AnsiParser::stripRemovesEverySequence()
{
    QCOMPARE(AnsiParser::strip(u"\x1b[31mnpm ERR!\x1b[0m code \x1b]0;t\x07"
                               u"E404"),
             QStringLiteral("npm ERR! code E404"));
}

QTEST_APPLESS_MAIN(tst_AnsiParser)
#include "tst_ansiparser.moc"
