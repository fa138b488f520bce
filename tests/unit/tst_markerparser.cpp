#include "app/engine/MarkerParser.h"

#include <QTest>

using vw::engine::DriverEvent;
using vw::engine::MarkerParser;
using Kind = DriverEvent::Kind;

namespace {

const QString kNonce = QStringLiteral("0123456789abcdef0123456789abcdef");
const QString kOther = QStringLiteral("fedcba9876543210fedcba9876543210");

QString marker(const QString &body, const QString &nonce = kNonce)
{
    return QStringLiteral("\x1b]7771;vw1;%1;%2\a\n").arg(nonce, body);
}

// A compact description of a parse: output as text, events as {kind:phase:exit}.
QString describe(const QList<MarkerParser::Piece> &pieces)
{
    QString text;
    for (const auto &piece : pieces) {
        if (!piece.isEvent()) {
            text += piece.text;
            continue;
        }
        text += QStringLiteral("{%1").arg(DriverEvent::kindName(piece.event.kind));
        if (!piece.event.phase.isEmpty())
            text += QLatin1Char(':') + piece.event.phase;
        if (piece.event.exitCode)
            text += QStringLiteral(":%1").arg(*piece.event.exitCode);
        text += QLatin1Char('}');
    }
    return text.replace(QChar(0x1b), QStringLiteral("<ESC>"))
        .replace(u'\a', QStringLiteral("<BEL>"));
}

QList<MarkerParser::Piece> feedCut(const QString &text, const QList<qsizetype> &cuts)
{
    MarkerParser parser(kNonce);
    QList<MarkerParser::Piece> pieces;
    qsizetype from = 0;
    const auto append = [&](const QList<MarkerParser::Piece> &more) {
        for (const auto &piece : more) {
            // Re-merge output split across feeds, so every cut compares equal.
            if (!piece.isEvent() && !pieces.isEmpty() && !pieces.last().isEvent())
                pieces.last().text += piece.text;
            else
                pieces.append(piece);
        }
    };
    for (qsizetype cut : cuts) {
        append(parser.feed(QStringView(text).sliced(from, cut - from)));
        from = cut;
    }
    append(parser.feed(QStringView(text).sliced(from)));
    append(parser.finish());
    return pieces;
}

} // namespace

class tst_MarkerParser : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void sameResultWhereverTheTextIsCut_data();
    void sameResultWhereverTheTextIsCut();
    void eventFieldsAreTyped();
    void piecesNeverEmptyAndOutputMerged();
    void holdsBackOnlyWhatMayBeAMarker();
    void overlongMarkerIsOutput();
    void finishReleasesAnUnfinishedMarker();
    void characterByCharacterOfALongLog();
};

