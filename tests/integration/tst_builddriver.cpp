#include "AwaitJob.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/DriverScript.h"
#include "app/engine/ErrorLineExtractor.h"
#include "app/engine/MarkerParser.h"
#include "app/engine/StackDetector.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <memory>

using namespace vw::daytona;
using vw::engine::DetectedStack;
using vw::engine::DriverEvent;
using vw::engine::DriverScript;
using vw::engine::ErrorLineExtractor;
using vw::engine::MarkerParser;
using vw::engine::StackDetector;
using Kind = DriverEvent::Kind;

using vw::test::writeFile;

namespace {

// What one driver run looked like from the client's side.
struct Outcome
{
    int exitCode = -1;                 // the command's, from the log follower
    std::optional<int> statusExitCode; // the command's, from its status
    QList<DriverEvent> events;         // parsed from stdout
    QList<DriverEvent> stderrEvents;   // the copies on stderr
    QString out;                       // user output on stdout
    QString err;                       // user output on stderr
    // User output per phase and stream, cut at each stream's own markers.
    QMap<QString, QString> outByPhase;
    QMap<QString, QString> errByPhase;
    qint64 startedMs = 0;
    qint64 endedMs = 0;
    std::optional<QString> recoveredNonce;

    QStringList summary() const
    {
        QStringList lines;
        for (const DriverEvent &event : events)
            lines.append(event.summary());
        return lines;
    }
};

// Splits one stream's parsed pieces into events and per-phase output.
struct StreamCollector
{
    explicit StreamCollector(const QString &nonce)
        : parser(nonce)
    {
    }

    void take(const QList<MarkerParser::Piece> &pieces)
    {
        for (const auto &piece : pieces) {
            if (piece.isEvent()) {
                events.append(piece.event);
                if (onEvent)
                    onEvent(piece.event);
                if (piece.event.kind == Kind::PhaseStarted)
                    phase = piece.event.phase;
                else if (piece.event.kind == Kind::PhaseFinished)
                    phase.clear();
            } else {
                output += piece.text;
                byPhase[phase] += piece.text;
            }
        }
    }

    MarkerParser parser;
    std::function<void(const DriverEvent &)> onEvent;
    QList<DriverEvent> events;
    QString output;
    QString phase;
    QMap<QString, QString> byPhase;
};

} // namespace

// The generated driver script run for real in a vaporwatch-sandboxd session, followed live with
// the DaytonaClient, and StackDetector reading projects through the toolbox.
class tst_BuildDriver : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void listsProjectFiles();
    void detectsStacksThroughTheToolbox();
    void detectingAMissingProjectFails();
    void makefileProjectBuilds();
    void failedInstallReportsTheNpmErrorLine();
    void projectWithoutBuildStepSkipsItVisibly();
    void secondRunHitsTheDependencyCacheAndCleanForcesInstall();
    void aProjectWithoutDependenciesHitsTheCacheToo();
    void forgedMarkersInUserOutputStayOutput();
    void cancelBySignallingTheDriver();

private:
    // Runs the driver in a new session and follows it to the end; `onEvent` sees each stdout
    // event as it arrives.
    Outcome run(const DriverScript::Spec &spec,
                std::function<void(const DriverEvent &)> onEvent = {});
    DriverScript::Spec spec(const QString &project, const DetectedStack &stack) const;
    QString project(const QString &name) const { return m_root + QLatin1Char('/') + name; }

    std::unique_ptr<vw::test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    std::unique_ptr<StackDetector> m_detector;
    QString m_root;
    QString m_stateDir;
    QString m_sandbox = QStringLiteral("vw-build");
    int m_sessions = 0;
};

