#pragma once

#include "app/sandboxd/LogLineFramer.h"
#include "models/Error.h"

#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QString>

#include <array>
#include <memory>
#include <optional>

class QSocketNotifier;

namespace vw::sandboxd {

// One command of a session: its script, its stdin/stdout/stderr FIFOs and its log.
//
// sandboxd opens its ends of the FIFOs before the shell sees the command (the readers
// non-blocking, stdin read-write so the shell's open never blocks), then reads stdout and stderr
// as they arrive, line by line, into output.log with the daemon's markers. The log lives on
// disk, so a huge output costs no memory and any number of followers can read it.
//
// The command is finished once the shell reported its exit status and the output it wrote before
// exiting was taken from the pipes. Output of background processes it left behind keeps being
// appended afterwards, as with the daemon.
class SessionCommand : public QObject
{
    Q_OBJECT

public:
    enum class Stream { Stdout = 0, Stderr = 1 };

    // Creates <parentDirectory>/<id>/ with cmd.sh, the FIFOs and output.log.
    static Result<std::shared_ptr<SessionCommand>> prepare(const QString &commandText,
                                                           const QString &parentDirectory);
    ~SessionCommand() override;

    QString id() const { return m_id; }
    QString text() const { return m_text; }
    QString logPath() const { return m_directory + QStringLiteral("/output.log"); }
    bool isFinished() const { return m_exitCode.has_value(); }
    std::optional<int> exitCode() const { return m_exitCode; }

    // The line that makes a session shell source the script with its redirections and then
    // print "<statusTag> <id> <exit status>" on the shell's own stdout.
    QByteArray shellLine(const QByteArray &statusTag) const;

    // Queues bytes for the command's stdin. Fails once the command has finished.
    Status writeInput(const QByteArray &data);

    // The shell reported the exit status: take what is left in the pipes, then finish.
    void complete(int exitCode);

signals:
    // New records were appended to the log.
    void logAppended();
    // The exit code is known and the log holds everything the command wrote before exiting.
    void finished();

private:
    SessionCommand(QString id, QString text, QString directory);

    struct OutputPipe
    {
        int fd = -1;
        QSocketNotifier *notifier = nullptr;
        std::unique_ptr<LogLineFramer> framer;
    };

    Status openPipes();
    // Reads what the pipe holds now; at most a bounded amount unless draining.
    void readPipe(Stream stream, bool drain);
    void closePipe(OutputPipe &pipe);
    void appendToLog(const QByteArray &records);
    void flushInput();
    void closeInput();

    QString m_id;
    QString m_text;
    QString m_directory;
    QFile m_log;
    std::array<OutputPipe, 2> m_pipes;
    int m_inputFd = -1;
    QSocketNotifier *m_inputNotifier = nullptr;
    QByteArray m_pendingInput;
    std::optional<int> m_exitCode;
};

} // namespace vw::sandboxd
