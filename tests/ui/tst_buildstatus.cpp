#include "ui/BuildStatus.h"

#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "ui/BuildStatusLogPane.h"
#include "ui/LogView.h"
#include "ui/PhaseTimeline.h"

#include <QAction>
#include <QDir>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace vw;
using vw::engine::BuildHub;
using Widget = vw::ui::BuildStatus;
using Pane = Widget::Pane;

#define AWAIT_OK(variable, job)                                                                    \
    auto variable = awaitJob(job);                                                                 \
    QVERIFY2(variable.ok(), qPrintable(describe(variable)))

namespace {

// Plays the engine's part (BuildRun): every change is written to the store first and then
// announced on the hub, with the live-output byte range for output.
class FakeRun
{
public:
    FakeRun(BuildStore &store, BuildHub &hub)
        : m_store(store)
        , m_hub(hub)
    {
    }

    Build build;
    qint64 liveSize = 0;

    bool create(qint64 projectId)
    {
        build.projectId = projectId;
        build.sandboxId = QStringLiteral("sb");
        build.trigger = QStringLiteral("test");
        build.status = BuildStatus::Queued;
        auto created = awaitJob(m_store.createBuild(build));
        if (!created)
            return false;
        build = created.value();
        m_hub.announceCreated(build);
        return true;
    }
    void save(bool announce = true)
    {
        m_store.updateBuild(build);
        if (announce)
            m_hub.announceChanged(build);
    }
    void startPhase(Phase phase, const QString &step, int progress)
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (phase != Phase::Setup) {
            PhaseRecord &previous = build.phaseRecord(Phase(int(phase) - 1));
            previous.completedAt = now;
            previous.durationMs = previous.startedAt.msecsTo(now);
            previous.exitCode = 0;
        }
        build.status = BuildStatus::Running;
        if (!build.startedAt.isValid())
            build.startedAt = now.addSecs(-75);
        build.phase = phase;
        build.phaseRecord(phase).startedAt = now;
        build.currentStep = step;
        build.progress = progress;
        save();
    }
    BuildEvent event(const QString &type, std::optional<Phase> phase, const QString &message,
                     bool announce = true)
    {
        BuildEvent e;
        e.buildId = build.id;
        e.type = type;
        e.phase = phase;
        e.message = message;
        e.createdAt = QDateTime::currentDateTimeUtc();
        auto stored = awaitJob(m_store.addEvent(e));
        if (stored && announce)
            m_hub.announceEvent(stored.value());
        return stored ? stored.value() : BuildEvent{};
    }
    // As BuildRun does it: stored, announced when the store answers (no waiting here).
    void eventLater(const QString &type, std::optional<Phase> phase, const QString &message)
    {
        BuildEvent e;
        e.buildId = build.id;
        e.type = type;
        e.phase = phase;
        e.message = message;
        e.createdAt = QDateTime::currentDateTimeUtc();
        BuildHub *hub = &m_hub;
        m_store.addEvent(e)->onResult(hub, [hub](const Result<BuildEvent> &stored) {
            if (stored)
                hub->announceEvent(stored.value());
        });
    }
    // Returns the range [from, to) of the live output.
    std::pair<qint64, qint64> output(Phase phase, LogStream stream, const QString &text,
                                     bool announce = true)
    {
        const QByteArray bytes = text.toUtf8();
        m_store.appendLog({build.id, phase, stream, bytes, -1});
        const qint64 from = liveSize;
        liveSize += bytes.size();
        if (announce)
            m_hub.announceLog(build.id, phase, stream, text, from, liveSize);
        return {from, liveSize};
    }
    void finish(BuildStatus status, const QString &error = {})
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        PhaseRecord &running = build.phaseRecord(build.phase);
        running.completedAt = now;
        running.durationMs = running.startedAt.msecsTo(now);
        running.exitCode = status == BuildStatus::Success ? 0 : 1;
        PhaseRecord &complete = build.phaseRecord(Phase::Complete);
        complete.startedAt = complete.completedAt = now;
        complete.durationMs = 0;
        build.phase = Phase::Complete;
        build.status = status;
        build.completedAt = now;
        build.durationMs = build.startedAt.msecsTo(now);
        build.metadata.remove(QStringLiteral("eta_remaining_ms"));
        build.errorMessage = error;
        build.currentStep = status == BuildStatus::Success ? QStringLiteral("Build succeeded")
                                                           : QStringLiteral("Build failed");
        if (status == BuildStatus::Success)
            build.progress = 100;
        save();
        if (!error.isEmpty())
            event(BuildEvent::Type::Error, std::nullopt, error);
        event(BuildEvent::Type::Finished, Phase::Complete,
              QStringLiteral("Build finished: %1").arg(buildStatusName(status)));
        m_hub.announceFinished(build);
    }

