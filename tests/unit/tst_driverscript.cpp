#include "app/engine/DriverScript.h"
#include "app/engine/MarkerParser.h"
#include "tests/support/TestFiles.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using vw::engine::DriverEvent;
using vw::engine::DriverScript;
using vw::engine::MarkerParser;
using Kind = DriverEvent::Kind;

using vw::test::writeFile;

namespace {

struct Run
{
    int exitCode = -1;
    QList<DriverEvent> events;       // from stdout
    QList<DriverEvent> stderrEvents; // the copies on stderr
    QString out;                     // user output on stdout
    QString err;                     // user output on stderr
    qint64 startedMs = 0;
    qint64 endedMs = 0;

    // "kind:phase:detail" for every stdout event, detail = exit code or reason.
    QStringList summary() const
    {
        QStringList lines;
        for (const DriverEvent &event : events)
            lines.append(event.summary());
        return lines;
    }
};

Run parse(const QByteArray &out, const QByteArray &err, const QString &nonce)
{
    Run run;
    const auto parsedOut = MarkerParser::parseAll(QString::fromUtf8(out), nonce);
    const auto parsedErr = MarkerParser::parseAll(QString::fromUtf8(err), nonce);
    run.events = parsedOut.events;
    run.out = parsedOut.output;
    run.stderrEvents = parsedErr.events;
    run.err = parsedErr.output;
    return run;
}

// Runs the script as the session would: `bash -c` in a bash, here started in `cwd`.
Run runScript(const DriverScript::Spec &spec, const QString &cwd,
              const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    const auto command = DriverScript::sessionCommand(spec);
    if (!command) {
        qWarning("%s", qPrintable(command.error().message));
        return {};
    }
    QProcess bash;
    bash.setWorkingDirectory(cwd);
    bash.setProcessEnvironment(environment);
    Run run;
    run.startedMs = QDateTime::currentMSecsSinceEpoch();
    bash.start(QStringLiteral("bash"), {QStringLiteral("-c"), command.value()});
    bash.closeWriteChannel();
    if (!bash.waitForFinished(30'000))
        qWarning("the driver did not finish");
    const qint64 ended = QDateTime::currentMSecsSinceEpoch();
    const qint64 started = run.startedMs;
    run = parse(bash.readAllStandardOutput(), bash.readAllStandardError(), spec.nonce);
    run.startedMs = started;
    run.endedMs = ended;
    run.exitCode = bash.exitStatus() == QProcess::NormalExit ? bash.exitCode() : -1;
    return run;
}

DriverScript::Phase phase(const QString &name, const QString &command, bool cached = false)
{
    DriverScript::Phase p;
    p.name = name;
    p.command = command;
    p.usesDependencyCache = cached;
    return p;
}

} // namespace

class tst_DriverScript : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void newNoncesAreValidAndDifferent();
    void nonceCanBeRecoveredFromTheCommand();
    void rejectsUnusableSpecs_data();
    void rejectsUnusableSpecs();
    void shellQuoteRoundTrips_data();
    void shellQuoteRoundTrips();
    void runsPhasesInOrderWithTimestamps();
    void stderrCarriesTheSameMarkers();
    void stopsAfterTheFailedPhase();
    void skippedPhaseIsAnnounced();
    void pipelineFailureFailsThePhase();
    void quotingSurvivesAnyPathAndCommand();
    void missingProjectDirectoryFailsTheBuild();
    void sourcedIntoAShellItLeavesTheShellAlone();
    void forgedMarkersAreOutput();
    void dependencyCache();
    void dependencyCacheDefaultStateDirectory();
    void cacheRecordsArePerProject();
    void noDependencyDirectoryMeansNoCache();
    void signalCancelsTheBuild_data();
    void signalCancelsTheBuild();

private:
    DriverScript::Spec spec(const QList<DriverScript::Phase> &phases) const;

    std::unique_ptr<QTemporaryDir> m_temp;
    QString m_project;
};

void tst_DriverScript::init()
{
    m_temp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_temp->isValid());
    m_project = m_temp->filePath(QStringLiteral("project"));
    QVERIFY(QDir().mkpath(m_project));
}

