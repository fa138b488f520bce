#pragma once

#include <QObject>

class QSocketNotifier;

namespace vw::sandboxd {

// Turns SIGTERM and SIGINT into a Qt signal (through a self-pipe, the only async-signal-safe
// way), so sandboxd shuts down through its destructors and ends every session's processes.
class TerminationSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit TerminationSignalWatcher(QObject *parent = nullptr);
    ~TerminationSignalWatcher() override;

signals:
    void terminationRequested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace vw::sandboxd
