#include "tests/support/CliRun.h"
#include "tests/support/DetachedSandboxd.h"
#include "tests/support/PostgresServer.h"
#include "tests/support/SandboxdProcess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

// The build commands of vaporwatch-cli end to end: the real binary, its embedded local sandbox
// (a detached sandboxd in a private data directory) and a private SQLite file; and the Daytona
// path (DAYTONA_API_KEY) against a sandboxd of the test, and a PostgreSQL database.
class tst_CliBuild : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void startFollowSucceedsWithItsOutput();
    void failingBuildExitsOneAndStatusShowsTheErrorLine();
    void liveLogsFollowsABuildNobodyFollows();
    void liveLogsTailAndJson();
    void cancelStopsARunningBuild();
    void ctrlCDetachesAndTheBuildGoesOn();
    void otherProcessesFollowAndCancelABuildLive();
    void projectOverridesReplaceTheDetection();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void unknownBuildIsOneSentence();
    void daytonaKeyBuildsInTheNamedSandbox();
    void postgresDatabase();

private:
    using Run = vw::test::CliRun;
    QProcessEnvironment environment(const QProcessEnvironment &extra = {}) const;
    Run cli(const QStringList &arguments, const QProcessEnvironment &extra = {});
    bool writeProject(const QString &name, const QByteArray &makefile,
                      const QString &root = {}) const;
    QString sandboxDirectory() const;
    static qint64 idOf(const Run &run);
    static QJsonObject statusJson(const Run &run);

    QTemporaryDir m_home;
};

QString tst_CliBuild::sandboxDirectory() const
{
    return vw::test::privateHomeSandboxDirectory(m_home.path());
}

void tst_CliBuild::initTestCase()
{
    QVERIFY(m_home.isValid());
}

void tst_CliBuild::cleanupTestCase()
{
    vw::test::stopDetachedSandboxd(sandboxDirectory());
}

QProcessEnvironment tst_CliBuild::environment(const QProcessEnvironment &extra) const
{
    QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home.path());
    env.insert(QStringLiteral("VW_LOG_LEVEL"), QStringLiteral("warn"));
    env.insert(extra);
    return env;
}

tst_CliBuild::Run tst_CliBuild::cli(const QStringList &arguments, const QProcessEnvironment &extra)
{
    return vw::test::runCli(QStringLiteral(VW_CLI_BINARY), arguments, environment(extra));
}

bool tst_CliBuild::writeProject(const QString &name, const QByteArray &makefile,
                                const QString &root) const
{
    const QString dir =
        (root.isEmpty() ? sandboxDirectory() + QStringLiteral("/projects") : root) + u'/' + name;
    if (!QDir().mkpath(dir))
        return false;
    QFile file(dir + QStringLiteral("/Makefile"));
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(makefile) == makefile.size();
}

qint64 tst_CliBuild::idOf(const Run &run)
{
    bool ok = false;
    const qint64 id = run.out.split('\n').first().toLongLong(&ok);
    return ok ? id : 0;
}

QJsonObject tst_CliBuild::statusJson(const Run &run)
{
    return QJsonDocument::fromJson(run.out).object();
}

