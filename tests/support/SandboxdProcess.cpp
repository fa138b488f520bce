#include "tests/support/SandboxdProcess.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace vw::test {

SandboxdProcess::SandboxdProcess()
{
    m_process.setProgram(binaryPath());
}

SandboxdProcess::~SandboxdProcess()
{
    if (isRunning() && !stop(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString SandboxdProcess::binaryPath()
{
    return QStringLiteral(VW_SANDBOXD_BINARY);
}

bool SandboxdProcess::start(const Options &options)
{
    m_tokenFile = options.tokenFile.isEmpty() ? m_scratch.filePath(QStringLiteral("token"))
                                              : options.tokenFile;
    QStringList arguments{QStringLiteral("--port"), QString::number(options.port),
                          QStringLiteral("--token-file"), m_tokenFile};
    for (const Sandbox &sandbox : options.sandboxes)
        arguments << QStringLiteral("--sandbox")
                  << sandbox.name + QLatin1Char('=') + sandbox.directory;
    arguments << options.extraArguments;
    m_process.setArguments(arguments);
    m_process.start();
    if (!m_process.waitForStarted(options.startTimeoutMs)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(binaryPath(), m_process.errorString());
        return false;
    }

    static const QRegularExpression listening(
        QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)\\n"));
    QRegularExpressionMatch match;
    const bool ready = QTest::qWaitFor(
        [&] {
            m_stdout += m_process.readAllStandardOutput();
            match = listening.match(QString::fromUtf8(m_stdout));
            return match.hasMatch() || m_process.state() == QProcess::NotRunning;
        },
        options.startTimeoutMs);
    if (!ready || !match.hasMatch()) {
        m_error =
            QStringLiteral("sandboxd did not report that it listens (stdout: %1) (stderr: %2)")
                .arg(QString::fromUtf8(m_stdout), QString::fromUtf8(standardError()));
        return false;
    }
    m_port = quint16(match.captured(1).toUInt());

    QFile tokenFile(m_tokenFile);
    if (!tokenFile.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("cannot read the token file %1").arg(m_tokenFile);
        return false;
    }
    m_token = QString::fromUtf8(tokenFile.readAll()).trimmed();
    return !m_token.isEmpty();
}

bool SandboxdProcess::stop(int timeoutMs)
{
    if (!isRunning())
        return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    m_process.terminate();
    if (!m_process.waitForFinished(timeoutMs))
        return false;
    return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

QByteArray SandboxdProcess::standardError()
{
    m_stderr += m_process.readAllStandardError();
    return m_stderr;
}

} // namespace vw::test
