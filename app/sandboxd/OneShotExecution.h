#pragma once

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QProcess>
#include <QString>

class QTimer;

namespace vw::sandboxd {

// POST /process/execute: one command run through bash (so shell syntax works) in its own
// process group, stdout and stderr combined in arrival order. A timeout kills the whole group.
class OneShotExecution : public QObject
{
    Q_OBJECT

public:
    struct Outcome
    {
        int exitCode = -1;
        QByteArray output; // stdout + stderr; the error text when the command could not start
        bool timedOut = false;
    };

    OneShotExecution(const QString &command, const QString &workingDirectory,
                     const QMap<QString, QString> &environment, int timeoutSeconds,
                     QObject *parent = nullptr);
    ~OneShotExecution() override;

    void start();

signals:
    // Always emitted exactly once.
    void finished(const vw::sandboxd::OneShotExecution::Outcome &outcome);

private:
    void conclude(int exitCode);
    void killGroup();

    QProcess *m_process;
    QTimer *m_timeout;
    int m_timeoutSeconds;
    qint64 m_group = 0;
    QByteArray m_output;
    bool m_timedOut = false;
    bool m_done = false;
};

} // namespace vw::sandboxd