void tst_BuildDriver::initTestCase()
{
    m_sandboxd = std::make_unique<vw::test::SandboxdProcess>();
    m_root = m_sandboxd->scratchDirectory() + QStringLiteral("/sandbox");
    m_stateDir = m_sandboxd->scratchDirectory() + QStringLiteral("/state");
    QVERIFY(QDir().mkpath(m_root));

    // The sample projects.
    QVERIFY(writeFile(project(QStringLiteral("make-ok/Makefile")),
                      "all:\n\t@echo \"building in $$(basename \"$$PWD\")\"\n\t@mkdir -p out\n"
                      "\t@echo built > out/result.txt\n\t@echo 'a warning' >&2\n"));
    QVERIFY(
        writeFile(project(QStringLiteral("npm-fail/package.json")),
                  R"({"name":"npm-fail","version":"1.0.0","scripts":{"build":"node build.js"}})"));
    QVERIFY(writeFile(project(QStringLiteral("npm-fail/package-lock.json")), "{}\n"));
    QVERIFY(writeFile(project(QStringLiteral("no-build/package.json")),
                      R"({"name":"no-build","version":"1.0.0","scripts":{"start":"node ."}})"));
    QVERIFY(writeFile(project(QStringLiteral("no-build/package-lock.json")), "{}\n"));
    QVERIFY(writeFile(project(QStringLiteral("cached/deps.lock")), "left-pad 1.3.0\n"));
    QVERIFY(writeFile(project(QStringLiteral("cached/Makefile")), "all:\n\t@echo ok\n"));
    QVERIFY(writeFile(project(QStringLiteral("no-deps/deps.lock")), "# nothing\n"));
    QVERIFY(writeFile(project(QStringLiteral("no-deps/Makefile")), "all:\n\t@echo ok\n"));
    QVERIFY(writeFile(project(QStringLiteral("forged/Makefile")), "all:\n\t@true\n"));
    QVERIFY(QDir().mkpath(project(QStringLiteral("make-ok/src"))));

    QVERIFY2(m_sandboxd->start({{{m_sandbox, m_root}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd, 50));
    m_detector = std::make_unique<StackDetector>(m_client.get());
}

void tst_BuildDriver::cleanupTestCase()
{
    m_detector.reset();
    m_client.reset();
    m_sandboxd.reset();
}

DriverScript::Spec tst_BuildDriver::spec(const QString &projectDirectory,
                                         const DetectedStack &stack) const
{
    DriverScript::Spec s;
    s.nonce = DriverScript::newNonce();
    s.projectDirectory = projectDirectory;
    s.phases = stack.phases();
    s.lockfile = stack.lockfile;
    s.dependencyDirectory = stack.dependencyDirectory;
    s.stateDirectory = m_stateDir;
    return s;
}

Outcome tst_BuildDriver::run(const DriverScript::Spec &spec,
                             std::function<void(const DriverEvent &)> onEvent)
{
    Outcome outcome;
    const QString session = QStringLiteral("build-%1").arg(++m_sessions);
    const auto created = awaitJob(m_client->createSession(m_sandbox, session));
    if (!created) {
        qWarning("createSession: %s", qPrintable(describe(created)));
        return outcome;
    }
    const auto command = DriverScript::sessionCommand(spec);
    if (!command) {
        qWarning("sessionCommand: %s", qPrintable(command.error().message));
        return outcome;
    }
    outcome.startedMs = QDateTime::currentMSecsSinceEpoch();
    const auto commandId = awaitJob(m_client->execAsync(m_sandbox, session, command.value()));
    if (!commandId) {
        qWarning("execAsync: %s", qPrintable(describe(commandId)));
        return outcome;
    }

    StreamCollector out(spec.nonce);
    StreamCollector err(spec.nonce);
    out.onEvent = std::move(onEvent);
    CommandLogFollower *follower =
        m_client->followCommandLogs(m_sandbox, session, commandId.value());
    follower->setAutoDelete(false);
    std::unique_ptr<CommandLogFollower> owner(follower);
    connect(follower, &CommandLogFollower::stdoutReceived, this,
            [&out](const QString &text) { out.take(out.parser.feed(text)); });
    connect(follower, &CommandLogFollower::stderrReceived, this,
            [&err](const QString &text) { err.take(err.parser.feed(text)); });
    QSignalSpy finished(follower, &vw::AsyncJob::finished);
    if (!follower->isFinished() && !finished.wait(60'000))
        qWarning("the follower did not finish");
    out.take(out.parser.finish());
    err.take(err.parser.finish());
    outcome.endedMs = QDateTime::currentMSecsSinceEpoch();
    if (!follower->ok())
        qWarning("follow failed: %s", qPrintable(follower->error().toString()));
    outcome.exitCode = follower->exitCode().value_or(-1);

    const auto status = awaitJob(m_client->commandStatus(m_sandbox, session, commandId.value()));
    if (status) {
        outcome.statusExitCode = status.value().exitCode;
        // A later process finds the build's nonce in the session's command alone.
        outcome.recoveredNonce = DriverScript::nonceOf(status.value().command);
        if (outcome.recoveredNonce != spec.nonce)
            outcome.recoveredNonce.reset();
    }
    awaitJob(m_client->deleteSession(m_sandbox, session));

    outcome.events = out.events;
    outcome.stderrEvents = err.events;
    outcome.out = out.output;
    outcome.err = err.output;
    outcome.outByPhase = out.byPhase;
    outcome.errByPhase = err.byPhase;
    return outcome;
}

// Every run: sequence numbers 1…n, timestamps in order and within the run, the same markers on
// both streams, the command's exit code equal to the build's.
#define VERIFY_WELL_FORMED(outcome)                                                                \
    do {                                                                                           \
        QVERIFY(!(outcome).events.isEmpty());                                                      \
        QCOMPARE((outcome).events.first().kind, Kind::BuildStarted);                               \
        QCOMPARE((outcome).events.last().kind, Kind::BuildFinished);                               \
        QCOMPARE((outcome).stderrEvents, (outcome).events);                                        \
        qint64 previous = 0;                                                                       \
        for (int i = 0; i < (outcome).events.size(); ++i) {                                        \
            const DriverEvent &e = (outcome).events.at(i);                                         \
            QCOMPARE(e.sequence, i + 1);                                                           \
            QVERIFY(e.timestampMs >= previous);                                                    \
            QVERIFY(e.timestampMs >= (outcome).startedMs - 1000);                                  \
            QVERIFY(e.timestampMs <= (outcome).endedMs + 1000);                                    \
            previous = e.timestampMs;                                                              \
        }                                                                                          \
        QCOMPARE((outcome).exitCode, *(outcome).events.last().exitCode);                           \
        QCOMPARE((outcome).statusExitCode, std::optional<int>((outcome).exitCode));                \
        QVERIFY((outcome).recoveredNonce.has_value());                                             \
    } while (false)

void tst_BuildDriver::listsProjectFiles()
{
    const auto listing = awaitJob(m_client->listFiles(m_sandbox, QStringLiteral("make-ok")));
    QVERIFY2(listing.ok(), qPrintable(describe(listing)));
    QMap<QString, bool> entries;
    for (const FileInfo &info : listing.value())
        entries.insert(info.name, info.isDir);
    QVERIFY(entries.contains(QStringLiteral("Makefile")));
    QCOMPARE(entries.value(QStringLiteral("Makefile")), false);
    QCOMPARE(entries.value(QStringLiteral("src")), true);
    for (const FileInfo &info : listing.value()) {
        if (info.name == u"Makefile")
            QCOMPARE(info.size, QFileInfo(project(QStringLiteral("make-ok/Makefile"))).size());
    }
    const auto missing = awaitJob(m_client->listFiles(m_sandbox, QStringLiteral("no-such-dir")));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().httpStatus, 404);
}

void tst_BuildDriver::detectsStacksThroughTheToolbox()
{
    auto make = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("make-ok")));
    QVERIFY2(make.ok(), qPrintable(describe(make)));
    QCOMPARE(make.value().stack, QStringLiteral("make"));
    QCOMPARE(make.value().buildCommand, QStringLiteral("make"));

    // Reads package.json (for the build script) by absolute path too.
    auto node = awaitJob(m_detector->detect(m_sandbox, project(QStringLiteral("npm-fail"))));
    QVERIFY2(node.ok(), qPrintable(describe(node)));
    QCOMPARE(node.value().stack, QStringLiteral("node"));
    QCOMPARE(node.value().installCommand, QStringLiteral("npm ci"));
    QCOMPARE(node.value().buildCommand, QStringLiteral("npm run build"));
    QCOMPARE(node.value().lockfile, QStringLiteral("package-lock.json"));

    auto noBuild = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("no-build/")));
    QVERIFY2(noBuild.ok(), qPrintable(describe(noBuild)));
    QVERIFY(noBuild.value().buildCommand.isEmpty());
    QCOMPARE(noBuild.value().buildSkipReason, QStringLiteral("no-build-script"));
}

