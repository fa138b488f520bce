#include "app/engine/BuildTransitions.h"

#include <QTest>

using namespace vw;
using namespace vw::engine;

using Previous = std::optional<BuildStatus>;

class tst_BuildTransitions : public QObject
{
    Q_OBJECT

private slots:
    void classify_data();
    void classify();
    void wanted_data();
    void wanted();
    void mostSevere_data();
    void mostSevere();
    void titles();
};

namespace {

Build withStatus(BuildStatus status)
{
    Build b;
    b.status = status;
    return b;
}

} // namespace

void tst_BuildTransitions::classify_data()
{
    QTest::addColumn<Previous>("previous");
    QTest::addColumn<BuildStatus>("status");
    QTest::addColumn<bool>("started");
    QTest::addColumn<BuildTransition>("transition");
    const Previous none;
    QTest::newRow("start") << none << BuildStatus::Running << true << BuildTransition::Started;
    QTest::newRow("running update is no news")
        << Previous(BuildStatus::Success) << BuildStatus::Running << false << BuildTransition::None;
    QTest::newRow("queued") << none << BuildStatus::Queued << false << BuildTransition::None;
    QTest::newRow("first success")
        << none << BuildStatus::Success << false << BuildTransition::Succeeded;
    QTest::newRow("success again") << Previous(BuildStatus::Success) << BuildStatus::Success
                                   << false << BuildTransition::Succeeded;
    QTest::newRow("fixed") << Previous(BuildStatus::Failed) << BuildStatus::Success << false
                           << BuildTransition::Fixed;
    QTest::newRow("first failure breaks")
        << none << BuildStatus::Failed << false << BuildTransition::Failed;
    QTest::newRow("broken") << Previous(BuildStatus::Success) << BuildStatus::Failed << false
                            << BuildTransition::Failed;
    QTest::newRow("still failing") << Previous(BuildStatus::Failed) << BuildStatus::Failed << false
                                   << BuildTransition::StillFailing;
    QTest::newRow("failure after a cancel counts from the cancel")
        << Previous(BuildStatus::Cancelled) << BuildStatus::Failed << false
        << BuildTransition::Failed;
    QTest::newRow("cancelled is no news") << Previous(BuildStatus::Failed) << BuildStatus::Cancelled
                                          << false << BuildTransition::None;
    QTest::newRow("interrupted is no news")
        << none << BuildStatus::Interrupted << false << BuildTransition::None;
}

void tst_BuildTransitions::classify()
{
    QFETCH(Previous, previous);
    QFETCH(BuildStatus, status);
    QFETCH(bool, started);
    QFETCH(BuildTransition, transition);
    QCOMPARE(BuildTransitions::classify(previous, withStatus(status), started), transition);
}

void tst_BuildTransitions::wanted_data()
{
    QTest::addColumn<BuildTransition>("transition");
    QTest::addColumn<bool>("byDefault");
    QTest::newRow("started") << BuildTransition::Started << false;
    QTest::newRow("succeeded") << BuildTransition::Succeeded << true;
    QTest::newRow("fixed") << BuildTransition::Fixed << true;
    QTest::newRow("failed") << BuildTransition::Failed << true;
    QTest::newRow("still failing") << BuildTransition::StillFailing << true;
    QTest::newRow("none") << BuildTransition::None << false;
}

void tst_BuildTransitions::wanted()
{
    QFETCH(BuildTransition, transition);
    QFETCH(bool, byDefault);
    NotificationSettings settings;
    QCOMPARE(BuildTransitions::wanted(transition, settings), byDefault);
    settings.paused = true;
    QVERIFY(!BuildTransitions::wanted(transition, settings));
    // Each switch turns its own transition off and no other.
    NotificationSettings off;
    off.started = off.succeeded = off.fixed = off.failed = off.stillFailing = false;
    QVERIFY(!BuildTransitions::wanted(transition, off));
}

void tst_BuildTransitions::mostSevere_data()
{
    QTest::addColumn<QList<BuildStatus>>("latest");
    QTest::addColumn<std::optional<BuildStatus>>("severest");
    using L = QList<BuildStatus>;
    QTest::newRow("no builds") << L{} << std::optional<BuildStatus>();
    QTest::newRow("all good") << L{BuildStatus::Success, BuildStatus::Success}
                              << std::optional(BuildStatus::Success);
    QTest::newRow("building beats success")
        << L{BuildStatus::Success, BuildStatus::Queued} << std::optional(BuildStatus::Running);
    QTest::newRow("failed beats everything")
        << L{BuildStatus::Running, BuildStatus::Failed, BuildStatus::Success}
        << std::optional(BuildStatus::Failed);
    QTest::newRow("cancelled only")
        << L{BuildStatus::Cancelled, BuildStatus::Interrupted} << std::optional<BuildStatus>();
}

void tst_BuildTransitions::mostSevere()
{
    QFETCH(QList<BuildStatus>, latest);
    QFETCH(std::optional<BuildStatus>, severest);
    QList<Build> builds;
    for (BuildStatus s : latest)
        builds.append(withStatus(s));
    QCOMPARE(BuildTransitions::mostSevere(builds), severest);
}

void tst_BuildTransitions::titles()
{
    QCOMPARE(BuildTransitions::title(BuildTransition::Fixed, QStringLiteral("web")),
             QStringLiteral("web: build fixed"));
    QCOMPARE(BuildTransitions::title(BuildTransition::StillFailing, QStringLiteral("api")),
             QStringLiteral("api: build still failing"));
}

QTEST_GUILESS_MAIN(tst_BuildTransitions)
#include "tst_buildtransitions.moc"
