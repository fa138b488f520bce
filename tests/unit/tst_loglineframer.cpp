#include "app/sandboxd/LogLineFramer.h"

#include <QTest>

using vw::sandboxd::LogLineFramer;

// One stream's output → the daemon's `<marker><line>\n` records (daytona-api.md §3.5).
class TestLogLineFramer : public QObject
{
    Q_OBJECT

private slots:
    void frames_data();
    void frames();
    void overlongLinesAreSplitWithoutLosingBytes();
};

void TestLogLineFramer::frames_data()
{
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<QByteArray>("records");

    QTest::newRow("one line") << QList<QByteArray>{"hi\n"} << QByteArray("MMMhi\n");
    QTest::newRow("two lines in one piece")
        << QList<QByteArray>{"a\nb\n"} << QByteArray("MMMa\nMMMb\n");
    QTest::newRow("line split across pieces")
        << QList<QByteArray>{"he", "ll", "o\nw"} << QByteArray("MMMhello\nMMMw\n");
    QTest::newRow("partial last line gets a newline")
        << QList<QByteArray>{"no newline"} << QByteArray("MMMno newline\n");
    QTest::newRow("empty line") << QList<QByteArray>{"\n"} << QByteArray("MMM\n");
    QTest::newRow("nothing") << QList<QByteArray>{} << QByteArray();
    QTest::newRow("binary bytes") << QList<QByteArray>{QByteArray("\0\xff\x01\n", 4)}
                                  << QByteArray("MMM\0\xff\x01\n", 7);
    QTest::newRow("carriage returns kept")
        << QList<QByteArray>{"a\r\nb\rc\n"} << QByteArray("MMMa\r\nMMMb\rc\n");
}

void TestLogLineFramer::frames()
{
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(QByteArray, records);
    LogLineFramer framer("MMM");
    QByteArray out;
    for (const QByteArray &piece : pieces)
        out += framer.feed(piece);
    out += framer.finish();
    QCOMPARE(out, records);
    QCOMPARE(framer.pendingBytes(), 0);
    QVERIFY(framer.finish().isEmpty());
}

void TestLogLineFramer::overlongLinesAreSplitWithoutLosingBytes()
{
    LogLineFramer framer("MMM", 8);
    QByteArray out = framer.feed("0123456789");
    // The pending part reached the limit: written behind its own marker, no newline yet.
    QCOMPARE(out, QByteArray("MMM0123456789"));
    QCOMPARE(framer.pendingBytes(), 0);
    out += framer.feed("ab\ncd");
    out += framer.finish();
    QCOMPARE(out, QByteArray("MMM0123456789MMMab\nMMMcd\n"));

    // A line ending exactly after a flushed piece still gets its newline record.
    LogLineFramer exact("MMM", 4);
    QByteArray rest = exact.feed("abcd");
    rest += exact.finish();
    QCOMPARE(rest, QByteArray("MMMabcdMMM\n"));
}

QTEST_GUILESS_MAIN(TestLogLineFramer)
#include "tst_loglineframer.moc"