void tst_BuildDriver::detectingAMissingProjectFails()
{
    const auto missing = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("nowhere")));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, QStringLiteral("PROJECT_NOT_FOUND"));
    QVERIFY2(missing.error().message.contains(QStringLiteral("nowhere")),
             qPrintable(missing.error().message));
    // A file is not a project directory either.
    const auto file = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("make-ok/Makefile")));
    QVERIFY(!file.ok());
    QCOMPARE(file.error().code, QStringLiteral("PROJECT_NOT_FOUND"));
}

void tst_BuildDriver::makefileProjectBuilds()
{
    const auto stack = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("make-ok")));
    QVERIFY2(stack.ok(), qPrintable(describe(stack)));
    const Outcome outcome = run(spec(QStringLiteral("make-ok"), stack.value()));
    VERIFY_WELL_FORMED(outcome);
    QCOMPARE(outcome.exitCode, 0);
    QCOMPARE(outcome.summary(),
             QStringList({QStringLiteral("build-start"),
                          QStringLiteral("phase-skip:install:no-install-step"),
                          QStringLiteral("phase-start:build"), QStringLiteral("phase-end:build:0"),
                          QStringLiteral("build-end:success:0")}));
    QCOMPARE(outcome.out, QStringLiteral("building in make-ok\n"));
    QCOMPARE(outcome.err, QStringLiteral("a warning\n"));
    QCOMPARE(outcome.outByPhase.value(QStringLiteral("build")), outcome.out);
    QCOMPARE(outcome.errByPhase.value(QStringLiteral("build")), outcome.err);
    QFile result(project(QStringLiteral("make-ok/out/result.txt")));
    QVERIFY(result.open(QIODevice::ReadOnly));
    QCOMPARE(result.readAll(), QByteArray("built\n"));
}

