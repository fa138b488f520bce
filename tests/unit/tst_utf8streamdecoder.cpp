#include "models/Utf8StreamDecoder.h"

#include <QTest>

using vw::Utf8StreamDecoder;

class tst_Utf8StreamDecoder : public QObject
{
    Q_OBJECT

private slots:
    void incompleteTail_data();
    void incompleteTail();
    void neverSplitsACharacter_data();
    void neverSplitsACharacter();
    void invalidBytesAreReplacedAtOnce();
    void flushReplacesAnIncompleteSequence();
};

void tst_Utf8StreamDecoder::incompleteTail_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("tail");
    QTest::newRow("ascii") << QByteArray("abc") << 0;
    QTest::newRow("complete 2-byte") << QByteArray("a\xc3\xbc") << 0;
    QTest::newRow("lead of 2") << QByteArray("a\xc3") << 1;
    QTest::newRow("2 of 3") << QByteArray("a\xe2\x82") << 2;
    QTest::newRow("1 of 3") << QByteArray("a\xe2") << 1;
    QTest::newRow("3 of 4") << QByteArray("\xf0\x9f\x98") << 3;
    QTest::newRow("complete 4") << QByteArray("\xf0\x9f\x98\x80") << 0;
    QTest::newRow("stray continuations") << QByteArray("\x80\x80\x80\x80") << 0;
    QTest::newRow("invalid lead") << QByteArray("a\xff") << 0;
    QTest::newRow("empty") << QByteArray() << 0;
}

void tst_Utf8StreamDecoder::incompleteTail()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, tail);
    QCOMPARE(Utf8StreamDecoder::incompleteTailLength(bytes), qsizetype(tail));
}

void tst_Utf8StreamDecoder::neverSplitsACharacter_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("mixed widths") << QStringLiteral("aü€😀b𝄞\n");
    QTest::newRow("cjk") << QStringLiteral("构建成功 ✓");
}

void tst_Utf8StreamDecoder::neverSplitsACharacter()
{
    QFETCH(QString, text);
    const QByteArray bytes = text.toUtf8();
    for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
        Utf8StreamDecoder decoder;
        const QString first = decoder.decode(QByteArrayView(bytes).first(cut));
        const QString second = decoder.decode(QByteArrayView(bytes).sliced(cut));
        QVERIFY(!first.contains(QChar::ReplacementCharacter));
        QCOMPARE(first + second + decoder.flush(), text);
    }
}

void tst_Utf8StreamDecoder::invalidBytesAreReplacedAtOnce()
{
    Utf8StreamDecoder decoder;
    const QString text = decoder.decode(QByteArray("a\xff"
                                                   "b"));
    QCOMPARE(text, QStringLiteral("a\uFFFDb"));
    QCOMPARE(decoder.pendingBytes(), 0);
}

void tst_Utf8StreamDecoder::flushReplacesAnIncompleteSequence()
{
    Utf8StreamDecoder decoder;
    QCOMPARE(decoder.decode(QByteArray("x\xf0\x9f")), QStringLiteral("x"));
    QCOMPARE(decoder.pendingBytes(), 2);
    QCOMPARE(decoder.flush(), QString(QChar::ReplacementCharacter));
    QCOMPARE(decoder.pendingBytes(), 0);
    QCOMPARE(decoder.flush(), QString());
}

QTEST_APPLESS_MAIN(tst_Utf8StreamDecoder)
#include "tst_utf8streamdecoder.moc"
