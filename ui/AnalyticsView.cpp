#include "ui/AnalyticsView.h"

#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "ui/StatusStyle.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QEvent>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QLocale>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

namespace vw::ui {
namespace {

// Ticks at 0.5 steps would read "0 1 1 2" with whole numbers: one decimal on short axes.
void showDecimalsWhenSmall(QValueAxis *axis)
{
    axis->setLabelFormat(axis->max() <= 5 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
}

constexpr int kBuildIdRole = Qt::UserRole + 1;
// A period's builds listed at most (slowest first); the rest are counted.
constexpr int kMaxListedBuilds = 100;
constexpr int kGroupRole = Qt::UserRole + 2;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

// A figure of the summary row: a caption above a large value and a small detail line.
QFrame *figureCard(QLabel *caption, QLabel *value, QLabel *detail, QWidget *parent)
{
    auto *card = new QFrame(parent);
    card->setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(2);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    value->setFont(big);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont small = detail->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    detail->setFont(small);
    layout->addWidget(caption);
    layout->addWidget(value);
    layout->addWidget(detail);
    return card;
}

// The days of each period of the combo box (0: all time).
int daysOf(AnalyticsView::Period period)
{
    switch (period) {
    case AnalyticsView::Period::Week:
        return 7;
    case AnalyticsView::Period::Month:
        return 30;
    case AnalyticsView::Period::Quarter:
        return 90;
    case AnalyticsView::Period::Year:
        return 365;
    case AnalyticsView::Period::AllTime:
        return 0;
    }
    return 0;
}

// A colour for the slowest builds that is none of the status colours' meanings: amber.
QColor slowestColor(bool dark)
{
    return dark ? QColor(0xf2, 0xb1, 0x3c) : QColor(0xd9, 0x8a, 0x00);
}

} // namespace

AnalyticsView::AnalyticsView(BuildStore *store, engine::BuildHub *hub, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
{
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(1000);
    connect(&m_refreshTimer, &QTimer::timeout, this, &AnalyticsView::refresh);

    // The filter bar.
    m_projectCombo = new QComboBox(this);
    m_projectCombo->setAccessibleName(tr("Project"));
    m_projectCombo->setToolTip(tr("Show the figures of one project, or of all projects"));
    m_projectCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_projectCombo->setMinimumContentsLength(12);
    m_projectCombo->addItem(tr("All projects"));
    m_periodCombo = new QComboBox(this);
    m_periodCombo->setAccessibleName(tr("Period"));
    m_periodCombo->setToolTip(tr("The builds created in this period"));
    m_periodCombo->addItem(tr("Last 7 days"));
    m_periodCombo->addItem(tr("Last 30 days"));
    m_periodCombo->addItem(tr("Last 90 days"));
    m_periodCombo->addItem(tr("Last year"));
    m_periodCombo->addItem(tr("All time"));
    m_periodCombo->setCurrentIndex(int(Period::Month));
    m_status = new QLabel(this);
    m_status->setAccessibleName(tr("Analytics status"));
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Project:"), this));
    filters->addWidget(m_projectCombo);
    filters->addSpacing(12);
    filters->addWidget(new QLabel(tr("Period:"), this));
    filters->addWidget(m_periodCombo);
    filters->addStretch(1);
    filters->addWidget(m_status);

    // The summary figures.
    auto makeLabel = [this](const QString &accessibleName = {}) {
        auto *label = new QLabel(this);
        if (!accessibleName.isEmpty())
            label->setAccessibleName(accessibleName);
        return label;
    };
    auto caption = [&](const QString &text) {
        QLabel *label = makeLabel();
        label->setText(text);
        m_captions << label;
        return label;
    };
    m_buildsValue = makeLabel(tr("Builds"));
    m_buildsDetail = makeLabel();
    m_successValue = makeLabel(tr("Success rate"));
    m_successDetail = makeLabel();
    m_medianValue = makeLabel(tr("Median duration"));
    m_medianDetail = makeLabel();
    m_queueValue = makeLabel(tr("Queue time"));
    m_queueDetail = makeLabel();
    auto *figures = new QHBoxLayout;
    figures->addWidget(figureCard(caption(tr("Builds")), m_buildsValue, m_buildsDetail, this));
    figures->addWidget(
        figureCard(caption(tr("Success rate")), m_successValue, m_successDetail, this));
    figures->addWidget(
        figureCard(caption(tr("Median duration")), m_medianValue, m_medianDetail, this));
    figures->addWidget(
        figureCard(caption(tr("Queue time (median)")), m_queueValue, m_queueDetail, this));

    // Duration over time.
    auto *durationChart = new QChart;
    durationChart->setTitle(tr("Duration of successful builds"));
    m_durationPoints = new QScatterSeries(durationChart);
    m_durationPoints->setName(tr("Builds"));
    m_durationPoints->setMarkerSize(7);
    m_durationPoints->setColor(StatusStyle::color(vw::BuildStatus::Success));
    m_durationPoints->setBorderColor(Qt::transparent);
    m_bucketMedians = new QLineSeries(durationChart);
    m_bucketMedians->setName(tr("Median per period"));
    m_slowestPoints = new QScatterSeries(durationChart);
    m_slowestPoints->setName(tr("Slowest builds"));
    m_slowestPoints->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_slowestPoints->setMarkerSize(11);
    m_medianLine = new QLineSeries(durationChart);
    m_medianLine->setName(tr("Median"));
    for (QAbstractSeries *series :
         QList<QAbstractSeries *>{m_bucketMedians, m_medianLine, m_durationPoints, m_slowestPoints})
        durationChart->addSeries(series);
    m_durationX = new QDateTimeAxis(durationChart);
    m_durationY = new QValueAxis(durationChart);
    m_durationY->setLabelFormat(QStringLiteral("%.0f"));
    durationChart->addAxis(m_durationX, Qt::AlignBottom);
    durationChart->addAxis(m_durationY, Qt::AlignLeft);
    for (QAbstractSeries *series : durationChart->series()) {
        series->attachAxis(m_durationX);
        series->attachAxis(m_durationY);
    }
    m_durationView = makeChartView(durationChart, tr("Duration over time"));
    m_durationView->setToolTip(
        tr("Click a point to open its build (for a period: to list its builds)"));
    connect(m_durationPoints, &QScatterSeries::clicked, this, [this](const QPointF &point) {
        if (m_analytics.durationsPerBuild)
            activatePoint(m_durationIds, m_durationPoints->points(), point);
        else
            showPeriodBuilds(nearestPoint(m_durationPoints->points(), point));
    });
    connect(m_slowestPoints, &QScatterSeries::clicked, this, [this](const QPointF &point) {
        activatePoint(m_slowestIds, m_slowestPoints->points(), point);
    });

    // Success rate over time.
    auto *successChart = new QChart;
    successChart->setTitle(tr("Success rate"));
    m_successLine = new QLineSeries(successChart);
    m_successLine->setName(tr("Succeeded of succeeded and failed"));
    successChart->legend()->hide(); // the title says it; the space goes to the plot
    m_successPoints = new QScatterSeries(successChart);
    m_successPoints->setMarkerSize(6);
    successChart->addSeries(m_successLine);
    successChart->addSeries(m_successPoints);
    m_successX = new QDateTimeAxis(successChart);
    m_successY = new QValueAxis(successChart);
    m_successY->setRange(0, 100);
    // The chart localises numbers (setLocalizeNumbers), which keeps "%%" as it is: one "%".
    m_successY->setLabelFormat(QStringLiteral("%.0f %"));
    successChart->addAxis(m_successX, Qt::AlignBottom);
    successChart->addAxis(m_successY, Qt::AlignLeft);
    for (QAbstractSeries *series : successChart->series()) {
        series->attachAxis(m_successX);
        series->attachAxis(m_successY);
    }
    m_successView = makeChartView(successChart, tr("Success rate over time"));

    // Time per phase.
    auto *phaseChart = new QChart;
    phaseChart->setTitle(tr("Time per phase (successful builds)"));
    m_phaseBars = new QBarSeries(phaseChart);
    m_phaseAverage = new QBarSet(tr("Average"), m_phaseBars);
    m_phaseMedian = new QBarSet(tr("Median"), m_phaseBars);
    m_phaseBars->append(m_phaseAverage);
    m_phaseBars->append(m_phaseMedian);
    phaseChart->addSeries(m_phaseBars);
    m_phaseX = new QBarCategoryAxis(phaseChart);
    m_phaseX->append({tr("Setup"), tr("Install"), tr("Build"), tr("Complete")});
    m_phaseY = new QValueAxis(phaseChart);
    m_phaseY->setLabelFormat(QStringLiteral("%.0f"));
    phaseChart->addAxis(m_phaseX, Qt::AlignBottom);
    phaseChart->addAxis(m_phaseY, Qt::AlignLeft);
    m_phaseBars->attachAxis(m_phaseX);
    m_phaseBars->attachAxis(m_phaseY);
    m_phaseView = makeChartView(phaseChart, tr("Time per phase"));

    // The most common errors and the builds behind the selected one.
    m_errorTable = new QTableWidget(0, 3, this);
    m_errorTable->setAccessibleName(tr("Most common errors"));
    m_errorTable->setHorizontalHeaderLabels({tr("Error"), tr("Builds"), tr("Last seen")});
    m_errorTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_errorTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_errorTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_errorTable->verticalHeader()->hide();
    m_errorTable->setWordWrap(false);
    m_errorTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_errorTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_errorTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_errorBuilds = new QListWidget(this);
    m_errorBuilds->setAccessibleName(tr("Builds with the selected error or of the clicked period"));
    m_errorBuilds->setToolTip(tr("Double-click or press Enter to open a build"));
    // Its other lines (no builds, an error reading them, "… and n more") are sentences: wrapped,
    // not cut off in the narrow list.
    m_errorBuilds->setWordWrap(true);
    connect(m_errorTable, &QTableWidget::itemSelectionChanged, this,
            &AnalyticsView::showErrorBuilds);
    connect(m_errorBuilds, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const QVariant id = item->data(kBuildIdRole);
        if (id.isValid()) // not the "… and n older builds" line
            emit buildActivated(id.toLongLong());
    });
    auto *errorsBox = new QWidget(this);
    auto *errorsLayout = new QHBoxLayout(errorsBox);
    errorsLayout->setContentsMargins(0, 0, 0, 0);
    auto *errorsLeft = new QVBoxLayout;
    errorsLeft->addWidget(new QLabel(tr("Most common errors (similar lines grouped)"), this));
    errorsLeft->addWidget(m_errorTable);
    auto *errorsRight = new QVBoxLayout;
    errorsRight->addWidget(new QLabel(tr("Builds"), this));
    errorsRight->addWidget(m_errorBuilds);
    errorsLayout->addLayout(errorsLeft, 4);
    errorsLayout->addLayout(errorsRight, 1);

    auto *charts = new QGridLayout;
    charts->addWidget(m_durationView, 0, 0, 1, 2);
    charts->addWidget(m_successView, 1, 0);
    charts->addWidget(m_phaseView, 1, 1);
    charts->setRowStretch(0, 3);
    charts->setRowStretch(1, 2);
    auto *chartsBox = new QWidget(this);
    chartsBox->setLayout(charts);
    charts->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(chartsBox);
    splitter->addWidget(errorsBox);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 2);
    errorsBox->setMinimumHeight(150);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addLayout(figures);
    layout->addWidget(splitter, 1);

