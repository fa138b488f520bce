#include "ui/HistoryView.h"

#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "ui/BuildHistoryModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vw;
using vw::engine::BuildHub;
using vw::ui::BuildHistoryModel;
using vw::ui::HistoryView;

#define AWAIT_OK(variable, job)                                                                    \
    auto variable = awaitJob(job);                                                                 \
    QVERIFY2(variable.ok(), qPrintable(describe(variable)))

// HistoryView offscreen over a real SQLite store and BuildHub: the filter bar narrows the table,
// the summary says how many builds there are, double-click and Enter open a build, the selection
// survives live updates; and a screenshot of a realistic history.
class tst_HistoryView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void showsEveryBuildNewestFirst();
    void filterBarNarrowsTheTable_data();
    void filterBarNarrowsTheTable();
    void projectFilterFollowsTheComboBox();
    void doubleClickAndEnterActivateABuild();
    void headerClickSorts();
    void selectionSurvivesALiveUpdate();
    void screenshot();

private:
    // Four projects with a realistic mix of builds (every status, errors, triggers), created
    // over the last days, oldest first.
    void seed();
    static bool awaitRefresh(HistoryView &view);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    QList<Project> m_projects;
    QList<Build> m_builds;
};

void tst_HistoryView::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = std::make_unique<BuildStore>();
    m_hub = std::make_unique<BuildHub>();
    AWAIT_OK(open,
             m_store->open(DatabaseUrl::sqlite(m_dir->filePath(QStringLiteral("vw.sqlite")))));
    seed();
    QCOMPARE(m_builds.size(), 40);
}

void tst_HistoryView::cleanup()
{
    m_store.reset();
    m_hub.reset();
    m_dir.reset();
    m_projects.clear();
    m_builds.clear();
}

void tst_HistoryView::seed()
{
    for (const QString &name : {QStringLiteral("web-shop"), QStringLiteral("api-gateway"),
                                QStringLiteral("docs-site"), QStringLiteral("mobile-app")}) {
        auto project = awaitJob(m_store->ensureProject(QStringLiteral("sandbox-7f3a"),
                                                       QStringLiteral("/workspace/") + name, name));
        if (!project)
            return;
        m_projects.append(project.value());
    }
    const QStringList errors{
        QStringLiteral("npm ERR! code E404\nnpm ERR! 404 Not Found - GET "
                       "https://registry.npmjs.org/left-padd"),
        QStringLiteral("error TS2304: Cannot find name 'useQuery'."),
        QStringLiteral("Error: Cannot find module '@vitejs/plugin-react'"),
        QStringLiteral("ERR_PNPM_OUTDATED_LOCKFILE Cannot install with \"frozen-lockfile\""),
        QStringLiteral("Module not found: Can't resolve './components/Header'"),
    };
    const QStringList triggers{QStringLiteral("manual"), QStringLiteral("agent"),
                               QStringLiteral("cli"), QStringLiteral("rebuild"),
                               QStringLiteral("manual")};
    // The last builds are the ones still queued or running.
    const QDateTime now = QDateTime::currentDateTime();
    for (int i = 0; i < 40; ++i) {
        Build b;
        b.projectId = m_projects[(i * 3 + i / 4) % 4].id;
        b.sandboxId = QStringLiteral("sandbox-7f3a");
        b.trigger = triggers[(i + i / 5) % 5];
        b.createdAt = now.addSecs(-3600 * (40 - i) * 3 + 60 * (i % 7));
        if (i == 39) {
            b.status = BuildStatus::Queued;
        } else if (i == 38) {
            b.status = BuildStatus::Running;
            b.startedAt = b.createdAt.addSecs(2);
            b.currentStep = QStringLiteral("Installing dependencies with npm");
        } else {
            static const QList<BuildStatus> endings{BuildStatus::Success, BuildStatus::Success,
                                                    BuildStatus::Failed,  BuildStatus::Success,
                                                    BuildStatus::Success, BuildStatus::Cancelled,
                                                    BuildStatus::Success, BuildStatus::Failed,
                                                    BuildStatus::Success, BuildStatus::Interrupted};
            b.status = endings[i % endings.size()];
            b.startedAt = b.createdAt.addSecs(1 + i % 3);
            b.durationMs = 18'000 + (i * 37'813) % 240'000;
            b.completedAt = b.startedAt.addMSecs(*b.durationMs);
            if (b.status == BuildStatus::Failed)
                b.errorMessage = errors[(i / 3) % errors.size()];
            else if (b.status == BuildStatus::Interrupted)
                b.errorMessage = QStringLiteral("The sandbox session ended while nobody followed "
                                                "the build.");
        }
        auto created = awaitJob(m_store->createBuild(b));
        if (!created)
            return;
        m_builds.append(created.value());
    }
}

