#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

namespace vw::ui {

// The find bar of a log view: a pattern field, case and regular-expression toggles,
// previous/next buttons, an "n of m" label and a close button. Enter finds the next match,
// Shift+Enter the previous one, Esc closes the bar. It only reports what the user asks for;
// the view does the searching and reports back through setMatchInfo().
class LogSearchBar : public QWidget
{
    Q_OBJECT

public:
    explicit LogSearchBar(QWidget *parent = nullptr);

    QString pattern() const;
    void setPattern(const QString &pattern);
    bool isCaseSensitive() const;
    void setCaseSensitive(bool on);
    bool isRegularExpression() const;
    void setRegularExpression(bool on);

    // Shows the bar and puts the keyboard focus into the pattern field, its text selected.
    void activate();
    // `current` is 1-based (0: no current match); `total` < 0 means the pattern is invalid.
    // `capped`: the count stopped at a limit, so `total` is a lower bound.
    void setMatchInfo(qsizetype current, qsizetype total, bool capped = false);
    QString matchInfoText() const;
    // Hides the bar and emits closed() (what Esc and the close button do).
    void dismiss();

signals:
    // The pattern or an option changed.
    void searchChanged(const QString &pattern, bool caseSensitive, bool regularExpression);
    void findNextRequested();
    void findPreviousRequested();
    // The bar was closed (Esc or the close button); the view takes the focus back.
    void closed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void emitSearchChanged();

    QLineEdit *m_pattern = nullptr;
    QToolButton *m_caseSensitive = nullptr;
    QToolButton *m_regex = nullptr;
    QToolButton *m_previous = nullptr;
    QToolButton *m_next = nullptr;
    QLabel *m_info = nullptr;
    QToolButton *m_close = nullptr;
};

} // namespace vw::ui
