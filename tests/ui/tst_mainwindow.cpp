#include "ui/MainWindow.h"

#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QTest>

class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsEmptyStateWithoutBuilds();
    void quitHasTheStandardShortcut();
};

void tst_MainWindow::showsEmptyStateWithoutBuilds()
{
    vw::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QWidget *empty = window.findChild<QWidget *>(QStringLiteral("emptyState"));
    QVERIFY(empty);
    QVERIFY(empty->isVisible());
    bool mentionsBuilds = false;
    for (const QLabel *label : empty->findChildren<QLabel *>())
        mentionsBuilds |= label->text().contains(QStringLiteral("No builds yet"));
    QVERIFY(mentionsBuilds);

    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(window.grab().save(dir + QStringLiteral("/mainwindow-empty.png")));
}

void tst_MainWindow::quitHasTheStandardShortcut()
{
    vw::MainWindow window;
    bool found = false;
    for (QAction *menu : window.menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions())
            found |= action->shortcut() == QKeySequence(QKeySequence::Quit);
    }
    QVERIFY(found);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