bool tst_HistoryView::awaitRefresh(HistoryView &view)
{
    if (!view.model()->isRefreshing())
        return true;
    QSignalSpy refreshed(view.model(), &BuildHistoryModel::refreshed);
    return refreshed.wait(10'000);
}

void tst_HistoryView::showsEveryBuildNewestFirst()
{
    HistoryView view(m_store.get(), m_hub.get());
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.tableView()->model(), view.model());
    QCOMPARE(view.model()->rowCount(), 40);
    QCOMPARE(view.summaryLabel()->text(), QStringLiteral("40 builds"));
    QCOMPARE(view.model()->index(0, 0).data(BuildHistoryModel::BuildIdRole).toLongLong(),
             m_builds.last().id);
    // "All projects" and the four projects, by name.
    QTRY_COMPARE(view.projectComboBox()->count(), 5);
    QCOMPARE(view.projectComboBox()->itemText(1), QStringLiteral("api-gateway"));
    QCOMPARE(view.statusComboBox()->count(), 1 + int(allBuildStatuses().size()));
    QVERIFY(!view.fromDateEdit()->isEnabled());
    QVERIFY(!view.toDateEdit()->isEnabled());
    QVERIFY(view.searchEdit()->isClearButtonEnabled());
    for (QWidget *control :
         QList<QWidget *>{view.projectComboBox(), view.statusComboBox(), view.fromCheckBox(),
                          view.fromDateEdit(), view.toCheckBox(), view.toDateEdit(),
                          view.searchEdit(), view.tableView()}) {
        QVERIFY2(!control->accessibleName().isEmpty(), control->metaObject()->className());
    }
}

void tst_HistoryView::filterBarNarrowsTheTable_data()
{
    QTest::addColumn<QString>("projectName"); // empty: all
    QTest::addColumn<int>("statusIndex");     // 0: any, else 1 + int(BuildStatus)
    QTest::addColumn<int>("fromDaysAgo");     // -1: any
    QTest::addColumn<QString>("text");

    QTest::newRow("project") << QStringLiteral("docs-site") << 0 << -1 << QString();
    QTest::newRow("failed") << QString() << 1 + int(BuildStatus::Failed) << -1 << QString();
    QTest::newRow("running") << QString() << 1 + int(BuildStatus::Running) << -1 << QString();
    QTest::newRow("last two days") << QString() << 0 << 2 << QString();
    QTest::newRow("text") << QString() << 0 << -1 << QStringLiteral("cannot find");
    QTest::newRow("project and status")
        << QStringLiteral("web-shop") << 1 + int(BuildStatus::Success) << -1 << QString();
    QTest::newRow("nothing matches") << QString() << 0 << -1 << QStringLiteral("segfault");
}

