#include "app/sandboxd/OneShotExecution.h"

#include <QProcessEnvironment>
#include <QTimer>

#include <csignal>

#include <unistd.h>

namespace vw::sandboxd {

OneShotExecution::OneShotExecution(const QString &command, const QString &workingDirectory,
                                   const QMap<QString, QString> &environment, int timeoutSeconds,
                                   QObject *parent)
    : QObject(parent)
    , m_process(new QProcess(this))
    , m_timeout(new QTimer(this))
    , m_timeoutSeconds(timeoutSeconds)
{
    QProcessEnvironment processEnvironment = QProcessEnvironment::systemEnvironment();
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        processEnvironment.insert(it.key(), it.value());
    m_process->setProcessEnvironment(processEnvironment);
    m_process->setProgram(QStringLiteral("/bin/bash"));
    m_process->setArguments({QStringLiteral("-c"), command});
    m_process->setWorkingDirectory(workingDirectory);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());
    m_process->setChildProcessModifier([] {
        ::setsid();
        std::signal(SIGPIPE, SIG_DFL);
    });
    m_timeout->setSingleShot(true);

    connect(m_process, &QProcess::readyReadStandardOutput, this,
            [this] { m_output.append(m_process->readAllStandardOutput()); });
    connect(m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) {
                m_output.append(m_process->readAllStandardOutput());
                conclude(status == QProcess::NormalExit ? exitCode : -1);
            });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            m_output = m_process->errorString().toUtf8();
            conclude(-1);
        }
    });
    connect(m_timeout, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        killGroup();
    });
}

OneShotExecution::~OneShotExecution()
{
    if (m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        killGroup();
        m_process->waitForFinished(2000);
    }
}

void OneShotExecution::start()
{
    m_process->start();
    m_group = m_process->processId();
    if (m_timeoutSeconds > 0)
        m_timeout->start(std::chrono::seconds(m_timeoutSeconds));
}

void OneShotExecution::killGroup()
{
    if (m_group > 0)
        ::kill(-pid_t(m_group), SIGKILL);
}

void OneShotExecution::conclude(int exitCode)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout->stop();
    emit finished(Outcome{exitCode, m_output, m_timedOut});
}

} // namespace vw::sandboxd
