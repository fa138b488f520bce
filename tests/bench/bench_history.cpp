// Benchmark of the History view (issue 4): fills a temporary SQLite store with 100,000 builds
// (four phase records each) and measures, in one run,
//  (a) HistoryView: from constructing the view until its first rows are available and painted,
//  (b) re-sorting by duration and a text filter: until the first rows are available and painted,
//      and jumping to the middle of the list,
//  (c) the obvious implementation as the baseline: a QSqlQueryModel selecting all builds,
//      fetched completely (fetchMore until done) into a QTableView, and the same to re-sort.
// Prints every figure with its ratio to the baseline; the target is "opens instantly": the
// first rows in < 100 ms. Exits 1 when a target is missed (unless --report-only).
// Run through tests/bench/run.sh.

#include "app/engine/BuildHub.h"
#include "models/BuildRepository.h"
#include "models/BuildStore.h"
#include "tests/bench/BenchReport.h"
#include "ui/BuildHistoryModel.h"
#include "ui/HistoryView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHeaderView>
#include <QScrollBar>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlQueryModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>

using vw::ui::BuildHistoryModel;
using vw::ui::HistoryView;

using vw::bench::ms;
using vw::bench::report;

namespace {

const QStringList kPhases{QStringLiteral("setup"), QStringLiteral("install"),
                          QStringLiteral("build"), QStringLiteral("complete")};

// A deterministic pseudo-random source.
struct Random
{
    quint64 state = 0x9E3779B97F4A7C15ull;
    quint32 next()
    {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<quint32>(state >> 33);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<quint32>(n)); }
};

// Fills the store with `count` builds over 12 projects in one transaction with prepared inserts.
bool seed(const QString &path, int count, QString *error)
{
    vw::BuildRepository repo;
    if (auto opened = repo.open(vw::DatabaseUrl::sqlite(path)); !opened) {
        *error = opened.error().message;
        return false;
    }
    QList<qint64> projects;
    for (int i = 0; i < 12; ++i) {
        auto p = repo.ensureProject(QStringLiteral("sandbox-1"),
                                    QStringLiteral("/workspace/project-%1").arg(i),
                                    QStringLiteral("project-%1").arg(i, 2, 10, QLatin1Char('0')));
        if (!p) {
            *error = p.error().message;
            return false;
        }
        projects.append(p.value().id);
    }
    QSqlDatabase db = repo.database();
    QSqlQuery q(db);
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery build(db);
    build.prepare(QStringLiteral(
        "INSERT INTO builds (id, project_id, sandbox_id, status, phase, current_step, progress, "
        "error_message, triggered_by, stack, created_at, started_at, completed_at, duration_ms, "
        "updated_at) VALUES (?, ?, 'sandbox-1', ?, 'complete', ?, 100, ?, ?, 'node-npm', ?, ?, ?, "
        "?, ?)"));
    QSqlQuery phase(db);
    phase.prepare(
        QStringLiteral("INSERT INTO build_phases (build_id, phase, started_at, "
                       "completed_at, duration_ms, exit_code) VALUES (?, ?, ?, ?, ?, ?)"));
    const QStringList statuses{QStringLiteral("success"), QStringLiteral("success"),
                               QStringLiteral("success"), QStringLiteral("failed"),
                               QStringLiteral("success"), QStringLiteral("cancelled"),
                               QStringLiteral("success"), QStringLiteral("interrupted")};
    const QStringList triggers{QStringLiteral("manual"), QStringLiteral("cli"),
                               QStringLiteral("agent"), QStringLiteral("rebuild")};
    const QStringList errors{QStringLiteral("npm ERR! code E404"),
                             QStringLiteral("error TS2304: Cannot find name 'foo'"),
                             QStringLiteral("Error: Cannot find module 'vite'"),
                             QStringLiteral("Module not found: Can't resolve './App'")};
    Random random;
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - qint64(count) * 60'000;
    for (int i = 1; i <= count; ++i) {
        const QString status = statuses[random.below(statuses.size())];
        const qint64 created = start + qint64(i) * 60'000;
        const qint64 duration = 5'000 + random.below(600'000);
        const bool failed = status == QStringLiteral("failed");
        build.addBindValue(i);
        build.addBindValue(projects[random.below(projects.size())]);
        build.addBindValue(status);
        build.addBindValue(failed ? QStringLiteral("Build failed") : QStringLiteral("Done"));
        build.addBindValue(failed ? QVariant(errors[random.below(errors.size())])
                                  : QVariant(QMetaType::fromType<QString>()));
        build.addBindValue(triggers[random.below(triggers.size())]);
        build.addBindValue(created);
        build.addBindValue(created + 1000);
        build.addBindValue(created + 1000 + duration);
        build.addBindValue(duration);
        build.addBindValue(created + 1000 + duration);
        if (!build.exec()) {
            *error = build.lastError().text();
            return false;
        }
        qint64 at = created + 1000;
        for (qsizetype p = 0; p < kPhases.size(); ++p) {
            const qint64 length = p == 3 ? 0 : duration / 3;
            phase.addBindValue(i);
            phase.addBindValue(kPhases[p]);
            phase.addBindValue(at);
            phase.addBindValue(at + length);
            phase.addBindValue(length);
            phase.addBindValue(0);
            if (!phase.exec()) {
                *error = phase.lastError().text();
                return false;
            }
            at += length;
        }
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        return false;
    }
    q.exec(QStringLiteral("ANALYZE"));
    return true;
}

