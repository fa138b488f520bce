#include "app/sandboxd/SessionCommand.h"

#include "models/Log.h"
#include "models/StreamDemuxer.h"

#include <QDir>
#include <QSaveFile>
#include <QSocketNotifier>
#include <QUuid>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vw::sandboxd {

namespace {

// A bounded read per notification keeps one chatty command from starving the event loop.
constexpr qsizetype kReadChunk = 64 * 1024;
constexpr qsizetype kMaxReadPerWakeup = 1024 * 1024;

QByteArray shellQuote(const QString &text)
{
    QByteArray quoted = QFile::encodeName(text);
    quoted.replace('\'', "'\\''");
    return '\'' + quoted + '\'';
}

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

SessionCommand::SessionCommand(QString id, QString text, QString directory)
    : m_id(std::move(id))
    , m_text(std::move(text))
    , m_directory(std::move(directory))
{
    m_pipes[0].framer = std::make_unique<LogLineFramer>(StreamDemuxer::kStdoutMarker);
    m_pipes[1].framer = std::make_unique<LogLineFramer>(StreamDemuxer::kStderrMarker);
}

SessionCommand::~SessionCommand()
{
    for (OutputPipe &pipe : m_pipes)
        closePipe(pipe);
    closeInput();
}

Result<std::shared_ptr<SessionCommand>> SessionCommand::prepare(const QString &commandText,
                                                                const QString &parentDirectory)
{
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString directory = parentDirectory + QLatin1Char('/') + id;
    if (!QDir().mkpath(directory))
        return Error{QStringLiteral("INTERNAL"),
                     QStringLiteral("cannot create the command directory %1").arg(directory)};

    QSaveFile script(directory + QStringLiteral("/cmd.sh"));
    if (!script.open(QIODevice::WriteOnly) || script.write(commandText.toUtf8() + '\n') < 0 ||
        !script.commit())
        return Error{
            QStringLiteral("INTERNAL"),
            QStringLiteral("cannot write the command script: %1").arg(script.errorString())};

    std::shared_ptr<SessionCommand> command(new SessionCommand(id, commandText, directory));
    command->m_log.setFileName(command->logPath());
    if (!command->m_log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        return Error{
            QStringLiteral("INTERNAL"),
            QStringLiteral("cannot create the command log: %1").arg(command->m_log.errorString())};
    if (Status opened = command->openPipes(); !opened)
        return opened.error();
    return command;
}

Status SessionCommand::openPipes()
{
    const auto fifo = [this](const char *name) {
        return QFile::encodeName(m_directory + QLatin1Char('/') + QLatin1String(name));
    };
    for (const char *name : {"out", "err", "in"}) {
        if (::mkfifo(fifo(name).constData(), 0600) != 0)
            return Error{QStringLiteral("INTERNAL"),
                         QStringLiteral("mkfifo %1: %2").arg(QLatin1String(name), errnoText())};
    }
    // Readers first and non-blocking: the shell's open for writing then succeeds at once.
    for (int index = 0; index < 2; ++index) {
        OutputPipe &pipe = m_pipes[size_t(index)];
        pipe.fd =
            ::open(fifo(index == 0 ? "out" : "err").constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (pipe.fd < 0)
            return Error{QStringLiteral("INTERNAL"),
                         QStringLiteral("cannot open the output pipe: %1").arg(errnoText())};
        pipe.notifier = new QSocketNotifier(pipe.fd, QSocketNotifier::Read, this);
        const auto stream = index == 0 ? Stream::Stdout : Stream::Stderr;
        connect(pipe.notifier, &QSocketNotifier::activated, this,
                [this, stream] { readPipe(stream, false); });
    }
    // Read-write, so opening never blocks and the shell's open for reading finds a writer.
    m_inputFd = ::open(fifo("in").constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (m_inputFd < 0)
        return Error{QStringLiteral("INTERNAL"),
                     QStringLiteral("cannot open the input pipe: %1").arg(errnoText())};
    m_inputNotifier = new QSocketNotifier(m_inputFd, QSocketNotifier::Write, this);
    m_inputNotifier->setEnabled(false);
    connect(m_inputNotifier, &QSocketNotifier::activated, this, &SessionCommand::flushInput);
    return Done{};
}

QByteArray SessionCommand::shellLine(const QByteArray &statusTag) const
{
    const auto path = [this](const char *name) {
        return shellQuote(m_directory + QLatin1Char('/') + QLatin1String(name));
    };
    // Sourced, not run in a subshell: cd, exports and functions stay in the session's shell.
    return "{ . " + path("cmd.sh") + "; } <" + path("in") + " >" + path("out") + " 2>" +
           path("err") + "; printf '%s %s %d\\n' " + statusTag + ' ' + m_id.toLatin1() +
           " \"$?\"\n";
}

void SessionCommand::readPipe(Stream stream, bool drain)
{
    OutputPipe &pipe = m_pipes[size_t(stream)];
    if (pipe.fd < 0)
        return;
    QByteArray records;
    qsizetype total = 0;
    char buffer[kReadChunk];
    for (;;) {
        const ssize_t count = ::read(pipe.fd, buffer, sizeof buffer);
        if (count > 0) {
            records.append(pipe.framer->feed(QByteArrayView(buffer, count)));
            total += count;
            if (!drain && total >= kMaxReadPerWakeup)
                break;
            continue;
        }
        if (count < 0 && errno == EINTR)
            continue;
        if (count < 0 && errno == EAGAIN)
            break;
        // End of file (every writer closed it) or an error: the stream is over.
        records.append(pipe.framer->finish());
        closePipe(pipe);
        break;
    }
    appendToLog(records);
}

void SessionCommand::closePipe(OutputPipe &pipe)
{
    if (pipe.notifier) {
        pipe.notifier->setEnabled(false);
        pipe.notifier->deleteLater();
        pipe.notifier = nullptr;
    }
    if (pipe.fd >= 0) {
        ::close(pipe.fd);
        pipe.fd = -1;
    }
}

void SessionCommand::appendToLog(const QByteArray &records)
{
    if (records.isEmpty())
        return;
    if (m_log.write(records) != records.size())
        log::get("sandboxd")->error("cannot append to {}: {}", logPath(), m_log.errorString());
    emit logAppended();
}

Status SessionCommand::writeInput(const QByteArray &data)
{
    if (isFinished() || m_inputFd < 0)
        return Error{QStringLiteral("GONE"), QStringLiteral("command has already finished")};
    m_pendingInput.append(data);
    flushInput();
    return Done{};
}

void SessionCommand::flushInput()
{
    while (m_inputFd >= 0 && !m_pendingInput.isEmpty()) {
        const ssize_t written =
            ::write(m_inputFd, m_pendingInput.constData(), size_t(m_pendingInput.size()));
        if (written > 0) {
            m_pendingInput.remove(0, written);
            continue;
        }
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0 && errno != EAGAIN)
            m_pendingInput.clear(); // nobody can read it any more
        break;
    }
    if (m_inputNotifier)
        m_inputNotifier->setEnabled(!m_pendingInput.isEmpty());
}

void SessionCommand::closeInput()
{
    if (m_inputNotifier) {
        m_inputNotifier->setEnabled(false);
        m_inputNotifier->deleteLater();
        m_inputNotifier = nullptr;
    }
    if (m_inputFd >= 0) {
        ::close(m_inputFd);
        m_inputFd = -1;
    }
    m_pendingInput.clear();
}

void SessionCommand::complete(int exitCode)
{
    if (isFinished())
        return;
    // The shell closed the command's ends before reporting, so all the command wrote is in the
    // pipes now; whatever a background child writes later is appended as it comes.
    readPipe(Stream::Stdout, true);
    readPipe(Stream::Stderr, true);
    closeInput();
    m_exitCode = exitCode;
    emit finished();
}

} // namespace vw::sandboxd
