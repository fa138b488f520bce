#include "ui/HistoryView.h"

#include "ui/BuildHistoryModel.h"
#include "ui/StatusStyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace vw::ui {

namespace {

const QString kCellPadding = QStringLiteral("QTableView::item { padding: 0px 6px; }");

} // namespace

HistoryView::HistoryView(BuildStore *store, engine::BuildHub *hub, QWidget *parent)
    : QWidget(parent)
    , m_model(new BuildHistoryModel(store, hub, this))
{
    setAccessibleName(tr("Build history"));

    m_projectCombo = new QComboBox(this);
    m_projectCombo->setAccessibleName(tr("Project filter"));
    m_projectCombo->setToolTip(tr("Show the builds of one project only"));
    m_projectCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_projectCombo->setMinimumContentsLength(12);
    m_projectCombo->addItem(tr("All projects"));

    m_statusCombo = new QComboBox(this);
    m_statusCombo->setAccessibleName(tr("Status filter"));
    m_statusCombo->setToolTip(tr("Show the builds with one status only"));
    m_statusCombo->addItem(tr("Any status"));
    for (vw::BuildStatus status : allBuildStatuses())
        m_statusCombo->addItem(StatusStyle::icon(status), StatusStyle::label(status), int(status));

    const QDate today = QDate::currentDate();
    m_fromCheck = new QCheckBox(tr("From"), this);
    m_fromCheck->setAccessibleName(tr("Limit the start date"));
    m_fromCheck->setToolTip(tr("Only builds created on or after this day"));
    m_fromDate = new QDateEdit(today.addDays(-7), this);
    m_fromDate->setAccessibleName(tr("Created from"));
    m_fromDate->setToolTip(m_fromCheck->toolTip());
    m_toCheck = new QCheckBox(tr("To"), this);
    m_toCheck->setAccessibleName(tr("Limit the end date"));
    m_toCheck->setToolTip(tr("Only builds created on or before this day"));
    m_toDate = new QDateEdit(today, this);
    m_toDate->setAccessibleName(tr("Created to"));
    m_toDate->setToolTip(m_toCheck->toolTip());
    for (QDateEdit *edit : {m_fromDate, m_toDate}) {
        edit->setCalendarPopup(true);
        edit->setEnabled(false); // "any day" until its box is checked
    }

    m_searchEdit = new QLineEdit(this);
    m_searchEdit->setAccessibleName(tr("Search builds"));
    m_searchEdit->setToolTip(
        tr("Show builds whose error, step, trigger, stack or session contains this text"));
    m_searchEdit->setPlaceholderText(tr("Search errors, steps, triggers…"));
    m_searchEdit->setClearButtonEnabled(true);
    m_searchEdit->setMinimumWidth(180);
    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(250);

    m_table = new QTableView(this);
    m_table->setAccessibleName(tr("Builds"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setMinimumSize(560, 240);
    // Room between a right-aligned duration and the error text next to it.
    m_table->setStyleSheet(kCellPadding);
    // Uniform rows: the view never measures 100,000 of them.
    QHeaderView *rows = m_table->verticalHeader();
    rows->hide();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fontMetrics().height() + 10);
    QHeaderView *columns = m_table->horizontalHeader();
    columns->setHighlightSections(false);
    columns->setStretchLastSection(true);
    columns->setSectionsMovable(false);
    // Column widths from what they show: the longest status, a full date, a long duration.
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = 3 * metrics.horizontalAdvance(QLatin1Char(' ')) + 12;
    auto fit = [&](int column, const QStringList &samples, int extra = 0) {
        int width =
            metrics.horizontalAdvance(m_model->headerData(column, Qt::Horizontal).toString()) +
            12; // the sort indicator
        for (const QString &sample : samples)
            width = std::max(width, metrics.horizontalAdvance(sample) + extra);
        m_table->setColumnWidth(column, width + padding);
    };
    QStringList statusLabels;
    for (vw::BuildStatus status : allBuildStatuses())
        statusLabels << StatusStyle::label(status);
    fit(BuildHistoryModel::ProjectColumn, {QStringLiteral("project-name-long")});
    fit(BuildHistoryModel::StatusColumn, statusLabels,
        m_table->style()->pixelMetric(QStyle::PM_SmallIconSize) + 8);
    fit(BuildHistoryModel::TriggerColumn, {QStringLiteral("rebuild"), QStringLiteral("manual")});
    fit(BuildHistoryModel::StartedColumn,
        {QLocale().toString(QDateTime(QDate(2026, 12, 28), QTime(23, 59)), QLocale::ShortFormat)});
    fit(BuildHistoryModel::DurationColumn, {StatusStyle::duration(3'599'000)});
    // No sort indicator: newest first until a header is clicked; a third click returns there.
    columns->setSortIndicatorClearable(true);
    columns->setSortIndicator(-1, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    m_table->installEventFilter(this);

    m_summary = new QLabel(this);
    m_summary->setAccessibleName(tr("Number of builds"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_projectCombo);
    filters->addWidget(m_statusCombo);
    filters->addSpacing(8);
    filters->addWidget(m_fromCheck);
    filters->addWidget(m_fromDate);
    filters->addWidget(m_toCheck);
    filters->addWidget(m_toDate);
    filters->addSpacing(8);
    filters->addWidget(m_searchEdit, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);

    connect(m_projectCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        const QVariant id = m_projectCombo->itemData(index);
        m_model->setProjectFilter(id.isValid() ? std::optional<qint64>(id.toLongLong())
                                               : std::nullopt);
    });
    connect(m_statusCombo, &QComboBox::currentIndexChanged, this, &HistoryView::applyStatusFilter);
    for (QCheckBox *box : {m_fromCheck, m_toCheck})
        connect(box, &QCheckBox::toggled, this, &HistoryView::applyDateRange);
    for (QDateEdit *edit : {m_fromDate, m_toDate})
        connect(edit, &QDateEdit::dateChanged, this, &HistoryView::applyDateRange);
    connect(m_searchEdit, &QLineEdit::textChanged, &m_searchTimer, qOverload<>(&QTimer::start));
    connect(&m_searchTimer, &QTimer::timeout, this,
            [this] { m_model->setTextFilter(m_searchEdit->text()); });
    // Clearing (the clear button, Escape) applies at once.
    connect(m_searchEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty()) {
            m_searchTimer.stop();
            m_model->setTextFilter(QString());
        }
    });

    connect(m_table, &QTableView::doubleClicked, this,
            [this](const QModelIndex &index) { activateRow(index.row()); });
    connect(m_model, &BuildHistoryModel::projectsChanged, this, &HistoryView::rebuildProjectCombo);
    connect(m_model, &BuildHistoryModel::modelAboutToBeReset, this,
            &HistoryView::rememberSelection);
    connect(m_model, &BuildHistoryModel::modelReset, this, &HistoryView::restoreSelection);
    connect(m_model, &BuildHistoryModel::refreshed, this, [this] {
        m_error.clear();
        updateSummary();
    });
    connect(m_model, &BuildHistoryModel::errorOccurred, this, [this](const vw::Error &error) {
        m_error = error.message;
        updateSummary();
    });
    m_summary->setText(tr("Loading builds…"));
}

