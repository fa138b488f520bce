#pragma once

#include <QMainWindow>

namespace vw {

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

private:
    void createMenus();
    QWidget *createEmptyState();
};

} // namespace vw
