#include "app/sandboxd/SessionCommand.h"
#include "app/sandboxd/ShellSession.h"
#include "models/StreamDemuxer.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using vw::StreamDemuxer;
using vw::sandboxd::SessionCommand;
using vw::sandboxd::ShellSession;

namespace {

QByteArray logOf(const SessionCommand &command)
{
    QFile log(command.logPath());
    return log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
}

bool waitFinished(const std::shared_ptr<SessionCommand> &command)
{
    QSignalSpy finished(command.get(), &SessionCommand::finished);
    return command->isFinished() || finished.wait(20000);
}

} // namespace

// One long-lived bash per session; each command sourced into it (daytona-api.md §3.2).
class TestShellSession : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void shellStatePersistsBetweenCommands();
    void commandsRunInOrder();
    void exitCodesAreReported();
    void exitEndsTheShellAndTheNextCommandGetsANewOne();
    void inputReachesTheCommand();
    void outputIsFramedPerStream();
    void terminateKillsTheProcessGroup_data();
    void terminateKillsTheProcessGroup();

private:
    std::shared_ptr<SessionCommand> run(const QString &command);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ShellSession> m_session;
};

void TestShellSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(QDir(m_dir->path()).mkpath(QStringLiteral("work/sub")));
    m_session =
        std::make_unique<ShellSession>(QStringLiteral("s"), m_dir->filePath(QStringLiteral("work")),
                                       m_dir->filePath(QStringLiteral("scratch")));
}

void TestShellSession::cleanup()
{
    m_session.reset();
    m_dir.reset();
}

std::shared_ptr<SessionCommand> TestShellSession::run(const QString &command)
{
    auto executed = m_session->execute(command);
    if (!executed)
        qWarning() << executed.error().message;
    return executed.ok() ? executed.value() : nullptr;
}

void TestShellSession::shellStatePersistsBetweenCommands()
{
    auto setup = run(QStringLiteral("cd sub; export VW_X=7; twice() { echo \"$1$1\"; }"));
    QVERIFY(waitFinished(setup));
    QCOMPARE(setup->exitCode(), std::optional<int>(0));
    auto check = run(QStringLiteral("pwd; echo $VW_X; twice ab"));
    QVERIFY(waitFinished(check));
    QCOMPARE(StreamDemuxer::split(logOf(*check)).stdoutBytes,
             QDir(m_dir->filePath(QStringLiteral("work/sub"))).canonicalPath().toUtf8() +
                 "\n7\nabab\n");
}

void TestShellSession::commandsRunInOrder()
{
    auto first = run(QStringLiteral("read -r x; echo \"first $x\""));
    auto second = run(QStringLiteral("echo second"));
    QVERIFY(!first->isFinished());
    QVERIFY(first->writeInput("go\n").ok());
    QVERIFY(waitFinished(second));
    QVERIFY(first->isFinished());
    QCOMPARE(m_session->commands().size(), 2);
    QCOMPARE(m_session->command(second->id()), second);
}

void TestShellSession::exitCodesAreReported()
{
    auto failing = run(QStringLiteral("false"));
    auto subshell = run(QStringLiteral("(exit 42)"));
    auto missing = run(QStringLiteral("no-such-command-vw"));
    QVERIFY(waitFinished(missing));
    QCOMPARE(failing->exitCode(), std::optional<int>(1));
    QCOMPARE(subshell->exitCode(), std::optional<int>(42));
    QCOMPARE(missing->exitCode(), std::optional<int>(127));
    QVERIFY(StreamDemuxer::split(logOf(*missing)).stderrBytes.contains("no-such-command-vw"));
}

void TestShellSession::exitEndsTheShellAndTheNextCommandGetsANewOne()
{
    QVERIFY(waitFinished(run(QStringLiteral("export VW_GONE=1"))));
    auto exiting = run(QStringLiteral("echo bye; exit 3"));
    QVERIFY(waitFinished(exiting));
    QCOMPARE(exiting->exitCode(), std::optional<int>(3));
    QCOMPARE(StreamDemuxer::split(logOf(*exiting)).stdoutBytes, QByteArray("bye\n"));
    auto after = run(QStringLiteral("echo \"[$VW_GONE]\""));
    QVERIFY(waitFinished(after));
    QCOMPARE(after->exitCode(), std::optional<int>(0));
    QCOMPARE(StreamDemuxer::split(logOf(*after)).stdoutBytes, QByteArray("[]\n"));
}

void TestShellSession::inputReachesTheCommand()
{
    auto reader = run(QStringLiteral("read -r a; read -r b; echo \"$b-$a\""));
    QVERIFY(reader->writeInput("one\n").ok());
    QVERIFY(reader->writeInput("two\n").ok());
    QVERIFY(waitFinished(reader));
    QCOMPARE(StreamDemuxer::split(logOf(*reader)).stdoutBytes, QByteArray("two-one\n"));
    QVERIFY(!reader->writeInput("late\n").ok());
}

void TestShellSession::outputIsFramedPerStream()
{
    auto mixed = run(QStringLiteral("printf 'a\\nb'; printf 'E\\n' >&2"));
    QVERIFY(waitFinished(mixed));
    const QByteArray log = logOf(*mixed);
    const QByteArray out = StreamDemuxer::kStdoutMarker.toByteArray();
    const QByteArray err = StreamDemuxer::kStderrMarker.toByteArray();
    // Each line behind its stream's marker; the unterminated "b" gets a newline.
    QVERIFY2(log == out + "a\n" + out + "b\n" + err + "E\n" ||
                 log == out + "a\n" + err + "E\n" + out + "b\n" ||
                 log == err + "E\n" + out + "a\n" + out + "b\n",
             log.toHex().constData());
}

void TestShellSession::terminateKillsTheProcessGroup_data()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("in the shell's group") << QStringLiteral("sleep 300 & echo $!; wait");
    // Job control gives the job a process group of its own, as the build driver does for each
    // phase; it is still the session's and must die with it.
    QTest::newRow("in a group of its own")
        << QStringLiteral("set -m; sleep 300 & echo $!; set +m; wait");
}

void TestShellSession::terminateKillsTheProcessGroup()
{
    QFETCH(QString, command);
    auto sleeper = run(command);
    QSignalSpy appended(sleeper.get(), &SessionCommand::logAppended);
    QVERIFY(appended.wait(10000));
    const qint64 pid = StreamDemuxer::split(logOf(*sleeper)).stdoutBytes.trimmed().toLongLong();
    QVERIFY(pid > 0);
    QSignalSpy terminated(m_session.get(), &ShellSession::terminated);
    m_session->terminate(std::chrono::milliseconds(0));
    QVERIFY(terminated.wait(10000));
    QVERIFY(sleeper->isFinished());
    QVERIFY(m_session->isTerminated());
    QVERIFY(QTest::qWaitFor(
        [&] {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                return true;
            const QByteArray fields = stat.readAll();
            return fields.mid(fields.lastIndexOf(')') + 2, 1) == "Z";
        },
        10000));
    QVERIFY(!m_session->execute(QStringLiteral("true")).ok());
}

QTEST_GUILESS_MAIN(TestShellSession)
#include "tst_shellsession.moc"