DriverScript::Spec tst_DriverScript::spec(const QList<DriverScript::Phase> &phases) const
{
    DriverScript::Spec s;
    s.nonce = DriverScript::newNonce();
    s.projectDirectory = m_project;
    s.phases = phases;
    s.stateDirectory = m_temp->filePath(QStringLiteral("state"));
    return s;
}

void tst_DriverScript::newNoncesAreValidAndDifferent()
{
    const QString a = DriverScript::newNonce();
    const QString b = DriverScript::newNonce();
    QVERIFY(DriverEvent::isValidNonce(a));
    QCOMPARE(a.size(), 32);
    QVERIFY(a != b);
}

void tst_DriverScript::nonceCanBeRecoveredFromTheCommand()
{
    const DriverScript::Spec s =
        spec({phase(QStringLiteral("build"), QStringLiteral("echo \"vw_nonce='x'\""))});
    QCOMPARE(DriverScript::nonceOf(DriverScript::script(s).value()),
             std::optional<QString>(s.nonce));
    QCOMPARE(DriverScript::nonceOf(DriverScript::sessionCommand(s).value()),
             std::optional<QString>(s.nonce));
    QCOMPARE(DriverScript::nonceOf(QStringLiteral("echo hi")), std::nullopt);
    QCOMPARE(DriverScript::nonceOf(QStringLiteral("vw_nonce='0123456789abcdef0123'")),
             std::nullopt);
}

void tst_DriverScript::rejectsUnusableSpecs_data()
{
    QTest::addColumn<int>("variant");
    QTest::newRow("bad nonce") << 0;
    QTest::newRow("empty project directory") << 1;
    QTest::newRow("no phases") << 2;
    QTest::newRow("phase name with space") << 3;
    QTest::newRow("duplicate phase") << 4;
    QTest::newRow("NUL in command") << 5;
    QTest::newRow("bad skip reason") << 6;
    QTest::newRow("two cached phases") << 7;
    QTest::newRow("NUL in path") << 8;
}

void tst_DriverScript::rejectsUnusableSpecs()
{
    QFETCH(int, variant);
    DriverScript::Spec s = spec({phase(QStringLiteral("install"), QStringLiteral("true"))});
    s.dependencyDirectory = QStringLiteral("deps");
    switch (variant) {
    case 0:
        s.nonce = QStringLiteral("short");
        break;
    case 1:
        s.projectDirectory.clear();
        break;
    case 2:
        s.phases.clear();
        break;
    case 3:
        s.phases = {phase(QStringLiteral("in stall"), QStringLiteral("true"))};
        break;
    case 4:
        s.phases.append(phase(QStringLiteral("install"), QStringLiteral("true")));
        break;
    case 5:
        s.phases = {phase(QStringLiteral("install"), QStringLiteral("a") + QChar(u'\0'))};
        break;
    case 6:
        s.phases = {phase(QStringLiteral("build"), QString())};
        s.phases.first().skipReason = QStringLiteral("no build");
        break;
    case 7:
        s.phases = {phase(QStringLiteral("a"), QStringLiteral("true"), true),
                    phase(QStringLiteral("b"), QStringLiteral("true"), true)};
        break;
    case 8:
        s.lockfile = QStringLiteral("x") + QChar(u'\0');
        break;
    }
    const auto script = DriverScript::script(s);
    QVERIFY(!script.ok());
    QCOMPARE(script.error().code, QStringLiteral("INVALID_ARGUMENT"));
    QVERIFY(!script.error().message.isEmpty());
    QVERIFY(!DriverScript::sessionCommand(s).ok());
}

void tst_DriverScript::shellQuoteRoundTrips_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("plain") << QStringLiteral("npm ci");
    QTest::newRow("single quotes") << QStringLiteral("it's 'quoted' ''");
    QTest::newRow("double quotes and $") << QStringLiteral("\"$HOME\" $(id) `id` ${x:-y} \\n");
    QTest::newRow("newlines and tabs") << QStringLiteral("a\nb\tc\n\n");
    QTest::newRow("unicode") << QStringLiteral("héllo ✓ 日本");
    QTest::newRow("glob and history") << QStringLiteral("* ? [a] !! ~ #");
}

void tst_DriverScript::shellQuoteRoundTrips()
{
    QFETCH(QString, text);
    QProcess bash;
    bash.start(QStringLiteral("bash"), {QStringLiteral("-c"), QStringLiteral("printf %s ") +
                                                                  DriverScript::shellQuote(text)});
    QVERIFY(bash.waitForFinished());
    QCOMPARE(QString::fromUtf8(bash.readAllStandardOutput()), text);
}

