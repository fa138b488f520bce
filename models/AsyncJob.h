#pragma once

#include "models/Error.h"

#include <QObject>

#include <functional>
#include <optional>
#include <utility>

namespace vw {

// The asynchronous job of the core (QtKeychain style). Whoever starts the work returns a job;
// whoever waits connects to finished(). The rules:
// - finished() fires exactly once per job, errors included — also for errors found before any
//   work began (e.g. invalid arguments): emission is always queued, so a caller that connects
//   right after receiving the job never misses it.
// - ok(), error() (and value() of AsyncJobOf<T>) are valid once isFinished() is true, which is
//   the case from the moment finished() is emitted.
// - By default the job deletes itself (deleteLater) after finished() has been delivered; keep a
//   job longer with setAutoDelete(false) (handy with QSignalSpy) and delete it yourself.
// - cancel() ends a job at once: finished() is emitted synchronously with the CANCELED error
//   (producers use it when they are destroyed, so no job is left without its finished()).
//
// The producer completes a job with succeed()/fail(); only the first completion counts.
class AsyncJob : public QObject
{
    Q_OBJECT

public:
    static inline const QString kCanceled = QStringLiteral("CANCELED");

    explicit AsyncJob(QObject *parent = nullptr);
    ~AsyncJob() override;

    bool isFinished() const { return m_finished; }
    bool ok() const { return m_finished && !m_error; }
    // An empty Error while running or after success.
    Error error() const { return m_error.value_or(Error{}); }

    bool autoDelete() const { return m_autoDelete; }
    void setAutoDelete(bool autoDelete) { m_autoDelete = autoDelete; }

    // Producer side.
    void fail(Error error);
    void cancel();

    // Calls `handler(job)` once when the job has finished, in `context`'s thread, unless
    // `context` is gone by then.
    void onFinished(QObject *context, std::function<void(AsyncJob *)> handler);

signals:
    void finished(vw::AsyncJob *job);

protected:
    // Marks the job successful; subclasses store their value first.
    void completeSuccessfully();

private:
    void complete(bool emitNow);
    void deliverFinished();

    bool m_finished = false;
    bool m_delivered = false;
    bool m_autoDelete = true;
    std::optional<Error> m_error;
};

// A job that carries a value on success.
template<typename T>
class AsyncJobOf : public AsyncJob
{
public:
    using AsyncJob::AsyncJob;

    // Valid when ok().
    const T &value() const { return *m_value; }
    Result<T> result() const
    {
        if (ok())
            return Result<T>(*m_value);
        return Result<T>(error());
    }

    void succeed(T value)
    {
        if (isFinished())
            return;
        m_value = std::move(value);
        completeSuccessfully();
    }

    // Calls `handler(result)` once when the job has finished (see AsyncJob::onFinished).
    void onResult(QObject *context, std::function<void(const Result<T> &)> handler)
    {
        onFinished(context, [handler = std::move(handler)](AsyncJob *job) {
            handler(static_cast<AsyncJobOf<T> *>(job)->result());
        });
    }

private:
    std::optional<T> m_value;
};

using StatusJob = AsyncJobOf<Done>;

} // namespace vw
