#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

// `vaporwatch-cli build …` end to end: the real binary, its embedded local sandbox (a detached
// sandboxd in a private data directory) and a private SQLite file.
class tst_CliBuild : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void startFollowSucceedsWithItsOutput();
    void failingBuildExitsOneAndStatusShowsTheErrorLine();
    void startWithoutFollowRunsToTheEnd();
    void cancelStopsARunningBuild();

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run cli(const QStringList &arguments);
    bool writeProject(const QString &name, const QByteArray &makefile);
    QString sandboxDirectory() const;

    QTemporaryDir m_home;
};

QString tst_CliBuild::sandboxDirectory() const
{
    return m_home.path() + QStringLiteral("/data/Vaporwatch/vaporwatch/local-sandbox");
}

void tst_CliBuild::initTestCase()
{
    QVERIFY(m_home.isValid());
}

void tst_CliBuild::cleanupTestCase()
{
    // The CLI starts sandboxd detached: end it by the pid in its state file.
    QFile state(sandboxDirectory() + QStringLiteral("/sandboxd.json"));
    if (state.open(QIODevice::ReadOnly)) {
        const qint64 pid = QJsonDocument::fromJson(state.readAll())
                               .object()
                               .value(QStringLiteral("pid"))
                               .toInteger();
        if (pid > 0)
            ::kill(pid_t(pid), SIGTERM);
    }
}

