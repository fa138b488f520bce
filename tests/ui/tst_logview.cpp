#include "ui/LogSaver.h"
#include "ui/LogSearchBar.h"
#include "ui/LogView.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

using vw::LogStream;
using vw::ui::LogView;

class tst_LogView : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void appendUpdatesLineCountAndScrollRange();
    void coalescesRepaintsOfABurst();
    void followsTheTailUnlessScrolledUp();
    void scrollsToAndHighlightsALine();
    void searchNextPreviousAndWrap();
    void searchOptions();
    void searchHighlightsVisibleMatches();
    void searchBarDrivesTheSearch();
    void selectionAndCopy();
    void mouseSelection();
    void wrapToggle();
    void savesTheExactText();
    void savesALargeLogInTheBackground();
    void paintsAnsiColours();
    void carriageReturnShowsTheLastState();
    void marksStderrLines();
    void timestampsColumn();
    void screenshot();

private:
    LogView *m_view = nullptr;
};

namespace {

bool isReddish(QRgb c)
{
    return qRed(c) > 150 && qGreen(c) < 110 && qBlue(c) < 110;
}

// How many pixels of `rect` in the image satisfy `test`.
template<typename Test>
int countPixels(const QImage &image, const QRect &rect, Test test)
{
    int n = 0;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x)
            n += test(image.pixel(x, y)) ? 1 : 0;
    }
    return n;
}

QImage render(LogView &view)
{
    view.flushPendingOutput();
    return view.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
}

} // namespace

void tst_LogView::init()
{
    m_view = new LogView;
    m_view->setPalette(QApplication::style()->standardPalette()); // a light palette
    m_view->resize(640, 400);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
}

void tst_LogView::cleanup()
{
    delete m_view;
    m_view = nullptr;
}

void tst_LogView::appendUpdatesLineCountAndScrollRange()
{
    QCOMPARE(m_view->lineCount(), 0);
    QCOMPARE(m_view->verticalScrollBar()->maximum(), 0);
    for (int i = 0; i < 1000; ++i)
        m_view->append(QStringLiteral("line %1\n").arg(i));
    QCOMPARE(m_view->lineCount(), 1000);
    // The scroll range follows within a frame, without anyone asking.
    QTRY_VERIFY(m_view->verticalScrollBar()->maximum() > 900);
    const int rows = m_view->viewport()->height() / m_view->lineRect(999).height();
    QCOMPARE(m_view->verticalScrollBar()->maximum(), 1000 - rows);
    QCOMPARE(m_view->verticalScrollBar()->pageStep(), rows);
    QCOMPARE(m_view->lastVisibleLine(), 999);

    m_view->clear();
    QCOMPARE(m_view->lineCount(), 0);
    QCOMPARE(m_view->verticalScrollBar()->maximum(), 0);
}

void tst_LogView::coalescesRepaintsOfABurst()
{
    // A burst of appends changes nothing on screen until the coalesced flush.
    m_view->flushPendingOutput();
    for (int i = 0; i < 500; ++i)
        m_view->append(u"x\n");
    QCOMPARE(m_view->verticalScrollBar()->maximum(), 0);
    QTRY_VERIFY(m_view->verticalScrollBar()->maximum() > 0);
}

