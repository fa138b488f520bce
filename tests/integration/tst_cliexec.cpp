#include "tests/support/SandboxdProcess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>

// `vaporwatch-cli exec` and `sandbox` end to end against a real vaporwatch-sandboxd.
class tst_CliExec : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void execStreamsBothStreamsAndReturnsTheExitCode();
    void execQuotesSeveralArguments();
    void execOfAnUnknownSandboxFails();
    void interruptedExecEndsTheCommandAndItsSession();
    void sandboxListAndGet();
    void aWrongKeyIsOneClearSentence();

private:
    // `key` empty: the sandboxd token.
    QProcess *cli(const QStringList &arguments, const QString &key = {});

    std::unique_ptr<vw::test::SandboxdProcess> m_sandboxd;
    QList<QProcess *> m_processes;
};

void tst_CliExec::initTestCase()
{
    m_sandboxd = std::make_unique<vw::test::SandboxdProcess>();
    QVERIFY2(m_sandboxd->start(), qPrintable(m_sandboxd->errorString()));
}

void tst_CliExec::cleanupTestCase()
{
    qDeleteAll(m_processes);
    m_sandboxd.reset();
}

QProcess *tst_CliExec::cli(const QStringList &arguments, const QString &key)
{
    auto *process = new QProcess;
    m_processes.append(process);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DAYTONA_API_URL"), m_sandboxd->apiUrl());
    env.insert(QStringLiteral("DAYTONA_API_KEY"), key.isEmpty() ? m_sandboxd->token() : key);
    env.remove(QStringLiteral("DAYTONA_SERVER_URL"));
    env.insert(QStringLiteral("VW_LOG_LEVEL"), QStringLiteral("warn"));
    process->setProcessEnvironment(env);
    process->start(QStringLiteral(VW_CLI_BINARY), arguments);
    return process;
}

void tst_CliExec::execStreamsBothStreamsAndReturnsTheExitCode()
{
    QProcess *process =
        cli({QStringLiteral("exec"), QStringLiteral("default"), QStringLiteral("--"),
             QStringLiteral("echo out 1; echo err 1 >&2; sleep 0.3; echo out 2; exit 5")});
    QVERIFY(process->waitForFinished(60'000));
    QCOMPARE(process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(process->readAllStandardOutput(), QByteArray("out 1\nout 2\n"));
    QCOMPARE(process->readAllStandardError(), QByteArray("err 1\n"));
    QCOMPARE(process->exitCode(), 5);
}

void tst_CliExec::execQuotesSeveralArguments()
{
    QProcess *process =
        cli({QStringLiteral("exec"), QStringLiteral("default"), QStringLiteral("--"),
             QStringLiteral("printf"), QStringLiteral("[%s]\\n"), QStringLiteral("two words"),
             QStringLiteral("it's")});
    QVERIFY(process->waitForFinished(60'000));
    QCOMPARE(process->readAllStandardOutput(), QByteArray("[two words]\n[it's]\n"));
    QCOMPARE(process->exitCode(), 0);
}

void tst_CliExec::execOfAnUnknownSandboxFails()
{
    QProcess *process = cli({QStringLiteral("exec"), QStringLiteral("nowhere"),
                             QStringLiteral("--"), QStringLiteral("true")});
    QVERIFY(process->waitForFinished(60'000));
    QCOMPARE(process->exitCode(), 1);
    QVERIFY(process->readAllStandardError().contains("NOT_FOUND"));
}

void tst_CliExec::interruptedExecEndsTheCommandAndItsSession()
{
    QProcess *process =
        cli({QStringLiteral("exec"), QStringLiteral("default"), QStringLiteral("--"),
             QStringLiteral("echo started; sleep 30.123; echo never")});
    // Interrupt once the command runs (its first line is out).
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += process->readAllStandardOutput()).contains("started"),
                             30'000);
    process->terminate(); // SIGTERM
    QVERIFY(process->waitForFinished(15'000));
    QCOMPARE(process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(process->exitCode(), 128 + 15);

    // Its session is gone, and with it the command.
    QProcess *sessions =
        cli({QStringLiteral("exec"), QStringLiteral("default"), QStringLiteral("--"),
             QStringLiteral("for i in 1 2 3 4 5 6 7 8 9 10; do "
                            "pgrep -f 'sleep 3[0].123' >/dev/null || "
                            "{ echo none; exit 0; }; sleep 0.2; done; "
                            "echo still running")});
    QVERIFY(sessions->waitForFinished(30'000));
    QCOMPARE(sessions->readAllStandardOutput(), QByteArray("none\n"));
}

void tst_CliExec::sandboxListAndGet()
{
    QProcess *list = cli({QStringLiteral("sandbox"), QStringLiteral("list")});
    QVERIFY(list->waitForFinished(30'000));
    QCOMPARE(list->exitCode(), 0);
    const QByteArray listed = list->readAllStandardOutput();
    QVERIFY2(listed.contains("\tdefault\tstarted\n"), listed.constData());
    QProcess *json =
        cli({QStringLiteral("sandbox"), QStringLiteral("list"), QStringLiteral("--json")});
    QVERIFY(json->waitForFinished(30'000));
    QCOMPARE(json->exitCode(), 0);
    const QJsonObject first =
        QJsonDocument::fromJson(json->readAllStandardOutput().split('\n').first()).object();
    QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("default"));
    QCOMPARE(first.value(QStringLiteral("state")).toString(), QStringLiteral("started"));

    QProcess *get =
        cli({QStringLiteral("sandbox"), QStringLiteral("get"), QStringLiteral("default")});
    QVERIFY(get->waitForFinished(30'000));
    QCOMPARE(get->exitCode(), 0);
    QVERIFY(get->readAllStandardOutput().contains("\"toolboxProxyUrl\""));
}

void tst_CliExec::aWrongKeyIsOneClearSentence()
{
    QProcess *process =
        cli({QStringLiteral("sandbox"), QStringLiteral("list")}, QStringLiteral("not-the-key"));
    QVERIFY(process->waitForFinished(30'000));
    QCOMPARE(process->exitCode(), 1);
    QCOMPARE(process->readAllStandardOutput(), QByteArray());
    const QList<QByteArray> lines = process->readAllStandardError().trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith("error: "), lines.first().constData());
    QVERIFY2(!lines.first().contains("not-the-key"), lines.first().constData());
}

QTEST_GUILESS_MAIN(tst_CliExec)
#include "tst_cliexec.moc"
