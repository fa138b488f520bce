#include "ui/BuildHistoryModel.h"

#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "ui/StatusStyle.h"

#include <QColor>
#include <QLocale>

#include <algorithm>
#include <array>
#include <climits>

namespace vw::ui {
namespace {

// Status badges are drawn by an icon engine; one QIcon per status is enough.
const QIcon &statusIcon(vw::BuildStatus status)
{
    static const std::array<QIcon, 6> icons{
        StatusStyle::icon(vw::BuildStatus::Queued),
        StatusStyle::icon(vw::BuildStatus::Running),
        StatusStyle::icon(vw::BuildStatus::Success),
        StatusStyle::icon(vw::BuildStatus::Failed),
        StatusStyle::icon(vw::BuildStatus::Cancelled),
        StatusStyle::icon(vw::BuildStatus::Interrupted),
    };
    return icons[size_t(status)];
}

QString firstLine(const QString &text)
{
    const qsizetype end = text.indexOf(QLatin1Char('\n'));
    return (end < 0 ? text : text.left(end)).trimmed();
}

BuildSortColumn sortColumnFor(int column)
{
    switch (column) {
    case BuildHistoryModel::ProjectColumn:
        return BuildSortColumn::ProjectName;
    case BuildHistoryModel::StatusColumn:
        return BuildSortColumn::StatusRank;
    case BuildHistoryModel::TriggerColumn:
        return BuildSortColumn::Trigger;
    case BuildHistoryModel::StartedColumn:
        return BuildSortColumn::Started;
    case BuildHistoryModel::DurationColumn:
        return BuildSortColumn::Duration;
    case BuildHistoryModel::ErrorColumn:
        return BuildSortColumn::ErrorMessage;
    default:
        return BuildSortColumn::Newest;
    }
}

} // namespace

BuildHistoryModel::BuildHistoryModel(BuildStore *store, engine::BuildHub *hub, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_hub(hub)
{
    m_liveRefreshTimer.setSingleShot(true);
    m_liveRefreshTimer.setInterval(250);
    connect(&m_liveRefreshTimer, &QTimer::timeout, this, &BuildHistoryModel::postRefresh);
    if (m_hub) {
        connect(m_hub, &engine::BuildHub::buildCreated, this, &BuildHistoryModel::onBuildCreated);
        connect(m_hub, &engine::BuildHub::buildChanged, this, &BuildHistoryModel::onBuildChanged);
        connect(m_hub, &engine::BuildHub::buildFinished, this, &BuildHistoryModel::onBuildFinished);
    }
    // Project names first: the store answers in order, so they are in before the first page.
    reloadProjects();
    postRefresh();
}

int BuildHistoryModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(std::min<qint64>(m_total, INT_MAX));
}

int BuildHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const Build *BuildHistoryModel::buildAtRow(int row) const
{
    if (row < 0 || row >= m_total)
        return nullptr;
    const auto page = m_pages.constFind(row / m_pageSize);
    if (page == m_pages.cend())
        return nullptr;
    const qsizetype index = row % m_pageSize;
    return index < page->size() ? &page->at(index) : nullptr;
}

std::optional<Build> BuildHistoryModel::buildAt(int row) const
{
    const Build *build = buildAtRow(row);
    return build ? std::optional<Build>(*build) : std::nullopt;
}

int BuildHistoryModel::rowOfBuild(qint64 buildId) const
{
    for (auto page = m_pages.cbegin(); page != m_pages.cend(); ++page) {
        for (qsizetype i = 0; i < page->size(); ++i) {
            if (page->at(i).id == buildId)
                return int(page.key() * m_pageSize + i);
        }
    }
    return -1;
}

QVariant BuildHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_total)
        return {};
    const int page = index.row() / m_pageSize;
    m_anchorPage = page;
    const Build *build = buildAtRow(index.row());
    if (!build) {
        requestPage(page);
        if (role == Qt::DisplayRole && index.column() == ProjectColumn)
            return tr("Loading…");
        if (role == Qt::ForegroundRole)
            return QColor(0x8a, 0x8f, 0x98);
        return {};
    }
    m_pageStamps[page] = ++m_clock;

    switch (role) {
    case Qt::DisplayRole:
        return displayData(*build, index.column());
    case Qt::ToolTipRole:
        return toolTipData(*build, index.column());
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return statusIcon(build->status);
        return {};
    case Qt::ForegroundRole:
        if (displayData(*build, index.column()).toString() == QStringLiteral("—"))
            return QColor(0x8a, 0x8f, 0x98); // no value: quieter than the values around it
        if (index.column() == ErrorColumn)
            return StatusStyle::color(build->status == vw::BuildStatus::Interrupted
                                          ? vw::BuildStatus::Interrupted
                                          : vw::BuildStatus::Failed);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case BuildIdRole:
        return build->id;
    case StatusRole:
        return int(build->status);
    default:
        return {};
    }
}