void tst_MarkerParser::parses_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    const QString start = marker(QStringLiteral("phase-start;seq=1;ts=1700000000000;phase=build"));
    const QString end =
        marker(QStringLiteral("phase-end;seq=2;ts=1700000000500;phase=build;exit=0"));
    QTest::newRow("plain output") << QStringLiteral("hello\nworld\n")
                                  << QStringLiteral("hello\nworld\n");
    QTest::newRow("markers around output")
        << start + QStringLiteral("compiling\n") + end
        << QStringLiteral("{phase-start:build}compiling\n{phase-end:build:0}");
    QTest::newRow("CRLF after marker is dropped")
        << start.chopped(1) + QStringLiteral("\r\nnext\r\n")
        << QStringLiteral("{phase-start:build}next\r\n");
    QTest::newRow("ST terminator")
        << QStringLiteral("\x1b]7771;vw1;%1;phase-start;seq=1;ts=5;phase=x\x1b\\\nout\n")
               .arg(kNonce)
        << QStringLiteral("{phase-start:x}out\n");
    QTest::newRow("marker after output without newline")
        << QStringLiteral("partial") + start + QStringLiteral("rest\n")
        << QStringLiteral("partial{phase-start:build}rest\n");
    QTest::newRow("only the line break right after a marker goes")
        << start + QStringLiteral("\n\nx\n") << QStringLiteral("{phase-start:build}\n\nx\n");
    QTest::newRow("lone CR after marker stays")
        << start.chopped(1) + QStringLiteral("\rx") << QStringLiteral("{phase-start:build}\rx");
    QTest::newRow("forged: other nonce")
        << marker(QStringLiteral("phase-end;seq=2;ts=1;phase=build;exit=0"), kOther)
        << QStringLiteral("<ESC>]7771;vw1;%1;phase-end;seq=2;ts=1;phase=build;exit=0<BEL>\n")
               .arg(kOther);
    QTest::newRow("forged: no nonce")
        << QStringLiteral("\x1b]7771;vw1;phase-end;seq=2;ts=1;phase=build;exit=0\a\n")
        << QStringLiteral("<ESC>]7771;vw1;phase-end;seq=2;ts=1;phase=build;exit=0<BEL>\n");
    QTest::newRow("forged: nonce prefix only")
        << marker(QStringLiteral("build-end;seq=9;ts=1;result=success;exit=0"), kNonce.left(16))
        << QStringLiteral("<ESC>]7771;vw1;%1;build-end;seq=9;ts=1;result=success;exit=0<BEL>\n")
               .arg(kNonce.left(16));
    QTest::newRow("unknown kind")
        << marker(QStringLiteral("phase-explode;seq=1;ts=1;phase=x"))
        << QStringLiteral("<ESC>]7771;vw1;%1;phase-explode;seq=1;ts=1;phase=x<BEL>\n").arg(kNonce);
    QTest::newRow("missing exit")
        << marker(QStringLiteral("phase-end;seq=1;ts=1;phase=x"))
        << QStringLiteral("<ESC>]7771;vw1;%1;phase-end;seq=1;ts=1;phase=x<BEL>\n").arg(kNonce);
    QTest::newRow("missing ts")
        << marker(QStringLiteral("phase-start;seq=1;phase=x"))
        << QStringLiteral("<ESC>]7771;vw1;%1;phase-start;seq=1;phase=x<BEL>\n").arg(kNonce);
    QTest::newRow("non-numeric exit")
        << marker(QStringLiteral("phase-end;seq=1;ts=1;phase=x;exit=one"))
        << QStringLiteral("<ESC>]7771;vw1;%1;phase-end;seq=1;ts=1;phase=x;exit=one<BEL>\n")
               .arg(kNonce);
    QTest::newRow("bad build result")
        << marker(QStringLiteral("build-end;seq=1;ts=1;result=great;exit=0"))
        << QStringLiteral("<ESC>]7771;vw1;%1;build-end;seq=1;ts=1;result=great;exit=0<BEL>\n")
               .arg(kNonce);
    QTest::newRow("space in a value")
        << marker(QStringLiteral("phase-start;seq=1;ts=1;phase=a b"))
        << QStringLiteral("<ESC>]7771;vw1;%1;phase-start;seq=1;ts=1;phase=a b<BEL>\n").arg(kNonce);
    QTest::newRow("broken by a newline")
        << QStringLiteral("\x1b]7771;vw1;%1;phase-start;seq=1\nts=1;phase=x\a\n").arg(kNonce)
        << QStringLiteral("<ESC>]7771;vw1;%1;phase-start;seq=1\nts=1;phase=x<BEL>\n").arg(kNonce);
    QTest::newRow("other OSC (window title) is output")
        << QStringLiteral("\x1b]0;title\aok\n") << QStringLiteral("<ESC>]0;title<BEL>ok\n");
    QTest::newRow("colour codes are output")
        << QStringLiteral("\x1b[31mred\x1b[0m\n") << QStringLiteral("<ESC>[31mred<ESC>[0m\n");
    QTest::newRow("garbage escapes")
        << QStringLiteral("\x1b\x1b]\x1b]7\x1b]7771\x1b]7771;\n\a\x1b")
        << QStringLiteral("<ESC><ESC>]<ESC>]7<ESC>]7771<ESC>]7771;\n<BEL><ESC>");
    QTest::newRow("forged then real")
        << marker(QStringLiteral("phase-start;seq=1;ts=1;phase=x"), kOther) + start
        << QStringLiteral(
               "<ESC>]7771;vw1;%1;phase-start;seq=1;ts=1;phase=x<BEL>\n{phase-start:build}")
               .arg(kOther);
    QTest::newRow("all kinds")
        << marker(QStringLiteral("build-start;seq=1;ts=1;pid=42;phases=install,build;v=1")) +
               marker(QStringLiteral("cache-miss;seq=2;ts=2;phase=install;reason=first-install")) +
               marker(QStringLiteral(
                   "cache-hit;seq=3;ts=3;phase=install;reason=lockfile-unchanged;key=abc")) +
               marker(
                   QStringLiteral("phase-skip;seq=4;ts=4;phase=install;reason=dependency-cache")) +
               marker(QStringLiteral("build-end;seq=5;ts=5;result=failed;exit=2;phase=build"))
        << QStringLiteral("{build-start}{cache-miss:install}{cache-hit:install}{phase-skip:install}"
                          "{build-end:build:2}");
    QTest::newRow("non-ASCII output survives")
        << QStringLiteral("héllo ✓ 日本\n") << QStringLiteral("héllo ✓ 日本\n");
}

