#pragma once

#include "models/LogBuffer.h"
#include "ui/AnsiPalette.h"

#include <QAbstractScrollArea>
#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <memory>
#include <optional>

class QTextLayout;
class QIODevice;

namespace vw::ui {

class LogSaver;
class LogSearchBar;

// The log pane used everywhere: a view on a LogBuffer that paints only the visible lines.
//
// - Monospace font, one fixed row height; the vertical scroll bar counts logical lines, so
//   scrolling, painting and hit-testing cost O(visible lines) whatever the log's size.
// - Appending is cheap: text goes into the buffer at once; the scroll range, tail-following and
//   the repaint are coalesced into one update (16 ms after output starts, then at most every
//   50 ms while it streams), so a burst costs one repaint.
// - Wrap: soft wrap lays out only the visible lines (each takes as many rows as it needs); the
//   scroll bar stays in logical lines (one step = one log line, however many rows it wraps to).
//   Wrapping the whole log for a pixel-exact scroll bar would cost a layout of every line.
// - stderr lines have a calm red bar in the left margin and a faint red tint behind them;
//   their text keeps its own colours (tools print warnings and progress on stderr too).
// - Follows the tail unless the user scrolls up; scrolling back to the bottom follows again.
class LogView : public QAbstractScrollArea
{
    Q_OBJECT
    Q_PROPERTY(bool followTail READ isFollowingTail WRITE setFollowTail NOTIFY followTailChanged)
    Q_PROPERTY(bool wordWrap READ wordWrap WRITE setWordWrap)
    Q_PROPERTY(bool timestampsVisible READ timestampsVisible WRITE setTimestampsVisible)

public:
    struct Position
    {
        qsizetype line = 0;
        qsizetype column = 0; // UTF-16 units in the line's text
        friend auto operator<=>(const Position &, const Position &) = default;
    };

    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    // Raw terminal output (ANSI sequences, '\r', '\b' are interpreted by the buffer).
    void append(QStringView text, LogStream stream = LogStream::Stdout, qint64 timestampMs = 0);
    void clear();
    const LogBuffer &buffer() const { return m_buffer; }
    qsizetype lineCount() const { return m_buffer.lineCount(); }
    // Applies pending appends to the scroll range and the view now (normally done on a timer).
    void flushPendingOutput();

    bool isFollowingTail() const { return m_followTail; }
    void setFollowTail(bool follow);
    bool wordWrap() const { return m_wordWrap; }
    void setWordWrap(bool wrap);
    bool timestampsVisible() const { return m_timestampsVisible; }
    void setTimestampsVisible(bool visible);

    // Brings the line into view (about a third from the top if it was not visible).
    void scrollToLine(qsizetype line);
    // Marks one line (e.g. an error) with a highlight bar and scrolls to it; -1 removes the mark.
    void highlightLine(qsizetype line);
    qsizetype highlightedLine() const { return m_highlightedLine; }
    qsizetype firstVisibleLine() const;
    // The last line at least partly visible.
    qsizetype lastVisibleLine() const;
    // Where a line's first row is painted, in viewport coordinates (null if not visible).
    QRect lineRect(qsizetype line) const;
    // The text position at a viewport point (clamped into the log).
    Position positionAt(const QPoint &point) const;

    // Search. Matches in the visible lines are highlighted; the current one stands out.
    void setSearch(const QString &pattern, LogBuffer::FindOptions options = {});
    QString searchPattern() const { return m_pattern; }
    LogBuffer::FindOptions searchOptions() const { return m_findOptions; }
    bool findNext();
    bool findPrevious();
    std::optional<LogBuffer::Match> currentMatch() const { return m_currentMatch; }
    // "n of m": n is 1-based (0 without a current match); m < 0 for an invalid pattern.
    qsizetype currentMatchNumber() const { return m_currentMatchNumber; }
    qsizetype matchCount() const;
    bool isMatchCountCapped() const { return matchCount() >= kMatchCountLimit; }
    LogSearchBar *searchBar() const { return m_searchBar; }
    void openSearchBar();