void tst_LogView::followsTheTailUnlessScrolledUp()
{
    QSignalSpy followSpy(m_view, &LogView::followTailChanged);
    for (int i = 0; i < 500; ++i)
        m_view->append(QStringLiteral("line %1\n").arg(i));
    m_view->flushPendingOutput();
    QScrollBar *bar = m_view->verticalScrollBar();
    QVERIFY(m_view->isFollowingTail());
    QCOMPARE(bar->value(), bar->maximum());

    bar->setValue(10); // the user scrolls up
    QVERIFY(!m_view->isFollowingTail());
    QCOMPARE(followSpy.size(), 1);
    for (int i = 0; i < 100; ++i)
        m_view->append(QStringLiteral("more %1\n").arg(i));
    m_view->flushPendingOutput();
    QCOMPARE(bar->value(), 10);
    QCOMPARE(m_view->firstVisibleLine(), 10);

    bar->setValue(bar->maximum()); // back at the bottom: follows again
    QVERIFY(m_view->isFollowingTail());
    m_view->append(u"newest\n");
    m_view->flushPendingOutput();
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(m_view->lastVisibleLine(), m_view->lineCount() - 1);

    // The wheel scrolls up too.
    QWheelEvent wheel(QPointF(50, 50), m_view->viewport()->mapToGlobal(QPointF(50, 50)), {},
                      QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(m_view->viewport(), &wheel);
    QVERIFY(bar->value() < bar->maximum());
    QVERIFY(!m_view->isFollowingTail());

    // End follows again.
    QTest::keyClick(m_view, Qt::Key_End);
    QVERIFY(m_view->isFollowingTail());
    QCOMPARE(bar->value(), bar->maximum());
}

void tst_LogView::scrollsToAndHighlightsALine()
{
    for (int i = 0; i < 1000; ++i)
        m_view->append(QStringLiteral("line %1\n").arg(i));
    m_view->scrollToLine(400);
    QVERIFY(m_view->firstVisibleLine() <= 400);
    QVERIFY(m_view->lastVisibleLine() > 400);
    QVERIFY(!m_view->isFollowingTail());

    m_view->highlightLine(20);
    QCOMPARE(m_view->highlightedLine(), 20);
    QVERIFY(!m_view->lineRect(20).isNull());
    const QImage image = render(*m_view);
    const QColor highlight = m_view->palette().color(QPalette::Highlight);
    QCOMPARE(QColor(image.pixel(1, m_view->lineRect(20).center().y())), highlight);
    m_view->highlightLine(-1);
    QCOMPARE(m_view->highlightedLine(), -1);
}

void tst_LogView::searchNextPreviousAndWrap()
{
    for (int i = 0; i < 300; ++i)
        m_view->append(i % 100 == 50 ? QStringLiteral("line %1 has an error here\n").arg(i)
                                     : QStringLiteral("line %1 fine\n").arg(i));
    QSignalSpy resultSpy(m_view, &LogView::searchResultChanged);
    m_view->setSearch(QStringLiteral("error"));
    QCOMPARE(m_view->matchCount(), 3);
    QVERIFY(!resultSpy.isEmpty());
    QCOMPARE(resultSpy.last().at(1).value<qsizetype>(), 3);

    m_view->scrollToLine(0);
    QVERIFY(m_view->findNext());
    QCOMPARE(m_view->currentMatch()->line, 50);
    QCOMPARE(m_view->currentMatch()->column, 15);
    QCOMPARE(m_view->currentMatchNumber(), 1);
    QVERIFY(m_view->findNext());
    QCOMPARE(m_view->currentMatch()->line, 150);
    QCOMPARE(m_view->currentMatchNumber(), 2);
    QVERIFY(m_view->lineRect(150).isValid()); // scrolled into view
    QVERIFY(m_view->findNext());
    QCOMPARE(m_view->currentMatch()->line, 250);
    QVERIFY(m_view->findNext()); // wraps to the top
    QCOMPARE(m_view->currentMatch()->line, 50);
    QCOMPARE(m_view->currentMatchNumber(), 1);
    QVERIFY(m_view->findPrevious()); // and back round to the bottom
    QCOMPARE(m_view->currentMatch()->line, 250);
    QCOMPARE(m_view->currentMatchNumber(), 3);
    QCOMPARE(resultSpy.last().at(0).value<qsizetype>(), 3);
    QVERIFY(m_view->findPrevious());
    QCOMPARE(m_view->currentMatch()->line, 150);

    m_view->setSearch(QStringLiteral("absent"));
    QVERIFY(!m_view->findNext());
    QCOMPARE(m_view->matchCount(), 0);
    QVERIFY(!m_view->currentMatch());
}

void tst_LogView::searchOptions()
{
    m_view->append(u"Error: one\nerror: two\nERROR three\nwarning E1234 and E99\n");
    m_view->setSearch(QStringLiteral("error"));
    QCOMPARE(m_view->matchCount(), 3);
    m_view->setSearch(QStringLiteral("Error"), {true, false});
    QCOMPARE(m_view->matchCount(), 1);
    m_view->setSearch(QStringLiteral(R"(E\d{4})"), {false, true});
    QCOMPARE(m_view->matchCount(), 1);
    QVERIFY(m_view->findNext());
    QCOMPARE(m_view->currentMatch()->line, 3);
    QCOMPARE(m_view->currentMatch()->length, 5);
    m_view->setSearch(QStringLiteral("^error"), {false, true});
    QCOMPARE(m_view->matchCount(), 3);
    m_view->setSearch(QStringLiteral("("), {false, true}); // invalid
    QCOMPARE(m_view->matchCount(), -1);
    QVERIFY(!m_view->findNext());
}

void tst_LogView::searchHighlightsVisibleMatches()
{
    for (int i = 0; i < 10; ++i)
        m_view->append(QStringLiteral("line %1 with a needle in it\n").arg(i));
    m_view->setSearch(QStringLiteral("needle"));
    QVERIFY(m_view->findNext());
    const QImage image = render(*m_view);
    const auto isMatch = [](QRgb c) { return c == qRgb(0xff, 0xe8, 0x7c); };
    const auto isCurrent = [](QRgb c) { return c == qRgb(0xff, 0x96, 0x32); };
    const int current = int(m_view->currentMatch()->line);
    for (int line = 0; line < 10; ++line) {
        const QRect row(0, m_view->lineRect(line).top(), image.width(),
                        m_view->lineRect(line).height());
        if (line == current) {
            QVERIFY(countPixels(image, row, isCurrent) > 20);
            QCOMPARE(countPixels(image, row, isMatch), 0);
        } else {
            QVERIFY2(countPixels(image, row, isMatch) > 20, qPrintable(QString::number(line)));
        }
    }
}

void tst_LogView::searchBarDrivesTheSearch()
{
    for (int i = 0; i < 100; ++i)
        m_view->append(QStringLiteral("step %1 %2\n").arg(i).arg(i % 10 == 0 ? "FAIL" : "ok"));
    m_view->flushPendingOutput();
    m_view->setFocus();
    vw::ui::LogSearchBar *bar = m_view->searchBar();
    QVERIFY(!bar->isVisible());
    QTest::keyClick(m_view, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(bar->isVisible());
    auto *edit = bar->findChild<QLineEdit *>(QStringLiteral("logSearchPattern"));
    QVERIFY(edit);
    QTRY_VERIFY(edit->hasFocus());
    QVERIFY(bar->geometry().bottom() <= m_view->height());
    QVERIFY(m_view->viewport()->geometry().bottom() < bar->geometry().top());

    m_view->scrollToLine(0);
    QTest::keyClicks(edit, QStringLiteral("fail"));
    QCOMPARE(m_view->searchPattern(), QStringLiteral("fail"));
    QCOMPARE(m_view->matchCount(), 10);
    QVERIFY(m_view->currentMatch());
    const qsizetype first = m_view->currentMatch()->line;
    QCOMPARE(bar->matchInfoText(), QStringLiteral("1 of 10"));
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(m_view->currentMatch()->line, first + 10);
    QCOMPARE(bar->matchInfoText(), QStringLiteral("2 of 10"));
    QTest::keyClick(edit, Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(m_view->currentMatch()->line, first);

    // Match case: "fail" no longer matches "FAIL".
    bar->findChild<QToolButton *>(QStringLiteral("logSearchCase"))->click();
    QCOMPARE(m_view->matchCount(), 0);
    QCOMPARE(bar->matchInfoText(), QStringLiteral("No matches"));

    QTest::keyClick(edit, Qt::Key_Escape);
    QVERIFY(!bar->isVisible());
    QVERIFY(m_view->searchPattern().isEmpty()); // highlights go with the bar
    QTRY_VERIFY(m_view->hasFocus());
}

void tst_LogView::selectionAndCopy()
{
    m_view->append(u"first line\nsecond line\nthird line\n");
    m_view->flushPendingOutput();
    m_view->setSelection({0, 6}, {2, 5});
    const QString expected = QStringLiteral("line\nsecond line\nthird");
    QCOMPARE(m_view->selectedText(), expected);
    m_view->copy();
    QCOMPARE(QGuiApplication::clipboard()->text(), expected);

    // Backwards selections are the same text; Ctrl+C copies.
    QGuiApplication::clipboard()->clear();
    m_view->setSelection({1, 3}, {0, 0});
    m_view->setFocus();
    QTest::keyClick(m_view, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("first line\nsec"));

    QTest::keyClick(m_view, Qt::Key_A, Qt::ControlModifier);
    QCOMPARE(m_view->selectedText(), QStringLiteral("first line\nsecond line\nthird line"));
    m_view->clearSelection();
    QVERIFY(!m_view->hasSelection());
}

void tst_LogView::mouseSelection()
{
    m_view->append(u"alpha beta_gamma delta\nsecond line here\nthird\n");
    m_view->flushPendingOutput();
    const int cw = QFontMetrics(m_view->font()).horizontalAdvance(QLatin1Char('M'));
    const auto at = [&](int line, int column) {
        const QRect r = m_view->lineRect(line);
        return QPoint(r.left() + column * cw + cw / 4, r.center().y());
    };
    QWidget *vp = m_view->viewport();
    QTest::mousePress(vp, Qt::LeftButton, {}, at(0, 6));
    QTest::mouseMove(vp, at(1, 6));
    QTest::mouseRelease(vp, Qt::LeftButton, {}, at(1, 6));
    QCOMPARE(m_view->selectedText(), QStringLiteral("beta_gamma delta\nsecond"));

    QTest::mouseClick(vp, Qt::LeftButton, Qt::ShiftModifier, at(2, 3)); // extends
    QCOMPARE(m_view->selectedText(), QStringLiteral("beta_gamma delta\nsecond line here\nthi"));

    QTest::mouseDClick(vp, Qt::LeftButton, {}, at(0, 8));
    QCOMPARE(m_view->selectedText(), QStringLiteral("beta_gamma"));
}

void tst_LogView::wrapToggle()
{
    const QString longLine = QString(400, QLatin1Char('w')) + QStringLiteral(" end");
    m_view->append(longLine + QStringLiteral("\nnext\n"));
    m_view->flushPendingOutput();
    QVERIFY(!m_view->wordWrap());
    QVERIFY(m_view->horizontalScrollBar()->maximum() > 0);
    const int rowHeight = m_view->lineRect(0).height();
    QCOMPARE(m_view->lineRect(1).top() - m_view->lineRect(0).top(), rowHeight);

    m_view->setWordWrap(true);
    QCOMPARE(m_view->horizontalScrollBar()->maximum(), 0);
    // The long line now takes several rows; the scroll bar still counts log lines.
    QVERIFY(m_view->lineRect(1).top() - m_view->lineRect(0).top() >= 3 * rowHeight);
    QCOMPARE(m_view->lastVisibleLine(), 1); // both lines visible
    m_view->append(u"\x1b[33mwarning:\x1b[0m a wrapped line keeps its colours and breaks at spaces "
                   u"when it can, so long compiler messages stay readable in a narrow pane\n",
                   LogStream::Stderr);
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    m_view->flushPendingOutput();
    QCOMPARE(m_view->lastVisibleLine(), 2);
    QVERIFY(m_view->grab().save(dir + QStringLiteral("/logview-wrap.png")));

    m_view->setWordWrap(false);
    QCOMPARE(m_view->lineRect(1).top() - m_view->lineRect(0).top(), rowHeight);
}

void tst_LogView::savesTheExactText()
{
    m_view->append(u"\x1b[32mok\x1b[0m build\r\n", LogStream::Stdout);
    m_view->append(u"warning: grün ✓\n", LogStream::Stderr);
    m_view->append(u"progress 10%\rprogress 100%\n\tdone", LogStream::Stdout);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    QString error;
    QVERIFY2(m_view->saveToFile(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()),
             QStringLiteral("ok build\nwarning: grün ✓\nprogress 100%\n\tdone\n"));

    QVERIFY(!m_view->saveToFile(dir.filePath(QStringLiteral("missing/dir/x.log")), &error));
    QVERIFY(!error.isEmpty());
}

void tst_LogView::savesALargeLogInTheBackground()
{
    // More than one pass of LogSaver::kBytesPerPass, so the save spans event-loop passes.
    QByteArray expected;
    for (int i = 0; i < 3000; ++i) {
        const QString line = QStringLiteral("%1 ").arg(i) + QString(2000, QLatin1Char('x'));
        m_view->append(QStringLiteral("\x1b[3%1m").arg(i % 8) + line + QLatin1Char('\n'),
                       i % 7 ? LogStream::Stdout : LogStream::Stderr);
        expected += line.toUtf8() + '\n';
    }
    QVERIFY(expected.size() > vw::ui::LogSaver::kBytesPerPass);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.log"));
    QSignalSpy spy(m_view, &LogView::saveFinished);
    m_view->saveToFileInBackground(path);
    QVERIFY(m_view->isSaving());
    QCOMPARE(spy.size(), 0);                      // returns at once
    m_view->append(u"arrives during the save\n"); // not part of the saved snapshot
    QVERIFY(spy.wait(10000));
    QCOMPARE(spy.first().at(0).toBool(), true);
    QCOMPARE(spy.first().at(1).toString(), path);
    QVERIFY(!m_view->isSaving());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll() == expected);

    // clear() cancels a save in progress and leaves no file behind.
    const QString other = dir.filePath(QStringLiteral("cancelled.log"));
    m_view->saveToFileInBackground(other);
    m_view->clear();
    QCOMPARE(spy.size(), 2);
    QCOMPARE(spy.last().at(0).toBool(), false);
    QVERIFY(!QFile::exists(other));
}

void tst_LogView::paintsAnsiColours()
{
    m_view->append(u"\x1b[31mREDREDREDRED\x1b[0m plain text\n");
    const QImage image = render(*m_view);
    const QRect line = m_view->lineRect(0);
    const int cw = QFontMetrics(m_view->font()).horizontalAdvance(QLatin1Char('M'));
    const QRect redRun(line.left(), line.top(), 12 * cw, line.height());
    const QRect plainRun(line.left() + 13 * cw, line.top(), 10 * cw, line.height());
    QVERIFY(countPixels(image, redRun, isReddish) > 10);
    QCOMPARE(countPixels(image, plainRun, isReddish), 0);
}

void tst_LogView::carriageReturnShowsTheLastState()
{
    m_view->append(u"[==        ] 20%\r[=====     ] 50%\r[==========] 100%\n");
    m_view->append(u"Downloading 1/3\rDownloading 2/3");
    m_view->flushPendingOutput();
    QCOMPARE(m_view->lineCount(), 2);
    QCOMPARE(m_view->buffer().lineText(0), QStringLiteral("[==========] 100%"));
    QCOMPARE(m_view->buffer().lineText(1), QStringLiteral("Downloading 2/3"));
    m_view->append(u"\rDownloading 3/3\n");
    m_view->flushPendingOutput();
    QCOMPARE(m_view->buffer().lineText(1), QStringLiteral("Downloading 3/3"));
    m_view->selectAll();
    QCOMPARE(m_view->selectedText(), QStringLiteral("[==========] 100%\nDownloading 3/3"));
}

void tst_LogView::marksStderrLines()
{
    m_view->append(u"stdout line\n", LogStream::Stdout);
    m_view->append(u"stderr line\n", LogStream::Stderr);
    const QImage image = render(*m_view);
    const QRgb outMarker = image.pixel(1, m_view->lineRect(0).center().y());
    const QRgb errMarker = image.pixel(1, m_view->lineRect(1).center().y());
    QCOMPARE(QColor(outMarker), m_view->palette().color(QPalette::Base));
    QVERIFY2(isReddish(errMarker), qPrintable(QColor(errMarker).name()));
    // The tint behind the stderr line is faint: still light, a little warmer.
    const QRgb tint = image.pixel(image.width() - 30, m_view->lineRect(1).center().y());
    QVERIFY(qRed(tint) > 200 && qRed(tint) > qBlue(tint));
}

void tst_LogView::timestampsColumn()
{
    m_view->append(u"with time\n", LogStream::Stdout, 1700000000000);
    m_view->flushPendingOutput();
    const int left = m_view->lineRect(0).left();
    m_view->setTimestampsVisible(true);
    QVERIFY(m_view->lineRect(0).left() > left + 40);
    m_view->setTimestampsVisible(false);
    QCOMPARE(m_view->lineRect(0).left(), left);
}

void tst_LogView::screenshot()
{
    m_view->resize(820, 330);
    m_view->setTimestampsVisible(true);
    qint64 t = QDateTime(QDate(2026, 11, 24), QTime(14, 2, 7)).toMSecsSinceEpoch();
    const auto out = [&](const char *text) {
        m_view->append(QString::fromUtf8(text), LogStream::Stdout, t += 137);
    };
    const auto err = [&](const char *text) {
        m_view->append(QString::fromUtf8(text), LogStream::Stderr, t += 41);
    };
    out("\x1b[1m> sample-app@1.0.0 build\x1b[22m\n");
    out("\x1b[1m> webpack --mode production\x1b[22m\n\n");
    out("npm \x1b[32mhttp\x1b[39m \x1b[35mfetch\x1b[39m GET 200 https://registry.npmjs.org/react "
        "84ms (cache hit)\n");
    err("npm \x1b[30;43mWARN\x1b[0m deprecated \x1b[4mleft-pad@1.3.0\x1b[24m: use "
        "String.prototype.padStart()\n");
    out("\x1b[36m[=====               ]\x1b[0m  25% "
        "building\r\x1b[36m[====================]\x1b[0m 100% building 1200/1200 modules\n");
    out("\x1b[32m✔\x1b[39m Compiled \x1b[1m./src/components/App.tsx\x1b[22m \x1b[90m(112 "
        "ms)\x1b[39m\n");
    out("\x1b[38;5;208m[webpack-cli]\x1b[0m modules by path ./node_modules/ 1.2 MiB 312 modules\n");
    out("\x1b[38;2;95;175;255m  ●\x1b[0m \x1b[3mtranspiling\x1b[23m src/lib/util.ts "
        "\x1b[2m(swc)\x1b[22m\n");
    err("\x1b[31m\x1b[1mERROR\x1b[22m\x1b[39m in ./src/pages/Home.tsx 12:7 TS2345: Argument of "
        "type 'string' is not assignable to parameter of type 'number'.\n");
    out("asset \x1b[1m\x1b[32mmain.3f9a1c.js\x1b[39m\x1b[22m 142 KiB "
        "\x1b[1m\x1b[33m[emitted]\x1b[39m\x1b[22m (name: main)\n");
    out("webpack 5.88.2 compiled with \x1b[1m\x1b[31m1 error\x1b[39m\x1b[22m in 4213 ms\n");
    m_view->setSearch(QStringLiteral("error"));
    m_view->scrollToLine(0);
    QVERIFY(m_view->findNext());
    QVERIFY(m_view->findNext());
    m_view->setFocus();
    QTest::keyClick(m_view, Qt::Key_F, Qt::ControlModifier);
    m_view->flushPendingOutput();
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(m_view->grab().save(dir + QStringLiteral("/logview.png")));

    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xdd, 0xdd, 0xdd));
    dark.setColor(QPalette::WindowText, QColor(0xdd, 0xdd, 0xdd));
    dark.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3a));
    dark.setColor(QPalette::ButtonText, QColor(0xdd, 0xdd, 0xdd));
    dark.setColor(QPalette::Highlight, QColor(0x26, 0x4f, 0x78));
    dark.setColor(QPalette::HighlightedText, QColor(Qt::white));
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    m_view->setPalette(dark);
    m_view->flushPendingOutput();
    QVERIFY(m_view->grab().save(dir + QStringLiteral("/logview-dark.png")));
}

QTEST_MAIN(tst_LogView)
#include "tst_logview.moc"
