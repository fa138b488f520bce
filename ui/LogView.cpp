#include "ui/LogView.h"

#include "ui/LogSaver.h"
#include "ui/LogSearchBar.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QSaveFile>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTextLayout>

#include <algorithm>
#include <limits>

namespace vw::ui {
namespace {

constexpr int kMarkerWidth = 3; // the stderr / highlighted-line bar at the left edge
constexpr int kGutterGap = 6;   // between the marker (or timestamps) and the text
// The first output after a pause shows within a frame; while output streams, the view repaints
// at most 20 times a second (a repaint lays out the new visible lines; more would be wasted).
constexpr int kFlushIntervalMs = 16;
constexpr int kStreamingFlushIntervalMs = 50;
constexpr qsizetype kMaxCachedLayouts = 600;
constexpr qsizetype kSaveChunkBytes = 1 << 20;

int toInt(qsizetype value)
{
    return static_cast<int>(std::clamp<qsizetype>(value, 0, std::numeric_limits<int>::max()));
}

bool isWordCharacter(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

} // namespace

LogView::LogView(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_ansi(palette())
{
    setObjectName(QStringLiteral("logView"));
    setAccessibleName(tr("Log"));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setCursor(Qt::IBeamCursor);
    viewport()->setAutoFillBackground(false);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogView::flushPendingOutput);

    m_searchBar = new LogSearchBar(this);
    m_searchBar->hide();
    connect(m_searchBar, &LogSearchBar::searchChanged, this, &LogView::onSearchBarChanged);
    connect(m_searchBar, &LogSearchBar::findNextRequested, this, [this] { findNext(); });
    connect(m_searchBar, &LogSearchBar::findPreviousRequested, this, [this] { findPrevious(); });
    connect(m_searchBar, &LogSearchBar::closed, this, [this] {
        setViewportMargins(0, 0, 0, 0);
        applySearch(QString(), m_findOptions);
        setFocus(Qt::OtherFocusReason);
    });
    connect(this, &LogView::searchResultChanged, m_searchBar,
            [this](qsizetype current, qsizetype total) {
                m_searchBar->setMatchInfo(current, total, isMatchCountCapped());
            });

    createActions();
    updateMetrics();
}

LogView::~LogView() = default;

void LogView::createActions()
{
    const auto add = [this](const QString &text, const QKeySequence &shortcut, auto slot) {
        auto *action = new QAction(text, this);
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    m_copyAction = add(tr("&Copy"), QKeySequence::Copy, [this] { copy(); });
    m_selectAllAction = add(tr("Select &All"), QKeySequence::SelectAll, [this] { selectAll(); });
    m_findAction = add(tr("&Find…"), QKeySequence::Find, [this] { openSearchBar(); });
    m_findNextAction = add(tr("Find &Next"), QKeySequence::FindNext, [this] { findNext(); });
    m_findPreviousAction =
        add(tr("Find &Previous"), QKeySequence::FindPrevious, [this] { findPrevious(); });
    m_wrapAction = add(tr("&Wrap Lines"), QKeySequence(Qt::ALT | Qt::Key_Z),
                       [this](bool on) { setWordWrap(on); });
    m_wrapAction->setCheckable(true);
    m_timestampsAction =
        add(tr("Show &Timestamps"), QKeySequence(), [this](bool on) { setTimestampsVisible(on); });
    m_timestampsAction->setCheckable(true);
    m_followAction =
        add(tr("&Follow Output"), QKeySequence(), [this](bool on) { setFollowTail(on); });
    m_followAction->setCheckable(true);
    m_followAction->setChecked(true);
    m_followAction->setToolTip(tr("Keep the newest output in view"));
    // No shortcut: Ctrl+S belongs to the window that embeds the view.
    m_saveAction = add(tr("&Save Log As…"), QKeySequence(), [this] { saveAs(); });
}

// ---- appending ----------------------------------------------------------------------------

void LogView::append(QStringView text, LogStream stream, qint64 timestampMs)
{
    m_buffer.append(text, stream, timestampMs);
    if (!m_flushTimer.isActive()) {
        const bool streaming = m_sinceFlush.isValid() && m_sinceFlush.elapsed() < 200;
        m_flushTimer.start(streaming ? kStreamingFlushIntervalMs : kFlushIntervalMs);
    }
}

void LogView::clear()
{
    if (m_saver)
        m_saver->cancel(); // it reads the buffer
    m_flushTimer.stop();
    m_buffer.clear();
    m_flushedLines = 0;
    m_maxLineBytes = 0;
    m_highlightedLine = -1;
    m_currentMatch.reset();
    m_currentMatchNumber = 0;
    m_countedLines = m_countedMatches = m_lastLineMatches = 0;
    m_selectionAnchor = m_selectionCursor = {};
    invalidateLayouts();
    setFollowTailInternal(true);
    updateScrollBars();
    updateMatchCount(true);
    viewport()->update();
}

void LogView::flushPendingOutput()
{
    m_flushTimer.stop();
    m_sinceFlush.start();
    const qsizetype count = m_buffer.lineCount();
    // The last line the view knew may have grown since; the lines after it are new.
    for (qsizetype line = std::max<qsizetype>(0, m_flushedLines - 1); line < count; ++line) {
        m_maxLineBytes = std::max(m_maxLineBytes, m_buffer.lineUtf8(line).size());
        if (line < m_flushedLines)
            m_layouts.remove(line);
    }
    m_flushedLines = count;
    updateScrollBars();
    updateMatchCount(true);
    viewport()->update();
}

// ---- options --------------------------------------------------------------------------------

void LogView::setFollowTail(bool follow)
{
    setFollowTailInternal(follow);
    if (follow) {
        flushPendingOutput();
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    }
}

void LogView::setFollowTailInternal(bool follow)
{
    if (m_followTail == follow)
        return;
    m_followTail = follow;
    if (m_followAction)
        m_followAction->setChecked(follow);
    emit followTailChanged(follow);
}

void LogView::setWordWrap(bool wrap)
{
    if (m_wordWrap == wrap)
        return;
    m_wordWrap = wrap;
    m_wrapAction->setChecked(wrap);
    horizontalScrollBar()->setValue(0);
    invalidateLayouts();
    updateScrollBars();
    viewport()->update();
}

void LogView::setTimestampsVisible(bool visible)
{
    if (m_timestampsVisible == visible)
        return;
    m_timestampsVisible = visible;
    m_timestampsAction->setChecked(visible);
    invalidateLayouts(); // the text gets narrower
    updateScrollBars();
    viewport()->update();
}

// ---- geometry -------------------------------------------------------------------------------

void LogView::updateMetrics()
{
    const QFontMetrics metrics(font());
    m_lineHeight = std::max(1, metrics.lineSpacing() + 1);
    m_charWidth = std::max(1, metrics.horizontalAdvance(QLatin1Char('M')));
    m_timestampWidth = metrics.horizontalAdvance(QStringLiteral("00:00:00.000")) + kGutterGap;
    horizontalScrollBar()->setSingleStep(m_charWidth * 2);
    invalidateLayouts();
    updateScrollBars();
    viewport()->update();
}

int LogView::textLeft() const
{
    return kMarkerWidth + kGutterGap + (m_timestampsVisible ? m_timestampWidth : 0);
}

int LogView::textWidth() const
{
    return std::max(m_charWidth * 8, viewport()->width() - textLeft() - m_charWidth);
}

void LogView::invalidateLayouts()
{
    m_layouts.clear();
}

void LogView::updateScrollBars()
{
    m_adjustingScroll = true;
    const qsizetype count = m_flushedLines;
    const int height = viewport()->height();
    const int rows = std::max(1, height / m_lineHeight);
    qsizetype maximum = 0;
    if (!m_wordWrap) {
        maximum = std::max<qsizetype>(0, count - rows);
    } else {
        // How many of the last lines fit, wrapped, at the bottom of the view.
        qsizetype fit = 0;
        int used = 0;
        for (qsizetype line = count - 1; line >= 0; --line) {
            used += rowsFor(line) * m_lineHeight;
            if (used > height)
                break;
            ++fit;
        }
        maximum = std::max<qsizetype>(0, count - std::max<qsizetype>(fit, 1));
    }
    QScrollBar *vertical = verticalScrollBar();
    vertical->setRange(0, toInt(maximum));
    vertical->setPageStep(rows);
    vertical->setSingleStep(1);

    QScrollBar *horizontal = horizontalScrollBar();
    if (m_wordWrap) {
        horizontal->setRange(0, 0);
    } else {
        const qsizetype columns = std::min(m_maxLineBytes, kMaxPaintedColumns) + 2;
        const int area = viewport()->width() - textLeft();
        horizontal->setRange(0, toInt(columns * m_charWidth - area));
        horizontal->setPageStep(std::max(1, area));
    }
    if (m_followTail)
        vertical->setValue(vertical->maximum());
    m_adjustingScroll = false;
}

void LogView::scrollContentsBy(int, int dy)
{
    if (!m_adjustingScroll && dy != 0)
        setFollowTailInternal(verticalScrollBar()->value() >= verticalScrollBar()->maximum());
    viewport()->update();
}

void LogView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    if (m_wordWrap)
        invalidateLayouts();
    updateScrollBars();
    updateSearchBarGeometry();
}

void LogView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    switch (event->type()) {
    case QEvent::FontChange:
        updateMetrics();
        break;
    case QEvent::PaletteChange:
    case QEvent::StyleChange:
        m_ansi = AnsiPalette(palette());
        invalidateLayouts();
        viewport()->update();
        break;
    default:
        break;
    }
}

std::shared_ptr<QTextLayout> LogView::layoutFor(qsizetype line) const
{
    if (const auto it = m_layouts.constFind(line); it != m_layouts.cend())
        return *it;
    if (m_layouts.size() >= kMaxCachedLayouts)
        m_layouts.clear();

    QString text;
    QList<QTextLayout::FormatRange> formats;
    for (const AnsiSegment &segment : m_buffer.lineSegments(line)) {
        const qsizetype room = kMaxPaintedColumns - text.size();
        if (room <= 0)
            break;
        const QStringView piece = QStringView(segment.text).left(room);
        if (!segment.style.isPlain())
            formats.append({toInt(text.size()), toInt(piece.size()), m_ansi.format(segment.style)});
        text += piece;
    }
    auto layout = std::make_shared<QTextLayout>(text, font());
    QTextOption option;
    option.setWrapMode(m_wordWrap ? QTextOption::WrapAtWordBoundaryOrAnywhere
                                  : QTextOption::NoWrap);
    option.setTabStopDistance(8.0 * m_charWidth);
    layout->setTextOption(option);
    layout->setFormats(formats);
    layout->setCacheEnabled(true);
    layout->beginLayout();
    for (int row = 0;; ++row) {
        QTextLine textLine = layout->createLine();
        if (!textLine.isValid())
            break;
        textLine.setLineWidth(textWidth());
        textLine.setPosition(QPointF(0, row * m_lineHeight));
    }
    layout->endLayout();
    m_layouts.insert(line, layout);
    return layout;
}

int LogView::rowsFor(qsizetype line) const
{
    return m_wordWrap ? std::max(1, layoutFor(line)->lineCount()) : 1;
}

QList<LogView::VisibleLine> LogView::visibleLines() const
{
    QList<VisibleLine> lines;
    const int height = viewport()->height();
    int y = 0;
    for (qsizetype line = verticalScrollBar()->value(); line < m_flushedLines && y < height;
         ++line) {
        auto layout = layoutFor(line);
        const int rows = std::max(1, layout->lineCount());
        lines.append({line, y, rows, std::move(layout)});
        y += rows * m_lineHeight;
    }
    return lines;
}

qsizetype LogView::firstVisibleLine() const
{
    return std::min<qsizetype>(verticalScrollBar()->value(), m_flushedLines - 1);
}

qsizetype LogView::lastVisibleLine() const
{
    const QList<VisibleLine> lines = visibleLines();
    return lines.isEmpty() ? -1 : lines.last().line;
}

QRect LogView::lineRect(qsizetype line) const
{
    for (const VisibleLine &v : visibleLines()) {
        if (v.line == line)
            return QRect(textLeft() - horizontalScrollBar()->value(), v.y, textWidth(),
                         m_lineHeight);
    }
    return {};
}

LogView::Position LogView::positionAt(const QPoint &point) const
{
    const QList<VisibleLine> lines = visibleLines();
    if (lines.isEmpty())
        return {};
    const qreal x = point.x() - textLeft() + horizontalScrollBar()->value();
    const VisibleLine *hit = &lines.last();
    int row = hit->rows - 1;
    if (point.y() < 0) {
        hit = &lines.first();
        row = 0;
    } else {
        for (const VisibleLine &v : lines) {
            if (point.y() < v.y + v.rows * m_lineHeight) {
                hit = &v;
                row = (point.y() - v.y) / m_lineHeight;
                break;
            }
        }
    }
    const QTextLine textLine = hit->layout->lineAt(std::clamp(row, 0, hit->rows - 1));
    if (!textLine.isValid())
        return {hit->line, 0};
    qsizetype column = textLine.xToCursor(x);
    // Past the end of a line too long to paint whole: the end of the real line.
    if (column >= hit->layout->text().size() && hit->layout->text().size() >= kMaxPaintedColumns)
        column = m_buffer.lineText(hit->line).size();
    return {hit->line, column};
}

// ---- painting -------------------------------------------------------------------------------

void LogView::paintEvent(QPaintEvent *event)
{
    QPainter painter(viewport());
    const QPalette &pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::Base));
    const QList<VisibleLine> lines = visibleLines();
    if (lines.isEmpty())
        return;

    const bool dark = m_ansi.isDark();
    const QColor stderrTint = dark ? QColor(241, 76, 76, 30) : QColor(205, 49, 49, 20);
    const QColor stderrMarker = dark ? QColor(0xe0, 0x5c, 0x5c) : QColor(0xd0, 0x40, 0x40);
    QColor timestampColor = pal.color(QPalette::Text); // quieter than the log, in any palette
    timestampColor.setAlphaF(0.5f);
    QColor lineHighlight = pal.color(QPalette::Highlight);
    lineHighlight.setAlpha(45);

    QTextCharFormat matchFormat;
    matchFormat.setBackground(dark ? QColor(0x80, 0x6a, 0x14) : QColor(0xff, 0xe8, 0x7c));
    matchFormat.setForeground(dark ? QColor(0xf5, 0xf5, 0xf5) : QColor(Qt::black)); // legible
    QTextCharFormat currentFormat;
    currentFormat.setBackground(QColor(0xff, 0x96, 0x32));
    currentFormat.setForeground(QColor(Qt::black));
    QTextCharFormat selectionFormat;
    selectionFormat.setBackground(pal.color(QPalette::Highlight));
    selectionFormat.setForeground(pal.color(QPalette::HighlightedText));

    QList<LogBuffer::Match> matches;
    if (!m_pattern.isEmpty() && m_patternValid)
        matches = m_buffer.findAll(m_pattern, m_findOptions, lines.first().line, lines.last().line);
    qsizetype matchIndex = 0;
    const Position selectionFrom = selectionStart();
    const Position selectionTo = selectionEnd();

    const int width = viewport()->width();
    const int left = textLeft();
    const QPointF origin(left - horizontalScrollBar()->value(), 0);
    for (const VisibleLine &v : lines) {
        const int height = v.rows * m_lineHeight;
        const QRect rowRect(0, v.y, width, height);
        const bool isStderr = m_buffer.lineStream(v.line) == LogStream::Stderr;
        if (isStderr)
            painter.fillRect(rowRect, stderrTint);
        if (v.line == m_highlightedLine)
            painter.fillRect(rowRect, lineHighlight);
        if (isStderr || v.line == m_highlightedLine)
            painter.fillRect(QRect(0, v.y, kMarkerWidth, height),
                             v.line == m_highlightedLine ? pal.color(QPalette::Highlight)
                                                         : stderrMarker);

        QList<QTextLayout::FormatRange> selections;
        while (matchIndex < matches.size() && matches[matchIndex].line < v.line)
            ++matchIndex;
        for (; matchIndex < matches.size() && matches[matchIndex].line == v.line; ++matchIndex) {
            const LogBuffer::Match &m = matches[matchIndex];
            selections.append({toInt(m.column), toInt(m.length),
                               m_currentMatch == m ? currentFormat : matchFormat});
        }
        if (hasSelection() && v.line >= selectionFrom.line && v.line <= selectionTo.line) {
            const qsizetype textSize = v.layout->text().size();
            const qsizetype from = v.line == selectionFrom.line ? selectionFrom.column : 0;
            const qsizetype to = v.line == selectionTo.line ? selectionTo.column : textSize;
            if (to > from)
                selections.append({toInt(from), toInt(to - from), selectionFormat});
            if (v.line < selectionTo.line) { // the selected line break
                const QTextLine last = v.layout->lineAt(v.layout->lineCount() - 1);
                const qreal x = origin.x() + (last.isValid() ? last.naturalTextWidth() : 0);
                painter.fillRect(QRectF(std::max<qreal>(x, left), v.y + height - m_lineHeight,
                                        m_charWidth / 2.0, m_lineHeight),
                                 pal.color(QPalette::Highlight));
            }
        }

        painter.save();
        painter.setClipRect(QRect(left, v.y, width - left, height));
        painter.setPen(pal.color(QPalette::Text));
        v.layout->draw(&painter, origin + QPointF(0, v.y), selections);
        painter.restore();

        if (m_timestampsVisible) {
            const qint64 ms = m_buffer.lineTimestamp(v.line);
            if (ms > 0) {
                painter.setPen(timestampColor);
                painter.drawText(
                    QRect(kMarkerWidth + kGutterGap, v.y, m_timestampWidth, m_lineHeight),
                    Qt::AlignLeft | Qt::AlignVCenter,
                    QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz")));
            }
        }
    }
}