void tst_HistoryView::filterBarNarrowsTheTable()
{
    QFETCH(QString, projectName);
    QFETCH(int, statusIndex);
    QFETCH(int, fromDaysAgo);
    QFETCH(QString, text);

    HistoryView view(m_store.get(), m_hub.get());
    view.setSearchDelay(10);
    QVERIFY(awaitRefresh(view));
    QTRY_COMPARE(view.projectComboBox()->count(), 5);

    qint64 projectId = 0;
    if (!projectName.isEmpty()) {
        const int index = view.projectComboBox()->findText(projectName);
        QVERIFY(index > 0);
        projectId = view.projectComboBox()->itemData(index).toLongLong();
        view.projectComboBox()->setCurrentIndex(index);
    }
    view.statusComboBox()->setCurrentIndex(statusIndex);
    const QDate from = QDate::currentDate().addDays(-fromDaysAgo);
    if (fromDaysAgo >= 0) {
        view.fromDateEdit()->setDate(from);
        view.fromCheckBox()->setChecked(true);
        QVERIFY(view.fromDateEdit()->isEnabled());
    }
    if (!text.isEmpty())
        QTest::keyClicks(view.searchEdit(), text);

    int expected = 0;
    for (const Build &b : std::as_const(m_builds)) {
        const bool matches =
            (projectId == 0 || b.projectId == projectId) &&
            (statusIndex == 0 || int(b.status) == statusIndex - 1) &&
            (fromDaysAgo < 0 || b.createdAt.toLocalTime().date() >= from) &&
            (text.isEmpty() || b.errorMessage.contains(text, Qt::CaseInsensitive) ||
             b.currentStep.contains(text, Qt::CaseInsensitive) ||
             b.trigger.contains(text, Qt::CaseInsensitive));
        expected += matches;
    }
    QVERIFY(expected < 40);
    QTRY_COMPARE(view.model()->rowCount(), expected);
    QTRY_COMPARE(view.summaryLabel()->text(),
                 expected == 0
                     ? QStringLiteral("No builds match these filters")
                     : QStringLiteral("%1 build%2").arg(expected).arg(expected == 1 ? "" : "s"));
    for (int row = 0; row < expected; ++row) {
        const QVariant id = view.model()->index(row, 0).data(BuildHistoryModel::BuildIdRole);
        QVERIFY(id.isValid());
        if (projectId != 0)
            QCOMPARE(view.model()->buildAt(row)->projectId, projectId);
    }

    // The clear button (or emptying the field) and "All projects" bring the builds back.
    view.searchEdit()->clear();
    view.projectComboBox()->setCurrentIndex(0);
    view.statusComboBox()->setCurrentIndex(0);
    view.fromCheckBox()->setChecked(false);
    QTRY_COMPARE(view.model()->rowCount(), 40);
}

void tst_HistoryView::projectFilterFollowsTheComboBox()
{
    HistoryView view(m_store.get(), m_hub.get());
    // Set before the projects are known: the combo box catches up when they arrive.
    view.setProjectFilter(m_projects[2].id);
    QVERIFY(awaitRefresh(view));
    QTRY_COMPARE(view.projectComboBox()->count(), 5);
    QCOMPARE(view.projectComboBox()->currentText(), m_projects[2].name);
    QCOMPARE(view.projectFilter(), std::optional<qint64>(m_projects[2].id));
    const int expected = int(std::count_if(m_builds.cbegin(), m_builds.cend(), [&](const Build &b) {
        return b.projectId == m_projects[2].id;
    }));
    QCOMPARE(view.model()->rowCount(), expected);

    view.setProjectFilter(std::nullopt);
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.projectComboBox()->currentIndex(), 0);
    QCOMPARE(view.model()->rowCount(), 40);
}

void tst_HistoryView::doubleClickAndEnterActivateABuild()
{
    HistoryView view(m_store.get(), m_hub.get());
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QSignalSpy activated(&view, &HistoryView::buildActivated);

    QTableView *table = view.tableView();
    const QRect third = table->visualRect(view.model()->index(2, BuildHistoryModel::ErrorColumn));
    QVERIFY(third.isValid());
    // A double click is press, release, double-click, release.
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, third.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, third.center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toLongLong(), m_builds[37].id);

    table->setFocus();
    table->setCurrentIndex(view.model()->index(5, 0));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toLongLong(), m_builds[34].id);
    QTest::keyClick(table, Qt::Key_Down);
    QTest::keyClick(table, Qt::Key_Enter);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.takeFirst().at(0).toLongLong(), m_builds[33].id);
}

