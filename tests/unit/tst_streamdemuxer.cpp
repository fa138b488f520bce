#include "models/StreamDemuxer.h"

#include <QTest>

using vw::StreamDemuxer;
using Stream = StreamDemuxer::Stream;

namespace {

const QByteArray kOut(StreamDemuxer::kStdoutMarker.data(), StreamDemuxer::kMarkerLength);
const QByteArray kErr(StreamDemuxer::kStderrMarker.data(), StreamDemuxer::kMarkerLength);

struct Collected
{
    QByteArray out;
    QByteArray err;
    QByteArray combined;
    int chunkCount = 0;
};

void collect(Collected &into, const QList<StreamDemuxer::Chunk> &chunks)
{
    for (const auto &chunk : chunks) {
        QVERIFY2(!chunk.bytes.isEmpty(), "empty chunk returned");
        (chunk.stream == Stream::Stdout ? into.out : into.err).append(chunk.bytes);
        into.combined.append(chunk.bytes);
        ++into.chunkCount;
    }
}

// Feeds `log` cut at the given positions (ascending) and finishes.
Collected feedCut(const QByteArray &log, const QList<qsizetype> &cuts)
{
    StreamDemuxer demuxer;
    Collected result;
    qsizetype from = 0;
    for (const qsizetype cut : cuts) {
        collect(result, demuxer.feed(QByteArrayView(log).sliced(from, cut - from)));
        from = cut;
    }
    collect(result, demuxer.feed(QByteArrayView(log).sliced(from)));
    collect(result, demuxer.finish());
    return result;
}

} // namespace

class tst_StreamDemuxer : public QObject
{
    Q_OBJECT

private slots:
    void markerConstants();
    void demuxesWhateverTheCuts_data();
    void demuxesWhateverTheCuts();
    void wholeBufferHelpers_data();
    void wholeBufferHelpers();
    void heldBackBytesWaitForTheNextFeed();
    void heldBackBytesAreDataAtFinish();
    void finishResetsTheStream();
    void decodesUtf8PerStreamWhateverTheCuts_data();
    void decodesUtf8PerStreamWhateverTheCuts();
    void incompleteUtf8AtFinishBecomesReplacement();
    void handlesATenMegabyteLine();
};

void tst_StreamDemuxer::markerConstants()
{
    QCOMPARE(StreamDemuxer::kStdoutMarker.toByteArray(), QByteArray("\x01\x01\x01"));
    QCOMPARE(StreamDemuxer::kStderrMarker.toByteArray(), QByteArray("\x02\x02\x02"));
    QCOMPARE(StreamDemuxer::marker(Stream::Stderr), StreamDemuxer::kStderrMarker);
}

// Rows: a log and the expected stdout/stderr. Each row is checked cut in two at every
// position, cut in three at every pair of positions (short logs), and fed one byte at a time.
void tst_StreamDemuxer::demuxesWhateverTheCuts_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<QByteArray>("expectedOut");
    QTest::addColumn<QByteArray>("expectedErr");
    QTest::addColumn<bool>("sawMarker");

    QTest::newRow("sdk example") << kOut + "hi\n" + kErr + "oops\n"
                                 << QByteArray("hi\n") << QByteArray("oops\n") << true;
    QTest::newRow("interleaved") << kOut + "a1\n" + kErr + "b1\n" + kOut + "a2\n" + kErr + "b2\n"
                                 << QByteArray("a1\na2\n") << QByteArray("b1\nb2\n") << true;
    QTest::newRow("no markers is plain stdout (combined mode, pre-v0.101)")
        << QByteArray("line one\nline two\n") << QByteArray("line one\nline two\n") << QByteArray()
        << false;
    QTest::newRow("bytes before the first marker are stdout")
        << QByteArray("prelude ") + kErr + "err\n"
        << QByteArray("prelude ") << QByteArray("err\n") << true;
    QTest::newRow("empty lines") << kOut + "\n" + kErr + "\n" + kOut + "\n"
                                 << QByteArray("\n\n") << QByteArray("\n") << true;
    QTest::newRow("markers back to back")
        << kErr + kOut + kErr + "x" << QByteArray() << QByteArray("x") << true;
    QTest::newRow("lone control bytes are data")
        << kErr + QByteArray("\x01\x02\x01\x01\x02\x02") + "\n"
        << QByteArray() << QByteArray("\x01\x02\x01\x01\x02\x02\n") << true;
    QTest::newRow("data byte before a marker is leftmost-first")
        << QByteArray("\x01\x01") + kErr + "e" << QByteArray("\x01\x01") << QByteArray("e") << true;
    QTest::newRow("marker followed by its own byte")
        << kOut + QByteArray("\x01") + kErr + QByteArray("\x02\x02") << QByteArray("\x01")
        << QByteArray("\x02\x02") << true;
    QTest::newRow("trailing possible-marker bytes are data at the end")
        << kErr + "e" + QByteArray("\x02\x02") << QByteArray() << QByteArray("e\x02\x02") << true;
    const QByteArray binary("\x00\xff\xfe\x7f\x80\x03\x1b[31m\x00", 12);
    QTest::newRow("binary bytes") << kOut + binary + kErr + binary << binary << binary << true;
    QTest::newRow("utf-8 bytes") << kOut + "gr\xc3\xbc\xc3\x9f\n" + kErr +
                                        "\xe2\x82\xac\xf0\x9f\x98\x80\n"
                                 << QByteArray("gr\xc3\xbc\xc3\x9f\n")
                                 << QByteArray("\xe2\x82\xac\xf0\x9f\x98\x80\n") << true;
    QTest::newRow("empty") << QByteArray() << QByteArray() << QByteArray() << false;
}