    // Selection and copy.
    bool hasSelection() const { return m_selectionAnchor != m_selectionCursor; }
    void setSelection(Position anchor, Position cursor);
    Position selectionStart() const;
    Position selectionEnd() const;
    QString selectedText() const;
    void selectAll();
    void clearSelection();
    void copy() const;

    // Writes the log's text (escape sequences removed; every line ends with '\n'), a chunk at
    // a time. Returns false with a message in `errorMessage` on failure.
    bool saveToFile(const QString &path, QString *errorMessage = nullptr) const;
    bool writeTo(QIODevice &device) const;
    // The same, a few megabytes per event-loop pass (what "Save Log As…" does): the window stays
    // responsive while a 100 MB log is written. The lines present now are saved; saveFinished()
    // follows. A save in progress is cancelled by another save or by clear().
    void saveToFileInBackground(const QString &path);
    bool isSaving() const { return m_saver != nullptr; }

    static constexpr qsizetype kMatchCountLimit = 1'000'000;
    // Longer lines are painted up to this many characters (copy and save keep all of them).
    static constexpr qsizetype kMaxPaintedColumns = 20'000;

public slots:
    void saveAs();

signals:
    void followTailChanged(bool following);
    void saveFinished(bool ok, const QString &path, const QString &errorMessage);
    void searchResultChanged(qsizetype current, qsizetype total);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct VisibleLine
    {
        qsizetype line = 0;
        int y = 0;
        int rows = 1;
        std::shared_ptr<QTextLayout> layout;
    };

    void createActions();
    void updateMetrics();
    void updateScrollBars();
    void setFollowTailInternal(bool follow);
    void invalidateLayouts();
    int textLeft() const;
    int textWidth() const;
    std::shared_ptr<QTextLayout> layoutFor(qsizetype line) const;
    QList<VisibleLine> visibleLines() const;
    int rowsFor(qsizetype line) const;
    void ensureVisible(const LogBuffer::Match &match);
    void selectMatch(const LogBuffer::Match &match);
    void updateMatchCount(bool emitSignal);
    void updateSearchBarGeometry();
    void onSearchBarChanged(const QString &pattern, bool caseSensitive, bool regex);
    void applySearch(const QString &pattern, LogBuffer::FindOptions options);
    bool find(bool backwards);
    void selectWordAt(Position position);

    LogBuffer m_buffer;
    AnsiPalette m_ansi;
    QTimer m_flushTimer;
    QElapsedTimer m_sinceFlush;
    qsizetype m_flushedLines = 0; // lines the view has taken into account
    qsizetype m_maxLineBytes = 0; // for the horizontal scroll range (not wrapping)

    int m_lineHeight = 1;
    int m_charWidth = 1;
    int m_timestampWidth = 0;
    bool m_followTail = true;
    bool m_wordWrap = false;
    bool m_timestampsVisible = false;
    bool m_adjustingScroll = false;
    qsizetype m_highlightedLine = -1;

    mutable QHash<qsizetype, std::shared_ptr<QTextLayout>> m_layouts;

    QString m_pattern;
    LogBuffer::FindOptions m_findOptions;
    bool m_patternValid = true;
    std::optional<LogBuffer::Match> m_currentMatch;
    qsizetype m_currentMatchNumber = 0;
    qsizetype m_countedLines = 0;    // lines [0, m_countedLines) are counted in m_countedMatches
    qsizetype m_countedMatches = 0;  // matches in those lines
    qsizetype m_lastLineMatches = 0; // matches in the (still growing) last line

    Position m_selectionAnchor;
    Position m_selectionCursor;
    bool m_selecting = false;

    LogSearchBar *m_searchBar = nullptr;
    LogSaver *m_saver = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_selectAllAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_findNextAction = nullptr;
    QAction *m_findPreviousAction = nullptr;
    QAction *m_wrapAction = nullptr;
    QAction *m_timestampsAction = nullptr;
    QAction *m_followAction = nullptr;
    QAction *m_saveAction = nullptr;
};

} // namespace vw::ui