QVariant BuildHistoryModel::displayData(const Build &build, int column) const
{
    const QString none = QStringLiteral("—");
    switch (column) {
    case ProjectColumn: {
        const QString name = m_projectNames.value(build.projectId);
        return name.isEmpty() ? tr("Project %1").arg(build.projectId) : name;
    }
    case StatusColumn:
        return StatusStyle::label(build.status);
    case TriggerColumn:
        return build.trigger.isEmpty() ? none : build.trigger;
    case StartedColumn:
        return build.startedAt.isValid()
                   ? QLocale().toString(build.startedAt.toLocalTime(), QLocale::ShortFormat)
                   : none;
    case DurationColumn:
        return build.durationMs ? StatusStyle::duration(*build.durationMs) : none;
    case ErrorColumn:
        return firstLine(build.errorMessage);
    default:
        return {};
    }
}

QVariant BuildHistoryModel::toolTipData(const Build &build, int column) const
{
    switch (column) {
    case ProjectColumn:
        return tr("%1 — build #%2").arg(displayData(build, ProjectColumn).toString()).arg(build.id);
    case StartedColumn:
        if (!build.startedAt.isValid())
            return tr("Not started yet (queued %1)")
                .arg(QLocale().toString(build.createdAt.toLocalTime(), QLocale::LongFormat));
        return QLocale().toString(build.startedAt.toLocalTime(), QLocale::LongFormat);
    case DurationColumn:
        if (!build.durationMs)
            return build.isFinished() ? tr("No duration was recorded.") : tr("Not finished yet.");
        return {};
    case ErrorColumn:
        return build.errorMessage.isEmpty() ? QVariant() : QVariant(build.errorMessage);
    default:
        return {};
    }
}

QVariant BuildHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ProjectColumn:
            return tr("Project");
        case StatusColumn:
            return tr("Status");
        case TriggerColumn:
            return tr("Trigger");
        case StartedColumn:
            return tr("Started");
        case DurationColumn:
            return tr("Duration");
        case ErrorColumn:
            return tr("Error");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ProjectColumn:
            return tr("The project the build belongs to");
        case StatusColumn:
            return tr("How the build ended, or where it stands");
        case TriggerColumn:
            return tr("Who started the build: manual, cli, agent, rebuild, …");
        case StartedColumn:
            return tr("When the build started, in local time");
        case DurationColumn:
            return tr("How long the build took");
        case ErrorColumn:
            return tr("The first meaningful error line of a failed build");
        default:
            return {};
        }
    }
    if (role == Qt::InitialSortOrderRole) // the first click: latest and longest first
        return QVariant::fromValue(section == StartedColumn || section == DurationColumn
                                       ? Qt::DescendingOrder
                                       : Qt::AscendingOrder);
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue((section == DurationColumn ? Qt::AlignRight : Qt::AlignLeft) |
                                   Qt::AlignVCenter);
    return {};
}

