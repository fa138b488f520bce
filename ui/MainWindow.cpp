#include "ui/MainWindow.h"

#include <QApplication>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QVBoxLayout>

namespace vw {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Vaporwatch"));
    setMinimumSize(640, 420);
    resize(1100, 720);
    createMenus();
    setCentralWidget(createEmptyState());
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Vaporwatch"), this, [this] {
        QMessageBox::about(this, tr("About Vaporwatch"),
                           tr("<b>Vaporwatch %1</b><p>Starts and watches builds inside Daytona "
                              "sandboxes.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

QWidget *MainWindow::createEmptyState()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("emptyState"));
    auto *layout = new QVBoxLayout(page);
    layout->addStretch();

    auto *icon = new QLabel(page);
    icon->setPixmap(QIcon(QStringLiteral(":/vaporwatch/icons/vaporwatch.svg")).pixmap(96, 96));
    icon->setAlignment(Qt::AlignCenter);

    auto *title = new QLabel(tr("No builds yet"), page);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setAlignment(Qt::AlignCenter);

    auto *hint = new QLabel(tr("Builds you start in a Daytona sandbox appear here, phase by phase, "
                               "with their logs."),
                            page);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    layout->addWidget(icon);
    layout->addWidget(title);
    layout->addWidget(hint);
    layout->addStretch();
    return page;
}

} // namespace vw
