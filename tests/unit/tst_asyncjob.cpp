#include "models/AsyncJob.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using vw::AsyncJob;
using vw::AsyncJobOf;

class tst_AsyncJob : public QObject
{
    Q_OBJECT

private slots:
    void earlyErrorIsStillDeliveredQueued();
    void succeedCarriesTheValue();
    void onlyTheFirstCompletionCounts();
    void cancelFinishesAtOnce();
    void deletesItselfAfterFinishedByDefault();
    void staysAliveWithoutAutoDelete();
    void onResultCallsBackOnce();
    void onResultAfterDeliveryStillCallsBack();
    void onResultSkipsAGoneContext();
};

void tst_AsyncJob::earlyErrorIsStillDeliveredQueued()
{
    auto *job = new AsyncJob;
    job->fail({QStringLiteral("BAD_REQUEST"), QStringLiteral("no command"), 0});
    // Connecting after the failure is the normal pattern: it must not miss the signal.
    QSignalSpy spy(job, &AsyncJob::finished);
    QCOMPARE(spy.count(), 0);
    QVERIFY(job->isFinished());
    QVERIFY(!job->ok());
    QVERIFY(spy.wait(1000));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<AsyncJob *>(), job);
    QCOMPARE(job->error().code, QStringLiteral("BAD_REQUEST"));
}

void tst_AsyncJob::succeedCarriesTheValue()
{
    auto *job = new AsyncJobOf<QString>;
    job->setAutoDelete(false);
    std::unique_ptr<AsyncJob> owner(job);
    QSignalSpy spy(job, &AsyncJob::finished);
    job->succeed(QStringLiteral("started"));
    QVERIFY(spy.wait(1000));
    QVERIFY(job->ok());
    QCOMPARE(job->value(), QStringLiteral("started"));
    QVERIFY(job->result().ok());
    QVERIFY(job->error().code.isEmpty());
}

void tst_AsyncJob::onlyTheFirstCompletionCounts()
{
    AsyncJobOf<int> job;
    job.setAutoDelete(false);
    QSignalSpy spy(&job, &AsyncJob::finished);
    job.succeed(1);
    job.fail({QStringLiteral("LATE"), QStringLiteral("too late"), 0});
    job.succeed(2);
    job.cancel();
    QVERIFY(spy.wait(1000));
    QTest::qWait(20);
    QCOMPARE(spy.count(), 1);
    QVERIFY(job.ok());
    QCOMPARE(job.value(), 1);
}

void tst_AsyncJob::cancelFinishesAtOnce()
{
    AsyncJob job;
    job.setAutoDelete(false);
    QSignalSpy spy(&job, &AsyncJob::finished);
    job.cancel();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(job.error().code, AsyncJob::kCanceled);
    QTest::qWait(20);
    QCOMPARE(spy.count(), 1);
}

void tst_AsyncJob::deletesItselfAfterFinishedByDefault()
{
    auto *job = new AsyncJobOf<int>;
    QPointer<AsyncJob> watch(job);
    QSignalSpy spy(job, &AsyncJob::finished);
    job->succeed(7);
    QVERIFY(spy.wait(1000));
    QTRY_VERIFY(watch.isNull());
}

void tst_AsyncJob::staysAliveWithoutAutoDelete()
{
    auto *job = new AsyncJob;
    job->setAutoDelete(false);
    QPointer<AsyncJob> watch(job);
    QSignalSpy spy(job, &AsyncJob::finished);
    job->fail({QStringLiteral("X"), QStringLiteral("x"), 0});
    QVERIFY(spy.wait(1000));
    QTest::qWait(50);
    QVERIFY(!watch.isNull());
    delete job;
}

void tst_AsyncJob::onResultCallsBackOnce()
{
    auto *job = new AsyncJobOf<int>;
    int calls = 0;
    int seen = 0;
    job->onResult(this, [&](const vw::Result<int> &result) {
        ++calls;
        seen = result.value();
    });
    job->succeed(5);
    QTRY_COMPARE(calls, 1);
    QCOMPARE(seen, 5);
    QTest::qWait(20);
    QCOMPARE(calls, 1);
}

void tst_AsyncJob::onResultAfterDeliveryStillCallsBack()
{
    AsyncJobOf<int> job;
    job.setAutoDelete(false);
    QSignalSpy spy(&job, &AsyncJob::finished);
    job.fail({QStringLiteral("NOT_FOUND"), QStringLiteral("gone"), 404});
    QVERIFY(spy.wait(1000));
    QString code;
    job.onResult(this, [&](const vw::Result<int> &result) { code = result.error().code; });
    QTRY_COMPARE(code, QStringLiteral("NOT_FOUND"));
}

void tst_AsyncJob::onResultSkipsAGoneContext()
{
    auto *job = new AsyncJobOf<int>;
    bool called = false;
    {
        QObject context;
        job->onResult(&context, [&](const vw::Result<int> &) { called = true; });
    }
    QSignalSpy spy(job, &AsyncJob::finished);
    job->succeed(1);
    QVERIFY(spy.wait(1000));
    QVERIFY(!called);
}

QTEST_GUILESS_MAIN(tst_AsyncJob)
#include "tst_asyncjob.moc"