void tst_BuildDriver::failedInstallReportsTheNpmErrorLine()
{
    auto stack = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("npm-fail")));
    QVERIFY2(stack.ok(), qPrintable(describe(stack)));
    // No node needed: the install prints what a failing `npm ci` prints, on stderr.
    DetectedStack detected = stack.value();
    detected.installCommand = QStringLiteral(
        "echo 'resolving packages'\n"
        "printf '%s\\n' 'npm ERR! code E404' "
        "'npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found' "
        "'npm ERR! A complete log of this run can be found in: /root/.npm/_logs/x.log' >&2\n"
        "exit 1");
    const Outcome outcome = run(spec(QStringLiteral("npm-fail"), detected));
    VERIFY_WELL_FORMED(outcome);
    QCOMPARE(outcome.exitCode, 1);
    QCOMPARE(outcome.summary(),
             QStringList(
                 {QStringLiteral("build-start"), QStringLiteral("cache-miss:install:first-install"),
                  QStringLiteral("phase-start:install"), QStringLiteral("phase-end:install:1"),
                  QStringLiteral("phase-skip:build:previous-phase-failed"),
                  QStringLiteral("build-end:install:failed:1")}));
    // stdout and stderr stay apart, and each is attributed to the install phase.
    QCOMPARE(outcome.outByPhase.value(QStringLiteral("install")),
             QStringLiteral("resolving packages\n"));
    const QString installErr = outcome.errByPhase.value(QStringLiteral("install"));
    QVERIFY2(installErr.startsWith(QStringLiteral("npm ERR! code E404\n")), qPrintable(installErr));
    QVERIFY(!outcome.out.contains(QStringLiteral("npm ERR!")));
    QCOMPARE(ErrorLineExtractor::extract(installErr),
             QStringLiteral(
                 "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found"));
}

