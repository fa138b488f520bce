#pragma once

#include "app/engine/PreviewLocator.h"

#include <QPointer>
#include <QString>
#include <QUrl>
#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QToolBar;
class QWebEngineProfile;
class QWebEngineView;

namespace vw::ui {

class PreviewPage;
class PreviewTokenInterceptor;

// The running app of a sandbox, embedded: a web view of the dev server's preview URL, with a URL
// bar, Reload, Open in browser and the result of the last health check. The preview token goes
// along as the X-Daytona-Preview-Token header to the preview's origin only (never into a URL),
// in an off-the-record profile that keeps nothing on disk. Links that leave the preview's origin
// open in the desktop's browser, never in the pane.
//
// Chromium is expensive to start, so the view and its profile are created the first time the pane
// is shown, and a target set with setTarget() is located only while the pane is visible.
class PreviewPane : public QWidget
{
    Q_OBJECT

public:
    enum class State {
        NoTarget,    // nothing to preview yet
        Locating,    // asking the sandbox for its dev server
        NoDevServer, // nothing listens on the candidate ports
        Unreachable, // a port and a link, but the server does not answer
        Failed,      // the sandbox could not be asked (the message says why)
        Loading,     // the page loads
        Loaded,      // the page is shown
        LoadFailed   // the page did not load
    };
    Q_ENUM(State)

    explicit PreviewPane(QWidget *parent = nullptr);
    ~PreviewPane() override;

    // What to preview: the dev server of `sandbox` on `port` (none: the first listening candidate
    // port). The locator stays the caller's. Located when the pane is visible, and on refresh().
    void setTarget(engine::PreviewLocator *locator, const QString &sandbox,
                   std::optional<int> port = {});
    // Loads this link directly (with its token); the health label shows its health.
    void showPreview(const engine::PreviewInfo &info);
    // Locates the target again (health included) and reloads; without a target reloads the page.
    void refresh();

    // The page's URL (the preview link before the view exists); never carries the token.
    QUrl currentUrl() const;
    State state() const { return m_state; }
    // The health label's text, e.g. "HTTP 200, 12 ms".
    QString healthText() const { return m_healthText; }
    // What the empty-state page says, title and details (shown instead of the view when there is
    // nothing to show).
    QString message() const;
    bool isShowingMessage() const;

    // nullptr until the pane is first shown.
    QWebEngineView *view() const { return m_view; }
    QWebEngineProfile *profile() const { return m_profile; }
    PreviewPage *page() const { return m_page; }
    QAction *reloadAction() const { return m_reloadAction; }
    QAction *openInBrowserAction() const { return m_openAction; }
    QLineEdit *urlBar() const { return m_urlBar; }

signals:
    void previewLoaded(bool ok);
    void stateChanged();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void createView();
    void locate();
    // stayOnPage: a page of the same dev server already shown is reloaded rather than replaced by
    // the link (a refresh keeps the user where they were).
    void applyPreview(const engine::PreviewInfo &info, bool stayOnPage);
    void loadPreview(bool stayOnPage);
    void navigateTo(const QString &typed);
    void openInBrowser();
    void setState(State state);
    void setHealth(const QString &text, bool good, const QString &toolTip = {});
    void showMessage(const QString &title, const QString &details, bool offerRetry);
    void updateUrlBar();

    QToolBar *m_toolBar = nullptr;
    QLineEdit *m_urlBar = nullptr;
    QAction *m_reloadAction = nullptr;
    QAction *m_openAction = nullptr;
    QLabel *m_healthLabel = nullptr;
    QStackedWidget *m_stack = nullptr;
    QWidget *m_messagePage = nullptr;
    QLabel *m_messageTitle = nullptr;
    QLabel *m_messageLabel = nullptr;
    QPushButton *m_retryButton = nullptr;

    QWebEngineProfile *m_profile = nullptr;
    PreviewTokenInterceptor *m_interceptor = nullptr;
    PreviewPage *m_page = nullptr;
    QWebEngineView *m_view = nullptr;

    QPointer<engine::PreviewLocator> m_locator;
    QString m_sandbox;
    std::optional<int> m_port;
    bool m_locateWhenShown = false;
    quint64 m_locateGeneration = 0; // results of older locate() calls are dropped

    std::optional<engine::PreviewInfo> m_preview;
    bool m_loadWhenCreated = false;
    State m_state = State::NoTarget;
    QString m_healthText;
};

} // namespace vw::ui