// ---- scrolling to lines ---------------------------------------------------------------------

void LogView::scrollToLine(qsizetype line)
{
    flushPendingOutput();
    if (m_flushedLines == 0)
        return;
    line = std::clamp<qsizetype>(line, 0, m_flushedLines - 1);
    const int height = viewport()->height();
    for (const VisibleLine &v : visibleLines()) {
        if (v.line == line && v.y + v.rows * m_lineHeight <= height)
            return; // already in full view
    }
    const int rows = std::max(1, height / m_lineHeight);
    verticalScrollBar()->setValue(toInt(line - rows / 3));
}

void LogView::highlightLine(qsizetype line)
{
    m_highlightedLine = line;
    if (line >= 0)
        scrollToLine(line);
    viewport()->update();
}

// ---- search ---------------------------------------------------------------------------------

void LogView::setSearch(const QString &pattern, LogBuffer::FindOptions options)
{
    {
        const QSignalBlocker blocker(m_searchBar);
        m_searchBar->setPattern(pattern);
        m_searchBar->setCaseSensitive(options.caseSensitive);
        m_searchBar->setRegularExpression(options.regularExpression);
    }
    applySearch(pattern, options);
}

void LogView::applySearch(const QString &pattern, LogBuffer::FindOptions options)
{
    flushPendingOutput();
    m_pattern = pattern;
    m_findOptions = options;
    m_patternValid = !options.regularExpression || QRegularExpression(pattern).isValid();
    m_currentMatch.reset();
    m_currentMatchNumber = 0;
    m_countedLines = m_countedMatches = m_lastLineMatches = 0;
    updateMatchCount(true);
    viewport()->update();
}

