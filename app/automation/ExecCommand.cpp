#include "app/automation/ExecCommand.h"

#include "app/automation/InterruptWatcher.h"
#include "app/daytona/DaytonaClient.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QTextStream>
#include <QUuid>

#include <cstdio>

using namespace vw::daytona;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ExecCommand", text);
}

void printError(const vw::Error &error)
{
    QTextStream(stderr) << tr("error: %1").arg(error.toString()) << Qt::endl;
}

// Raw bytes, unbuffered in effect: a live log must show up as it arrives.
void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

ExecCommand::ExecCommand(DaytonaClient *client, QObject *parent)
    : ClientCommand(client, parent)
{
}

QString ExecCommand::shellCommand(const QStringList &words)
{
    if (words.size() == 1)
        return words.first();
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    QStringList quoted;
    for (const QString &word : words) {
        if (safe.match(word).hasMatch())
            quoted.append(word);
        else
            quoted.append(QLatin1Char('\'') +
                          QString(word).replace(QStringLiteral("'"), QStringLiteral("'\\''")) +
                          QLatin1Char('\''));
    }
    return quoted.join(QLatin1Char(' '));
}

bool ExecCommand::start(const QStringList &arguments)
{
    if (arguments.size() < 2 || arguments.first().isEmpty()) {
        QTextStream(stderr) << tr("usage: vaporwatch-cli exec SANDBOX -- COMMAND [ARGUMENT…]")
                            << Qt::endl;
        return false;
    }
    m_sandbox = arguments.first();
    m_command = shellCommand(arguments.mid(1));
    m_sessionId =
        QStringLiteral("vaporwatch-cli-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto *interrupts = new InterruptWatcher(this);
    connect(interrupts, &InterruptWatcher::interrupted, this, &ExecCommand::interrupt);
    run();
    return true;
}

void ExecCommand::run()
{
    client()
        ->createSession(m_sandbox, m_sessionId)
        ->onResult(this, [this](const vw::Status &created) {
            if (!created) {
                printError(created.error());
                emit done(1);
                return;
            }
            m_sessionCreated = true;
            if (m_finishing) { // interrupted while the session was being created
                m_finishing = false;
                finish(m_pendingExitCode);
                return;
            }
            client()
                ->execAsync(m_sandbox, m_sessionId, m_command)
                ->onResult(this, [this](const vw::Result<QString> &commandId) {
                    if (m_finishing)
                        return; // interrupted meanwhile: the session is being deleted
                    if (!commandId) {
                        printError(commandId.error());
                        finish(1);
                        return;
                    }
                    follow(commandId.value());
                });
        });
}

void ExecCommand::follow(const QString &commandId)
{
    CommandLogFollower *follower = client()->followCommandLogs(m_sandbox, m_sessionId, commandId);
    connect(follower, &CommandLogFollower::outputReceived, this,
            [](vw::StreamDemuxer::Stream stream, const QByteArray &bytes, qint64) {
                writeTo(stream == vw::StreamDemuxer::Stream::Stdout ? stdout : stderr, bytes);
            });
    connect(follower, &CommandLogFollower::exited, this,
            [this](int exitCode) { finish(exitCode); });
    connect(follower, &CommandLogFollower::failed, this, [this](const vw::Error &error) {
        printError(error);
        finish(1);
    });
}

void ExecCommand::interrupt(int signalNumber)
{
    QTextStream(stderr) << tr("interrupted: ending the command") << Qt::endl;
    finish(128 + signalNumber);
}

void ExecCommand::finish(int exitCode)
{
    if (m_finishing)
        return;
    if (!m_sessionCreated) {
        // The session may still be on its way: delete it once it exists.
        m_finishing = true;
        m_pendingExitCode = exitCode;
        return;
    }
    m_finishing = true;
    // The session is ours alone: remove it whatever happened, then report.
    client()
        ->deleteSession(m_sandbox, m_sessionId)
        ->onResult(this, [this, exitCode](const vw::Status &) { emit done(exitCode); });
}