private:
    BuildStore &m_store;
    BuildHub &m_hub;
};

QStringList linesOf(const vw::ui::LogView *view)
{
    QStringList lines;
    for (qsizetype i = 0; i < view->lineCount(); ++i)
        lines << view->buffer().lineText(i);
    while (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    return lines;
}

QStringList column(const QStandardItemModel *model, int column)
{
    QStringList texts;
    for (int row = 0; row < model->rowCount(); ++row)
        texts << model->item(row, column)->text();
    return texts;
}

} // namespace

class tst_BuildStatus : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void initialLoadShowsTheStoredState();
    void liveUpdatesComeFromTheHub();
    void outputDuringTheLoadAppearsExactlyOnce();
    void outputTheHubSkippedIsReadFromTheStore();
    void completedOnceWhenTheBuildEnds();
    void completedForABuildThatHadAlreadyEnded();
    void failedBuildShowsTheErrorAndJumpsToIt();
    void latestOfProjectSwitchesToANewBuild();
    void clickingATimelineSegmentShowsThatPhasesLog();
    void panesCollapseToTheirHeader();
    void screenshots();

private:
    bool openStore();
    bool loadWidget(Widget &widget, qint64 buildId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    qint64 m_projectId = 0;
};

void tst_BuildStatus::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<BuildStore>();
    m_hub = std::make_unique<BuildHub>();
    AWAIT_OK(open,
             m_store->open(DatabaseUrl::sqlite(m_dir->filePath(QStringLiteral("vw.sqlite")))));
    AWAIT_OK(project, m_store->ensureProject(QStringLiteral("sb"), QStringLiteral("/app"),
                                             QStringLiteral("app")));
    m_projectId = project.value().id;
}

void tst_BuildStatus::cleanup()
{
    m_store.reset();
    m_hub.reset();
    m_dir.reset();
}

