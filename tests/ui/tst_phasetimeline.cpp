#include "ui/PhaseTimeline.h"

#include "ui/StatusStyle.h"

#include <QDir>
#include <QSignalSpy>
#include <QTest>

using namespace vw;
using vw::ui::PhaseTimeline;
using State = PhaseTimeline::SegmentState;

namespace {

const QDateTime kStart = QDateTime::fromString(QStringLiteral("2026-11-24T10:00:00Z"), Qt::ISODate);

PhaseRecord record(Phase phase, int fromS, std::optional<int> toS, std::optional<int> exit = 0,
                   bool skipped = false)
{
    PhaseRecord r;
    r.phase = phase;
    r.skipped = skipped;
    if (skipped) {
        r.skipReason = QStringLiteral("dependency-cache");
        return r;
    }
    r.startedAt = kStart.addSecs(fromS);
    if (toS) {
        r.completedAt = kStart.addSecs(*toS);
        r.durationMs = qint64(*toS - fromS) * 1000;
        r.exitCode = exit;
    }
    return r;
}

Build successfulBuild()
{
    Build b;
    b.id = 7;
    b.status = BuildStatus::Success;
    b.phase = Phase::Complete;
    b.phases = {record(Phase::Setup, 0, 1), record(Phase::Install, 1, 3),
                record(Phase::Build, 3, 40), record(Phase::Complete, 40, 40)};
    return b;
}

} // namespace

class tst_PhaseTimeline : public QObject
{
    Q_OBJECT

private slots:
    void segmentState_data();
    void segmentState();
    void longerPhasesGetWiderSegments();
    void clickingASegmentNamesItsPhase();
    void tooltipsSayStartEndAndWhySkipped();
    void paintsFailedRedAndSkippedHatched();
};

void tst_PhaseTimeline::segmentState_data()
{
    QTest::addColumn<Build>("build");
    QTest::addColumn<Phase>("phase");
    QTest::addColumn<State>("state");
    Build running;
    running.status = BuildStatus::Running;
    running.phases = {record(Phase::Setup, 0, 1), record(Phase::Install, 1, std::nullopt)};
    QTest::newRow("done") << running << Phase::Setup << State::Done;
    QTest::newRow("running") << running << Phase::Install << State::Running;
    QTest::newRow("pending") << running << Phase::Build << State::Pending;

    Build failed = running;
    failed.status = BuildStatus::Failed;
    failed.phases = {record(Phase::Setup, 0, 1), record(Phase::Install, 1, 2, 1)};
    QTest::newRow("failed by exit code") << failed << Phase::Install << State::Failed;
    QTest::newRow("not reached after failure") << failed << Phase::Build << State::Pending;
    Build failedWithComplete = failed;
    failedWithComplete.phases.append(record(Phase::Complete, 2, 2));
    QTest::newRow("complete of a failed build is not done")
        << failedWithComplete << Phase::Complete << State::Pending;

    Build cancelled = running;
    cancelled.status = BuildStatus::Cancelled;
    cancelled.phases = {record(Phase::Setup, 0, 1), record(Phase::Install, 1, 2, 143)};
    QTest::newRow("cancelled is stopped, not failed")
        << cancelled << Phase::Install << State::Stopped;

    Build interrupted = running;
    interrupted.status = BuildStatus::Interrupted;
    QTest::newRow("open phase of an interrupted build")
        << interrupted << Phase::Install << State::Stopped;

    Build cached = successfulBuild();
    cached.phases[1] = record(Phase::Install, 1, std::nullopt, 0, true);
    QTest::newRow("skipped") << cached << Phase::Install << State::Skipped;
    Build complete = successfulBuild();
    complete.phases.removeLast();
    QTest::newRow("complete without a record") << complete << Phase::Complete << State::Done;
}

void tst_PhaseTimeline::segmentState()
{
    QFETCH(Build, build);
    QFETCH(Phase, phase);
    QFETCH(State, state);
    QCOMPARE(PhaseTimeline::segmentState(build, phase), state);
}