void tst_StreamDemuxer::demuxesWhateverTheCuts()
{
    QFETCH(QByteArray, log);
    QFETCH(QByteArray, expectedOut);
    QFETCH(QByteArray, expectedErr);
    QFETCH(bool, sawMarker);

    const auto check = [&](const Collected &got, const QString &how) {
        QVERIFY2(got.out == expectedOut, qPrintable(how + QStringLiteral(": stdout ") +
                                                    QString::fromLatin1(got.out.toHex(' '))));
        QVERIFY2(got.err == expectedErr, qPrintable(how + QStringLiteral(": stderr ") +
                                                    QString::fromLatin1(got.err.toHex(' '))));
    };

    check(feedCut(log, {}), QStringLiteral("whole"));
    for (qsizetype cut = 0; cut <= log.size(); ++cut)
        check(feedCut(log, {cut}), QStringLiteral("cut at %1").arg(cut));
    if (log.size() <= 40) {
        for (qsizetype a = 0; a <= log.size(); ++a) {
            for (qsizetype b = a; b <= log.size(); ++b)
                check(feedCut(log, {a, b}), QStringLiteral("cut at %1 and %2").arg(a).arg(b));
        }
    }
    QList<qsizetype> everyByte;
    for (qsizetype cut = 1; cut < log.size(); ++cut)
        everyByte.append(cut);
    check(feedCut(log, everyByte), QStringLiteral("byte by byte"));

    StreamDemuxer demuxer;
    demuxer.feed(log);
    QCOMPARE(demuxer.sawMarker(), sawMarker);
}

void tst_StreamDemuxer::wholeBufferHelpers_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<QByteArray>("expectedOut");
    QTest::addColumn<QByteArray>("expectedErr");
    QTest::addColumn<QByteArray>("expectedCombined");

    QTest::newRow("interleaved") << kOut + "a\n" + kErr + "b\n" + kOut + "c\n"
                                 << QByteArray("a\nc\n") << QByteArray("b\n")
                                 << QByteArray("a\nb\nc\n");
    QTest::newRow("no markers") << QByteArray("plain\n") << QByteArray("plain\n") << QByteArray()
                                << QByteArray("plain\n");
    QTest::newRow("only stderr") << kErr + "x\n" + kErr + "y\n"
                                 << QByteArray() << QByteArray("x\ny\n") << QByteArray("x\ny\n");
    QTest::newRow("partial marker at end is data")
        << kOut + "a" + QByteArray("\x01\x01") << QByteArray("a\x01\x01") << QByteArray()
        << QByteArray("a\x01\x01");
    QTest::newRow("empty") << QByteArray() << QByteArray() << QByteArray() << QByteArray();
}

void tst_StreamDemuxer::wholeBufferHelpers()
{
    QFETCH(QByteArray, log);
    QFETCH(QByteArray, expectedOut);
    QFETCH(QByteArray, expectedErr);
    QFETCH(QByteArray, expectedCombined);

    const StreamDemuxer::Split split = StreamDemuxer::split(log);
    QCOMPARE(split.stdoutBytes, expectedOut);
    QCOMPARE(split.stderrBytes, expectedErr);
    QCOMPARE(StreamDemuxer::stripMarkers(log), expectedCombined);
    QCOMPARE(StreamDemuxer::containsMarker(log), log.contains(kOut) || log.contains(kErr));
}

void tst_StreamDemuxer::heldBackBytesWaitForTheNextFeed()
{
    StreamDemuxer demuxer;
    QList<StreamDemuxer::Chunk> chunks = demuxer.feed(kOut + "out" + QByteArray("\x02\x02"));
    QCOMPARE(chunks, (QList<StreamDemuxer::Chunk>{{Stream::Stdout, "out"}}));
    QCOMPARE(demuxer.heldBackBytes(), 2);
    // The third 02 completes a stderr marker: nothing of it may leak into the output.
    chunks = demuxer.feed(QByteArray("\x02") + "err");
    QCOMPARE(chunks, (QList<StreamDemuxer::Chunk>{{Stream::Stderr, "err"}}));
    QCOMPARE(demuxer.currentStream(), Stream::Stderr);
    QCOMPARE(demuxer.heldBackBytes(), 0);
}

