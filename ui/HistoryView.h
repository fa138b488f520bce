#pragma once

#include "models/BuildStatus.h"

#include <QTimer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableView;

namespace vw {
class BuildStore;
namespace engine {
class BuildHub;
}
} // namespace vw

namespace vw::ui {

class BuildHistoryModel;

// The History: every build in a sortable table (project, status, trigger, start, duration,
// error) with filters by project, status, creation date range and text, over a paged model so
// 100,000 builds open at once. Updates come from the BuildHub (see BuildHistoryModel); the
// selected build stays selected across them. Double-click or Enter on a row emits
// buildActivated().
class HistoryView : public QWidget
{
    Q_OBJECT

public:
    HistoryView(BuildStore *store, engine::BuildHub *hub, QWidget *parent = nullptr);

    // Shows only the builds of one project (nullopt: of all projects), also in the combo box.
    void setProjectFilter(std::optional<qint64> projectId);
    std::optional<qint64> projectFilter() const;

    BuildHistoryModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    QComboBox *projectComboBox() const { return m_projectCombo; }
    QComboBox *statusComboBox() const { return m_statusCombo; }
    QCheckBox *fromCheckBox() const { return m_fromCheck; }
    QDateEdit *fromDateEdit() const { return m_fromDate; }
    QCheckBox *toCheckBox() const { return m_toCheck; }
    QDateEdit *toDateEdit() const { return m_toDate; }
    QLineEdit *searchEdit() const { return m_searchEdit; }
    QLabel *summaryLabel() const { return m_summary; }
    // The pause after the last keystroke before the text filter applies (default 250 ms).
    void setSearchDelay(int ms) { m_searchTimer.setInterval(ms); }

    QSize sizeHint() const override;

signals:
    void buildActivated(qint64 buildId);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void rebuildProjectCombo();
    void applyStatusFilter();
    void applyDateRange();
    void updateSummary();
    void activateRow(int row);
    void rememberSelection();
    void restoreSelection();

    BuildHistoryModel *m_model = nullptr;
    QComboBox *m_projectCombo = nullptr;
    QComboBox *m_statusCombo = nullptr;
    QCheckBox *m_fromCheck = nullptr;
    QDateEdit *m_fromDate = nullptr;
    QCheckBox *m_toCheck = nullptr;
    QDateEdit *m_toDate = nullptr;
    QLineEdit *m_searchEdit = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QTimer m_searchTimer;
    // Kept across a model reset (a live refresh): the selected build and the scroll position.
    qint64 m_selectedBuildId = 0;
    int m_scrollValue = 0;
    QString m_error;
};

} // namespace vw::ui