    connect(m_projectCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        const QVariant id = m_projectCombo->itemData(index);
        m_projectFilter = id.isValid() ? std::optional<qint64>(id.toLongLong()) : std::nullopt;
        refresh();
    });
    connect(m_periodCombo, &QComboBox::currentIndexChanged, this, &AnalyticsView::refresh);
    if (hub) {
        connect(hub, &engine::BuildHub::buildFinished, this, [this] { m_refreshTimer.start(); });
        // A new project shows up in the combo box with its first build.
        connect(hub, &engine::BuildHub::buildCreated, this, [this](const vw::Build &build) {
            if (m_projectCombo->findData(QVariant::fromValue(build.projectId)) < 0)
                loadProjects();
        });
    }
    applyTheme();
    loadProjects();
    refresh();
}

QSize AnalyticsView::sizeHint() const
{
    return QSize(1100, 820);
}

QChartView *AnalyticsView::makeChartView(QChart *chart, const QString &accessibleName)
{
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(6, 6, 6, 6));
    chart->setLocalizeNumbers(true); // "2,5" in French and German (the chart takes QLocale())
    auto *view = new QChartView(chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setAccessibleName(accessibleName);
    view->setMinimumHeight(200);
    return view;
}

void AnalyticsView::setProjectFilter(std::optional<qint64> projectId)
{
    const int index = projectId ? m_projectCombo->findData(QVariant::fromValue(*projectId)) : 0;
    m_projectFilter = projectId;
    if (index >= 0) {
        const QSignalBlocker block(m_projectCombo);
        m_projectCombo->setCurrentIndex(index);
    }
    // A project not in the combo box yet is selected when the projects arrive.
    refresh();
}

