#include "ui/LogSearchBar.h"

#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using vw::ui::LogSearchBar;

class tst_LogSearchBar : public QObject
{
    Q_OBJECT

private slots:
    void typingAndTogglesReportTheSearch();
    void enterShiftEnterAndEscape();
    void buttons();
    void matchInfo();
    void controlsAreNamedAndExplained();
};

namespace {

QLineEdit *patternField(LogSearchBar &bar)
{
    return bar.findChild<QLineEdit *>(QStringLiteral("logSearchPattern"));
}

QToolButton *button(LogSearchBar &bar, const char *name)
{
    return bar.findChild<QToolButton *>(QString::fromLatin1(name));
}

} // namespace

void tst_LogSearchBar::typingAndTogglesReportTheSearch()
{
    LogSearchBar bar;
    bar.show();
    QSignalSpy spy(&bar, &LogSearchBar::searchChanged);
    QTest::keyClicks(patternField(bar), QStringLiteral("err"));
    QCOMPARE(spy.size(), 3);
    QCOMPARE(spy.last().at(0).toString(), QStringLiteral("err"));
    QCOMPARE(spy.last().at(1).toBool(), false);
    QCOMPARE(spy.last().at(2).toBool(), false);

    button(bar, "logSearchCase")->click();
    QCOMPARE(spy.size(), 4);
    QCOMPARE(spy.last().at(1).toBool(), true);
    QVERIFY(bar.isCaseSensitive());
    button(bar, "logSearchRegex")->click();
    QCOMPARE(spy.size(), 5);
    QCOMPARE(spy.last().at(2).toBool(), true);
    QVERIFY(bar.isRegularExpression());

    bar.setPattern(QStringLiteral("x"));
    QCOMPARE(bar.pattern(), QStringLiteral("x"));
    QCOMPARE(spy.size(), 6);
}

void tst_LogSearchBar::enterShiftEnterAndEscape()
{
    LogSearchBar bar;
    bar.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bar));
    bar.activate();
    QSignalSpy next(&bar, &LogSearchBar::findNextRequested);
    QSignalSpy previous(&bar, &LogSearchBar::findPreviousRequested);
    QSignalSpy closed(&bar, &LogSearchBar::closed);
    QLineEdit *field = patternField(bar);
    QTest::keyClicks(field, QStringLiteral("warn"));
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(next.size(), 1);
    QTest::keyClick(field, Qt::Key_Enter);
    QCOMPARE(next.size(), 2);
    QTest::keyClick(field, Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(previous.size(), 1);
    QCOMPARE(field->text(), QStringLiteral("warn")); // keys did not reach the text
    QTest::keyClick(field, Qt::Key_Escape);
    QCOMPARE(closed.size(), 1);
    QVERIFY(bar.isHidden());

    bar.activate(); // shows again, the old pattern selected for overtyping
    QVERIFY(bar.isVisible());
    QCOMPARE(field->selectedText(), QStringLiteral("warn"));
}

void tst_LogSearchBar::buttons()
{
    LogSearchBar bar;
    bar.show();
    QSignalSpy next(&bar, &LogSearchBar::findNextRequested);
    QSignalSpy previous(&bar, &LogSearchBar::findPreviousRequested);
    QSignalSpy closed(&bar, &LogSearchBar::closed);
    button(bar, "logSearchNext")->click();
    button(bar, "logSearchPrevious")->click();
    button(bar, "logSearchClose")->click();
    QCOMPARE(next.size(), 1);
    QCOMPARE(previous.size(), 1);
    QCOMPARE(closed.size(), 1);
    QVERIFY(bar.isHidden());
}

void tst_LogSearchBar::matchInfo()
{
    LogSearchBar bar;
    bar.setMatchInfo(0, 0);
    QCOMPARE(bar.matchInfoText(), QString()); // nothing to say without a pattern
    bar.setPattern(QStringLiteral("x"));
    bar.setMatchInfo(0, 0);
    QCOMPARE(bar.matchInfoText(), QStringLiteral("No matches"));
    bar.setMatchInfo(2, 10);
    QCOMPARE(bar.matchInfoText(), QStringLiteral("2 of 10"));
    bar.setMatchInfo(0, 10);
    QCOMPARE(bar.matchInfoText(), QStringLiteral("Matches: 10"));
    bar.setMatchInfo(3, 1000000, true);
    QCOMPARE(bar.matchInfoText(), QStringLiteral("3 of 1000000+"));
    bar.setMatchInfo(0, -1);
    QCOMPARE(bar.matchInfoText(), QStringLiteral("Invalid pattern"));
}

void tst_LogSearchBar::controlsAreNamedAndExplained()
{
    LogSearchBar bar;
    QVERIFY(!bar.accessibleName().isEmpty());
    QVERIFY(!patternField(bar)->accessibleName().isEmpty());
    for (QToolButton *b : bar.findChildren<QToolButton *>()) {
        if (b->objectName().startsWith(QStringLiteral("logSearch"))) {
            QVERIFY2(!b->accessibleName().isEmpty(), qPrintable(b->objectName()));
            QVERIFY2(!b->toolTip().isEmpty(), qPrintable(b->objectName()));
        }
    }
}

QTEST_MAIN(tst_LogSearchBar)
#include "tst_logsearchbar.moc"