void tst_HistoryView::headerClickSorts()
{
    HistoryView view(m_store.get(), m_hub.get());
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QHeaderView *header = view.tableView()->horizontalHeader();
    QCOMPARE(header->sortIndicatorSection(), -1); // newest first, no column
    QCOMPARE(view.model()->query().sortColumn, BuildSortColumn::Newest);

    const int x = header->sectionViewportPosition(BuildHistoryModel::DurationColumn) +
                  header->sectionSize(BuildHistoryModel::DurationColumn) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(view.model()->query().sortColumn, BuildSortColumn::Duration);
    QVERIFY(awaitRefresh(view));
    // The first click on Duration sorts the longest build first; unfinished ones come last.
    qint64 longest = 0;
    for (const Build &b : std::as_const(m_builds))
        longest = std::max(longest, b.durationMs.value_or(0));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(view.model()->query().sortOrder, Qt::DescendingOrder);
    const std::optional<Build> first = view.model()->buildAt(0);
    QVERIFY(first.has_value());
    QCOMPARE(first->durationMs, std::optional<qint64>(longest));
    QVERIFY(!view.model()->buildAt(39)->durationMs.has_value());

    // The second click reverses; the third returns to newest first.
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(view.model()->query().sortOrder, Qt::AscendingOrder);
    QVERIFY(awaitRefresh(view));
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(view.model()->query().sortColumn, BuildSortColumn::Newest);
    QVERIFY(awaitRefresh(view));
    QCOMPARE(view.model()->buildAt(0)->id, m_builds.last().id);
}

void tst_HistoryView::selectionSurvivesALiveUpdate()
{
    HistoryView view(m_store.get(), m_hub.get());
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.model()->setLiveRefreshDelay(10);
    QVERIFY(awaitRefresh(view));
    QTableView *table = view.tableView();
    table->selectRow(4);
    const qint64 selected = m_builds[35].id;
    QCOMPARE(table->currentIndex().data(BuildHistoryModel::BuildIdRole).toLongLong(), selected);

    // A new build goes on top; the selected build stays selected, one row further down.
    Build b;
    b.projectId = m_projects[0].id;
    b.sandboxId = QStringLiteral("sandbox-7f3a");
    b.trigger = QStringLiteral("agent");
    AWAIT_OK(created, m_store->createBuild(b));
    QSignalSpy refreshed(view.model(), &BuildHistoryModel::refreshed);
    m_hub->announceCreated(created.value());
    QVERIFY(refreshed.wait(10'000));
    QCOMPARE(view.model()->rowCount(), 41);
    QCOMPARE(view.summaryLabel()->text(), QStringLiteral("41 builds"));
    QCOMPARE(table->currentIndex().row(), 5);
    QCOMPARE(table->currentIndex().data(BuildHistoryModel::BuildIdRole).toLongLong(), selected);
    QVERIFY(table->selectionModel()->isRowSelected(5, {}));
}

void tst_HistoryView::screenshot()
{
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QVERIFY(QDir().mkpath(dir));
    HistoryView view(m_store.get(), m_hub.get());
    view.resize(1000, 560);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(awaitRefresh(view));
    QTRY_COMPARE(view.projectComboBox()->count(), 5);
    view.tableView()->selectRow(2);
    QTest::qWait(50);
    QVERIFY(view.grab().save(dir + QStringLiteral("/history.png")));

    view.statusComboBox()->setCurrentIndex(1 + int(BuildStatus::Failed));
    QVERIFY(awaitRefresh(view));
    QTest::qWait(50);
    QVERIFY(view.grab().save(dir + QStringLiteral("/history-failed.png")));
}

QTEST_MAIN(tst_HistoryView)
#include "tst_historyview.moc"