std::optional<qint64> AnalyticsView::projectFilter() const
{
    return m_projectFilter;
}

void AnalyticsView::setPeriod(Period period)
{
    m_periodCombo->setCurrentIndex(int(period)); // refreshes when it changes
}

AnalyticsView::Period AnalyticsView::period() const
{
    return Period(std::clamp(m_periodCombo->currentIndex(), 0, int(Period::AllTime)));
}

void AnalyticsView::loadProjects()
{
    m_store->projects()->onResult(this, [this](const Result<QList<Project>> &result) {
        if (result.ok())
            rebuildProjectCombo(result.value());
    });
}

void AnalyticsView::rebuildProjectCombo(QList<Project> projects)
{
    const QSignalBlocker block(m_projectCombo);
    m_projectCombo->clear();
    m_projectCombo->addItem(tr("All projects"));
    std::sort(projects.begin(), projects.end(), [](const Project &a, const Project &b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    for (const Project &project : std::as_const(projects))
        m_projectCombo->addItem(project.name, QVariant::fromValue(project.id));
    const int index =
        m_projectFilter ? m_projectCombo->findData(QVariant::fromValue(*m_projectFilter)) : 0;
    m_projectCombo->setCurrentIndex(std::max(index, 0));
}

void AnalyticsView::refresh()
{
    m_refreshTimer.stop();
    AnalyticsQuery query;
    query.projectId = m_projectFilter;
    const int days = daysOf(period());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (days > 0)
        query.from = now.addDays(-days);
    const quint64 generation = ++m_generation;
    ++m_pending;
    m_status->setText(tr("Updating…"));
    m_store->analytics(query)->onResult(
        this, [this, generation, days, now](const Result<BuildAnalytics> &result) {
            --m_pending;
            if (generation != m_generation)
                return; // a newer query is on its way
            if (!result.ok()) {
                m_status->setText(tr("Cannot read the analytics: %1").arg(result.error().message));
                emit refreshed();
                return;
            }
            BuildAnalytics analytics = result.value();
            // A chosen period is shown whole, up to now, even where it has no builds.
            if (days > 0) {
                analytics.to = std::max(analytics.to, now);
            }
            m_status->clear();
            display(analytics);
            emit refreshed();
        });
}

void AnalyticsView::display(const BuildAnalytics &analytics)
{
    m_analytics = analytics;
    showFigures(analytics);
    showDurations(analytics);
    showSuccessRate(analytics);
    showPhases(analytics);
    showErrors(analytics);
}

void AnalyticsView::showFigures(const BuildAnalytics &a)
{
    const QLocale locale;
    m_buildsValue->setText(locale.toString(a.total));
    m_buildsDetail->setText(tr("%1 succeeded · %2 failed · %3 other")
                                .arg(locale.toString(a.succeeded), locale.toString(a.failed),
                                     locale.toString(a.cancelled + a.interrupted + a.unfinished)));
    if (a.succeeded + a.failed > 0) {
        m_successValue->setText(tr("%1 %").arg(locale.toString(a.successRate * 100.0, 'f', 1)));
        m_successDetail->setText(tr("of %n finished build(s)", nullptr,
                                    int(std::min<qint64>(a.succeeded + a.failed, INT_MAX))));
    } else {
        m_successValue->setText(tr("–"));
        m_successDetail->setText(tr("no finished builds"));
    }
    if (a.medianDurationMs) {
        m_medianValue->setText(StatusStyle::duration(*a.medianDurationMs));
        m_medianDetail->setText(
            a.slowest.isEmpty()
                ? QString()
                : tr("slowest %1").arg(StatusStyle::duration(a.slowest.constFirst().durationMs)));
    } else {
        m_medianValue->setText(tr("–"));
        m_medianDetail->setText(tr("no successful builds"));
    }
    if (a.queue.medianMs) {
        m_queueValue->setText(StatusStyle::duration(*a.queue.medianMs));
        m_queueDetail->setText(tr("p90 %1 · max %2")
                                   .arg(StatusStyle::duration(a.queue.p90Ms.value_or(0)),
                                        StatusStyle::duration(a.queue.maxMs.value_or(0))));
    } else {
        m_queueValue->setText(tr("–"));
        m_queueDetail->setText(tr("no started builds"));
    }
}

void AnalyticsView::showDurations(const BuildAnalytics &a)
{
    qint64 highest = 0;
    for (const BuildAnalytics::DurationPoint &point : a.durations)
        highest = std::max(highest, point.maxMs);
    // Minutes once the slowest point passes three minutes: axis labels stay short.
    m_durationUnitMs = highest > 180'000 ? 60'000.0 : 1000.0;
    m_durationY->setTitleText(m_durationUnitMs > 1000 ? tr("minutes") : tr("seconds"));
    auto y = [this](qint64 ms) { return double(ms) / m_durationUnitMs; };

    QList<QPointF> points;
    QList<QPointF> medians;
    m_durationIds.clear();
    for (const BuildAnalytics::DurationPoint &point : a.durations) {
        const double x = double(point.at.toMSecsSinceEpoch());
        // Per build its duration; per bucket its slowest build (the one a click opens), with
        // the bucket's median on the line below.
        points.append(QPointF(x, y(point.maxMs)));
        m_durationIds.append(point.slowestBuildId);
        if (!a.durationsPerBuild)
            medians.append(QPointF(x, y(point.medianMs)));
    }
    m_durationPoints->setName(a.durationsPerBuild ? tr("Builds") : tr("Slowest per period"));
    m_durationPoints->replace(points);
    m_bucketMedians->replace(medians);
    m_bucketMedians->setVisible(!a.durationsPerBuild);
    for (QLegendMarker *marker : m_durationView->chart()->legend()->markers(m_bucketMedians))
        marker->setVisible(!a.durationsPerBuild);

    QList<QPointF> slowest;
    m_slowestIds.clear();
    for (const BuildAnalytics::SlowBuild &build : a.slowest) {
        slowest.append(QPointF(double(build.createdAt.toMSecsSinceEpoch()), y(build.durationMs)));
        m_slowestIds.append(build.buildId);
    }
    m_slowestPoints->replace(slowest);

    const double from = double(a.from.toMSecsSinceEpoch());
    const double to = double(a.to.toMSecsSinceEpoch());
    if (a.medianDurationMs) {
        m_medianLine->setName(tr("Median %1").arg(StatusStyle::duration(*a.medianDurationMs)));
        m_medianLine->replace(
            {QPointF(from, y(*a.medianDurationMs)), QPointF(to, y(*a.medianDurationMs))});
    } else {
        m_medianLine->setName(tr("Median"));
        m_medianLine->clear();
    }
    if (a.from.isValid() && a.to.isValid() && a.to > a.from) {
        m_durationX->setRange(a.from.toLocalTime(), a.to.toLocalTime());
        m_successX->setRange(a.from.toLocalTime(), a.to.toLocalTime());
    }
    const bool longPeriod = a.from.daysTo(a.to) > 2;
    const QString format = longPeriod ? QStringLiteral("d MMM") : QStringLiteral("d MMM hh:mm");
    m_durationX->setFormat(format);
    m_successX->setFormat(format);
    m_durationY->setRange(0, std::max(1.0, y(highest) * 1.1));
    m_durationY->applyNiceNumbers();
    showDecimalsWhenSmall(m_durationY);
}

void AnalyticsView::showSuccessRate(const BuildAnalytics &a)
{
    // A rate of one or two builds swings between 0 and 100 %: consecutive buckets are merged
    // so that the period shows at most kMaxRatePoints points, each over more builds.
    constexpr qint64 kMaxRatePoints = 20;
    const qint64 fromMs = a.from.toMSecsSinceEpoch();
    const qint64 span = std::max<qint64>(a.to.toMSecsSinceEpoch() - fromMs, 1);
    const qint64 bucket = std::max<qint64>(a.bucketMs, 1);
    const qint64 perPoint =
        std::max<qint64>(1, (span / bucket + kMaxRatePoints - 1) / kMaxRatePoints);
    const qint64 width = perPoint * bucket;
    QList<QPointF> points;
    qint64 group = std::numeric_limits<qint64>::min();
    qint64 succeeded = 0;
    qint64 failed = 0;
    auto flush = [&] {
        if (succeeded + failed > 0)
            points.append(QPointF(double(fromMs + group * width + width / 2),
                                  100.0 * double(succeeded) / double(succeeded + failed)));
        succeeded = failed = 0;
    };
    for (const BuildAnalytics::RatePoint &point : a.successOverTime) {
        const qint64 at = point.at.toMSecsSinceEpoch() - fromMs;
        const qint64 index = at >= 0 ? at / width : (at - width + 1) / width;
        if (index != group) {
            flush();
            group = index;
        }
        succeeded += point.succeeded;
        failed += point.failed;
    }
    flush();
    m_successLine->replace(points);
    m_successPoints->replace(points);
}

void AnalyticsView::showPhases(const BuildAnalytics &a)
{
    qint64 highest = 0;
    for (const BuildAnalytics::PhaseTime &time : a.phases)
        highest = std::max({highest, time.averageMs, time.medianMs});
    const double unit = highest > 180'000 ? 60'000.0 : 1000.0;
    m_phaseY->setTitleText(unit > 1000 ? tr("minutes") : tr("seconds"));
    m_phaseAverage->remove(0, m_phaseAverage->count());
    m_phaseMedian->remove(0, m_phaseMedian->count());
    for (Phase phase : allPhases()) {
        const BuildAnalytics::PhaseTime time = a.phases.value(phase);
        m_phaseAverage->append(double(time.averageMs) / unit);
        m_phaseMedian->append(double(time.medianMs) / unit);
    }
    m_phaseY->setRange(0, std::max(1.0, double(highest) / unit * 1.1));
    m_phaseY->applyNiceNumbers();
    showDecimalsWhenSmall(m_phaseY);
}

void AnalyticsView::showErrors(const BuildAnalytics &a)
{
    const QLocale locale;
    m_errorTable->setRowCount(int(a.errorGroups.size()));
    for (int row = 0; row < int(a.errorGroups.size()); ++row) {
        const BuildAnalytics::ErrorGroup &group = a.errorGroups[row];
        auto *pattern = new QTableWidgetItem(group.pattern);
        pattern->setToolTip(tr("For example: %1").arg(group.example));
        pattern->setData(kGroupRole, row);
        pattern->setIcon(StatusStyle::icon(vw::BuildStatus::Failed));
        auto *count = new QTableWidgetItem(locale.toString(group.count));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto *lastSeen = new QTableWidgetItem(
            locale.toString(group.lastSeen.toLocalTime(), QLocale::ShortFormat));
        m_errorTable->setItem(row, 0, pattern);
        m_errorTable->setItem(row, 1, count);
        m_errorTable->setItem(row, 2, lastSeen);
    }
    m_errorBuilds->clear();
    if (a.errorGroups.isEmpty())
        m_errorBuilds->addItem(tr("No failed builds with an error line"));
}

void AnalyticsView::showErrorBuilds()
{
    m_errorBuilds->clear();
    const QList<QTableWidgetItem *> selected = m_errorTable->selectedItems();
    if (selected.isEmpty())
        return;
    const int row = selected.constFirst()->row();
    if (row < 0 || row >= m_analytics.errorGroups.size())
        return;
    const BuildAnalytics::ErrorGroup &group = m_analytics.errorGroups[row];
    for (qint64 id : group.buildIds)
        addListedBuild(vw::BuildStatus::Failed, id, tr("Build #%1").arg(id));
    if (group.count > group.buildIds.size())
        m_errorBuilds->addItem(
            tr("… and %n older build(s)", nullptr,
               int(std::min<qint64>(group.count - group.buildIds.size(), INT_MAX))));
}

void AnalyticsView::addListedBuild(vw::BuildStatus status, qint64 buildId, const QString &text)
{
    auto *item = new QListWidgetItem(StatusStyle::icon(status), text, m_errorBuilds);
    item->setData(kBuildIdRole, buildId);
    item->setToolTip(tr("Open build #%1").arg(buildId));
}

qsizetype AnalyticsView::nearestPoint(const QList<QPointF> &points, const QPointF &clicked) const
{
    // The series reports the clicked marker's value; the nearest point in the chart's own
    // scale (x in milliseconds dwarfs y) is the one.
    qsizetype best = -1;
    double bestDistance = 0;
    const QPointF clickedAt = m_durationView->chart()->mapToPosition(clicked);
    for (qsizetype i = 0; i < points.size(); ++i) {
        const QPointF at = m_durationView->chart()->mapToPosition(points[i]);
        const double distance = std::hypot(at.x() - clickedAt.x(), at.y() - clickedAt.y());
        if (best < 0 || distance < bestDistance) {
            best = i;
            bestDistance = distance;
        }
    }
    return best;
}

void AnalyticsView::activatePoint(const QList<qint64> &ids, const QList<QPointF> &points,
                                  const QPointF &clicked)
{
    const qsizetype best = nearestPoint(points, clicked);
    if (best >= 0 && best < ids.size())
        emit buildActivated(ids[best]);
}

void AnalyticsView::showPeriodBuilds(qsizetype pointIndex)
{
    if (pointIndex < 0 || pointIndex >= m_analytics.durations.size())
        return;
    const BuildAnalytics::DurationPoint &point = m_analytics.durations[pointIndex];
    // The successful builds of that period, slowest first, in the list beside the errors.
    BuildQuery query;
    query.projectId = projectFilter();
    query.statuses = {vw::BuildStatus::Success};
    query.createdFrom = point.at;
    query.createdTo = point.at.addMSecs(m_analytics.bucketMs);
    query.sortColumn = BuildSortColumn::Duration;
    query.sortOrder = Qt::DescendingOrder;
    query.limit = kMaxListedBuilds;
    m_errorTable->clearSelection();
    m_errorBuilds->clear();
    m_store->builds(query)->onResult(this, [this](const Result<BuildPage> &page) {
        m_errorBuilds->clear();
        if (!page) {
            m_errorBuilds->addItem(page.error().message);
            return;
        }
        for (const Build &build : page.value().builds)
            addListedBuild(vw::BuildStatus::Success, build.id,
                           tr("Build #%1 · %2")
                               .arg(build.id)
                               .arg(StatusStyle::duration(build.durationMs.value_or(0))));
        const qint64 more = page.value().total - page.value().builds.size();
        if (more > 0)
            m_errorBuilds->addItem(
                tr("… and %n faster build(s)", nullptr, int(std::min<qint64>(more, INT_MAX))));
        emit periodBuildsShown();
    });
}

void AnalyticsView::applyTheme()
{
    const QPalette pal = palette();
    const bool dark = isDark(pal);
    const QColor text = pal.color(QPalette::WindowText);
    const QColor background = pal.color(QPalette::Base);
    QColor grid = text;
    grid.setAlpha(40);
    QColor muted = text;
    muted.setAlpha(150);
    for (QChartView *view : {m_durationView, m_successView, m_phaseView}) {
        QChart *chart = view->chart();
        // The theme resets series colours; ours are set again below.
        chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        chart->setBackgroundBrush(background);
        chart->setBackgroundRoundness(4);
        chart->setTitleBrush(text);
        chart->legend()->setLabelColor(text);
        view->setBackgroundBrush(pal.color(QPalette::Window));
        for (QAbstractAxis *axis : chart->axes()) {
            axis->setLabelsColor(text);
            axis->setTitleBrush(muted);
            axis->setGridLineColor(grid);
            axis->setLinePenColor(grid);
        }
    }
    const QColor success = StatusStyle::color(vw::BuildStatus::Success);
    m_durationPoints->setColor(success);
    m_durationPoints->setBorderColor(success.darker(130));
    m_slowestPoints->setColor(slowestColor(dark));
    m_slowestPoints->setBorderColor(slowestColor(dark).darker(140));
    QPen medianPen(muted, 1.5, Qt::DashLine);
    m_medianLine->setPen(medianPen);
    QPen bucketPen(success.lighter(dark ? 110 : 90), 1.5);
    m_bucketMedians->setPen(bucketPen);
    m_successLine->setPen(QPen(success, 2));
    m_successPoints->setColor(success);
    m_successPoints->setBorderColor(success);
    m_successLine->setPointsVisible(false);
    m_phaseAverage->setColor(StatusStyle::color(vw::BuildStatus::Running));
    m_phaseAverage->setBorderColor(Qt::transparent);
    m_phaseMedian->setColor(StatusStyle::color(vw::BuildStatus::Running).lighter(dark ? 140 : 150));
    m_phaseMedian->setBorderColor(Qt::transparent);
    m_phaseAverage->setLabelColor(text);
    m_phaseMedian->setLabelColor(text);
    // The success-rate scatter only marks the line's points: no legend entry of its own.
    for (QLegendMarker *marker : m_successView->chart()->legend()->markers(m_successPoints))
        marker->setVisible(false);
    for (QLabel *label : std::as_const(m_captions)) {
        QPalette captionPalette = label->palette();
        captionPalette.setColor(QPalette::WindowText, muted);
        label->setPalette(captionPalette);
    }
}

void AnalyticsView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_durationView)
        applyTheme();
}

} // namespace vw::ui