tst_CliBuild::Run tst_CliBuild::cli(const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), m_home.path() + QStringLiteral("/state"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
    env.remove(QStringLiteral("DAYTONA_API_KEY"));
    env.remove(QStringLiteral("DAYTONA_API_URL"));
    env.remove(QStringLiteral("DAYTONA_SERVER_URL"));
    env.insert(QStringLiteral("VW_LOG_LEVEL"), QStringLiteral("warn"));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(VW_CLI_BINARY), arguments);
    Run run;
    if (!process.waitForFinished(120'000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

bool tst_CliBuild::writeProject(const QString &name, const QByteArray &makefile)
{
    const QString dir = sandboxDirectory() + QStringLiteral("/projects/") + name;
    if (!QDir().mkpath(dir))
        return false;
    QFile file(dir + QStringLiteral("/Makefile"));
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(makefile) == makefile.size();
}

void tst_CliBuild::startFollowSucceedsWithItsOutput()
{
    QVERIFY(
        writeProject(QStringLiteral("ok"), "all:\n\t@echo building-ok\n\t@echo warning-ok >&2\n"));
    const Run run = cli({QStringLiteral("build"), QStringLiteral("start"), QStringLiteral("--dir"),
                         QStringLiteral("ok"), QStringLiteral("--follow")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QByteArray> lines = run.out.split('\n');
    bool idOk = false;
    const qint64 id = lines.first().toLongLong(&idOk);
    QVERIFY2(idOk && id > 0, run.out.constData());
    QCOMPARE(run.out.count("building-ok\n"), 1);
    QVERIFY2(run.err.contains("warning-ok\n"), run.err.constData());
    QVERIFY(!run.out.contains("warning-ok"));
    QVERIFY2(run.err.contains("==> build: Building with make"), run.err.constData());
    QVERIFY2(run.err.contains("success"), run.err.constData());

    const Run status =
        cli({QStringLiteral("build"), QStringLiteral("status"), QString::number(id)});
    QCOMPARE(status.exitCode, 0);
    QVERIFY2(status.out.contains("status:   success"), status.out.constData());
    QVERIFY(status.out.contains("progress: 100%"));
}

void tst_CliBuild::failingBuildExitsOneAndStatusShowsTheErrorLine()
{
    QVERIFY(writeProject(QStringLiteral("bad"),
                         "all:\n\t@echo compiling\n\t@echo 'error: widget.c is broken' >&2\n"
                         "\t@exit 3\n"));
    const Run run = cli({QStringLiteral("build"), QStringLiteral("start"), QStringLiteral("--dir"),
                         QStringLiteral("bad"), QStringLiteral("--follow")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.contains("compiling\n"));
    QVERIFY(run.err.contains("error: widget.c is broken\n"));

    const Run status = cli({QStringLiteral("build"), QStringLiteral("status"),
                            QStringLiteral("--latest"), QStringLiteral("--json")});
    QCOMPARE(status.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(status.out).object();
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QVERIFY2(json.value(QStringLiteral("error_message"))
                 .toString()
                 .contains(QStringLiteral("widget.c is broken")),
             status.out.constData());
}

void tst_CliBuild::startWithoutFollowRunsToTheEnd()
{
    QVERIFY(writeProject(QStringLiteral("detached"), "all:\n\t@sleep 1\n\t@echo detached-done\n"));
    const Run run = cli({QStringLiteral("build"), QStringLiteral("start"), QStringLiteral("--dir"),
                         QStringLiteral("detached")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    bool idOk = false;
    const qint64 id = run.out.trimmed().toLongLong(&idOk);
    QVERIFY2(idOk && id > 0, run.out.constData());
    QVERIFY(!run.out.contains("detached-done"));
    // Nobody follows it now; the next command that runs builds re-attaches it and follows it
    // to its end, so its status ends as success.
    QVERIFY(writeProject(QStringLiteral("next"), "all:\n\t@true\n"));
    const Run next = cli({QStringLiteral("build"), QStringLiteral("start"), QStringLiteral("--dir"),
                          QStringLiteral("next"), QStringLiteral("--follow")});
    QVERIFY2(next.exitCode == 0, next.err.constData());
    QTRY_VERIFY_WITH_TIMEOUT(
        cli({QStringLiteral("build"), QStringLiteral("status"), QString::number(id)})
            .out.contains("status:   success"),
        60'000);
    // Its stored log has the whole output, once.
    const Run logs = cli({QStringLiteral("build"), QStringLiteral("logs"), QString::number(id)});
    QCOMPARE(logs.exitCode, 0);
    QCOMPARE(logs.out, QByteArray("detached-done\n"));
    const Run buildLog = cli({QStringLiteral("build"), QStringLiteral("logs"), QString::number(id),
                              QStringLiteral("--phase"), QStringLiteral("install")});
    QCOMPARE(buildLog.exitCode, 0);
    QCOMPARE(buildLog.out, QByteArray());

    const Run list = cli({QStringLiteral("build"), QStringLiteral("list")});
    QCOMPARE(list.exitCode, 0);
    QCOMPARE(list.out.count('\n'), 4);
    QVERIFY2(list.out.contains(QByteArray::number(id) + "\tsuccess"), list.out.constData());
    const Run failed = cli({QStringLiteral("build"), QStringLiteral("list"),
                            QStringLiteral("--status"), QStringLiteral("failed")});
    QCOMPARE(failed.out.count('\n'), 1);
    QVERIFY(failed.out.contains("\tfailed\t"));

    const Run events =
        cli({QStringLiteral("build"), QStringLiteral("events"), QString::number(id)});
    QCOMPARE(events.exitCode, 0);
    const QList<QByteArray> eventLines = events.out.trimmed().split('\n');
    QVERIFY2(eventLines.size() > 3, events.out.constData());
    QVERIFY(eventLines.first().contains("\tcreated\t"));
    QVERIFY(eventLines.last().contains("\tfinished\t"));
    QVERIFY(events.out.contains("\treattached\t"));
    const QByteArray secondToLast = eventLines.at(eventLines.size() - 2).split('\t').first();
    const Run after = cli({QStringLiteral("build"), QStringLiteral("events"), QString::number(id),
                           QStringLiteral("--after"), QString::fromLatin1(secondToLast)});
    QCOMPARE(after.out, eventLines.last() + '\n');
}

void tst_CliBuild::cancelStopsARunningBuild()
{
    QVERIFY(writeProject(QStringLiteral("long"), "all:\n\t@echo long-start\n\t@sleep 60\n"));
    const Run run = cli({QStringLiteral("build"), QStringLiteral("start"), QStringLiteral("--dir"),
                         QStringLiteral("long")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QByteArray id = run.out.trimmed();
    QElapsedTimer timer;
    timer.start();
    const Run cancel =
        cli({QStringLiteral("build"), QStringLiteral("cancel"), QString::fromLatin1(id)});
    QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    QVERIFY(timer.elapsed() < 50'000);
    const Run status = cli({QStringLiteral("build"), QStringLiteral("status"),
                            QString::fromLatin1(id), QStringLiteral("--json")});
    QCOMPARE(
        QJsonDocument::fromJson(status.out).object().value(QStringLiteral("status")).toString(),
        QStringLiteral("cancelled"));
    const Run again =
        cli({QStringLiteral("build"), QStringLiteral("cancel"), QString::fromLatin1(id)});
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.err.contains("already ended"));
}

QTEST_GUILESS_MAIN(tst_CliBuild)
#include "tst_clibuild.moc"
