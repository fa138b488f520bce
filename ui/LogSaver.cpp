#include "ui/LogSaver.h"

#include "models/LogBuffer.h"

#include <QDir>

namespace vw::ui {

LogSaver::LogSaver(const LogBuffer &buffer, const QString &path, QObject *parent)
    : QObject(parent)
    , m_buffer(buffer)
    , m_file(path)
{
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &LogSaver::writeSome);
}

void LogSaver::start()
{
    m_endLine = m_buffer.lineCount();
    if (!m_file.open(QIODevice::WriteOnly)) {
        // Report from the event loop, like every other outcome.
        QTimer::singleShot(0, this, [this] { finish(false, m_file.errorString()); });
        return;
    }
    m_timer.start();
}

void LogSaver::cancel()
{
    if (m_done)
        return;
    m_file.cancelWriting();
    finish(false, tr("Saving was cancelled."));
}

void LogSaver::writeSome()
{
    QByteArray chunk;
    chunk.reserve(kBytesPerPass + 64 * 1024);
    const qsizetype end = std::min(m_endLine, m_buffer.lineCount());
    while (m_nextLine < end && chunk.size() < kBytesPerPass) {
        chunk.append(m_buffer.lineUtf8(m_nextLine++));
        chunk.append('\n');
    }
    if (!chunk.isEmpty() && m_file.write(chunk) != chunk.size()) {
        const QString error = m_file.errorString();
        m_file.cancelWriting();
        finish(false, error);
        return;
    }
    if (m_nextLine < end)
        return; // more on the next pass
    if (!m_file.commit()) {
        finish(false, m_file.errorString());
        return;
    }
    finish(true, QString());
}

void LogSaver::finish(bool ok, const QString &errorMessage)
{
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    emit finished(ok, ok ? QString()
                         : tr("Could not save the log to %1: %2")
                               .arg(QDir::toNativeSeparators(m_file.fileName()), errorMessage));
}

} // namespace vw::ui