void tst_MarkerParser::parses()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(describe(feedCut(input, {})), expected);
}

void tst_MarkerParser::sameResultWhereverTheTextIsCut_data()
{
    parses_data();
}

void tst_MarkerParser::sameResultWhereverTheTextIsCut()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const auto whole = feedCut(input, {});
    for (qsizetype cut = 1; cut < input.size(); ++cut) {
        const auto pieces = feedCut(input, {cut});
        QVERIFY2(pieces == whole,
                 qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(describe(pieces))));
    }
    for (qsizetype a = 1; a < input.size(); ++a) {
        for (qsizetype b = a + 1; b < input.size(); b += 3) {
            const auto pieces = feedCut(input, {a, b});
            QVERIFY2(pieces == whole,
                     qPrintable(
                         QStringLiteral("cuts at %1,%2: %3").arg(a).arg(b).arg(describe(pieces))));
        }
    }
    QCOMPARE(describe(whole), expected);
}

void tst_MarkerParser::eventFieldsAreTyped()
{
    const auto parsed = MarkerParser::parseAll(
        marker(QStringLiteral(
            "build-end;seq=7;ts=1700000001234;result=failed;exit=137;phase=install;extra=x")),
        kNonce);
    QCOMPARE(parsed.events.size(), 1);
    const DriverEvent &event = parsed.events.first();
    QCOMPARE(event.kind, Kind::BuildFinished);
    QCOMPARE(event.sequence, 7);
    QCOMPARE(event.timestampMs, Q_INT64_C(1700000001234));
    QCOMPARE(event.result, QStringLiteral("failed"));
    QCOMPARE(event.exitCode, std::optional<int>(137));
    QCOMPARE(event.phase, QStringLiteral("install"));
    QCOMPARE(event.fields.value(QStringLiteral("extra")), QStringLiteral("x"));
    QVERIFY(parsed.output.isEmpty());

    // toMarker() writes what parse() reads.
    const auto again = MarkerParser::parseAll(event.toMarker(kNonce), kNonce);
    QCOMPARE(again.events.size(), 1);
    QCOMPARE(again.events.first(), event);
    QVERIFY(again.output.isEmpty());
}

void tst_MarkerParser::piecesNeverEmptyAndOutputMerged()
{
    MarkerParser parser(kNonce);
    const auto pieces = parser.feed(QStringLiteral("a") + QStringLiteral("b\n") +
                                    marker(QStringLiteral("phase-start;seq=1;ts=1;phase=x")) +
                                    marker(QStringLiteral("phase-end;seq=2;ts=2;phase=x;exit=0")) +
                                    QStringLiteral("c"));
    QCOMPARE(pieces.size(), 4);
    QCOMPARE(pieces.at(0).text, QStringLiteral("ab\n"));
    QVERIFY(pieces.at(1).isEvent());
    QVERIFY(pieces.at(2).isEvent());
    QCOMPARE(pieces.at(3).text, QStringLiteral("c"));
}

