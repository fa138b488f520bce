#include "app/engine/ResumeOffsetTracker.h"

#include <QTest>

using vw::LogStream;
using vw::engine::ResumeOffsetTracker;

class tst_ResumeOffsetTracker : public QObject
{
    Q_OBJECT

private slots:
    void nothingHeldResumesAtTheEnd();
    void heldBytesInTheNewestPiece();
    void heldBytesSpanPiecesAroundTheOtherStream();
    void bothStreamsHoldBack();
    void olderPiecesAreForgottenSafely();
};

void tst_ResumeOffsetTracker::nothingHeldResumesAtTheEnd()
{
    ResumeOffsetTracker tracker;
    tracker.received(LogStream::Stdout, 0, 10);
    QCOMPARE(tracker.safeOffset(10, 0, 0), 10);
    tracker.received(LogStream::Stderr, 10, 15);
    QCOMPARE(tracker.safeOffset(15, 0, 0), 15);
}

void tst_ResumeOffsetTracker::heldBytesInTheNewestPiece()
{
    ResumeOffsetTracker tracker;
    tracker.received(LogStream::Stdout, 0, 10);
    QCOMPARE(tracker.safeOffset(10, 3, 0), 7);
    // Later stderr output does not move the resume point past stdout's held bytes.
    tracker.received(LogStream::Stderr, 10, 20);
    QCOMPARE(tracker.safeOffset(20, 3, 0), 7);
}

void tst_ResumeOffsetTracker::heldBytesSpanPiecesAroundTheOtherStream()
{
    ResumeOffsetTracker tracker;
    tracker.received(LogStream::Stdout, 0, 10);  // stdout 0…10
    tracker.received(LogStream::Stderr, 10, 20); // stderr 10…20
    tracker.received(LogStream::Stdout, 20, 22); // stdout 20…22
    // 5 held stdout bytes: 2 from the newest piece, 3 from the one before the stderr piece.
    QCOMPARE(tracker.safeOffset(22, 5, 0), 7);
    // Exactly the newest piece.
    QCOMPARE(tracker.safeOffset(22, 2, 0), 20);
}

void tst_ResumeOffsetTracker::bothStreamsHoldBack()
{
    ResumeOffsetTracker tracker;
    tracker.received(LogStream::Stdout, 0, 10);
    tracker.received(LogStream::Stderr, 10, 20);
    QCOMPARE(tracker.safeOffset(20, 1, 4), 9);
    QCOMPARE(tracker.safeOffset(20, 0, 4), 16);
}

void tst_ResumeOffsetTracker::olderPiecesAreForgottenSafely()
{
    ResumeOffsetTracker tracker;
    tracker.received(LogStream::Stdout, 0, 10);
    QCOMPARE(tracker.safeOffset(10, 0, 0), 10); // forgets 0…10
    tracker.received(LogStream::Stdout, 10, 12);
    QCOMPARE(tracker.safeOffset(12, 2, 0), 10);
    tracker.received(LogStream::Stdout, 12, 13);
    // 3 held bytes: all of 10…13, found even though older pieces were forgotten.
    QCOMPARE(tracker.safeOffset(13, 3, 0), 10);
    tracker.reset();
    tracker.received(LogStream::Stderr, 40, 50);
    QCOMPARE(tracker.safeOffset(50, 0, 10), 40);
}

QTEST_GUILESS_MAIN(tst_ResumeOffsetTracker)
#include "tst_resumeoffsettracker.moc"
