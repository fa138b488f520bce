#pragma once

#include "models/BuildAnalytics.h"
#include "models/BuildStatus.h"
#include "models/Project.h"

#include <QList>
#include <QTimer>
#include <QWidget>

#include <optional>

class QBarSeries;
class QBarSet;
class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QListWidget;
class QScatterSeries;
class QTableWidget;
class QValueAxis;
class QBarCategoryAxis;

namespace vw {
class BuildStore;
namespace engine {
class BuildHub;
}
} // namespace vw

namespace vw::ui {

// The Analytics: per project or overall, over a chosen period — build count, success rate,
// median duration, queue time; charts of the duration over time (the median as a reference line,
// the slowest builds highlighted), the success rate over time and the time per phase; and the
// most common error lines grouped by similarity. Clicking a point of the duration chart emits
// buildActivated() for the build behind it (for a time bucket, its slowest build); selecting an
// error group lists its builds, and activating one emits buildActivated().
//
// Queries run on the store's worker thread (BuildStore::analytics); the view refreshes when the
// project or period changes, and (debounced) when the hub reports a finished build.
class AnalyticsView : public QWidget
{
    Q_OBJECT

public:
    // The periods of the period combo box, in its order.
    enum class Period { Week, Month, Quarter, Year, AllTime };

    AnalyticsView(BuildStore *store, engine::BuildHub *hub, QWidget *parent = nullptr);

    void setProjectFilter(std::optional<qint64> projectId);
    std::optional<qint64> projectFilter() const;
    void setPeriod(Period period);
    Period period() const;

    // Asks the store again (e.g. after the history changed elsewhere).
    void refresh();
    bool isRefreshing() const { return m_pending > 0; }
    // The figures shown (valid after the first refreshed()).
    const BuildAnalytics &analytics() const { return m_analytics; }
    // The pause after a finished build before the view asks again (default 1000 ms): a burst
    // of builds costs one query.
    void setRefreshDelay(int ms) { m_refreshTimer.setInterval(ms); }

    QComboBox *projectComboBox() const { return m_projectCombo; }
    QComboBox *periodComboBox() const { return m_periodCombo; }
    QLabel *buildsLabel() const { return m_buildsValue; }
    QLabel *successRateLabel() const { return m_successValue; }
    QLabel *medianDurationLabel() const { return m_medianValue; }
    QLabel *queueTimeLabel() const { return m_queueValue; }
    QLabel *statusLabel() const { return m_status; }
    QChartView *durationChartView() const { return m_durationView; }
    QChartView *successChartView() const { return m_successView; }
    QChartView *phaseChartView() const { return m_phaseView; }
    // The duration chart: one point per build or per bucket (its slowest build), the slowest
    // builds, the overall median (a two-point line across the period).
    QScatterSeries *durationSeries() const { return m_durationPoints; }
    QLineSeries *bucketMedianSeries() const { return m_bucketMedians; }
    QScatterSeries *slowestSeries() const { return m_slowestPoints; }
    QLineSeries *medianSeries() const { return m_medianLine; }
    QLineSeries *successSeries() const { return m_successLine; }
    QBarSeries *phaseSeries() const { return m_phaseBars; }
    QTableWidget *errorTable() const { return m_errorTable; }
    QListWidget *errorBuildList() const { return m_errorBuilds; }

    QSize sizeHint() const override;

signals:
    void buildActivated(qint64 buildId);
    // A query's answer is shown (or its error, in the status label).
    void refreshed();
    // The builds of a clicked period (a point that stands for many builds) are listed.
    void periodBuildsShown();

protected:
    void changeEvent(QEvent *event) override;

private:
    QChartView *makeChartView(QChart *chart, const QString &accessibleName);
    void loadProjects();
    void rebuildProjectCombo(QList<Project> projects);
    void display(const BuildAnalytics &analytics);
    void showFigures(const BuildAnalytics &analytics);
    void showDurations(const BuildAnalytics &analytics);
    void showSuccessRate(const BuildAnalytics &analytics);
    void showPhases(const BuildAnalytics &analytics);
    void showErrors(const BuildAnalytics &analytics);
    void showErrorBuilds();
    // One build in the list beside the errors: activating it opens the build.
    void addListedBuild(vw::BuildStatus status, qint64 buildId, const QString &text);
    // The index of the point nearest to a click on the duration chart (-1: none).
    qsizetype nearestPoint(const QList<QPointF> &points, const QPointF &clicked) const;
    void activatePoint(const QList<qint64> &ids, const QList<QPointF> &points,
                       const QPointF &clicked);
    void showPeriodBuilds(qsizetype pointIndex);
    void applyTheme();

    BuildStore *m_store = nullptr;
    BuildAnalytics m_analytics;
    int m_pending = 0;
    quint64 m_generation = 0; // answers of older queries are dropped
    std::optional<qint64> m_projectFilter;
    QTimer m_refreshTimer;

    QComboBox *m_projectCombo = nullptr;
    QComboBox *m_periodCombo = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_buildsValue = nullptr;
    QLabel *m_buildsDetail = nullptr;
    QLabel *m_successValue = nullptr;
    QLabel *m_successDetail = nullptr;
    QLabel *m_medianValue = nullptr;
    QLabel *m_medianDetail = nullptr;
    QLabel *m_queueValue = nullptr;
    QLabel *m_queueDetail = nullptr;
    QList<QLabel *> m_captions;

    QChartView *m_durationView = nullptr;
    QScatterSeries *m_durationPoints = nullptr;
    QLineSeries *m_bucketMedians = nullptr;
    QScatterSeries *m_slowestPoints = nullptr;
    QLineSeries *m_medianLine = nullptr;
    QDateTimeAxis *m_durationX = nullptr;
    QValueAxis *m_durationY = nullptr;
    QList<qint64> m_durationIds; // the build behind each point of m_durationPoints
    QList<qint64> m_slowestIds;
    double m_durationUnitMs = 1000; // the y axis counts seconds or minutes

    QChartView *m_successView = nullptr;
    QLineSeries *m_successLine = nullptr;
    QScatterSeries *m_successPoints = nullptr;
    QDateTimeAxis *m_successX = nullptr;
    QValueAxis *m_successY = nullptr;

    QChartView *m_phaseView = nullptr;
    QBarSeries *m_phaseBars = nullptr;
    QBarSet *m_phaseAverage = nullptr;
    QBarSet *m_phaseMedian = nullptr;
    QBarCategoryAxis *m_phaseX = nullptr;
    QValueAxis *m_phaseY = nullptr;

    QTableWidget *m_errorTable = nullptr;
    QListWidget *m_errorBuilds = nullptr;
};

} // namespace vw::ui