void tst_PhaseTimeline::longerPhasesGetWiderSegments()
{
    PhaseTimeline timeline;
    timeline.resize(800, 30);
    timeline.setBuild(successfulBuild());
    QVERIFY(timeline.segmentRect(Phase::Build).width() >
            3 * timeline.segmentRect(Phase::Install).width());
    // Every segment keeps room for its name, and they do not overlap.
    int right = -1;
    for (Phase phase : allPhases()) {
        const QRect r = timeline.segmentRect(phase);
        QVERIFY(r.width() >= timeline.fontMetrics().horizontalAdvance(phaseName(phase)));
        QVERIFY(r.left() > right);
        right = r.right();
    }
}

void tst_PhaseTimeline::clickingASegmentNamesItsPhase()
{
    PhaseTimeline timeline;
    timeline.resize(800, 30);
    timeline.setBuild(successfulBuild());
    timeline.show();
    QVERIFY(QTest::qWaitForWindowExposed(&timeline));
    QSignalSpy clicked(&timeline, &PhaseTimeline::phaseClicked);
    QTest::mouseClick(&timeline, Qt::LeftButton, {}, timeline.segmentRect(Phase::Install).center());
    QTest::mouseClick(&timeline, Qt::LeftButton, {}, timeline.segmentRect(Phase::Build).center());
    QCOMPARE(clicked.count(), 2);
    QCOMPARE(clicked.at(0).first().value<Phase>(), Phase::Install);
    QCOMPARE(clicked.at(1).first().value<Phase>(), Phase::Build);
}

void tst_PhaseTimeline::tooltipsSayStartEndAndWhySkipped()
{
    PhaseTimeline timeline;
    Build b = successfulBuild();
    b.phases[1] = record(Phase::Install, 1, std::nullopt, 0, true);
    timeline.setBuild(b);
    const QString build = timeline.toolTipFor(Phase::Build);
    QVERIFY2(
        build.contains(kStart.addSecs(3).toLocalTime().toString(QStringLiteral("HH:mm:ss"))) &&
            build.contains(kStart.addSecs(40).toLocalTime().toString(QStringLiteral("HH:mm:ss"))) &&
            build.contains(QStringLiteral("37 s")),
        qPrintable(build));
    QCOMPARE(timeline.toolTipFor(Phase::Install),
             QStringLiteral("install: skipped (dependency-cache)"));
    QVERIFY(timeline.accessibleDescription().contains(QStringLiteral("install: skipped")));
}

void tst_PhaseTimeline::paintsFailedRedAndSkippedHatched()
{
    PhaseTimeline timeline;
    timeline.resize(640, 28);
    Build b;
    b.status = BuildStatus::Failed;
    b.phases = {record(Phase::Setup, 0, 1), record(Phase::Install, 1, std::nullopt, 0, true),
                record(Phase::Build, 1, 20, 2)};
    timeline.setBuild(b);
    const QImage image = timeline.grab().toImage();
    const QRect build = timeline.segmentRect(Phase::Build);
    // Near the segment's left edge, away from its centred label.
    const QColor red = image.pixelColor(build.left() + 6, build.top() + 5);
    QCOMPARE(red.rgb(), vw::ui::StatusStyle::color(BuildStatus::Failed).rgb());
    const QColor green =
        image.pixelColor(timeline.segmentRect(Phase::Setup).left() + 4, build.top() + 5);
    QCOMPARE(green.rgb(), vw::ui::StatusStyle::color(BuildStatus::Success).rgb());
    // Hatching: the skipped segment is neither empty nor one flat colour.
    const QRect skipped = timeline.segmentRect(Phase::Install);
    QSet<QRgb> colours;
    for (int x = skipped.left() + 3; x < skipped.left() + 20; ++x)
        colours.insert(image.pixel(x, skipped.top() + 4));
    QVERIFY(colours.size() > 1);

    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(timeline.grab().save(dir + QStringLiteral("/phasetimeline-failed.png")));
}

QTEST_MAIN(tst_PhaseTimeline)
#include "tst_phasetimeline.moc"