void tst_BuildDriver::projectWithoutBuildStepSkipsItVisibly()
{
    StackDetector::Overrides overrides;
    overrides.installCommand = QStringLiteral("mkdir -p node_modules/x && echo installed");
    const auto stack =
        awaitJob(m_detector->detect(m_sandbox, QStringLiteral("no-build"), overrides));
    QVERIFY2(stack.ok(), qPrintable(describe(stack)));
    QVERIFY(stack.value().installOverridden);
    const Outcome outcome = run(spec(QStringLiteral("no-build"), stack.value()));
    VERIFY_WELL_FORMED(outcome);
    QCOMPARE(outcome.exitCode, 0);
    QCOMPARE(outcome.summary(),
             QStringList(
                 {QStringLiteral("build-start"), QStringLiteral("cache-miss:install:first-install"),
                  QStringLiteral("phase-start:install"), QStringLiteral("phase-end:install:0"),
                  QStringLiteral("phase-skip:build:no-build-script"),
                  QStringLiteral("build-end:success:0")}));
    QCOMPARE(outcome.out, QStringLiteral("installed\n"));
}

void tst_BuildDriver::secondRunHitsTheDependencyCacheAndCleanForcesInstall()
{
    StackDetector::Overrides overrides;
    overrides.installCommand =
        QStringLiteral("mkdir -p deps && echo lib > deps/left-pad && echo installed");
    auto stack = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("cached"), overrides));
    QVERIFY2(stack.ok(), qPrintable(describe(stack)));
    DetectedStack detected = stack.value();
    QCOMPARE(detected.stack, QStringLiteral("make"));
    detected.lockfile = QStringLiteral("deps.lock");
    detected.dependencyDirectory = QStringLiteral("deps");

    const Outcome first = run(spec(QStringLiteral("cached"), detected));
    VERIFY_WELL_FORMED(first);
    QVERIFY2(first.summary().contains(QStringLiteral("cache-miss:install:first-install")),
             qPrintable(first.summary().join(u' ')));
    QCOMPARE(first.outByPhase.value(QStringLiteral("install")), QStringLiteral("installed\n"));

    const Outcome second = run(spec(QStringLiteral("cached"), detected));
    VERIFY_WELL_FORMED(second);
    QCOMPARE(second.summary(),
             QStringList({QStringLiteral("build-start"),
                          QStringLiteral("cache-hit:install:lockfile-unchanged"),
                          QStringLiteral("phase-skip:install:dependency-cache"),
                          QStringLiteral("phase-start:build"), QStringLiteral("phase-end:build:0"),
                          QStringLiteral("build-end:success:0")}));
    QCOMPARE(second.out, QStringLiteral("ok\n"));

    DriverScript::Spec clean = spec(QStringLiteral("cached"), detected);
    clean.clean = true;
    const Outcome third = run(clean);
    VERIFY_WELL_FORMED(third);
    QVERIFY2(third.summary().contains(QStringLiteral("cache-miss:install:clean")),
             qPrintable(third.summary().join(u' ')));
    QVERIFY(third.summary().contains(QStringLiteral("phase-end:install:0")));

    // Dependencies gone: install again, whatever the lockfile says.
    QVERIFY(QDir(project(QStringLiteral("cached/deps"))).removeRecursively());
    const Outcome fourth = run(spec(QStringLiteral("cached"), detected));
    QVERIFY2(fourth.summary().contains(QStringLiteral("cache-miss:install:dependencies-missing")),
             qPrintable(fourth.summary().join(u' ')));
}

// `npm ci` of a package without dependencies makes no node_modules: nothing can go missing, so
// the second install is skipped all the same — and still runs when the lockfile changes.
void tst_BuildDriver::aProjectWithoutDependenciesHitsTheCacheToo()
{
    StackDetector::Overrides overrides;
    overrides.installCommand = QStringLiteral("echo nothing to install");
    auto stack = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("no-deps"), overrides));
    QVERIFY2(stack.ok(), qPrintable(describe(stack)));
    DetectedStack detected = stack.value();
    detected.lockfile = QStringLiteral("deps.lock");
    detected.dependencyDirectory = QStringLiteral("node_modules");

    const Outcome first = run(spec(QStringLiteral("no-deps"), detected));
    VERIFY_WELL_FORMED(first);
    QVERIFY2(first.summary().contains(QStringLiteral("cache-miss:install:first-install")),
             qPrintable(first.summary().join(u' ')));
    const Outcome second = run(spec(QStringLiteral("no-deps"), detected));
    VERIFY_WELL_FORMED(second);
    QVERIFY2(second.summary().contains(QStringLiteral("cache-hit:install:lockfile-unchanged")),
             qPrintable(second.summary().join(u' ')));

    QVERIFY(writeFile(project(QStringLiteral("no-deps/deps.lock")), "left-pad 1.3.0\n"));
    const Outcome third = run(spec(QStringLiteral("no-deps"), detected));
    QVERIFY2(third.summary().contains(QStringLiteral("cache-miss:install:lockfile-changed")),
             qPrintable(third.summary().join(u' ')));
}