void BuildHistoryModel::sort(int column, Qt::SortOrder order)
{
    const BuildSortColumn sortColumn = sortColumnFor(column);
    // "No column" is the natural order of a history: newest first.
    const Qt::SortOrder sortOrder =
        sortColumn == BuildSortColumn::Newest ? Qt::DescendingOrder : order;
    if (sortColumn == m_query.sortColumn && sortOrder == m_query.sortOrder)
        return;
    m_query.sortColumn = sortColumn;
    m_query.sortOrder = sortOrder;
    requery();
}

void BuildHistoryModel::setProjectFilter(std::optional<qint64> projectId)
{
    if (projectId == m_query.projectId)
        return;
    m_query.projectId = projectId;
    requery();
}

void BuildHistoryModel::setStatusFilter(std::optional<vw::BuildStatus> status)
{
    const QList<vw::BuildStatus> statuses =
        status ? QList<vw::BuildStatus>{*status} : QList<vw::BuildStatus>{};
    if (statuses == m_query.statuses)
        return;
    m_query.statuses = statuses;
    requery();
}

void BuildHistoryModel::setDateRange(const QDate &from, const QDate &to)
{
    const QDateTime createdFrom = from.isValid() ? from.startOfDay() : QDateTime();
    const QDateTime createdTo = to.isValid() ? to.addDays(1).startOfDay() : QDateTime();
    if (createdFrom == m_query.createdFrom && createdTo == m_query.createdTo)
        return;
    m_query.createdFrom = createdFrom;
    m_query.createdTo = createdTo;
    requery();
}

void BuildHistoryModel::setTextFilter(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_query.text)
        return;
    m_query.text = trimmed;
    requery();
}

bool BuildHistoryModel::hasFilters() const
{
    return m_query.projectId || !m_query.statuses.isEmpty() || m_query.createdFrom.isValid() ||
           m_query.createdTo.isValid() || !m_query.text.isEmpty();
}

void BuildHistoryModel::setPageSize(int rows)
{
    rows = std::max(1, rows);
    if (rows == m_pageSize)
        return;
    // Loaded pages are cut to the old size: until the new query is in, every row is loading.
    beginResetModel();
    m_pageSize = rows;
    m_pages.clear();
    m_pageStamps.clear();
    endResetModel();
    requery();
}

void BuildHistoryModel::setMaxCachedPages(int pages)
{
    m_maxCachedPages = std::max(2, pages);
}

void BuildHistoryModel::refresh()
{
    postRefresh();
}

void BuildHistoryModel::requery()
{
    // Decided now: the view may still paint (and read rows) before the query starts.
    m_requeryFromTop = true;
    postRefresh();
}

void BuildHistoryModel::postRefresh()
{
    m_liveRefreshTimer.stop(); // a refresh now covers whatever the timer was waiting for
    if (m_refreshPosted)
        return;
    m_refreshPosted = true;
    QMetaObject::invokeMethod(this, &BuildHistoryModel::performRefresh, Qt::QueuedConnection);
}

void BuildHistoryModel::performRefresh()
{
    m_refreshPosted = false;
    if (!m_store)
        return;
    const quint64 generation = ++m_generation;
    m_refreshInFlight = true;
    m_countInFlight = true;
    m_pendingPages.clear();
    m_refreshKeepsPlace = !m_requeryFromTop;
    if (m_requeryFromTop)
        m_anchorPage = 0;
    m_requeryFromTop = false;
    const int anchor = m_anchorPage;

    // The page first and the count after it: the rows show without waiting for the count (a
    // full scan with a text filter); the worker answers in this order.
    BuildQuery pageQuery = m_query;
    pageQuery.limit = m_pageSize;
    pageQuery.offset = anchor * m_pageSize;
    pageQuery.countTotal = false;
    m_store->builds(pageQuery)->onResult(this,
                                         [this, generation, anchor](const Result<BuildPage> &r) {
                                             if (generation == m_generation)
                                                 onRefreshPage(anchor, r);
                                         });
    // The count needs no order, and one row in id order costs nothing.
    BuildQuery countQuery = m_query;
    countQuery.sortColumn = BuildSortColumn::Newest;
    countQuery.sortOrder = Qt::DescendingOrder;
    countQuery.limit = 1;
    countQuery.offset = 0;
    countQuery.countTotal = true;
    m_store->builds(countQuery)->onResult(this, [this, generation](const Result<BuildPage> &r) {
        if (generation == m_generation)
            onRefreshCount(r);
    });
}