void tst_DriverScript::runsPhasesInOrderWithTimestamps()
{
    const Run run = runScript(
        spec({phase(QStringLiteral("install"), QStringLiteral("echo installing; echo careful >&2")),
              phase(QStringLiteral("build"), QStringLiteral("echo building"))}),
        m_temp->path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(
        run.summary(),
        QStringList({QStringLiteral("build-start"), QStringLiteral("phase-start:install"),
                     QStringLiteral("phase-end:install:0"), QStringLiteral("phase-start:build"),
                     QStringLiteral("phase-end:build:0"), QStringLiteral("build-end:success:0")}));
    QCOMPARE(run.out, QStringLiteral("installing\nbuilding\n"));
    QCOMPARE(run.err, QStringLiteral("careful\n"));
    QCOMPARE(run.events.first().fields.value(QStringLiteral("phases")),
             QStringLiteral("install,build"));
    QVERIFY(run.events.first().fields.value(QStringLiteral("pid")).toInt() > 0);
    qint64 previous = 0;
    for (int i = 0; i < run.events.size(); ++i) {
        const DriverEvent &event = run.events.at(i);
        QCOMPARE(event.sequence, i + 1);
        QVERIFY2(event.timestampMs >= run.startedMs - 5 && event.timestampMs <= run.endedMs + 5,
                 qPrintable(QStringLiteral("%1 not in [%2, %3]")
                                .arg(event.timestampMs)
                                .arg(run.startedMs)
                                .arg(run.endedMs)));
        QVERIFY(event.timestampMs >= previous);
        previous = event.timestampMs;
    }
}

void tst_DriverScript::stderrCarriesTheSameMarkers()
{
    const Run run =
        runScript(spec({phase(QStringLiteral("install"), QStringLiteral("echo a >&2")),
                        phase(QStringLiteral("build"), QStringLiteral("echo b >&2; exit 4"))}),
                  m_temp->path());
    QCOMPARE(run.exitCode, 4);
    QCOMPARE(run.stderrEvents, run.events);
    QCOMPARE(run.err, QStringLiteral("a\nb\n"));
}

void tst_DriverScript::stopsAfterTheFailedPhase()
{
    const Run run =
        runScript(spec({phase(QStringLiteral("install"), QStringLiteral("echo oops >&2; exit 3")),
                        phase(QStringLiteral("build"), QStringLiteral("echo never"))}),
                  m_temp->path());
    QCOMPARE(run.exitCode, 3);
    QCOMPARE(run.summary(),
             QStringList({QStringLiteral("build-start"), QStringLiteral("phase-start:install"),
                          QStringLiteral("phase-end:install:3"),
                          QStringLiteral("phase-skip:build:previous-phase-failed"),
                          QStringLiteral("build-end:install:failed:3")}));
    QVERIFY(!run.out.contains(QStringLiteral("never")));
    QCOMPARE(run.err, QStringLiteral("oops\n"));
}

void tst_DriverScript::skippedPhaseIsAnnounced()
{
    DriverScript::Phase build = phase(QStringLiteral("build"), QStringLiteral("  "));
    build.skipReason = QStringLiteral("no-build-script");
    const Run run = runScript(spec({phase(QStringLiteral("install"), QStringLiteral("true")), build,
                                    phase(QStringLiteral("check"), QString())}),
                              m_temp->path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.summary(),
             QStringList({QStringLiteral("build-start"), QStringLiteral("phase-start:install"),
                          QStringLiteral("phase-end:install:0"),
                          QStringLiteral("phase-skip:build:no-build-script"),
                          QStringLiteral("phase-skip:check:no-command"),
                          QStringLiteral("build-end:success:0")}));
}

void tst_DriverScript::pipelineFailureFailsThePhase()
{
    const Run run = runScript(spec({phase(QStringLiteral("build"), QStringLiteral("false | cat"))}),
                              m_temp->path());
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.summary().at(2), QStringLiteral("phase-end:build:1"));
}

