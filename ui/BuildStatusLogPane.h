#pragma once

#include <QWidget>

class QLabel;
class QToolButton;

namespace vw::ui {

class LogView;

// One collapsible log pane of BuildStatus: a header button with an arrow ("▸ Install log") and a
// LogView under it. Collapsed, the view is hidden and the pane is only as tall as its header, so
// it takes no room from the other panes.
class BuildStatusLogPane : public QWidget
{
    Q_OBJECT

public:
    BuildStatusLogPane(const QString &title, QWidget *parent = nullptr);

    LogView *view() const { return m_view; }
    QToolButton *header() const { return m_header; }
    bool isExpanded() const { return m_expanded; }
    void setExpanded(bool expanded);
    // A short note after the title, e.g. "12 lines" or "error on line 40".
    void setNote(const QString &note);
    QString title() const { return m_title; }

signals:
    void expandedChanged(bool expanded);

private:
    void updateHeader();

    QString m_title;
    QString m_note;
    bool m_expanded = false;
    QToolButton *m_header;
    LogView *m_view;
};

} // namespace vw::ui