void BuildHistoryModel::failRefresh(const Error &error)
{
    ++m_generation; // whatever else of this query is on its way is void
    m_refreshInFlight = false;
    m_countInFlight = false;
    beginResetModel();
    m_pages.clear();
    m_pageStamps.clear();
    m_total = 0;
    endResetModel();
    emit errorOccurred(error);
}

void BuildHistoryModel::onRefreshPage(int anchor, const Result<BuildPage> &result)
{
    if (!result) {
        failRefresh(result.error());
        return;
    }
    const QList<Build> &builds = result.value().builds;
    if (anchor > 0 && builds.isEmpty()) {
        // The set shrank below the page looked at last: start from the top.
        m_requeryFromTop = true;
        performRefresh();
        return;
    }
    // Until the count is in: the rows up to this page (all of them when the page is not full).
    const qint64 known = qint64(anchor) * m_pageSize + builds.size();
    m_refreshInFlight = false;
    beginResetModel();
    m_pages.clear();
    m_pageStamps.clear();
    m_total = known;
    m_pages.insert(anchor, builds);
    m_pageStamps.insert(anchor, ++m_clock);
    endResetModel();
    emit rowsAvailable();
}

void BuildHistoryModel::onRefreshCount(const Result<BuildPage> &result)
{
    if (!result) {
        failRefresh(result.error());
        return;
    }
    m_countInFlight = false;
    const qint64 total = result.value().total;
    if (total > m_total) {
        beginInsertRows({}, rowCount(), int(std::min<qint64>(total, INT_MAX)) - 1);
        m_total = total;
        endInsertRows();
    } else if (total < m_total) { // a build went between the two queries
        beginRemoveRows({}, int(total), rowCount() - 1);
        m_total = total;
        endRemoveRows();
    }
    emit refreshed(m_total);
}

void BuildHistoryModel::requestPage(int page) const
{
    // While a query runs, its answer replaces every row anyway.
    if (m_refreshInFlight || m_refreshPosted || !m_store || m_pendingPages.contains(page) ||
        m_pages.contains(page))
        return;
    m_pendingPages.insert(page);
    BuildQuery query = m_query;
    query.limit = m_pageSize;
    query.offset = page * m_pageSize;
    query.countTotal = false;
    // data() is const, but filling the page cache is not a change of the model's content.
    auto *self = const_cast<BuildHistoryModel *>(this);
    const quint64 generation = m_generation;
    m_store->builds(query)->onResult(self, [self, generation, page](const Result<BuildPage> &r) {
        if (generation != self->m_generation)
            return;
        self->m_pendingPages.remove(page);
        if (!r) {
            emit self->errorOccurred(r.error());
            return;
        }
        self->storePage(page, r.value().builds);
    });
}

void BuildHistoryModel::storePage(int page, QList<Build> builds)
{
    m_pages.insert(page, std::move(builds));
    m_pageStamps.insert(page, ++m_clock);
    while (m_pages.size() > m_maxCachedPages) {
        auto oldest = std::min_element(m_pageStamps.cbegin(), m_pageStamps.cend(),
                                       [](quint64 a, quint64 b) { return a < b; });
        const int evicted = oldest.key();
        m_pageStamps.remove(evicted);
        m_pages.remove(evicted);
    }
    const int first = page * m_pageSize;
    const int last = int(std::min<qint64>(m_total, qint64(first) + m_pageSize)) - 1;
    if (last >= first)
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
    emit pageLoaded(page);
}