void LogView::onSearchBarChanged(const QString &pattern, bool caseSensitive, bool regex)
{
    applySearch(pattern, {caseSensitive, regex});
    if (!pattern.isEmpty() && m_patternValid)
        findNext(); // search as you type, from the top of the view
}

qsizetype LogView::matchCount() const
{
    if (!m_patternValid)
        return -1;
    return std::min(m_countedMatches + m_lastLineMatches, kMatchCountLimit);
}

void LogView::updateMatchCount(bool emitSignal)
{
    const qsizetype count = m_flushedLines;
    if (m_pattern.isEmpty() || !m_patternValid || count == 0) {
        m_countedLines = m_countedMatches = m_lastLineMatches = 0;
    } else {
        // Lines before the last one are final: count each once. The last may still grow.
        if (m_countedLines < count - 1 && m_countedMatches < kMatchCountLimit) {
            m_countedMatches +=
                m_buffer.countMatches(m_pattern, m_findOptions, m_countedLines, count - 2,
                                      kMatchCountLimit - m_countedMatches);
            m_countedLines = count - 1;
        }
        m_lastLineMatches =
            m_buffer.countMatches(m_pattern, m_findOptions, count - 1, count - 1, kMatchCountLimit);
    }
    if (emitSignal)
        emit searchResultChanged(m_currentMatchNumber, matchCount());
}

