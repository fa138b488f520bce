#include "ui/PreviewPage.h"

#include "ui/PreviewTokenInterceptor.h"

#include <QDesktopServices>
#include <QTimer>

namespace vw::ui {

namespace {

// Pages the pane shows itself (the blank page, setHtml()'s data: URL) rather than the network.
bool isLocalDocument(const QUrl &url)
{
    return url.scheme() == QLatin1String("about") || url.scheme() == QLatin1String("data");
}

} // namespace

PreviewPage::PreviewPage(QWebEngineProfile *profile, QObject *parent, Role role)
    : QWebEnginePage(profile, parent)
    , m_role(role)
{
}

void PreviewPage::setPreviewOrigin(const QUrl &url)
{
    m_origin = PreviewTokenInterceptor::originOf(url);
}

bool PreviewPage::isInsidePreview(const QUrl &url) const
{
    return !m_origin.isEmpty() && PreviewTokenInterceptor::sameOrigin(url, m_origin);
}

void PreviewPage::openExternally(const QUrl &url)
{
    QDesktopServices::openUrl(url);
    emit openedExternally(url);
}

bool PreviewPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    if (m_role == Role::WindowCatcher) {
        // window.open() first shows about:blank; the real URL follows.
        if (isLocalDocument(url))
            return true;
        openExternally(url);
        // Its job is done; deleting it inside its own callback would pull the rug.
        QTimer::singleShot(0, this, &QObject::deleteLater);
        return false;
    }
    if (!isMainFrame || isInsidePreview(url))
        return true;
    // The pane's own pages (empty state, blank) are loaded by code, never by a click.
    if (isLocalDocument(url) && type != NavigationTypeLinkClicked)
        return true;
    openExternally(url);
    return false;
}

QWebEnginePage *PreviewPage::createWindow(WebWindowType type)
{
    Q_UNUSED(type)
    // A page only to learn where the new window would go; it lives until it has seen its URL
    // (or with this page), and is never shown.
    auto *catcher = new PreviewPage(profile(), this, Role::WindowCatcher);
    connect(catcher, &PreviewPage::openedExternally, this, &PreviewPage::openedExternally);
    return catcher;
}

} // namespace vw::ui