void tst_StreamDemuxer::heldBackBytesAreDataAtFinish()
{
    StreamDemuxer demuxer;
    QCOMPARE(demuxer.feed(kErr + QByteArray("\x01")), QList<StreamDemuxer::Chunk>{});
    QCOMPARE(demuxer.finish(), (QList<StreamDemuxer::Chunk>{{Stream::Stderr, "\x01"}}));
}

void tst_StreamDemuxer::finishResetsTheStream()
{
    StreamDemuxer demuxer;
    demuxer.feed(kErr + "e");
    QVERIFY(demuxer.sawMarker());
    demuxer.finish();
    QVERIFY(!demuxer.sawMarker());
    QCOMPARE(demuxer.feed("plain"), (QList<StreamDemuxer::Chunk>{{Stream::Stdout, "plain"}}));
}

void tst_StreamDemuxer::decodesUtf8PerStreamWhateverTheCuts_data()
{
    QTest::addColumn<QByteArray>("log");
    QTest::addColumn<QString>("expectedOut");
    QTest::addColumn<QString>("expectedErr");

    const QString out = QStringLiteral("Grüße, €uro 😀\n");
    const QString err = QStringLiteral("错误: ✗ 𝄞\n");
    QTest::newRow("two streams") << kOut + out.toUtf8() + kErr + err.toUtf8() << out << err;
    // A character whose bytes straddle a marker of the other stream must still decode whole
    // on its own stream, because each stream has its own decoder.
    QTest::newRow("character interrupted by the other stream")
        << kOut + QByteArray("\xe2\x82") + kErr + QByteArray("e\n") + kOut + QByteArray("\xac\n")
        << QStringLiteral("€\n") << QStringLiteral("e\n");
    QTest::newRow("no markers") << QStringLiteral("ünïcödé ✓\n").toUtf8()
                                << QStringLiteral("ünïcödé ✓\n") << QString();
}

void tst_StreamDemuxer::decodesUtf8PerStreamWhateverTheCuts()
{
    QFETCH(QByteArray, log);
    QFETCH(QString, expectedOut);
    QFETCH(QString, expectedErr);

    for (qsizetype cut = 0; cut <= log.size(); ++cut) {
        for (qsizetype second = cut; second <= log.size(); ++second) {
            StreamDemuxer demuxer;
            QString out;
            QString err;
            const auto take = [&](const QList<StreamDemuxer::TextChunk> &texts) {
                for (const auto &text : texts) {
                    QVERIFY(!text.text.isEmpty());
                    QVERIFY2(!text.text.contains(QChar::ReplacementCharacter),
                             qPrintable(QStringLiteral("cut %1/%2").arg(cut).arg(second)));
                    (text.stream == Stream::Stdout ? out : err).append(text.text);
                }
            };
            take(demuxer.feedText(QByteArrayView(log).first(cut)));
            take(demuxer.feedText(QByteArrayView(log).sliced(cut, second - cut)));
            take(demuxer.feedText(QByteArrayView(log).sliced(second)));
            take(demuxer.finishText());
            QCOMPARE(out, expectedOut);
            QCOMPARE(err, expectedErr);
        }
    }
}

void tst_StreamDemuxer::incompleteUtf8AtFinishBecomesReplacement()
{
    StreamDemuxer demuxer;
    const auto texts = demuxer.feedText(kErr + QByteArray("ok\xe2\x82"));
    QCOMPARE(texts, (QList<StreamDemuxer::TextChunk>{{Stream::Stderr, QStringLiteral("ok")}}));
    QCOMPARE(demuxer.finishText(), (QList<StreamDemuxer::TextChunk>{
                                       {Stream::Stderr, QString(QChar::ReplacementCharacter)}}));
}

void tst_StreamDemuxer::handlesATenMegabyteLine()
{
    QByteArray longLine(10 * 1024 * 1024, 'x');
    longLine.append('\n');
    const QByteArray log = kOut + longLine + kErr + "after\n" + kOut + "tail\n";

    // Streamed in 64 KiB frames, as a WebSocket would deliver it.
    StreamDemuxer demuxer;
    Collected got;
    constexpr qsizetype kFrame = 64 * 1024 + 1; // odd size: markers land on frame edges too
    for (qsizetype from = 0; from < log.size(); from += kFrame)
        collect(got,
                demuxer.feed(QByteArrayView(log).sliced(from, qMin(kFrame, log.size() - from))));
    collect(got, demuxer.finish());
    QCOMPARE(got.out.size(), longLine.size() + 5);
    QVERIFY(got.out == longLine + "tail\n");
    QCOMPARE(got.err, QByteArray("after\n"));

    const StreamDemuxer::Split split = StreamDemuxer::split(log);
    QVERIFY(split.stdoutBytes == longLine + "tail\n");
    QCOMPARE(split.stderrBytes, QByteArray("after\n"));
}

QTEST_APPLESS_MAIN(tst_StreamDemuxer)
#include "tst_streamdemuxer.moc"
