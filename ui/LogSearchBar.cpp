#include "ui/LogSearchBar.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

namespace vw::ui {
namespace {

QToolButton *makeButton(QWidget *parent, const QString &text, const QString &toolTip,
                        const QString &accessibleName, bool checkable)
{
    auto *button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAccessibleName(accessibleName);
    button->setCheckable(checkable);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::TabFocus);
    return button;
}

} // namespace

LogSearchBar::LogSearchBar(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("logSearchBar"));
    setAccessibleName(tr("Find in log"));
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Window);

    m_pattern = new QLineEdit(this);
    m_pattern->setObjectName(QStringLiteral("logSearchPattern"));
    m_pattern->setPlaceholderText(tr("Find in log"));
    m_pattern->setAccessibleName(tr("Search text"));
    m_pattern->setToolTip(tr("Text to find (Enter: next match, Shift+Enter: previous, Esc: "
                             "close)"));
    m_pattern->setClearButtonEnabled(true);
    m_pattern->installEventFilter(this);

    m_caseSensitive = makeButton(this, tr("Aa"), tr("Match case"), tr("Match case"), true);
    m_caseSensitive->setObjectName(QStringLiteral("logSearchCase"));
    m_regex =
        makeButton(this, tr(".*"), tr("Use a regular expression"), tr("Regular expression"), true);
    m_regex->setObjectName(QStringLiteral("logSearchRegex"));
    m_previous = makeButton(this, QString(), tr("Previous match (Shift+Enter)"),
                            tr("Previous match"), false);
    m_previous->setObjectName(QStringLiteral("logSearchPrevious"));
    m_previous->setArrowType(Qt::UpArrow);
    m_next = makeButton(this, QString(), tr("Next match (Enter)"), tr("Next match"), false);
    m_next->setObjectName(QStringLiteral("logSearchNext"));
    m_next->setArrowType(Qt::DownArrow);

    m_info = new QLabel(this);
    m_info->setObjectName(QStringLiteral("logSearchInfo"));
    m_info->setAccessibleName(tr("Matches"));
    m_info->setMinimumWidth(m_info->fontMetrics().horizontalAdvance(tr("9999 of 99999+")));
    m_info->setForegroundRole(QPalette::PlaceholderText);

    m_close =
        makeButton(this, QString(), tr("Close the find bar (Esc)"), tr("Close find bar"), false);
    m_close->setObjectName(QStringLiteral("logSearchClose"));
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    layout->addWidget(m_pattern, 1);
    layout->addWidget(m_caseSensitive);
    layout->addWidget(m_regex);
    layout->addWidget(m_previous);
    layout->addWidget(m_next);
    layout->addSpacing(4);
    layout->addWidget(m_info);
    layout->addWidget(m_close);
    setFocusProxy(m_pattern);

    connect(m_pattern, &QLineEdit::textChanged, this, &LogSearchBar::emitSearchChanged);
    connect(m_caseSensitive, &QToolButton::toggled, this, &LogSearchBar::emitSearchChanged);
    connect(m_regex, &QToolButton::toggled, this, &LogSearchBar::emitSearchChanged);
    connect(m_next, &QToolButton::clicked, this, &LogSearchBar::findNextRequested);
    connect(m_previous, &QToolButton::clicked, this, &LogSearchBar::findPreviousRequested);
    connect(m_close, &QToolButton::clicked, this, &LogSearchBar::dismiss);
    setMatchInfo(0, 0);
}

QString LogSearchBar::pattern() const
{
    return m_pattern->text();
}

void LogSearchBar::setPattern(const QString &pattern)
{
    m_pattern->setText(pattern);
}

bool LogSearchBar::isCaseSensitive() const
{
    return m_caseSensitive->isChecked();
}

void LogSearchBar::setCaseSensitive(bool on)
{
    m_caseSensitive->setChecked(on);
}

bool LogSearchBar::isRegularExpression() const
{
    return m_regex->isChecked();
}

void LogSearchBar::setRegularExpression(bool on)
{
    m_regex->setChecked(on);
}

void LogSearchBar::activate()
{
    show();
    m_pattern->setFocus(Qt::ShortcutFocusReason);
    m_pattern->selectAll();
}

void LogSearchBar::setMatchInfo(qsizetype current, qsizetype total, bool capped)
{
    QString text;
    QPalette palette = m_pattern->palette();
    palette.setColor(QPalette::Text, this->palette().color(QPalette::Text));
    if (m_pattern->text().isEmpty()) {
        text.clear();
    } else if (total < 0) {
        text = tr("Invalid pattern");
        palette.setColor(QPalette::Text, QColor(0xcd, 0x31, 0x31));
    } else if (total == 0) {
        text = tr("No matches");
    } else {
        const QString count = capped ? tr("%1+").arg(total) : QString::number(total);
        text = current > 0 ? tr("%1 of %2").arg(current).arg(count) : tr("Matches: %1").arg(count);
    }
    m_pattern->setPalette(palette);
    m_info->setText(text);
}

QString LogSearchBar::matchInfoText() const
{
    return m_info->text();
}

bool LogSearchBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_pattern && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (key->modifiers() & Qt::ShiftModifier)
                emit findPreviousRequested();
            else
                emit findNextRequested();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            dismiss();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LogSearchBar::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        dismiss();
        return;
    }
    QWidget::keyPressEvent(event);
}

void LogSearchBar::emitSearchChanged()
{
    emit searchChanged(pattern(), isCaseSensitive(), isRegularExpression());
}

void LogSearchBar::dismiss()
{
    hide();
    emit closed();
}

} // namespace vw::ui