void tst_CliBuild::startFollowSucceedsWithItsOutput()
{
    QVERIFY(
        writeProject(QStringLiteral("ok"), "all:\n\t@echo building-ok\n\t@echo warning-ok >&2\n"));
    const Run run = cli({QStringLiteral("start_build"), QStringLiteral("--project"),
                         QStringLiteral("ok"), QStringLiteral("--follow")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const qint64 id = idOf(run);
    QVERIFY2(id > 0, run.out.constData());
    QCOMPARE(run.out.count("building-ok\n"), 1);
    QVERIFY2(run.err.contains("warning-ok\n"), run.err.constData());
    QVERIFY(!run.out.contains("warning-ok"));
    // Not a terminal: one progress line per phase.
    QVERIFY2(run.err.contains("==> build: Building with make"), run.err.constData());
    QVERIFY2(run.err.contains(QByteArray("==> build ") + QByteArray::number(id) + " success"),
             run.err.constData());

    const Run status =
        cli({QStringLiteral("build-status"), QStringLiteral("--build"), QString::number(id)});
    QCOMPARE(status.exitCode, 0);
    QVERIFY2(status.out.contains("status:   success"), status.out.constData());
    QVERIFY(status.out.contains("progress: 100%"));
    QVERIFY(status.out.contains("(ok in local)"));

    // Rebuild: the same project again, with its settings.
    const Run again =
        cli({QStringLiteral("start_build"), QStringLiteral("--rebuild"), QString::number(id),
             QStringLiteral("--follow"), QStringLiteral("--json")});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    const QJsonObject rebuilt =
        QJsonDocument::fromJson(again.out.left(again.out.indexOf("}\n") + 1)).object();
    QVERIFY2(rebuilt.value(QStringLiteral("id")).toInteger() > id, again.out.constData());
    QCOMPARE(rebuilt.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("rebuild_of"))
                 .toInteger(),
             id);
    QVERIFY(again.out.contains("building-ok\n"));
}

void tst_CliBuild::failingBuildExitsOneAndStatusShowsTheErrorLine()
{
    QVERIFY(writeProject(QStringLiteral("bad"),
                         "all:\n\t@echo compiling\n\t@echo 'error: widget.c is broken' >&2\n"
                         "\t@exit 3\n"));
    const Run run = cli({QStringLiteral("start_build"), QStringLiteral("--project"),
                         QStringLiteral("bad"), QStringLiteral("--follow")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.contains("compiling\n"));
    QVERIFY(run.err.contains("error: widget.c is broken\n"));

    // The latest build of any project, and the latest of this one.
    for (const QStringList &which :
         {QStringList{}, QStringList{QStringLiteral("--project"), QStringLiteral("bad")}}) {
        const Run status =
            cli(QStringList{QStringLiteral("build_status"), QStringLiteral("--json")} + which);
        QCOMPARE(status.exitCode, 0);
        const QJsonObject json = statusJson(status);
        QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QVERIFY2(json.value(QStringLiteral("error_message"))
                     .toString()
                     .contains(QStringLiteral("widget.c is broken")),
                 status.out.constData());
    }
    const Run okStatus = cli({QStringLiteral("build_status"), QStringLiteral("--project"),
                              QStringLiteral("ok"), QStringLiteral("--json")});
    QCOMPARE(statusJson(okStatus).value(QStringLiteral("status")).toString(),
             QStringLiteral("success"));
    const Run none = cli({QStringLiteral("build_status"), QStringLiteral("--project"),
                          QStringLiteral("never-built")});
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(none.err.contains("no builds of never-built"), none.err.constData());
}

void tst_CliBuild::liveLogsFollowsABuildNobodyFollows()
{
    QVERIFY(writeProject(QStringLiteral("detached"),
                         "all:\n\t@echo detached-start\n\t@sleep 1\n\t@echo detached-done\n"));
    const Run run = cli(
        {QStringLiteral("start_build"), QStringLiteral("--project"), QStringLiteral("detached")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const qint64 id = idOf(run);
    QVERIFY2(id > 0, run.out.constData());
    QVERIFY(!run.out.contains("detached-done"));
    // Nobody follows it now: get_live_logs --follow re-attaches it, prints its output once (what
    // was stored and what arrives) and ends with the build.
    const Run follow = cli({QStringLiteral("get_live_logs"), QStringLiteral("--build"),
                            QString::number(id), QStringLiteral("--follow")});
    QVERIFY2(follow.exitCode == 0, follow.err.constData());
    QCOMPARE(follow.out, QByteArray("detached-start\ndetached-done\n"));
    const Run status =
        cli({QStringLiteral("build_status"), QStringLiteral("--build"), QString::number(id)});
    QVERIFY2(status.out.contains("status:   success"), status.out.constData());

    // The stored log has the whole output, once; the install phase printed nothing.
    const Run logs =
        cli({QStringLiteral("get_live_logs"), QStringLiteral("--build"), QString::number(id)});
    QCOMPARE(logs.exitCode, 0);
    QCOMPARE(logs.out, QByteArray("detached-start\ndetached-done\n"));
    const Run installLog =
        cli({QStringLiteral("get_live_logs"), QStringLiteral("--build"), QString::number(id),
             QStringLiteral("--phase"), QStringLiteral("install")});
    QCOMPARE(installLog.exitCode, 0);
    QCOMPARE(installLog.out, QByteArray());

    const Run list = cli({QStringLiteral("builds")});
    QCOMPARE(list.exitCode, 0);
    QCOMPARE(list.out.count('\n'), 4); // ok, its rebuild, bad, detached
    QVERIFY2(list.out.startsWith(QByteArray::number(id) + "\tsuccess\tcomplete\tdetached\tlocal\t"),
             list.out.constData());
    const Run failed =
        cli({QStringLiteral("builds"), QStringLiteral("--status"), QStringLiteral("failed")});
    QCOMPARE(failed.out.count('\n'), 1);
    QVERIFY(failed.out.contains("\tfailed\t"));
    QVERIFY(failed.out.contains("widget.c is broken"));
    const Run ofProject = cli({QStringLiteral("builds"), QStringLiteral("--project"),
                               QStringLiteral("ok"), QStringLiteral("--json")});
    const QJsonArray okBuilds = QJsonDocument::fromJson(ofProject.out).array();
    QCOMPARE(okBuilds.size(), 2); // the build and its rebuild
    QCOMPARE(okBuilds.first().toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("success"));

    const Run events =
        cli({QStringLiteral("build_events"), QStringLiteral("--build"), QString::number(id)});
    QCOMPARE(events.exitCode, 0);
    const QList<QByteArray> eventLines = events.out.trimmed().split('\n');
    QVERIFY2(eventLines.size() > 3, events.out.constData());
    QVERIFY(eventLines.first().contains("\tcreated\t"));
    QVERIFY(eventLines.last().contains("\tfinished\t"));
    QVERIFY(events.out.contains("\treattached\t"));
    const QByteArray secondToLast = eventLines.at(eventLines.size() - 2).split('\t').first();
    const Run after =
        cli({QStringLiteral("build_events"), QStringLiteral("--build"), QString::number(id),
             QStringLiteral("--after"), QString::fromLatin1(secondToLast)});
    QCOMPARE(after.out, eventLines.last() + '\n');
    const Run afterJson = cli({QStringLiteral("build_events"), QStringLiteral("--build"),
                               QString::number(id), QStringLiteral("--after"),
                               QString::fromLatin1(secondToLast), QStringLiteral("--json")});
    const QJsonArray lastEvents = QJsonDocument::fromJson(afterJson.out).array();
    QCOMPARE(lastEvents.size(), 1);
    QCOMPARE(lastEvents.first().toObject().value(QStringLiteral("event_type")).toString(),
             QStringLiteral("finished"));
}

void tst_CliBuild::liveLogsTailAndJson()
{
    QVERIFY(writeProject(QStringLiteral("lines"),
                         "all:\n\t@for i in 1 2 3 4 5; do echo line-$$i; done\n"
                         "\t@echo tail-on-stderr >&2\n\t@printf no-newline\n"));
    const Run run = cli({QStringLiteral("start_build"), QStringLiteral("--project"),
                         QStringLiteral("lines"), QStringLiteral("--follow")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString id = QString::number(idOf(run));

    const Run tail = cli({QStringLiteral("get_live_logs"), QStringLiteral("--build"), id,
                          QStringLiteral("--tail"), QStringLiteral("3")});
    QCOMPARE(tail.exitCode, 0);
    QCOMPARE(tail.out, QByteArray("line-5\nno-newline"));
    QCOMPARE(tail.err, QByteArray("tail-on-stderr\n"));
    const Run all = cli({QStringLiteral("get_live_logs"), QStringLiteral("--build"), id,
                         QStringLiteral("--tail"), QStringLiteral("100"), QStringLiteral("--phase"),
                         QStringLiteral("build")});
    QCOMPARE(all.out, QByteArray("line-1\nline-2\nline-3\nline-4\nline-5\nno-newline"));

    const Run json = cli(
        {QStringLiteral("get_live_logs"), QStringLiteral("--build"), id, QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    QByteArray stdoutText;
    qint64 expectedOffset = 0;
    for (const QByteArray &line : json.out.trimmed().split('\n')) {
        const QJsonObject piece = QJsonDocument::fromJson(line).object();
        QCOMPARE(piece.value(QStringLiteral("offset")).toInteger(), expectedOffset);
        const QByteArray text = piece.value(QStringLiteral("text")).toString().toUtf8();
        expectedOffset += text.size();
        if (piece.value(QStringLiteral("stream")).toString() == QStringLiteral("stdout"))
            stdoutText += text;
        else
            QCOMPARE(text, QByteArray("tail-on-stderr\n"));
    }
    QCOMPARE(stdoutText, QByteArray("line-1\nline-2\nline-3\nline-4\nline-5\nno-newline"));
}

void tst_CliBuild::cancelStopsARunningBuild()
{
    QVERIFY(writeProject(QStringLiteral("long"), "all:\n\t@echo long-start\n\t@sleep 60\n"));
    const Run run =
        cli({QStringLiteral("start_build"), QStringLiteral("--project"), QStringLiteral("long")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString id = QString::number(idOf(run));
    QElapsedTimer timer;
    timer.start();
    const Run cancel = cli({QStringLiteral("cancel_build"), QStringLiteral("--build"), id});
    QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    QVERIFY(timer.elapsed() < 50'000);
    const Run status = cli(
        {QStringLiteral("build_status"), QStringLiteral("--build"), id, QStringLiteral("--json")});
    QCOMPARE(statusJson(status).value(QStringLiteral("status")).toString(),
             QStringLiteral("cancelled"));
    const Run again = cli({QStringLiteral("cancel-build"), QStringLiteral("--build"), id});
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.err.contains("already ended"));
}

void tst_CliBuild::ctrlCDetachesAndTheBuildGoesOn()
{
    QVERIFY(writeProject(QStringLiteral("interrupted"),
                         "all:\n\t@echo interrupted-start\n\t@sleep 60\n"));
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(QStringLiteral(VW_CLI_BINARY),
                  {QStringLiteral("start_build"), QStringLiteral("--project"),
                   QStringLiteral("interrupted"), QStringLiteral("--follow")});
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).contains("interrupted-start"),
                             60'000);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(30'000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(err.contains("detached: build"), err.constData());

    const QString id = QString::fromLatin1(out.split('\n').first());
    const Run status = cli(
        {QStringLiteral("build_status"), QStringLiteral("--build"), id, QStringLiteral("--json")});
    QCOMPARE(statusJson(status).value(QStringLiteral("status")).toString(),
             QStringLiteral("running"));
    const Run cancel = cli({QStringLiteral("cancel_build"), QStringLiteral("--build"), id});
    QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
}

// Three processes on one build: the one that started it follows it (holds its lease), a second
// follows its output live through the database, a third cancels it.
void tst_CliBuild::otherProcessesFollowAndCancelABuildLive()
{
    QVERIFY(writeProject(QStringLiteral("shared-follow"),
                         "all:\n\t@for i in 1 2 3; do echo step-$$i; sleep 0.3; done\n"
                         "\t@sleep 60\n"));
    QProcess starter;
    starter.setProcessEnvironment(environment());
    starter.start(QStringLiteral(VW_CLI_BINARY),
                  {QStringLiteral("start_build"), QStringLiteral("--project"),
                   QStringLiteral("shared-follow"), QStringLiteral("--follow")});
    QByteArray started;
    QTRY_VERIFY_WITH_TIMEOUT((started += starter.readAllStandardOutput()).contains("step-1"),
                             60'000);
    const QString id = QString::fromLatin1(started.split('\n').first());

    QProcess follower;
    follower.setProcessEnvironment(environment());
    follower.start(QStringLiteral(VW_CLI_BINARY),
                   {QStringLiteral("get_live_logs"), QStringLiteral("--build"), id,
                    QStringLiteral("--follow")});
    QByteArray followed;
    QTRY_VERIFY_WITH_TIMEOUT((followed += follower.readAllStandardOutput()).contains("step-3\n"),
                             60'000);

    const Run cancel = cli({QStringLiteral("cancel_build"), QStringLiteral("--build"), id});
    QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    QVERIFY2(cancel.err.contains("cancelled"), cancel.err.constData());
    QVERIFY(starter.waitForFinished(30'000));
    QCOMPARE(starter.exitCode(), 1);
    QVERIFY(starter.readAllStandardError().contains("cancelled"));
    QVERIFY(follower.waitForFinished(30'000));
    QCOMPARE(follower.exitCode(), 1);
    followed += follower.readAllStandardOutput();
    QCOMPARE(followed, QByteArray("step-1\nstep-2\nstep-3\n"));
}

void tst_CliBuild::projectOverridesReplaceTheDetection()
{
    QVERIFY(writeProject(QStringLiteral("custom"), "all:\n\t@echo detected-make\n"));
    const Run set =
        cli({QStringLiteral("project"), QStringLiteral("--project"), QStringLiteral("custom"),
             QStringLiteral("--build-command"), QStringLiteral("echo overridden-build")});
    QVERIFY2(set.exitCode == 0, set.err.constData());
    QVERIFY2(set.out.contains("build command:   echo overridden-build"), set.out.constData());
    const Run built = cli({QStringLiteral("start_build"), QStringLiteral("--project"),
                           QStringLiteral("custom"), QStringLiteral("--follow")});
    QVERIFY2(built.exitCode == 0, built.err.constData());
    QVERIFY2(built.out.contains("overridden-build\n"), built.out.constData());
    QVERIFY(!built.out.contains("detected-make"));

    const Run noBuild =
        cli({QStringLiteral("project"), QStringLiteral("--project"), QStringLiteral("custom"),
             QStringLiteral("--no-build-step"), QStringLiteral("--json")});
    QCOMPARE(noBuild.exitCode, 0);
    const Run skipped = cli({QStringLiteral("start_build"), QStringLiteral("--project"),
                             QStringLiteral("custom"), QStringLiteral("--follow")});
    QVERIFY2(skipped.exitCode == 0, skipped.err.constData());
    QVERIFY(!skipped.out.contains("overridden-build"));
    const Run status = cli(
        {QStringLiteral("build_status"), QStringLiteral("--project"), QStringLiteral("custom")});
    QVERIFY2(status.out.contains("build: ") && status.out.contains("(skipped"),
             status.out.constData());

    const Run detect = cli({QStringLiteral("project"), QStringLiteral("--project"),
                            QStringLiteral("custom"), QStringLiteral("--detect")});
    QVERIFY2(detect.out.contains("build command:   (detected)"), detect.out.constData());
    const Run detected = cli({QStringLiteral("start_build"), QStringLiteral("--project"),
                              QStringLiteral("custom"), QStringLiteral("--follow")});
    QVERIFY2(detected.out.contains("detected-make\n"), detected.out.constData());
}

void tst_CliBuild::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << QByteArray();
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("builds"), QStringLiteral("--colour")}
        << QByteArray("Unknown option 'colour'");
    QTest::newRow("build id not a number")
        << QStringList{QStringLiteral("build_status"), QStringLiteral("--build"),
                       QStringLiteral("abc")}
        << QByteArray("--build must be a positive number, not \"abc\"");
    QTest::newRow("logs without a build")
        << QStringList{QStringLiteral("get_live_logs")} << QByteArray("usage: get_live_logs");
    QTest::newRow("bad phase") << QStringList{QStringLiteral("get_live_logs"),
                                              QStringLiteral("--build"), QStringLiteral("1"),
                                              QStringLiteral("--phase"), QStringLiteral("deploy")}
                               << QByteArray("--phase is install or build");
    QTest::newRow("bad status") << QStringList{QStringLiteral("builds"), QStringLiteral("--status"),
                                               QStringLiteral("green")}
                                << QByteArray("unknown status \"green\"");
    QTest::newRow("build and project")
        << QStringList{QStringLiteral("build_status"), QStringLiteral("--build"),
                       QStringLiteral("1"), QStringLiteral("--project"), QStringLiteral("x")}
        << QByteArray("not both");
    QTest::newRow("bad database url")
        << QStringList{QStringLiteral("--db"), QStringLiteral("mysql://x/y"),
                       QStringLiteral("builds")}
        << QByteArray("error: ");
}

void tst_CliBuild::usageErrorsExitTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const Run run = cli(arguments);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), run.err.constData());
}

void tst_CliBuild::unknownBuildIsOneSentence()
{
    const Run run =
        cli({QStringLiteral("build_status"), QStringLiteral("--build"), QStringLiteral("987654")});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.out, QByteArray());
    QCOMPARE(run.err.count('\n'), 1);
    QVERIFY2(run.err.startsWith("error: "), run.err.constData());
}

void tst_CliBuild::daytonaKeyBuildsInTheNamedSandbox()
{
    QTemporaryDir sandboxRoot;
    QVERIFY(sandboxRoot.isValid());
    vw::test::SandboxdProcess sandboxd;
    vw::test::SandboxdProcess::Options options;
    options.sandboxes = {{QStringLiteral("remote"), sandboxRoot.path()}};
    QVERIFY2(sandboxd.start(options), qPrintable(sandboxd.errorString()));
    QVERIFY(
        writeProject(QStringLiteral("app"), "all:\n\t@echo built-remotely\n", sandboxRoot.path()));
    QProcessEnvironment daytona;
    daytona.insert(QStringLiteral("DAYTONA_API_URL"), sandboxd.apiUrl());
    daytona.insert(QStringLiteral("DAYTONA_API_KEY"), sandboxd.token());

    const Run missing = cli({QStringLiteral("start_build"), QStringLiteral("--follow")}, daytona);
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("--sandbox ID --project DIR"), missing.err.constData());

    const Run run =
        cli({QStringLiteral("start_build"), QStringLiteral("--sandbox"), QStringLiteral("remote"),
             QStringLiteral("--project"), QStringLiteral("app"), QStringLiteral("--follow")},
            daytona);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.contains("built-remotely\n"));
    QVERIFY(QFile::exists(sandboxRoot.path() + QStringLiteral("/app/Makefile")));
    const Run status =
        cli({QStringLiteral("build_status"), QStringLiteral("--sandbox"), QStringLiteral("remote"),
             QStringLiteral("--project"), QStringLiteral("app"), QStringLiteral("--json")},
            daytona);
    QCOMPARE(statusJson(status).value(QStringLiteral("status")).toString(),
             QStringLiteral("success"));

    QProcessEnvironment wrongKey = daytona;
    wrongKey.insert(QStringLiteral("DAYTONA_API_KEY"), QStringLiteral("wrong-key"));
    const Run refused =
        cli({QStringLiteral("start_build"), QStringLiteral("--sandbox"), QStringLiteral("remote"),
             QStringLiteral("--project"), QStringLiteral("app"), QStringLiteral("--follow")},
            wrongKey);
    // The build is recorded and fails at once, with a sentence that names the cause.
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("failed: Unauthorized: the API key or token was not accepted"),
             refused.err.constData());
    QVERIFY(!refused.err.contains("wrong-key"));
}

void tst_CliBuild::postgresDatabase()
{
    vw::test::PostgresServer postgres;
    QVERIFY2(postgres.start(), qPrintable(postgres.errorString()));
    const QString url = postgres.createDatabase(QStringLiteral("cli_builds"));
    QVERIFY2(!url.isEmpty(), qPrintable(postgres.errorString()));
    QVERIFY(writeProject(QStringLiteral("shared"), "all:\n\t@echo in-postgres\n"));

    // The URL (with its password) from the environment, not the command line.
    QProcessEnvironment withUrl;
    withUrl.insert(QStringLiteral("VAPORWATCH_DB"), url);
    const Run run = cli({QStringLiteral("start_build"), QStringLiteral("--project"),
                         QStringLiteral("shared"), QStringLiteral("--follow")},
                        withUrl);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(!run.err.contains("warning"));
    const qint64 id = idOf(run);

    // --db without a password: libpq takes it from PGPASSWORD.
    QUrl passwordless(url);
    passwordless.setPassword(QString());
    QProcessEnvironment withPassword;
    withPassword.insert(QStringLiteral("PGPASSWORD"), postgres.password());
    const Run list = cli({QStringLiteral("--db"), passwordless.toString(), QStringLiteral("builds"),
                          QStringLiteral("--json")},
                         withPassword);
    QVERIFY2(list.exitCode == 0, list.err.constData());
    const QJsonArray builds = QJsonDocument::fromJson(list.out).array();
    QCOMPARE(builds.size(), 1);
    QCOMPARE(builds.first().toObject().value(QStringLiteral("id")).toInteger(), id);
    const Run logs =
        cli({QStringLiteral("--db"), passwordless.toString(), QStringLiteral("get_live_logs"),
             QStringLiteral("--build"), QString::number(id)},
            withPassword);
    QCOMPARE(logs.out, QByteArray("in-postgres\n"));

    // A password on the command line works, with a warning that says why not to.
    const Run warned = cli({QStringLiteral("--db"), url, QStringLiteral("builds")});
    QCOMPARE(warned.exitCode, 0);
    QVERIFY2(warned.err.contains("warning: a password in --db is visible"), warned.err.constData());
    QVERIFY(!warned.err.contains(postgres.password().toUtf8()));
}

QTEST_GUILESS_MAIN(tst_CliBuild)
#include "tst_clibuild.moc"