void tst_MarkerParser::holdsBackOnlyWhatMayBeAMarker()
{
    MarkerParser parser(kNonce);
    QCOMPARE(describe(parser.feed(QStringLiteral("abc\x1b]77"))), QStringLiteral("abc"));
    QCOMPARE(parser.heldBack(), 4);
    QCOMPARE(describe(parser.feed(QStringLiteral("x"))), QStringLiteral("<ESC>]77x"));
    QCOMPARE(parser.heldBack(), 0);
    QCOMPARE(describe(parser.feed(QStringLiteral("\x1b]7771;vw1;%1;phase-st").arg(kNonce))),
             QString());
    QVERIFY(parser.heldBack() > 0);
    QCOMPARE(describe(parser.feed(QStringLiteral("art;seq=1;ts=1;phase=p\a"))),
             QStringLiteral("{phase-start:p}"));
    QCOMPARE(parser.heldBack(), 0);
    // The line break after it may come in the next piece, and is still dropped.
    QCOMPARE(describe(parser.feed(QStringLiteral("\n"))), QString());
    QCOMPARE(describe(parser.feed(QStringLiteral("\n"))), QStringLiteral("\n"));
}

void tst_MarkerParser::overlongMarkerIsOutput()
{
    MarkerParser parser(kNonce);
    const QString longValue(MarkerParser::kMaxMarkerLength, u'a');
    const QString text = QStringLiteral("\x1b]7771;vw1;%1;phase-start;seq=1;ts=1;phase=%2\a\n")
                             .arg(kNonce, longValue);
    QString output;
    // (Two statements: the operands of + may be evaluated in either order.)
    QList<MarkerParser::Piece> pieces = parser.feed(text);
    pieces += parser.finish();
    for (const auto &piece : std::as_const(pieces)) {
        QVERIFY(!piece.isEvent());
        output += piece.text;
    }
    QCOMPARE(output, text);
    // Held back text never grows past the limit.
    MarkerParser unterminated(kNonce);
    unterminated.feed(QStringLiteral("\x1b]7771;vw1;%1;").arg(kNonce) + longValue + longValue);
    QCOMPARE(unterminated.heldBack(), 0);
}

void tst_MarkerParser::finishReleasesAnUnfinishedMarker()
{
    MarkerParser parser(kNonce);
    const QString start = QStringLiteral("\x1b]7771;vw1;%1;phase-start;seq=1").arg(kNonce);
    QVERIFY(parser.feed(start).isEmpty());
    const auto rest = parser.finish();
    QCOMPARE(rest.size(), 1);
    QCOMPARE(rest.first().text, start);
    QCOMPARE(parser.heldBack(), 0);
}

void tst_MarkerParser::characterByCharacterOfALongLog()
{
    QString log;
    QString expectedOutput;
    for (int i = 0; i < 200; ++i) {
        const QString line = QStringLiteral("line %1 \x1b[32mok\x1b[0m\r\n").arg(i);
        log += line;
        expectedOutput += line;
        log += marker(QStringLiteral("phase-start;seq=%1;ts=%1;phase=p%1").arg(i + 1));
    }
    MarkerParser parser(kNonce);
    QString output;
    int events = 0;
    for (QChar c : log) {
        for (const auto &piece : parser.feed(QStringView(&c, 1))) {
            if (piece.isEvent()) {
                ++events;
                QCOMPARE(piece.event.sequence, events);
            } else {
                output += piece.text;
            }
        }
    }
    for (const auto &piece : parser.finish())
        output += piece.text;
    QCOMPARE(events, 200);
    QCOMPARE(output, expectedOutput);
}

QTEST_APPLESS_MAIN(tst_MarkerParser)
#include "tst_markerparser.moc"
