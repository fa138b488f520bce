#include "models/AsyncJob.h"

#include <QPointer>

namespace vw {

AsyncJob::AsyncJob(QObject *parent)
    : QObject(parent)
{
}

AsyncJob::~AsyncJob() = default;

void AsyncJob::fail(Error error)
{
    if (m_finished)
        return;
    if (error.code.isEmpty())
        error.code = QStringLiteral("ERROR");
    m_error = std::move(error);
    complete(false);
}

void AsyncJob::cancel()
{
    if (m_finished)
        return;
    m_error = Error{kCanceled, tr("The operation was canceled."), 0};
    complete(true);
}

void AsyncJob::completeSuccessfully()
{
    if (m_finished)
        return;
    complete(false);
}

void AsyncJob::complete(bool emitNow)
{
    m_finished = true;
    if (emitNow)
        deliverFinished();
    else
        QMetaObject::invokeMethod(this, &AsyncJob::deliverFinished, Qt::QueuedConnection);
}

void AsyncJob::deliverFinished()
{
    if (m_delivered)
        return;
    m_delivered = true;
    emit finished(this);
    if (m_autoDelete)
        deleteLater();
}

void AsyncJob::onFinished(QObject *context, std::function<void(AsyncJob *)> handler)
{
    if (m_delivered) {
        // Already delivered: still call back, queued, as if it had just finished.
        QPointer<AsyncJob> self(this);
        QMetaObject::invokeMethod(
            context,
            [self, handler = std::move(handler)] {
                if (self)
                    handler(self);
            },
            Qt::QueuedConnection);
        return;
    }
    connect(this, &AsyncJob::finished, context, std::move(handler), Qt::SingleShotConnection);
}

} // namespace vw
