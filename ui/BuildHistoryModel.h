#pragma once

#include "models/Build.h"
#include "models/BuildQuery.h"
#include "models/Error.h"
#include "models/Project.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QHash>
#include <QList>
#include <QSet>
#include <QTimer>

#include <optional>

namespace vw {
class BuildStore;
namespace engine {
class BuildHub;
}
} // namespace vw

namespace vw::ui {

// The build history as a table (Project, Status, Trigger, Started, Duration, Error) over the
// asynchronous BuildStore, for any number of builds: rowCount() is the query's total, and rows
// are read in pages (pageSize(), 200 by default) only when data() asks for one that is not
// loaded — until it arrives the row reads "Loading…". At most maxCachedPages() pages are kept
// (least recently used ones are dropped), so opening 100,000 builds costs one count and one page.
//
// Filters and sort() re-query (coalesced: several changes in one event-loop pass cost one
// query). A query reads its first page (the one last looked at) and then counts: the model is
// reset when the page is in (rowsAvailable()), so the old rows stay on screen until then, and
// grows to the total when the count is in (refreshed()). Live updates come from the BuildHub, never
// from polling: a change of a loaded build updates its row in place; a created build, or a change
// that may move builds in or out of the filtered, sorted set, re-queries after liveRefreshDelay().
class BuildHistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ProjectColumn,
        StatusColumn,
        TriggerColumn,
        StartedColumn,
        DurationColumn,
        ErrorColumn,
        ColumnCount
    };
    // Qt::UserRole: the build id (qint64; invalid while the row is loading).
    static constexpr int BuildIdRole = Qt::UserRole;
    // The build status as int(vw::BuildStatus) (invalid while the row is loading).
    static constexpr int StatusRole = Qt::UserRole + 1;

    BuildHistoryModel(BuildStore *store, engine::BuildHub *hub, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    // A column < 0 means "no column": newest first.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // Filters; each change re-queries. The date range is of creation days in local time, both
    // ends inclusive; an invalid date leaves that end open.
    void setProjectFilter(std::optional<qint64> projectId);
    void setStatusFilter(std::optional<vw::BuildStatus> status);
    void setDateRange(const QDate &from, const QDate &to);
    void setTextFilter(const QString &text);
    std::optional<qint64> projectFilter() const { return m_query.projectId; }
    bool hasFilters() const;
    // The store query behind the rows (filters and sort; paging is the model's).
    const BuildQuery &query() const { return m_query; }

    int pageSize() const { return m_pageSize; }
    // Takes effect with the next query (and re-queries).
    void setPageSize(int rows);
    int maxCachedPages() const { return m_maxCachedPages; }
    void setMaxCachedPages(int pages);
    int liveRefreshDelay() const { return m_liveRefreshTimer.interval(); }
    void setLiveRefreshDelay(int ms) { m_liveRefreshTimer.setInterval(ms); }

    // True from a filter, sort or live change until refreshed() (or errorOccurred()).
    bool isRefreshing() const { return m_refreshPosted || m_refreshInFlight || m_countInFlight; }
    // False when the current (or last) query is a new filter or sort (it reads from the top);
    // true for a live refresh, which re-reads the page the view showed: the view stays there.
    bool refreshKeepsPlace() const { return m_refreshKeepsPlace; }
    int loadedPageCount() const { return int(m_pages.size()); }
    bool isRowLoaded(int row) const { return buildAtRow(row) != nullptr; }
    // The build in a row, nullopt while it is not loaded.
    std::optional<Build> buildAt(int row) const;
    // The row of a loaded build, -1 when it is not loaded (or not in the set).
    int rowOfBuild(qint64 buildId) const;

    // Projects as the store knows them (for filters), and a project's name ("" if unknown).
    const QList<Project> &projects() const { return m_projects; }
    QString projectName(qint64 projectId) const { return m_projectNames.value(projectId); }

public slots:
    // Runs the query again (keeps the page last looked at loaded).
    void refresh();

signals:
    // A query's first page is in and shown (the model was reset); rowCount() covers the rows up
    // to it until the count arrives.
    void rowsAvailable();
    // A query is complete: rowCount() is now its total.
    void refreshed(qint64 total);
    // A further page arrived (rows [page * pageSize(), …) changed from "Loading…").
    void pageLoaded(int page);
    void projectsChanged();
    void errorOccurred(const vw::Error &error);

private:
    void requery();     // a new filter or sort: back to the first page
    void postRefresh(); // one refresh per event-loop pass, however many changes
    void performRefresh();
    void onRefreshPage(int anchor, const Result<BuildPage> &result);
    void onRefreshCount(const Result<BuildPage> &result);
    void failRefresh(const Error &error);
    void requestPage(int page) const;
    void storePage(int page, QList<Build> builds);
    const Build *buildAtRow(int row) const;
    void reloadProjects();
    void onBuildCreated(const vw::Build &build);
    void onBuildChanged(const vw::Build &build);
    void onBuildFinished(const vw::Build &build);
    void scheduleLiveRefresh();
    bool matchesProjectFilter(const vw::Build &build) const;
    // True when a change of a build's state can move it in or out of the set, or within it.
    bool dependsOnBuildState() const;
    bool movesInSetOrOrder(const vw::Build &before, const vw::Build &after) const;
    QVariant displayData(const Build &build, int column) const;
    QVariant toolTipData(const Build &build, int column) const;

    BuildStore *m_store;
    engine::BuildHub *m_hub;
    BuildQuery m_query;
    int m_pageSize = 200;
    int m_maxCachedPages = 16;
    qint64 m_total = 0;
    // Bumped by every query; answers of older queries are dropped.
    quint64 m_generation = 0;
    bool m_refreshPosted = false;
    bool m_refreshInFlight = false; // its first page
    bool m_countInFlight = false;
    // The page the view looked at last: a refresh loads it first, so the screen does not blink.
    mutable int m_anchorPage = 0;
    bool m_requeryFromTop = false;
    bool m_refreshKeepsPlace = false;
    // The page cache (filled on demand from data(), which is const) with use stamps for LRU.
    mutable QHash<int, QList<Build>> m_pages;
    mutable QHash<int, quint64> m_pageStamps;
    mutable quint64 m_clock = 0;
    mutable QSet<int> m_pendingPages;
    QTimer m_liveRefreshTimer;
    QList<Project> m_projects;
    QHash<qint64, QString> m_projectNames;
    bool m_projectsLoading = false;
    // The last announcement of each build in progress, to tell which changes move it.
    QHash<qint64, Build> m_announced;
};

} // namespace vw::ui