bool LogView::findNext()
{
    return find(false);
}

bool LogView::findPrevious()
{
    return find(true);
}

bool LogView::find(bool backwards)
{
    flushPendingOutput();
    if (m_pattern.isEmpty() || !m_patternValid || m_flushedLines == 0)
        return false;
    Position from;
    if (m_currentMatch) {
        from = {m_currentMatch->line,
                m_currentMatch->column +
                    (backwards ? 0 : std::max<qsizetype>(1, m_currentMatch->length))};
    } else if (backwards) {
        from = {std::max<qsizetype>(0, lastVisibleLine()), std::numeric_limits<qsizetype>::max()};
    } else {
        from = {std::max<qsizetype>(0, firstVisibleLine()), 0};
    }
    const auto match = m_buffer.find(m_pattern, m_findOptions, from.line, from.column, backwards);
    if (!match) {
        m_currentMatch.reset();
        m_currentMatchNumber = 0;
        updateMatchCount(true);
        viewport()->update();
        return false;
    }
    selectMatch(*match);
    return true;
}

void LogView::selectMatch(const LogBuffer::Match &match)
{
    m_currentMatch = match;
    qsizetype before =
        m_buffer.countMatches(m_pattern, m_findOptions, 0, match.line - 1, kMatchCountLimit);
    for (const LogBuffer::Match &m :
         m_buffer.findAll(m_pattern, m_findOptions, match.line, match.line)) {
        if (m.column < match.column)
            ++before;
    }
    m_currentMatchNumber = before + 1;
    ensureVisible(match);
    updateMatchCount(true);
    viewport()->update();
}

