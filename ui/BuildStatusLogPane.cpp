#include "ui/BuildStatusLogPane.h"

#include "ui/LogView.h"

#include <QToolButton>
#include <QVBoxLayout>

namespace vw::ui {

BuildStatusLogPane::BuildStatusLogPane(const QString &title, QWidget *parent)
    : QWidget(parent)
    , m_title(title)
{
    m_header = new QToolButton(this);
    m_header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_header->setAutoRaise(true);
    m_header->setCheckable(true);
    m_header->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    m_header->setAccessibleName(title);
    m_header->setToolTip(tr("Show or hide: %1").arg(title));
    connect(m_header, &QToolButton::toggled, this, &BuildStatusLogPane::setExpanded);

    m_view = new LogView(this);
    m_view->setAccessibleName(title);
    m_view->setMinimumHeight(80);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(m_view, 1);
    m_view->setVisible(false);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    updateHeader();
}

void BuildStatusLogPane::setExpanded(bool expanded)
{
    if (expanded == m_expanded)
        return;
    m_expanded = expanded;
    m_view->setVisible(expanded);
    // Collapsed: only the header's height; expanded: takes its share of the free room.
    setSizePolicy(QSizePolicy::Preferred, expanded ? QSizePolicy::Expanding : QSizePolicy::Maximum);
    updateHeader();
    emit expandedChanged(expanded);
}

void BuildStatusLogPane::setNote(const QString &note)
{
    if (note == m_note)
        return;
    m_note = note;
    updateHeader();
}

void BuildStatusLogPane::updateHeader()
{
    const QSignalBlocker blocker(m_header);
    m_header->setChecked(m_expanded);
    m_header->setArrowType(m_expanded ? Qt::DownArrow : Qt::RightArrow);
    m_header->setText(m_note.isEmpty() ? m_title : tr("%1 — %2").arg(m_title, m_note));
    m_header->setAccessibleDescription(m_expanded ? tr("expanded") : tr("collapsed"));
}

} // namespace vw::ui
