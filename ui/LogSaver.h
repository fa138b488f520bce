#pragma once

#include <QObject>
#include <QSaveFile>
#include <QTimer>

namespace vw {
class LogBuffer;
}

namespace vw::ui {

// Writes a log buffer's text to a file a few megabytes per event-loop pass, so saving a
// 100 MB log never freezes the window. The lines present when start() is called are written
// (output that arrives meanwhile is not); the file replaces the target only when complete
// (QSaveFile). finished() is emitted exactly once, also on failure or cancel().
class LogSaver : public QObject
{
    Q_OBJECT

public:
    LogSaver(const LogBuffer &buffer, const QString &path, QObject *parent = nullptr);

    void start();
    // Stops and leaves the target untouched (e.g. because the buffer is about to be cleared).
    void cancel();
    QString path() const { return m_file.fileName(); }

    static constexpr qsizetype kBytesPerPass = 4 * 1024 * 1024;

signals:
    void finished(bool ok, const QString &errorMessage);

private:
    void writeSome();
    void finish(bool ok, const QString &errorMessage);

    const LogBuffer &m_buffer;
    QSaveFile m_file;
    QTimer m_timer;
    qsizetype m_nextLine = 0;
    qsizetype m_endLine = 0;
    bool m_done = false;
};

} // namespace vw::ui
