#pragma once

#include "models/AsyncJob.h"

#include <QSignalSpy>
#include <QTest>

// Waits (running the event loop) until an AsyncJobOf<T> has finished and returns its result;
// a job that never finishes within timeoutMs becomes a TEST_HUNG error, so the test fails with a
// readable message instead of crashing.
template<typename T>
vw::Result<T> awaitJob(vw::AsyncJobOf<T> *job, int timeoutMs = 30'000)
{
    job->setAutoDelete(false);
    QSignalSpy spy(job, &vw::AsyncJob::finished);
    // Results are valid once isFinished(), even before the queued finished() is delivered.
    if (!job->isFinished())
        spy.wait(timeoutMs);
    if (!job->isFinished()) {
        job->deleteLater();
        return vw::Error{QStringLiteral("TEST_HUNG"), QStringLiteral("the job did not finish"), 0};
    }
    vw::Result<T> result = job->result();
    job->deleteLater();
    return result;
}

// The error of a result for a failure message, empty when it succeeded.
template<typename T>
QString describe(const vw::Result<T> &result)
{
    return result.ok() ? QString() : result.error().toString();
}