// Counts paint events of a widget (the table's viewport).
class PaintCounter : public QObject
{
public:
    int paints = 0;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

// Runs the event loop until `done` or the timeout; false on timeout.
bool spinUntil(const std::function<bool()> &done, int timeoutMs = 60'000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

struct Figure
{
    double rowsMs = -1;    // first rows available
    double paintedMs = -1; // and painted
};

// Measures from now until the model's next rowsAvailable() (or pageLoaded()) and the viewport's
// next paint after it; then lets the query finish (the count).
Figure measure(BuildHistoryModel *model, PaintCounter &counter, const std::function<void()> &action,
               bool waitForPage = false)
{
    Figure figure;
    QElapsedTimer timer;
    bool arrived = false;
    int paintsBefore = 0;
    auto onArrival = [&] {
        if (arrived)
            return;
        arrived = true;
        figure.rowsMs = double(timer.nsecsElapsed()) / 1e6;
        paintsBefore = counter.paints;
    };
    const auto c1 = QObject::connect(model, &BuildHistoryModel::rowsAvailable, model, onArrival);
    QMetaObject::Connection c2;
    if (waitForPage)
        c2 = QObject::connect(model, &BuildHistoryModel::pageLoaded, model, onArrival);
    timer.start();
    action();
    if (spinUntil([&] { return arrived && counter.paints > paintsBefore; }))
        figure.paintedMs = double(timer.nsecsElapsed()) / 1e6;
    spinUntil([&] { return !model->isRefreshing(); });
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    return figure;
}

// The obvious implementation: every build with its project name into a QSqlQueryModel, fetched
// completely, shown in a QTableView. Returns the milliseconds until all rows are in and painted.
double baseline(const QString &path, const QString &orderBy, int expectedRows, int *rowsRead)
{
    QElapsedTimer timer;
    timer.start();
    double ms = -1;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("baseline"));
        db.setDatabaseName(path);
        if (!db.open())
            return -1;
        QSqlQueryModel model;
        model.setQuery(QStringLiteral("SELECT p.name, b.status, b.triggered_by, b.started_at, "
                                      "b.duration_ms, b.error_message, b.id FROM builds b JOIN "
                                      "projects p ON p.id = b.project_id ORDER BY ") +
                           orderBy,
                       db);
        while (model.canFetchMore())
            model.fetchMore();
        QTableView table;
        PaintCounter counter;
        table.viewport()->installEventFilter(&counter);
        table.setModel(&model);
        table.resize(1000, 600);
        table.show();
        spinUntil([&] { return counter.paints > 0; });
        *rowsRead = model.rowCount();
        ms = double(timer.nsecsElapsed()) / 1e6;
        if (model.rowCount() != expectedRows)
            std::printf("baseline read %d rows, expected %d\n", model.rowCount(), expectedRows);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("baseline"));
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("History view benchmark (issue 4)"));
    parser.addHelpOption();
    QCommandLineOption buildsOption(QStringLiteral("builds"),
                                    QStringLiteral("Number of builds (default 100000)."),
                                    QStringLiteral("n"), QStringLiteral("100000"));
    QCommandLineOption targetOption(QStringLiteral("target-ms"),
                                    QStringLiteral("Time to first rows to stay under (100)."),
                                    QStringLiteral("ms"), QStringLiteral("100"));
    QCommandLineOption reportOnly(QStringLiteral("report-only"),
                                  QStringLiteral("Print the figures, always exit 0."));
    QCommandLineOption keepOption(QStringLiteral("keep"),
                                  QStringLiteral("Keep the database (its path is printed)."));
    QCommandLineOption roundsOption(QStringLiteral("rounds"),
                                    QStringLiteral("Rounds of the view's figures (median; 5)."),
                                    QStringLiteral("n"), QStringLiteral("5"));
    parser.addOptions({buildsOption, targetOption, reportOnly, keepOption, roundsOption});
    parser.process(app);
    const int count = parser.value(buildsOption).toInt();
    const double targetMs = parser.value(targetOption).toDouble();
    const int roundCount = std::max(1, parser.value(roundsOption).toInt());
    if (count <= 0) {
        std::fprintf(stderr, "--builds must be positive\n");
        return 2;
    }

    QTemporaryDir dir;
    dir.setAutoRemove(!parser.isSet(keepOption));
    const QString path = dir.filePath(QStringLiteral("history.sqlite"));
    QElapsedTimer seedTimer;
    seedTimer.start();
    QString error;
    if (!seed(path, count, &error)) {
        std::fprintf(stderr, "cannot create the builds: %s\n", qPrintable(error));
        return 2;
    }
    std::printf("builds                             %d in SQLite (4 phase records each), "
                "written in %.1f s\n",
                count, double(seedTimer.elapsed()) / 1000);
    if (parser.isSet(keepOption))
        std::printf("database                           %s\n", qPrintable(path));

    vw::BuildStore store;
    vw::engine::BuildHub hub;
    {
        bool opened = false;
        bool ok = false;
        store.open(vw::DatabaseUrl::sqlite(path))->onResult(&app, [&](const vw::Status &r) {
            opened = true;
            ok = r.ok();
            if (!ok)
                error = r.error().message;
        });
        if (!spinUntil([&] { return opened; }) || !ok) {
            std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(error));
            return 2;
        }
    }

    // (c) first: the baseline, so that both read a database the OS has cached alike.
    int baselineRows = 0;
    const double baselineOpen = baseline(path, QStringLiteral("b.id DESC"), count, &baselineRows);
    int baselineSortedRows = 0;
    const double baselineSort =
        baseline(path, QStringLiteral("b.duration_ms DESC, b.id DESC"), count, &baselineSortedRows);

    // One round: (a) a new view, from its constructor to the first rows painted; (b) deep into
    // the list, re-sort by duration (and deep again), a text filter.
    struct Round
    {
        Figure open, jumped, sorted, jumpedSorted, filtered;
        int openRows = 0;
        int filteredRows = 0;
    };
    auto runRound = [&] {
        Round round;
        PaintCounter counter;
        QElapsedTimer timer;
        timer.start();
        auto view = std::make_unique<HistoryView>(&store, &hub);
        view->tableView()->viewport()->installEventFilter(&counter);
        view->resize(1000, 600);
        view->show();
        BuildHistoryModel *model = view->model();
        bool arrived = false;
        const auto first = QObject::connect(model, &BuildHistoryModel::rowsAvailable, model, [&] {
            arrived = true;
            round.open.rowsMs = double(timer.nsecsElapsed()) / 1e6;
        });
        int paintsAtArrival = -1;
        if (spinUntil([&] {
                if (arrived && paintsAtArrival < 0)
                    paintsAtArrival = counter.paints;
                return arrived && counter.paints > paintsAtArrival;
            }))
            round.open.paintedMs = double(timer.nsecsElapsed()) / 1e6;
        QObject::disconnect(first);
        spinUntil([&] { return !model->isRefreshing(); });
        round.openRows = model->rowCount();

        QTableView *table = view->tableView();
        auto jumpTo = [&](double fraction) {
            return measure(
                model, counter,
                [&] { table->scrollTo(model->index(int(model->rowCount() * fraction), 0)); }, true);
        };
        round.jumped = jumpTo(0.5);
        round.sorted = measure(model, counter, [&] {
            model->sort(BuildHistoryModel::DurationColumn, Qt::DescendingOrder);
        });
        table->scrollToTop();
        round.jumpedSorted = jumpTo(0.75);
        round.filtered =
            measure(model, counter, [&] { model->setTextFilter(QStringLiteral("E404")); });
        round.filteredRows = model->rowCount();
        return round;
    };
    QList<Round> rounds;
    for (int i = 0; i < roundCount; ++i)
        rounds.append(runRound());
    // The median of each figure: the machine may be busy with other work now and then.
    auto median = [&](Figure Round::*figure, double Figure::*value) {
        QList<double> values;
        for (const Round &round : std::as_const(rounds))
            values.append(round.*figure.*value);
        std::sort(values.begin(), values.end());
        return values[values.size() / 2];
    };

    std::printf("view rows                          %d (filtered by \"E404\": %d); baseline read "
                "%d and %d\n",
                rounds[0].openRows, rounds[0].filteredRows, baselineRows, baselineSortedRows);
    std::printf("rounds                             %d (the medians below)\n", roundCount);
    bool ok = rounds[0].openRows == count && baselineRows == count;
    ok &= report("(a) open: first rows", median(&Round::open, &Figure::rowsMs), baselineOpen,
                 targetMs);
    ok &= report("(a) open: first rows painted", median(&Round::open, &Figure::paintedMs),
                 baselineOpen, 0);
    // The first view on this store is the one a user waits for after starting the app.
    ok &= report("(a) first round: first rows", rounds[0].open.rowsMs, baselineOpen, targetMs);
    ok &= report("(a) first round: painted", rounds[0].open.paintedMs, baselineOpen, 0);
    ok &= report("(b) sort by duration: first rows", median(&Round::sorted, &Figure::rowsMs),
                 baselineSort, targetMs);
    ok &= report("(b) sort by duration: painted", median(&Round::sorted, &Figure::paintedMs),
                 baselineSort, 0);
    ok &= report("(b) jump to the middle: rows", median(&Round::jumped, &Figure::rowsMs), 0,
                 targetMs);
    ok &= report("(b) sorted, jump to 3/4: rows", median(&Round::jumpedSorted, &Figure::rowsMs), 0,
                 targetMs);
    ok &= report("(b) text filter: first rows", median(&Round::filtered, &Figure::rowsMs), 0,
                 targetMs);
    ok &= report("(b) text filter: painted", median(&Round::filtered, &Figure::paintedMs), 0, 0);
    report("(c) baseline: open, fetch all", baselineOpen, 0, 0);
    report("(c) baseline: re-sort, fetch all", baselineSort, 0, 0);
    std::printf("result                             %s\n",
                ok ? "all targets met" : "TARGET MISSED");
    return ok || parser.isSet(reportOnly) ? 0 : 1;
}