void LogView::ensureVisible(const LogBuffer::Match &match)
{
    scrollToLine(match.line);
    if (m_wordWrap)
        return;
    const auto layout = layoutFor(match.line);
    const QTextLine textLine = layout->lineAt(0);
    if (!textLine.isValid())
        return;
    const int start = toInt(textLine.cursorToX(toInt(match.column)));
    const int end = toInt(textLine.cursorToX(toInt(match.column + match.length)));
    const int area = viewport()->width() - textLeft();
    QScrollBar *horizontal = horizontalScrollBar();
    if (start < horizontal->value())
        horizontal->setValue(std::max(0, start - area / 4));
    else if (end > horizontal->value() + area)
        horizontal->setValue(end - area * 3 / 4);
}

void LogView::openSearchBar()
{
    if (hasSelection() && selectionStart().line == selectionEnd().line) {
        const QSignalBlocker blocker(m_searchBar);
        m_searchBar->setPattern(selectedText());
    }
    m_searchBar->activate();
    setViewportMargins(0, 0, 0, m_searchBar->sizeHint().height());
    updateSearchBarGeometry();
    if (m_pattern != m_searchBar->pattern())
        onSearchBarChanged(m_searchBar->pattern(), m_searchBar->isCaseSensitive(),
                           m_searchBar->isRegularExpression());
}

