#include "app/automation/CctrayFeed.h"
#include "tests/support/CctrayFormat.h"

#include <QTest>

using vw::automation::CctrayFeed;

// The cctray.xml document checked against the cctray format, and what each project's attributes
// say in each state: no build yet, building, success, failure, interrupted, cancelled.
class TestCctrayFeed : public QObject
{
    Q_OBJECT

private slots:
    void states_data();
    void states();
    void emptyFeedIsValid();
    void repeatedNamesAreTold();
    void timesCarryTheZoneOffset();
};

namespace {

vw::Project project(qint64 id, const QString &name, const QString &directory,
                    const QString &sandbox = QStringLiteral("local"))
{
    vw::Project p;
    p.id = id;
    p.name = name;
    p.directory = directory;
    p.sandboxId = sandbox;
    return p;
}

vw::Build build(qint64 id, vw::BuildStatus status)
{
    vw::Build b;
    b.id = id;
    b.projectId = 1;
    b.status = status;
    b.createdAt = QDateTime(QDate(2026, 3, 4), QTime(10, 0), Qt::UTC);
    if (vw::isFinished(status))
        b.completedAt = b.createdAt.addSecs(90);
    return b;
}

} // namespace

Q_DECLARE_METATYPE(std::optional<vw::Build>)

void TestCctrayFeed::states_data()
{
    QTest::addColumn<std::optional<vw::Build>>("newest");
    QTest::addColumn<std::optional<vw::Build>>("verdict");
    QTest::addColumn<QString>("activity");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("webUrl");

    using S = vw::BuildStatus;
    const QString base = QStringLiteral("http://127.0.0.1:4000");
    QTest::newRow("no build yet") << std::optional<vw::Build>() << std::optional<vw::Build>()
                                  << "Sleeping"
                                  << "Unknown"
                                  << "" << base + "/workspace/builds/1/detailed";
    QTest::newRow("first build running")
        << std::optional(build(1, S::Running)) << std::optional<vw::Build>() << "Building"
        << "Unknown"
        << "" << base + "/workspace/build/1/details";
    QTest::newRow("queued counts as building")
        << std::optional(build(3, S::Queued)) << std::optional(build(2, S::Success)) << "Building"
        << "Success"
        << "2" << base + "/workspace/build/3/details";
    QTest::newRow("success") << std::optional(build(2, S::Success))
                             << std::optional(build(2, S::Success)) << "Sleeping"
                             << "Success"
                             << "2" << base + "/workspace/build/2/details";
    QTest::newRow("failure") << std::optional(build(4, S::Failed))
                             << std::optional(build(4, S::Failed)) << "Sleeping"
                             << "Failure"
                             << "4" << base + "/workspace/build/4/details";
    QTest::newRow("interrupted is an exception")
        << std::optional(build(5, S::Interrupted)) << std::optional(build(5, S::Interrupted))
        << "Sleeping"
        << "Exception"
        << "5" << base + "/workspace/build/5/details";
    QTest::newRow("cancelled keeps the verdict before")
        << std::optional(build(6, S::Cancelled)) << std::optional(build(4, S::Failed)) << "Sleeping"
        << "Failure"
        << "4" << base + "/workspace/build/6/details";
    QTest::newRow("only cancelled builds")
        << std::optional(build(7, S::Cancelled)) << std::optional<vw::Build>() << "Sleeping"
        << "Unknown"
        << "" << base + "/workspace/build/7/details";
}

void TestCctrayFeed::states()
{
    QFETCH(std::optional<vw::Build>, newest);
    QFETCH(std::optional<vw::Build>, verdict);
    QFETCH(QString, activity);
    QFETCH(QString, status);
    QFETCH(QString, label);
    QFETCH(QString, webUrl);
    const QByteArray xml = CctrayFeed::document(
        {CctrayFeed::Entry{project(1, QStringLiteral("web"), QStringLiteral("/p/web")), newest,
                           verdict}},
        QStringLiteral("http://127.0.0.1:4000"));
    const vw::test::CctrayCheck check = vw::test::checkCctray(xml);
    QVERIFY2(check.problems.isEmpty(), qPrintable(check.problems.join(u'\n') + u'\n' + xml));
    QCOMPARE(check.projects.size(), 1);
    const auto attributes = check.projects.value(QStringLiteral("web"));
    QCOMPARE(attributes.value(QStringLiteral("activity")), activity);
    QCOMPARE(attributes.value(QStringLiteral("lastBuildStatus")), status);
    QCOMPARE(attributes.value(QStringLiteral("lastBuildLabel")), label);
    QCOMPARE(attributes.value(QStringLiteral("lastBuildTime")).isEmpty(), label.isEmpty());
    QCOMPARE(attributes.value(QStringLiteral("webUrl")), webUrl);
}

void TestCctrayFeed::emptyFeedIsValid()
{
    const QByteArray xml = CctrayFeed::document({}, QStringLiteral("http://localhost:4000"));
    const vw::test::CctrayCheck check = vw::test::checkCctray(xml);
    QVERIFY2(check.problems.isEmpty(), qPrintable(check.problems.join(u'\n')));
    QVERIFY(check.projects.isEmpty());
    QVERIFY(xml.contains("<Projects"));
}

void TestCctrayFeed::repeatedNamesAreTold()
{
    const QList<vw::Project> projects{
        project(1, QStringLiteral("web"), QStringLiteral("/a/web"), QStringLiteral("sb-1")),
        project(2, QStringLiteral("web"), QStringLiteral("/b/web"), QStringLiteral("sb-2")),
        project(3, QString(), QStringLiteral("/srv/api")),
        project(4, QString(), QStringLiteral("/x/site"), QStringLiteral("sb-1")),
        project(5, QString(), QStringLiteral("/y/site"), QStringLiteral("sb-1")),
    };
    QCOMPARE(CctrayFeed::names(projects),
             (QStringList{"web (sb-1)", "web (sb-2)", "api", "site (sb-1) /x/site",
                          "site (sb-1) /y/site"}));
    QList<CctrayFeed::Entry> entries;
    for (const vw::Project &p : projects)
        entries.append({p, std::nullopt, std::nullopt});
    const vw::test::CctrayCheck check =
        vw::test::checkCctray(CctrayFeed::document(entries, QStringLiteral("http://h:1")));
    QVERIFY2(check.problems.isEmpty(), qPrintable(check.problems.join(u'\n')));
    QCOMPARE(check.projects.size(), 5);
}

void TestCctrayFeed::timesCarryTheZoneOffset()
{
    const vw::Build done = build(2, vw::BuildStatus::Success);
    const QByteArray xml = CctrayFeed::document(
        {{project(1, QStringLiteral("web"), QStringLiteral("/p/web")), done, done}},
        QStringLiteral("http://h:1"));
    const QString time = vw::test::checkCctray(xml)
                             .projects.value(QStringLiteral("web"))
                             .value(QStringLiteral("lastBuildTime"));
    static const QRegularExpression offset(
        QStringLiteral("T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}$"));
    QVERIFY2(offset.match(time).hasMatch(), qPrintable(time));
    // The same moment as the build's completion, whatever the local zone.
    QCOMPARE(QDateTime::fromString(time, Qt::ISODate).toUTC(), done.completedAt);
}

QTEST_GUILESS_MAIN(TestCctrayFeed)
#include "tst_cctrayfeed.moc"