bool tst_BuildStatus::loadWidget(Widget &widget, qint64 buildId)
{
    QSignalSpy loaded(&widget, &Widget::loaded);
    widget.setBuildId(buildId);
    return loaded.wait(10'000) && !widget.isLoading();
}

void tst_BuildStatus::initialLoadShowsTheStoredState()
{
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.event(BuildEvent::Type::Created, std::nullopt, QStringLiteral("Build created"));
    run.startPhase(Phase::Setup, QStringLiteral("Preparing the sandbox"), 3);
    run.event(BuildEvent::Type::PhaseStarted, Phase::Setup, QStringLiteral("Setup started"));
    run.output(Phase::Setup, LogStream::Stdout, QStringLiteral("cloning\n"));
    run.build.metadata.insert(QStringLiteral("eta_remaining_ms"), 95'000);
    run.startPhase(Phase::Install, QStringLiteral("Installing dependencies with npm"), 40);
    run.event(BuildEvent::Type::PhaseStarted, Phase::Install, QStringLiteral("Install started"));
    run.output(Phase::Install, LogStream::Stdout, QStringLiteral("added 12 packages\n"));
    run.output(Phase::Install, LogStream::Stderr, QStringLiteral("npm WARN deprecated x\n"));
    AWAIT_OK(flushed, m_store->flush());

    Widget widget(m_store.get(), m_hub.get());
    QVERIFY(loadWidget(widget, run.build.id));
    QCOMPARE(widget.statusText(), QStringLiteral("Running"));
    QCOMPARE(widget.phaseText(), QStringLiteral("install"));
    QCOMPARE(widget.stepText(), QStringLiteral("Installing dependencies with npm"));
    QCOMPARE(widget.progressValue(), 40);
    QVERIFY2(widget.durationText().contains(QStringLiteral("min")),
             qPrintable(widget.durationText()));
    QVERIFY2(widget.etaText().contains(QStringLiteral("left")), qPrintable(widget.etaText()));
    QCOMPARE(widget.timeline()->build().phase, Phase::Install);
    QCOMPARE(column(widget.eventModel(), 2),
             QStringList({QStringLiteral("Build created"), QStringLiteral("Setup started"),
                          QStringLiteral("Install started")}));
    QCOMPARE(linesOf(widget.logView(Pane::Install)),
             QStringList(
                 {QStringLiteral("added 12 packages"), QStringLiteral("npm WARN deprecated x")}));
    QCOMPARE(widget.logView(Pane::Install)->buffer().lineStream(1), LogStream::Stderr);
    QCOMPARE(widget.logView(Pane::Install)->buffer().lineStream(0), LogStream::Stdout);
    QVERIFY(linesOf(widget.logView(Pane::Build)).isEmpty());
    QCOMPARE(linesOf(widget.logView(Pane::Live)),
             QStringList({QStringLiteral("cloning"), QStringLiteral("added 12 packages"),
                          QStringLiteral("npm WARN deprecated x")}));
    QCOMPARE(widget.liveOutputBytes(), run.liveSize);
    QVERIFY(!widget.isErrorVisible());
}

void tst_BuildStatus::liveUpdatesComeFromTheHub()
{
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.startPhase(Phase::Install, QStringLiteral("Installing"), 20);
    run.output(Phase::Install, LogStream::Stdout, QStringLiteral("install line\n"));
    AWAIT_OK(flushed, m_store->flush());
    Widget widget(m_store.get(), m_hub.get());
    QVERIFY(loadWidget(widget, run.build.id));

    // No store reads from here on: everything arrives through the hub, synchronously.
    run.startPhase(Phase::Build, QStringLiteral("Running build command: npm run build"), 55);
    QCOMPARE(widget.phaseText(), QStringLiteral("build"));
    QCOMPARE(widget.progressValue(), 55);
    QCOMPARE(widget.stepText(), QStringLiteral("Running build command: npm run build"));
    QCOMPARE(vw::ui::PhaseTimeline::segmentState(widget.timeline()->build(), Phase::Install),
             vw::ui::PhaseTimeline::SegmentState::Done);
    run.event(BuildEvent::Type::PhaseStarted, Phase::Build, QStringLiteral("Build started"));
    QCOMPARE(widget.eventModel()->rowCount(), 1);
    QCOMPARE(widget.eventModel()->item(0, 2)->text(), QStringLiteral("Build started"));
    QVERIFY(widget.eventModel()->item(0, 1)->text().contains(QStringLiteral("phase started")));
    QCOMPARE(widget.eventModel()->item(0, 1)->toolTip(), QStringLiteral("phase_started"));
    run.output(Phase::Build, LogStream::Stdout, QStringLiteral("vite v5 building\n"));
    run.output(Phase::Build, LogStream::Stderr, QStringLiteral("warning: big chunk\n"));
    QCOMPARE(
        linesOf(widget.logView(Pane::Build)),
        QStringList({QStringLiteral("vite v5 building"), QStringLiteral("warning: big chunk")}));
    QCOMPARE(widget.logView(Pane::Build)->buffer().lineStream(1), LogStream::Stderr);
    QCOMPARE(linesOf(widget.logView(Pane::Install)), QStringList({QStringLiteral("install line")}));
    QCOMPARE(linesOf(widget.logView(Pane::Live)),
             QStringList({QStringLiteral("install line"), QStringLiteral("vite v5 building"),
                          QStringLiteral("warning: big chunk")}));
    // A repeated announcement (e.g. relay and engine both) is not shown twice.
    m_hub->announceLog(run.build.id, Phase::Build, LogStream::Stdout,
                       QStringLiteral("warning: big chunk\n"), run.liveSize - 19, run.liveSize);
    QCOMPARE(linesOf(widget.logView(Pane::Live)).size(), 3);
    // A piece that overlaps what is shown: only its new bytes (cut on a UTF-8 boundary).
    const auto [newFrom, newTo] =
        run.output(Phase::Build, LogStream::Stdout, QStringLiteral("ünew\n"), false);
    m_hub->announceLog(run.build.id, Phase::Build, LogStream::Stdout,
                       QStringLiteral("chunk\nünew\n"), newFrom - 6, newTo);
    QCOMPARE(linesOf(widget.logView(Pane::Live)).size(), 4);
    QCOMPARE(linesOf(widget.logView(Pane::Live)).constLast(), QStringLiteral("ünew"));
    QCOMPARE(widget.liveOutputBytes(), run.liveSize);
    // Other builds' news is ignored.
    m_hub->announceLog(run.build.id + 100, Phase::Build, LogStream::Stdout,
                       QStringLiteral("other\n"), 0, 6);
    QCOMPARE(linesOf(widget.logView(Pane::Live)).size(), 4);
}

void tst_BuildStatus::outputDuringTheLoadAppearsExactlyOnce()
{
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.startPhase(Phase::Install, QStringLiteral("Installing"), 20);
    run.output(Phase::Install, LogStream::Stdout, QStringLiteral("a1\na2\n"));
    AWAIT_OK(flushed, m_store->flush());
    // Stored before the widget reads, but announced only after the read started (as the
    // store-change relay of another process may do): in the read, and dropped from the hub.
    const auto [cFrom, cTo] =
        run.output(Phase::Install, LogStream::Stderr, QStringLiteral("c1 ✓\n"), false);
    AWAIT_OK(flushed2, m_store->flush());

    Widget widget(m_store.get(), m_hub.get());
    QSignalSpy loaded(&widget, &Widget::loaded);
    widget.setBuildId(run.build.id);
    QVERIFY(widget.isLoading());
    m_hub->announceLog(run.build.id, Phase::Install, LogStream::Stderr, QStringLiteral("c1 ✓\n"),
                       cFrom, cTo);
    // Written and announced while the load is in flight (after the read was queued).
    run.output(Phase::Install, LogStream::Stdout, QStringLiteral("b1\n"));
    run.startPhase(Phase::Build, QStringLiteral("Building"), 60);
    run.eventLater(BuildEvent::Type::PhaseStarted, Phase::Build, QStringLiteral("Build started"));
    run.output(Phase::Build, LogStream::Stdout, QStringLiteral("b2\nb3"));
    run.output(Phase::Build, LogStream::Stdout, QStringLiteral("-end\n"));
    QVERIFY(widget.isLoading());
    QVERIFY(loaded.wait(10'000));

    const QStringList expected{QStringLiteral("a1"),   QStringLiteral("a2"),
                               QStringLiteral("c1 ✓"), QStringLiteral("b1"),
                               QStringLiteral("b2"),   QStringLiteral("b3-end")};
    QCOMPARE(linesOf(widget.logView(Pane::Live)), expected);
    QCOMPARE(linesOf(widget.logView(Pane::Install)), expected.mid(0, 4));
    QCOMPARE(linesOf(widget.logView(Pane::Build)), expected.mid(4));
    QCOMPARE(widget.liveOutputBytes(), run.liveSize);
    QCOMPARE(widget.phaseText(), QStringLiteral("build"));
    QTRY_COMPARE(column(widget.eventModel(), 2), QStringList({QStringLiteral("Build started")}));
    QTest::qWait(50);
    QCOMPARE(widget.eventModel()->rowCount(), 1);

    // After the load, the hub goes on.
    run.output(Phase::Build, LogStream::Stdout, QStringLiteral("b4\n"));
    QCOMPARE(linesOf(widget.logView(Pane::Live)).constLast(), QStringLiteral("b4"));
    QCOMPARE(linesOf(widget.logView(Pane::Live)).size(), expected.size() + 1);
}

void tst_BuildStatus::outputTheHubSkippedIsReadFromTheStore()
{
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.startPhase(Phase::Build, QStringLiteral("Building"), 60);
    run.output(Phase::Build, LogStream::Stdout, QStringLiteral("one\n"));
    AWAIT_OK(flushed, m_store->flush());
    Widget widget(m_store.get(), m_hub.get());
    QVERIFY(loadWidget(widget, run.build.id));

    run.output(Phase::Build, LogStream::Stdout, QStringLiteral("two (never announced)\n"), false);
    run.output(Phase::Build, LogStream::Stderr, QStringLiteral("three\n"));
    // The gap is read from the store, then the held piece follows.
    QTRY_COMPARE(linesOf(widget.logView(Pane::Live)),
                 QStringList({QStringLiteral("one"), QStringLiteral("two (never announced)"),
                              QStringLiteral("three")}));
    QCOMPARE(widget.logView(Pane::Build)->buffer().lineStream(2), LogStream::Stderr);
    QCOMPARE(widget.liveOutputBytes(), run.liveSize);
}

void tst_BuildStatus::completedOnceWhenTheBuildEnds()
{
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.startPhase(Phase::Build, QStringLiteral("Building"), 60);
    AWAIT_OK(flushed, m_store->flush());
    Widget widget(m_store.get(), m_hub.get());
    QSignalSpy completed(&widget, &Widget::completed);
    QVERIFY(loadWidget(widget, run.build.id));
    QCOMPARE(completed.count(), 0);

    run.finish(BuildStatus::Success);
    QCOMPARE(completed.count(), 1);
    QCOMPARE(completed.at(0).at(0).value<vw::BuildStatus>(), BuildStatus::Success);
    QCOMPARE(widget.statusText(), QStringLiteral("Succeeded"));
    QCOMPARE(widget.phaseText(), QStringLiteral("complete"));
    QCOMPARE(widget.progressValue(), 100);
    QVERIFY(widget.etaText().isEmpty());
    // Late repeats of the end state do not fire it again.
    m_hub->announceChanged(run.build);
    m_hub->announceFinished(run.build);
    QTest::qWait(50);
    QCOMPARE(completed.count(), 1);
}

void tst_BuildStatus::completedForABuildThatHadAlreadyEnded()
{
    // Like the React component's onComplete, which fired on the first fetch of an ended build:
    // once, after the load (never from inside setBuildId()).
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.startPhase(Phase::Install, QStringLiteral("Installing"), 20);
    run.finish(BuildStatus::Cancelled);
    AWAIT_OK(flushed, m_store->flush());

    Widget widget(m_store.get(), m_hub.get());
    QSignalSpy completed(&widget, &Widget::completed);
    widget.setBuildId(run.build.id);
    QCOMPARE(completed.count(), 0);
    QTRY_COMPARE(completed.count(), 1);
    QCOMPARE(completed.at(0).at(0).value<vw::BuildStatus>(), BuildStatus::Cancelled);
    QTest::qWait(50);
    QCOMPARE(completed.count(), 1);

    // Showing it again is a new showing: once more.
    widget.setBuildId(run.build.id);
    QTRY_COMPARE(completed.count(), 2);
}

void tst_BuildStatus::failedBuildShowsTheErrorAndJumpsToIt()
{
    const QString error = QStringLiteral(
        "npm ERR! 404 Not Found - GET https://registry.npmjs.org/nonexistent-package");
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.startPhase(Phase::Setup, QStringLiteral("Preparing"), 2);
    run.output(Phase::Setup, LogStream::Stdout, QStringLiteral("setup 1\nsetup 2\n"));
    run.startPhase(Phase::Install, QStringLiteral("Installing dependencies with npm"), 30);
    QString install;
    for (int i = 0; i < 120; ++i)
        install +=
            QStringLiteral("npm http fetch GET 200 https://registry.npmjs.org/pkg-%1\n").arg(i);
    run.output(Phase::Install, LogStream::Stdout, install);
    run.output(Phase::Install, LogStream::Stderr,
               QStringLiteral("npm ERR! code E404\n\x1b[31m%1\x1b[0m\nnpm ERR! A complete log of "
                              "this run can be found in: /root/.npm/_logs/x.log\n")
                   .arg(error));
    for (int i = 0; i < 60; ++i)
        run.output(Phase::Install, LogStream::Stdout, QStringLiteral("cleanup %1\n").arg(i));
    AWAIT_OK(flushed, m_store->flush());

    Widget widget(m_store.get(), m_hub.get());
    widget.resize(900, 760);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    QSignalSpy completed(&widget, &Widget::completed);
    QVERIFY(loadWidget(widget, run.build.id));
    QVERIFY(!widget.isErrorVisible());
    QVERIFY(!widget.jumpToFirstErrorAction()->isEnabled());

    run.finish(BuildStatus::Failed, error);
    QCOMPARE(completed.count(), 1);
    QCOMPARE(completed.at(0).at(0).value<vw::BuildStatus>(), BuildStatus::Failed);
    QVERIFY(widget.isErrorVisible());
    QCOMPARE(widget.errorText(), error);
    QCOMPARE(widget.statusText(), QStringLiteral("Failed"));
    QCOMPARE(widget.phaseText(), QStringLiteral("install")); // where it failed
    QVERIFY(column(widget.eventModel(), 2).contains(error));

    const Widget::ErrorLocation location = widget.firstError();
    QCOMPARE(location.pane, Pane::Install);
    QCOMPARE(location.line, qsizetype(121)); // 120 fetch lines, "code E404", then the error
    QVERIFY(widget.jumpToFirstErrorAction()->isEnabled());
    QVERIFY(widget.jumpToFirstErrorAction()->shortcuts().contains(QKeySequence(Qt::Key_F8)));

    // Scroll away and collapse, then jump.
    vw::ui::LogView *installView = widget.logView(Pane::Install);
    widget.setPaneExpanded(Pane::Install, false);
    widget.setPaneExpanded(Pane::Live, true);
    widget.jumpToFirstErrorAction()->trigger();
    QVERIFY(widget.isPaneExpanded(Pane::Install));
    QCOMPARE(installView->highlightedLine(), qsizetype(121));
    QVERIFY2(installView->firstVisibleLine() <= 121 && installView->lastVisibleLine() >= 121,
             qPrintable(QStringLiteral("visible %1..%2")
                            .arg(installView->firstVisibleLine())
                            .arg(installView->lastVisibleLine())));
    QCOMPARE(installView->buffer().lineText(121), error);
    QVERIFY(installView->hasFocus());

    // The keyboard: F8 from anywhere in the widget.
    installView->highlightLine(-1);
    installView->scrollToLine(0);
    widget.setPaneExpanded(Pane::Install, false);
    widget.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&widget));
    widget.timeline()->setFocus();
    QTest::keyClick(widget.timeline(), Qt::Key_F8);
    QVERIFY(widget.isPaneExpanded(Pane::Install));
    QCOMPARE(installView->highlightedLine(), qsizetype(121));

    // Without the message in the log, ErrorLineExtractor's rules find the line.
    run.build.errorMessage = QStringLiteral("The build failed");
    m_hub->announceChanged(run.build);
    QCOMPARE(widget.firstError().pane, Pane::Install);
    QCOMPARE(widget.firstError().line, qsizetype(121));
}

void tst_BuildStatus::latestOfProjectSwitchesToANewBuild()
{
    Widget widget(m_store.get(), m_hub.get());
    QSignalSpy loaded(&widget, &Widget::loaded);
    widget.setLatestOfProject(m_projectId);
    QTRY_COMPARE(widget.statusText(), QStringLiteral("No builds yet"));

    FakeRun first(*m_store, *m_hub);
    QVERIFY(first.create(m_projectId));
    QVERIFY(loaded.wait(10'000));
    QCOMPARE(widget.buildId(), first.build.id);
    first.startPhase(Phase::Install, QStringLiteral("Installing"), 20);
    first.output(Phase::Install, LogStream::Stdout, QStringLiteral("first build\n"));
    first.finish(BuildStatus::Success);

    // Another project's build does not count.
    AWAIT_OK(other, m_store->ensureProject(QStringLiteral("sb"), QStringLiteral("/other")));
    FakeRun elsewhere(*m_store, *m_hub);
    QVERIFY(elsewhere.create(other.value().id));
    QCOMPARE(widget.buildId(), first.build.id);

    QSignalSpy switched(&widget, &Widget::buildIdChanged);
    FakeRun second(*m_store, *m_hub);
    QVERIFY(second.create(m_projectId));
    QCOMPARE(switched.count(), 1);
    QCOMPARE(widget.buildId(), second.build.id);
    second.startPhase(Phase::Setup, QStringLiteral("Preparing"), 2);
    second.output(Phase::Setup, LogStream::Stdout, QStringLiteral("second build\n"));
    QTRY_VERIFY(!widget.isLoading());
    QCOMPARE(widget.statusText(), QStringLiteral("Running"));
    QCOMPARE(linesOf(widget.logView(Pane::Live)), QStringList({QStringLiteral("second build")}));

    // Opened on a project that has builds: its latest one.
    Widget other2(m_store.get(), m_hub.get());
    QSignalSpy loaded2(&other2, &Widget::loaded);
    other2.setLatestOfProject(m_projectId);
    QVERIFY(loaded2.wait(10'000));
    QCOMPARE(other2.buildId(), second.build.id);
}

void tst_BuildStatus::clickingATimelineSegmentShowsThatPhasesLog()
{
    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.startPhase(Phase::Install, QStringLiteral("Installing"), 20);
    run.output(Phase::Install, LogStream::Stdout, QStringLiteral("install output\n"));
    run.startPhase(Phase::Build, QStringLiteral("Building"), 60);
    AWAIT_OK(flushed, m_store->flush());
    Widget widget(m_store.get(), m_hub.get());
    widget.resize(900, 760);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    QVERIFY(loadWidget(widget, run.build.id));
    QVERIFY(!widget.isPaneExpanded(Pane::Install));
    QVERIFY(!widget.isPaneExpanded(Pane::Build));

    vw::ui::PhaseTimeline *timeline = widget.timeline();
    QTest::mouseClick(timeline, Qt::LeftButton, {}, timeline->segmentRect(Phase::Install).center());
    QVERIFY(widget.isPaneExpanded(Pane::Install));
    QVERIFY(widget.logView(Pane::Install)->hasFocus());
    QVERIFY(widget.logView(Pane::Install)->isVisible());
    QTest::mouseClick(timeline, Qt::LeftButton, {}, timeline->segmentRect(Phase::Build).center());
    QVERIFY(widget.isPaneExpanded(Pane::Build));
    QVERIFY(widget.logView(Pane::Build)->hasFocus());
}

void tst_BuildStatus::panesCollapseToTheirHeader()
{
    Widget widget(m_store.get(), m_hub.get());
    widget.resize(900, 760);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    vw::ui::BuildStatusLogPane *install = widget.logPane(Pane::Install);
    QVERIFY(!install->isExpanded());
    QVERIFY(!install->view()->isVisible());
    QVERIFY(install->height() <= install->header()->sizeHint().height() + 2);
    QTest::mouseClick(install->header(), Qt::LeftButton);
    QVERIFY(install->isExpanded());
    QTRY_VERIFY(install->view()->height() > 60);
    QCOMPARE(install->header()->arrowType(), Qt::DownArrow);
    QTest::mouseClick(install->header(), Qt::LeftButton);
    QVERIFY(!install->isExpanded());
    QVERIFY(!install->header()->accessibleName().isEmpty());
}

void tst_BuildStatus::screenshots()
{
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));

    FakeRun run(*m_store, *m_hub);
    QVERIFY(run.create(m_projectId));
    run.event(BuildEvent::Type::Created, std::nullopt, QStringLiteral("Build created (manual)"));
    run.startPhase(Phase::Setup, QStringLiteral("Preparing the sandbox"), 3);
    run.event(BuildEvent::Type::PhaseStarted, Phase::Setup, QStringLiteral("Setup started"));
    run.output(Phase::Setup, LogStream::Stdout, QStringLiteral("$ git clone … done\n"));
    run.build.metadata.insert(QStringLiteral("eta_remaining_ms"), 83'000);
    run.startPhase(Phase::Install, QStringLiteral("Installing dependencies with npm"), 28);
    run.event(BuildEvent::Type::PhaseFinished, Phase::Setup, QStringLiteral("Setup finished"));
    run.event(BuildEvent::Type::PhaseStarted, Phase::Install, QStringLiteral("Install started"));
    run.event(BuildEvent::Type::CommandStarted, Phase::Install, QStringLiteral("npm ci"));
    for (int i = 0; i < 30; ++i)
        run.output(Phase::Install, LogStream::Stdout,
                   QStringLiteral("\x1b[32mnpm\x1b[0m http fetch GET 200 "
                                  "https://registry.npmjs.org/package-%1 %2ms\n")
                       .arg(i)
                       .arg(20 + i * 3));
    run.output(
        Phase::Install, LogStream::Stderr,
        QStringLiteral("npm WARN deprecated inflight@1.0.6: This module is not supported\n"));
    AWAIT_OK(flushed, m_store->flush());

    Widget widget(m_store.get(), m_hub.get());
    widget.resize(900, 760);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    QVERIFY(loadWidget(widget, run.build.id));
    widget.setPaneExpanded(Pane::Install, true);
    QTest::qWait(120); // the log views' coalesced repaint
    QVERIFY(widget.grab().save(dir + QStringLiteral("/buildstatus-running.png")));

    const QString error = QStringLiteral(
        "npm ERR! 404 Not Found - GET https://registry.npmjs.org/nonexistent-package");
    run.output(
        Phase::Install, LogStream::Stderr,
        QStringLiteral("npm ERR! code E404\n%1\nnpm ERR! 404 'nonexistent-package@^1.0.0' is "
                       "not in this registry.\n")
            .arg(error));
    run.event(BuildEvent::Type::CommandExited, Phase::Install,
              QStringLiteral("npm ci exited with 1"));
    run.finish(BuildStatus::Failed, error);
    widget.setPaneExpanded(Pane::Live, false);
    QVERIFY(widget.jumpToFirstError());
    QTest::qWait(120);
    QVERIFY(widget.grab().save(dir + QStringLiteral("/buildstatus-failed.png")));
}

QTEST_MAIN(tst_BuildStatus)
#include "tst_buildstatus.moc"