void LogView::updateSearchBarGeometry()
{
    if (m_searchBar->isHidden())
        return;
    const QRect area = viewport()->geometry();
    m_searchBar->setGeometry(area.left(), area.bottom() + 1, area.width(),
                             m_searchBar->sizeHint().height());
}

// ---- selection ------------------------------------------------------------------------------

void LogView::setSelection(Position anchor, Position cursor)
{
    m_selectionAnchor = anchor;
    m_selectionCursor = cursor;
    viewport()->update();
}

LogView::Position LogView::selectionStart() const
{
    return std::min(m_selectionAnchor, m_selectionCursor);
}

LogView::Position LogView::selectionEnd() const
{
    return std::max(m_selectionAnchor, m_selectionCursor);
}

QString LogView::selectedText() const
{
    if (!hasSelection())
        return {};
    const Position from = selectionStart();
    const Position to = selectionEnd();
    if (from.line == to.line)
        return m_buffer.lineText(from.line).mid(from.column, to.column - from.column);
    QString text = m_buffer.lineText(from.line).mid(from.column);
    text += QLatin1Char('\n');
    if (to.line > from.line + 1) {
        text += m_buffer.text(from.line + 1, to.line - 1);
        text += QLatin1Char('\n');
    }
    text += m_buffer.lineText(to.line).left(to.column);
    return text;
}

void LogView::selectAll()
{
    flushPendingOutput();
    if (m_flushedLines == 0)
        return;
    setSelection({0, 0}, {m_flushedLines - 1, m_buffer.lineText(m_flushedLines - 1).size()});
}

void LogView::clearSelection()
{
    setSelection({}, {});
}

