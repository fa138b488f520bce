#include "ui/BuildIndicator.h"

#include "app/engine/BuildHub.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>

using namespace vw;
using vw::ui::BuildIndicator;

namespace {

Build runningBuild(qint64 id, qint64 projectId)
{
    Build b;
    b.id = id;
    b.projectId = projectId;
    b.status = BuildStatus::Running;
    b.phase = Phase::Build;
    b.currentStep = QStringLiteral("Building with npm");
    b.progress = 45;
    b.startedAt = QDateTime::currentDateTimeUtc().addSecs(-75);
    return b;
}

} // namespace

class tst_BuildIndicator : public QObject
{
    Q_OBJECT

private slots:
    void compactSaysTheStatusShortly_data();
    void compactSaysTheStatusShortly();
    void fullCardShowsPhaseProgressDurationAndStart();
    void followsTheNewestBuildOfItsProjectFromTheHub();
    void clickAndKeyboardEmitClicked();
    void screenshots();
};

void tst_BuildIndicator::compactSaysTheStatusShortly_data()
{
    QTest::addColumn<BuildStatus>("status");
    QTest::addColumn<QString>("text");
    QTest::newRow("running") << BuildStatus::Running << QStringLiteral("Running · build 45 %");
    QTest::newRow("queued") << BuildStatus::Queued << QStringLiteral("Queued");
    QTest::newRow("success") << BuildStatus::Success << QStringLiteral("Succeeded");
    QTest::newRow("failed") << BuildStatus::Failed << QStringLiteral("Failed");
    QTest::newRow("interrupted") << BuildStatus::Interrupted << QStringLiteral("Interrupted");
}

void tst_BuildIndicator::compactSaysTheStatusShortly()
{
    QFETCH(BuildStatus, status);
    QFETCH(QString, text);
    BuildIndicator indicator;
    QCOMPARE(indicator.statusText(), QStringLiteral("No builds yet"));
    Build b = runningBuild(1, 1);
    b.status = status;
    indicator.setBuild(b);
    QCOMPARE(indicator.statusText(), text);
    indicator.setProjectName(QStringLiteral("web"));
    QCOMPARE(indicator.accessibleName(), QStringLiteral("web: %1").arg(text));
}

void tst_BuildIndicator::fullCardShowsPhaseProgressDurationAndStart()
{
    BuildIndicator indicator(BuildIndicator::Mode::Full);
    indicator.setProjectName(QStringLiteral("sample in local"));
    indicator.setBuild(runningBuild(3, 1));
    indicator.show();
    QVERIFY(QTest::qWaitForWindowExposed(&indicator));
    QStringList texts;
    for (const QLabel *label : indicator.findChildren<QLabel *>())
        if (label->isVisible())
            texts.append(label->text());
    const QString all = texts.join(u'\n');
    QVERIFY2(all.contains(QStringLiteral("sample in local")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("build: Building with npm")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("running for 1 min 15 s")), qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("started ")), qPrintable(all));
    QProgressBar *progress = indicator.findChild<QProgressBar *>();
    QVERIFY(progress->isVisible());
    QCOMPARE(progress->value(), 45);
    // The duration ticks while it runs (the one timer the views have).
    QTRY_VERIFY_WITH_TIMEOUT(indicator.durationText() == QStringLiteral("1 min 16 s"), 3000);

    Build done = runningBuild(3, 1);
    done.status = BuildStatus::Success;
    done.durationMs = 80'000;
    indicator.setBuild(done);
    QVERIFY(!progress->isVisible());
    QCOMPARE(indicator.durationText(), QStringLiteral("1 min 20 s"));
}

void tst_BuildIndicator::followsTheNewestBuildOfItsProjectFromTheHub()
{
    engine::BuildHub hub;
    BuildIndicator indicator;
    indicator.follow(&hub, 5);
    hub.announceCreated(runningBuild(10, 5));
    QCOMPARE(indicator.build()->id, 10);
    hub.announceCreated(runningBuild(11, 6)); // another project
    QCOMPARE(indicator.build()->id, 10);
    Build newer = runningBuild(12, 5);
    newer.status = BuildStatus::Queued;
    hub.announceCreated(newer);
    QCOMPARE(indicator.statusText(), QStringLiteral("Queued"));
    Build olderFinished = runningBuild(10, 5);
    olderFinished.status = BuildStatus::Failed;
    hub.announceFinished(olderFinished); // a late update of an older build changes nothing
    QCOMPARE(indicator.build()->id, 12);
    newer.status = BuildStatus::Failed;
    newer.errorMessage = QStringLiteral("npm ERR! missing script: build");
    hub.announceFinished(newer);
    QCOMPARE(indicator.statusText(), QStringLiteral("Failed"));
    QVERIFY(indicator.toolTip().contains(QStringLiteral("npm ERR! missing script: build")));
}

void tst_BuildIndicator::clickAndKeyboardEmitClicked()
{
    BuildIndicator indicator;
    indicator.show();
    QVERIFY(QTest::qWaitForWindowExposed(&indicator));
    QSignalSpy clicked(&indicator, &BuildIndicator::clicked);
    QTest::mouseClick(&indicator, Qt::LeftButton);
    indicator.setFocus();
    QTest::keyClick(&indicator, Qt::Key_Space);
    QTest::keyClick(&indicator, Qt::Key_Return);
    QCOMPARE(clicked.count(), 3);
}

void tst_BuildIndicator::screenshots()
{
    QWidget row;
    auto *layout = new QHBoxLayout(&row);
    const QList<BuildStatus> statuses{BuildStatus::Running, BuildStatus::Success,
                                      BuildStatus::Failed};
    for (BuildStatus status : statuses) {
        auto *card = new BuildIndicator(BuildIndicator::Mode::Full, &row);
        Build b = runningBuild(int(status) + 1, 1);
        b.status = status;
        if (status != BuildStatus::Running)
            b.durationMs = 42'000;
        card->setProjectName(QStringLiteral("sample in local"));
        card->setBuild(b);
        layout->addWidget(card);
        auto *compact = new BuildIndicator(BuildIndicator::Mode::Compact, &row);
        compact->setBuild(b);
        layout->addWidget(compact);
    }
    row.show();
    QVERIFY(QTest::qWaitForWindowExposed(&row));
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(row.grab().save(dir + QStringLiteral("/buildindicator.png")));
}

QTEST_MAIN(tst_BuildIndicator)
#include "tst_buildindicator.moc"