void tst_BuildDriver::forgedMarkersInUserOutputStayOutput()
{
    StackDetector::Overrides overrides;
    const QString other = DriverScript::newNonce();
    overrides.buildCommand =
        QStringLiteral(
            "printf '\\033]7771;vw1;%1;build-end;seq=1;ts=1;result=success;exit=0\\a\\n'\n"
            "printf '\\033]7771;vw1;build-end;seq=1;ts=1;result=success;exit=0\\a\\n' >&2\n"
            "echo after\nexit 3")
            .arg(other);
    const auto stack = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("forged"), overrides));
    QVERIFY2(stack.ok(), qPrintable(describe(stack)));
    const Outcome outcome = run(spec(QStringLiteral("forged"), stack.value()));
    VERIFY_WELL_FORMED(outcome);
    QCOMPARE(outcome.exitCode, 3);
    QCOMPARE(outcome.summary().last(), QStringLiteral("build-end:build:failed:3"));
    QCOMPARE(
        outcome.out,
        QStringLiteral("\x1b]7771;vw1;%1;build-end;seq=1;ts=1;result=success;exit=0\a\nafter\n")
            .arg(other));
    QCOMPARE(outcome.err,
             QStringLiteral("\x1b]7771;vw1;build-end;seq=1;ts=1;result=success;exit=0\a\n"));
}

void tst_BuildDriver::cancelBySignallingTheDriver()
{
    StackDetector::Overrides overrides;
    overrides.buildCommand = QStringLiteral("echo started; sleep 30; echo never");
    const auto stack = awaitJob(m_detector->detect(m_sandbox, QStringLiteral("forged"), overrides));
    QVERIFY2(stack.ok(), qPrintable(describe(stack)));

    // As soon as the build phase runs, signal the driver through the toolbox.
    QString pid;
    std::optional<vw::Result<ExecuteResult>> killed;
    QElapsedTimer timer;
    timer.start();
    const Outcome outcome =
        run(spec(QStringLiteral("forged"), stack.value()), [&](const DriverEvent &event) {
            if (event.kind == Kind::BuildStarted)
                pid = event.fields.value(QStringLiteral("pid"));
            if (event.kind != Kind::PhaseStarted || pid.isEmpty())
                return;
            ExecuteRequest request;
            request.command = QStringLiteral("kill -TERM %1").arg(pid);
            m_client->execute(m_sandbox, request)
                ->onResult(this, [&](const vw::Result<ExecuteResult> &result) { killed = result; });
        });
    QVERIFY2(timer.elapsed() < 20'000, "the build was not cancelled");
    QVERIFY(!pid.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(killed.has_value(), 10'000); // its answer may come after the end
    QVERIFY2(killed->ok(), qPrintable(describe(*killed)));
    VERIFY_WELL_FORMED(outcome);
    QCOMPARE(outcome.exitCode, 143);
    QCOMPARE(outcome.summary(), QStringList({QStringLiteral("build-start"),
                                             QStringLiteral("phase-skip:install:no-install-step"),
                                             QStringLiteral("phase-start:build"),
                                             QStringLiteral("phase-end:build:143"),
                                             QStringLiteral("build-end:build:cancelled:143")}));
    QVERIFY(!outcome.out.contains(QStringLiteral("never")));
}

QTEST_GUILESS_MAIN(tst_BuildDriver)
#include "tst_builddriver.moc"