void tst_DriverScript::quotingSurvivesAnyPathAndCommand()
{
    const QString odd = m_temp->filePath(QStringLiteral("it's a \"dir\" $HOME `x`\nline2 ✓"));
    QVERIFY(QDir().mkpath(odd));
    DriverScript::Spec s = spec({phase(QStringLiteral("build"),
                                       QStringLiteral("pwd\nprintf '%s\\n' \"it's \\$HOME\" 'a\"b' "
                                                      "\"$((1 + 2))\"\necho 'multi\nline'"))});
    s.projectDirectory = odd;
    const Run run = runScript(s, m_temp->path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, odd + QStringLiteral("\nit's $HOME\na\"b\n3\nmulti\nline\n"));
    QCOMPARE(run.err, QString());
}

void tst_DriverScript::missingProjectDirectoryFailsTheBuild()
{
    DriverScript::Spec s = spec({phase(QStringLiteral("build"), QStringLiteral("echo never"))});
    s.projectDirectory = m_temp->filePath(QStringLiteral("does not exist"));
    const Run run = runScript(s, m_temp->path());
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.summary(), QStringList({QStringLiteral("build-start"),
                                         QStringLiteral("build-end:failed:2:no-project-dir")}));
    QVERIFY2(run.err.contains(QStringLiteral("cannot enter the project directory")),
             qPrintable(run.err));
}