void BuildHistoryModel::reloadProjects()
{
    if (!m_store || m_projectsLoading)
        return;
    m_projectsLoading = true;
    m_store->projects()->onResult(this, [this](const Result<QList<Project>> &result) {
        m_projectsLoading = false;
        if (!result) {
            emit errorOccurred(result.error());
            return;
        }
        m_projects = result.value();
        m_projectNames.clear();
        for (const Project &p : std::as_const(m_projects))
            m_projectNames.insert(p.id, p.name);
        if (m_total > 0)
            emit dataChanged(index(0, ProjectColumn), index(rowCount() - 1, ProjectColumn));
        emit projectsChanged();
    });
}

bool BuildHistoryModel::matchesProjectFilter(const vw::Build &build) const
{
    return !m_query.projectId || *m_query.projectId == build.projectId;
}

bool BuildHistoryModel::dependsOnBuildState() const
{
    return !m_query.statuses.isEmpty() || !m_query.text.isEmpty() ||
           (m_query.sortColumn != BuildSortColumn::Newest &&
            m_query.sortColumn != BuildSortColumn::ProjectName);
}

bool BuildHistoryModel::movesInSetOrOrder(const vw::Build &before, const vw::Build &after) const
{
    if (before.status != after.status &&
        (!m_query.statuses.isEmpty() || m_query.sortColumn == BuildSortColumn::StatusRank))
        return true;
    if (!m_query.text.isEmpty() &&
        (before.errorMessage != after.errorMessage || before.currentStep != after.currentStep ||
         before.trigger != after.trigger || before.stack != after.stack ||
         before.daytonaSessionId != after.daytonaSessionId))
        return true;
    switch (m_query.sortColumn) {
    case BuildSortColumn::Trigger:
        return before.trigger != after.trigger;
    case BuildSortColumn::Started:
        return before.startedAt != after.startedAt;
    case BuildSortColumn::Duration:
        return before.durationMs != after.durationMs;
    case BuildSortColumn::ErrorMessage:
        return before.errorMessage != after.errorMessage;
    default:
        return false;
    }
}

void BuildHistoryModel::scheduleLiveRefresh()
{
    // Coalescing, not debouncing to the end: a build that changes every few milliseconds must
    // not keep the list from ever catching up.
    if (!m_liveRefreshTimer.isActive())
        m_liveRefreshTimer.start();
}

void BuildHistoryModel::onBuildCreated(const vw::Build &build)
{
    if (!m_projectNames.contains(build.projectId))
        reloadProjects();
    m_announced.insert(build.id, build);
    if (matchesProjectFilter(build))
        scheduleLiveRefresh();
}

void BuildHistoryModel::onBuildChanged(const vw::Build &build)
{
    // What the build looked like before: its row, else its last announcement.
    std::optional<Build> before;
    if (const auto announced = m_announced.constFind(build.id); announced != m_announced.cend())
        before = *announced;
    for (auto page = m_pages.begin(); page != m_pages.end(); ++page) {
        for (qsizetype i = 0; i < page->size(); ++i) {
            if ((*page)[i].id != build.id)
                continue;
            before = (*page)[i];
            (*page)[i] = build;
            const int row = int(page.key() * m_pageSize + i);
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            break;
        }
    }
    m_announced.insert(build.id, build);
    if (matchesProjectFilter(build) && dependsOnBuildState() &&
        (!before || movesInSetOrOrder(*before, build)))
        scheduleLiveRefresh();
}

void BuildHistoryModel::onBuildFinished(const vw::Build &build)
{
    onBuildChanged(build);
    m_announced.remove(build.id); // only builds in progress are remembered
}

} // namespace vw::ui