void LogView::copy() const
{
    if (hasSelection())
        QGuiApplication::clipboard()->setText(selectedText());
}

void LogView::selectWordAt(Position position)
{
    const QString text = m_buffer.lineText(position.line);
    qsizetype begin = std::min(position.column, text.size());
    qsizetype end = begin;
    while (begin > 0 && isWordCharacter(text[begin - 1]))
        --begin;
    while (end < text.size() && isWordCharacter(text[end]))
        ++end;
    if (begin == end && end < text.size())
        ++end; // not on a word: the character itself
    setSelection({position.line, begin}, {position.line, end});
}

void LogView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const Position position = positionAt(event->position().toPoint());
    if (event->modifiers() & Qt::ShiftModifier)
        setSelection(m_selectionAnchor, position);
    else
        setSelection(position, position);
    m_selecting = true;
}

void LogView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_selecting || !(event->buttons() & Qt::LeftButton))
        return;
    const QPoint point = event->position().toPoint();
    if (point.y() < 0)
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepSub);
    else if (point.y() > viewport()->height())
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    setSelection(m_selectionAnchor, positionAt(point));
}

void LogView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_selecting) {
        m_selecting = false;
        QClipboard *clipboard = QGuiApplication::clipboard();
        if (hasSelection() && clipboard->supportsSelection())
            clipboard->setText(selectedText(), QClipboard::Selection);
    }
}

void LogView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        selectWordAt(positionAt(event->position().toPoint()));
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    QScrollBar *vertical = verticalScrollBar();
    switch (event->key()) {
    case Qt::Key_Home:
        vertical->setValue(0);
        return;
    case Qt::Key_End:
        setFollowTail(true);
        return;
    case Qt::Key_Escape:
        if (m_searchBar->isVisible())
            m_searchBar->dismiss();
        else
            clearSelection();
        return;
    default:
        QAbstractScrollArea::keyPressEvent(event);
    }
}

void LogView::contextMenuEvent(QContextMenuEvent *event)
{
    m_copyAction->setEnabled(hasSelection());
    QMenu menu(this);
    menu.addAction(m_copyAction);
    menu.addAction(m_selectAllAction);
    menu.addSeparator();
    menu.addAction(m_findAction);
    menu.addSeparator();
    menu.addAction(m_followAction);
    menu.addAction(m_wrapAction);
    menu.addAction(m_timestampsAction);
    menu.addSeparator();
    menu.addAction(m_saveAction);
    menu.exec(event->globalPos());
    m_copyAction->setEnabled(true);
}

// ---- saving ---------------------------------------------------------------------------------

bool LogView::writeTo(QIODevice &device) const
{
    QByteArray chunk;
    chunk.reserve(kSaveChunkBytes + 4096);
    const qsizetype count = m_buffer.lineCount();
    for (qsizetype line = 0; line < count; ++line) {
        chunk.append(m_buffer.lineUtf8(line));
        chunk.append('\n');
        if (chunk.size() >= kSaveChunkBytes || line == count - 1) {
            if (device.write(chunk) != chunk.size())
                return false;
            chunk.truncate(0);
        }
    }
    return true;
}

bool LogView::saveToFile(const QString &path, QString *errorMessage) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !writeTo(file) || !file.commit()) {
        if (errorMessage)
            *errorMessage = tr("Could not save the log to %1: %2")
                                .arg(QDir::toNativeSeparators(path), file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

void LogView::saveToFileInBackground(const QString &path)
{
    if (m_saver)
        m_saver->cancel();
    m_saver = new LogSaver(m_buffer, path, this);
    connect(m_saver, &LogSaver::finished, this,
            [this, saver = m_saver](bool ok, const QString &errorMessage) {
                if (m_saver == saver)
                    m_saver = nullptr;
                saver->deleteLater();
                emit saveFinished(ok, saver->path(), errorMessage);
            });
    m_saver->start();
}

void LogView::saveAs()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Log"), QDir::home().filePath(QStringLiteral("build.log")),
        tr("Log files (*.log *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    saveToFileInBackground(path);
    connect(m_saver, &LogSaver::finished, this, [this](bool ok, const QString &errorMessage) {
        if (!ok)
            QMessageBox::warning(this, tr("Save Log"), errorMessage);
    });
}

} // namespace vw::ui
