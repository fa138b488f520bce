#pragma once

#include <QUrl>
#include <QWebEnginePage>

class QWebEngineProfile;

namespace vw::ui {

// The page of the preview pane. It keeps the pane on the dev server: a top-level navigation to
// any other origin (a link, a form, a redirect, a typed URL) is handed to the desktop's browser
// and cancelled here, and a new window (target=_blank, window.open) never becomes a second pane —
// its URL goes to the browser too. Frames inside the page may load what they like (they never
// get the preview token, see PreviewTokenInterceptor).
class PreviewPage : public QWebEnginePage
{
    Q_OBJECT

public:
    enum class Role {
        Preview,      // the pane's page: stays on the preview origin
        WindowCatcher // the page of a would-be new window: sends its first URL to the browser
    };

    explicit PreviewPage(QWebEngineProfile *profile, QObject *parent = nullptr,
                         Role role = Role::Preview);

    // Navigations to this origin stay in the pane; empty: nothing from the network does.
    void setPreviewOrigin(const QUrl &url);
    QUrl previewOrigin() const { return m_origin; }
    bool isInsidePreview(const QUrl &url) const;

signals:
    // A URL was handed to the external browser instead of loading here.
    void openedExternally(const QUrl &url);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage *createWindow(WebWindowType type) override;

private:
    void openExternally(const QUrl &url);

    Role m_role;
    QUrl m_origin;
};

} // namespace vw::ui