QSize HistoryView::sizeHint() const
{
    return QSize(900, 520);
}

void HistoryView::setProjectFilter(std::optional<qint64> projectId)
{
    m_model->setProjectFilter(projectId);
    const int index = projectId ? m_projectCombo->findData(QVariant::fromValue(*projectId)) : 0;
    if (index >= 0) {
        const QSignalBlocker block(m_projectCombo);
        m_projectCombo->setCurrentIndex(index);
    }
    // A project not in the combo box yet is selected when the projects arrive.
}

std::optional<qint64> HistoryView::projectFilter() const
{
    return m_model->projectFilter();
}

void HistoryView::rebuildProjectCombo()
{
    const QSignalBlocker block(m_projectCombo);
    m_projectCombo->clear();
    m_projectCombo->addItem(tr("All projects"));
    QList<Project> projects = m_model->projects();
    std::sort(projects.begin(), projects.end(), [](const Project &a, const Project &b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    for (const Project &project : std::as_const(projects)) {
        m_projectCombo->addItem(project.name, QVariant::fromValue(project.id));
        m_projectCombo->setItemData(m_projectCombo->count() - 1,
                                    tr("%1 in sandbox %2")
                                        .arg(project.directory, project.sandboxName.isEmpty()
                                                                    ? project.sandboxId
                                                                    : project.sandboxName),
                                    Qt::ToolTipRole);
    }
    const std::optional<qint64> filter = m_model->projectFilter();
    const int index = filter ? m_projectCombo->findData(QVariant::fromValue(*filter)) : 0;
    m_projectCombo->setCurrentIndex(std::max(0, index));
}

void HistoryView::applyStatusFilter()
{
    const QVariant status = m_statusCombo->currentData();
    m_model->setStatusFilter(status.isValid()
                                 ? std::optional<vw::BuildStatus>(vw::BuildStatus(status.toInt()))
                                 : std::nullopt);
}

void HistoryView::applyDateRange()
{
    m_fromDate->setEnabled(m_fromCheck->isChecked());
    m_toDate->setEnabled(m_toCheck->isChecked());
    m_model->setDateRange(m_fromCheck->isChecked() ? m_fromDate->date() : QDate(),
                          m_toCheck->isChecked() ? m_toDate->date() : QDate());
}

void HistoryView::updateSummary()
{
    if (!m_error.isEmpty()) {
        m_summary->setText(tr("Cannot read the builds: %1").arg(m_error));
        return;
    }
    const int count = m_model->rowCount();
    // Numerus forms for translations; the English source spells out its singular separately.
    if (count == 1)
        m_summary->setText(tr("1 build"));
    else if (count > 1)
        m_summary->setText(tr("%Ln builds", nullptr, count));
    else if (m_model->hasFilters())
        m_summary->setText(tr("No builds match these filters"));
    else
        m_summary->setText(tr("No builds yet"));
}

void HistoryView::activateRow(int row)
{
    const QVariant id = m_model->index(row, 0).data(BuildHistoryModel::BuildIdRole);
    if (id.isValid())
        emit buildActivated(id.toLongLong());
}

void HistoryView::rememberSelection()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const QVariant id =
        current.isValid() ? current.data(BuildHistoryModel::BuildIdRole) : QVariant();
    m_selectedBuildId = id.isValid() ? id.toLongLong() : 0;
    m_scrollValue = m_table->verticalScrollBar()->value();
}

void HistoryView::restoreSelection()
{
    // A new filter or sort starts at the top; a live refresh keeps the place.
    if (m_model->refreshKeepsPlace())
        m_table->verticalScrollBar()->setValue(m_scrollValue);
    else
        m_table->scrollToTop();
    if (m_selectedBuildId == 0)
        return;
    const int row = m_model->rowOfBuild(m_selectedBuildId);
    if (row < 0)
        return;
    const QModelIndex index = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
}

void HistoryView::changeEvent(QEvent *event)
{
    // A style sheet keeps the palette the table had when it was polished: after the desktop's
    // palette changed (light to dark), polish it again or it keeps its old background.
    if (event->type() == QEvent::PaletteChange) {
        m_table->setStyleSheet({});
        m_table->setStyleSheet(kCellPadding);
    }
    QWidget::changeEvent(event);
}

bool HistoryView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            m_table->currentIndex().isValid()) {
            activateRow(m_table->currentIndex().row());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace vw::ui