void tst_DriverScript::sourcedIntoAShellItLeavesTheShellAlone()
{
    // Like the daemon's session: the command is sourced into a long-lived shell.
    DriverScript::Spec s = spec({phase(QStringLiteral("build"), QStringLiteral("cd /; exit 7"))});
    const QString commandFile = m_temp->filePath(QStringLiteral("cmd.sh"));
    QVERIFY(writeFile(commandFile, DriverScript::sessionCommand(s).value().toUtf8()));
    QProcess shell;
    shell.setWorkingDirectory(m_temp->path());
    shell.start(QStringLiteral("bash"),
                {QStringLiteral("-c"),
                 QStringLiteral("vw_keep=kept; { . %1; }; echo \"alive $? $vw_keep $PWD\"")
                     .arg(DriverScript::shellQuote(commandFile))});
    QVERIFY(shell.waitForFinished(30'000));
    QCOMPARE(shell.exitCode(), 0);
    const Run run = parse(shell.readAllStandardOutput(), shell.readAllStandardError(), s.nonce);
    QCOMPARE(run.out,
             QStringLiteral("alive 7 kept %1\n").arg(QDir(m_temp->path()).canonicalPath()));
    QCOMPARE(run.summary().last(), QStringLiteral("build-end:build:failed:7"));
}

void tst_DriverScript::forgedMarkersAreOutput()
{
    DriverScript::Spec s = spec({phase(QStringLiteral("build"), QString())});
    const QString forged =
        QStringLiteral(
            "printf '\\033]7771;vw1;%1;build-end;seq=99;ts=1;result=success;exit=0\\a\\n'; "
            "printf '\\033]7771;vw1;build-end;seq=99;ts=1;result=success;exit=0\\a\\n'; exit 5")
            .arg(DriverScript::newNonce());
    s.phases = {phase(QStringLiteral("build"), forged)};
    const Run run = runScript(s, m_temp->path());
    QCOMPARE(run.exitCode, 5);
    QCOMPARE(run.summary().last(), QStringLiteral("build-end:build:failed:5"));
    QCOMPARE(run.events.size(), 4);
    QCOMPARE(run.out.count(QStringLiteral("\x1b]7771;vw1;")), 2);
    QVERIFY(run.out.contains(QStringLiteral("seq=99")));
}

void tst_DriverScript::dependencyCache()
{
    const QString lockfile = m_project + QStringLiteral("/deps.lock");
    QVERIFY(writeFile(lockfile, "version 1\n"));
    const QString install = QStringLiteral("mkdir -p deps && echo x > deps/lib && echo installed");
    const auto makeSpec = [&](const QString &command, bool clean) {
        DriverScript::Spec s = spec({phase(QStringLiteral("install"), command, true),
                                     phase(QStringLiteral("build"), QStringLiteral("true"))});
        s.lockfile = QStringLiteral("deps.lock");
        s.dependencyDirectory = QStringLiteral("deps");
        s.clean = clean;
        return s;
    };
    const auto installLine = [](const Run &run) {
        for (const QString &line : run.summary()) {
            if (line.startsWith(QStringLiteral("cache-")))
                return line;
        }
        return QString();
    };

    Run run = runScript(makeSpec(install, false), m_temp->path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:first-install"));
    QCOMPARE(run.out, QStringLiteral("installed\n"));

    run = runScript(makeSpec(install, false), m_temp->path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(installLine(run), QStringLiteral("cache-hit:install:lockfile-unchanged"));
    QVERIFY(run.summary().contains(QStringLiteral("phase-skip:install:dependency-cache")));
    QVERIFY(!run.summary().contains(QStringLiteral("phase-start:install")));
    QCOMPARE(run.out, QString());
    QCOMPARE(run.events.at(1).fields.value(QStringLiteral("key")).size(), 12);

    run = runScript(makeSpec(install, true), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:clean"));
    QCOMPARE(run.out, QStringLiteral("installed\n"));

    QVERIFY(writeFile(lockfile, "version 2\n"));
    run = runScript(makeSpec(install, false), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:lockfile-changed"));
    run = runScript(makeSpec(install, false), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-hit:install:lockfile-unchanged"));

    run = runScript(makeSpec(install + QStringLiteral(" --again"), false), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:install-command-changed"));

    QVERIFY(QDir(m_project + QStringLiteral("/deps")).removeRecursively());
    run = runScript(makeSpec(install + QStringLiteral(" --again"), false), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:dependencies-missing"));

    // An install that leaves no dependencies (an empty directory counts as none) has none to
    // lose: the next run hits the cache — a package without dependencies is installed once.
    QVERIFY(QDir(m_project + QStringLiteral("/deps")).removeRecursively());
    QVERIFY(QDir().mkpath(m_project + QStringLiteral("/deps")));
    run = runScript(makeSpec(QStringLiteral("echo nothing"), false), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:install-command-changed"));
    run = runScript(makeSpec(QStringLiteral("echo nothing"), false), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-hit:install:lockfile-unchanged"));

    // A failed install leaves no record.
    run = runScript(makeSpec(QStringLiteral("mkdir -p deps; touch deps/x; exit 9"), false),
                    m_temp->path());
    QCOMPARE(run.exitCode, 9);
    run = runScript(makeSpec(QStringLiteral("mkdir -p deps; touch deps/x; exit 9"), false),
                    m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:first-install"));

    QVERIFY(QFile::remove(lockfile));
    run = runScript(makeSpec(install, false), m_temp->path());
    QCOMPARE(installLine(run), QStringLiteral("cache-miss:install:no-lockfile"));
    QCOMPARE(run.exitCode, 0);
}

void tst_DriverScript::dependencyCacheDefaultStateDirectory()
{
    QVERIFY(writeFile(m_project + QStringLiteral("/deps.lock"), "1\n"));
    DriverScript::Spec s = spec(
        {phase(QStringLiteral("install"), QStringLiteral("mkdir -p deps; touch deps/a"), true)});
    s.stateDirectory.clear();
    s.lockfile = QStringLiteral("deps.lock");
    s.dependencyDirectory = QStringLiteral("deps");
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString home = m_temp->filePath(QStringLiteral("home"));
    environment.insert(QStringLiteral("HOME"), home);
    environment.remove(QStringLiteral("XDG_STATE_HOME"));
    QCOMPARE(runScript(s, m_temp->path(), environment).exitCode, 0);
    QDirIterator it(home + QStringLiteral("/.local/state/vaporwatch/deps"),
                    {QStringLiteral("install.key")}, QDir::Files, QDirIterator::Subdirectories);
    QVERIFY(it.hasNext());
    const QString keyFile = it.next();
    QCOMPARE(QFileInfo(keyFile).dir().dirName().size(), 32);
    const Run again = runScript(s, m_temp->path(), environment);
    QVERIFY(again.summary().contains(QStringLiteral("cache-hit:install:lockfile-unchanged")));
}

void tst_DriverScript::cacheRecordsArePerProject()
{
    const QString other = m_temp->filePath(QStringLiteral("other project"));
    QVERIFY(QDir().mkpath(other));
    const QString install = QStringLiteral("mkdir -p deps; touch deps/a");
    const auto makeSpec = [&](const QString &directory) {
        DriverScript::Spec s = spec({phase(QStringLiteral("install"), install, true)});
        s.projectDirectory = directory;
        s.lockfile = QStringLiteral("deps.lock");
        s.dependencyDirectory = QStringLiteral("deps");
        return s;
    };
    const auto cacheLine = [](const Run &run) { return run.summary().value(1); };
    for (const QString &directory : {m_project, other})
        QVERIFY(writeFile(directory + QStringLiteral("/deps.lock"), "same\n"));
    QCOMPARE(cacheLine(runScript(makeSpec(m_project), m_temp->path())),
             QStringLiteral("cache-miss:install:first-install"));
    QCOMPARE(cacheLine(runScript(makeSpec(other), m_temp->path())),
             QStringLiteral("cache-miss:install:first-install"));
    QCOMPARE(cacheLine(runScript(makeSpec(m_project), m_temp->path())),
             QStringLiteral("cache-hit:install:lockfile-unchanged"));
    QCOMPARE(cacheLine(runScript(makeSpec(other), m_temp->path())),
             QStringLiteral("cache-hit:install:lockfile-unchanged"));
}

void tst_DriverScript::noDependencyDirectoryMeansNoCache()
{
    DriverScript::Spec s = spec({phase(QStringLiteral("install"), QStringLiteral("echo i"), true)});
    s.lockfile = QStringLiteral("deps.lock");
    QVERIFY(writeFile(m_project + QStringLiteral("/deps.lock"), "1\n"));
    for (int i = 0; i < 2; ++i) {
        const Run run = runScript(s, m_temp->path());
        QCOMPARE(run.summary(),
                 QStringList({QStringLiteral("build-start"), QStringLiteral("phase-start:install"),
                              QStringLiteral("phase-end:install:0"),
                              QStringLiteral("build-end:success:0")}));
    }
}

void tst_DriverScript::signalCancelsTheBuild_data()
{
    QTest::addColumn<bool>("wholeGroup");
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("buildExit");
    // The driver alone (a cancel through the toolbox), or its whole process group (the session
    // being deleted): either way the running command ends at once.
    QTest::newRow("SIGTERM to the driver") << false << int(SIGTERM) << 143;
    QTest::newRow("SIGINT to the driver") << false << int(SIGINT) << 130;
    QTest::newRow("SIGHUP to the driver") << false << int(SIGHUP) << 129;
    QTest::newRow("SIGTERM to the group") << true << int(SIGTERM) << 143;
}

void tst_DriverScript::signalCancelsTheBuild()
{
    QFETCH(bool, wholeGroup);
    QFETCH(int, signal);
    QFETCH(int, buildExit);
    DriverScript::Spec s =
        spec({phase(QStringLiteral("install"), QStringLiteral("echo started; sleep 20")),
              phase(QStringLiteral("build"), QStringLiteral("echo never"))});
    QProcess driver;
    driver.setWorkingDirectory(m_temp->path());
    // The driver in a process group of its own, like a session's (the session shell itself is
    // left out: it has no trap).
    driver.start(QStringLiteral("setsid"),
                 {QStringLiteral("bash"), QStringLiteral("-c"), DriverScript::script(s).value()});
    QVERIFY(driver.waitForStarted());
    QElapsedTimer timer;
    timer.start();
    QByteArray out;
    while (!out.contains("started") && timer.elapsed() < 10'000) {
        driver.waitForReadyRead(100);
        out += driver.readAllStandardOutput();
    }
    QVERIFY(out.contains("started"));
    const pid_t pid = pid_t(driver.processId());
    QVERIFY(::kill(wholeGroup ? -pid : pid, signal) == 0);
    QVERIFY(driver.waitForFinished(10'000));
    QVERIFY2(timer.elapsed() < 10'000, "the phase's command was not ended");
    out += driver.readAllStandardOutput();
    const Run run = parse(out, driver.readAllStandardError(), s.nonce);
    QCOMPARE(driver.exitStatus(), QProcess::NormalExit);
    QCOMPARE(driver.exitCode(), buildExit);
    QCOMPARE(run.summary(),
             QStringList({QStringLiteral("build-start"), QStringLiteral("phase-start:install"),
                          QStringLiteral("phase-end:install:143"),
                          QStringLiteral("phase-skip:build:build-cancelled"),
                          QStringLiteral("build-end:install:cancelled:%1").arg(buildExit)}));
}

QTEST_GUILESS_MAIN(tst_DriverScript)
#include "tst_driverscript.moc"
