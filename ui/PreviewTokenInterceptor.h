#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <QWebEngineUrlRequestInterceptor>

namespace vw::ui {

// Sends the Daytona preview token (X-Daytona-Preview-Token) with every request of the preview
// pane's profile that goes to the preview's origin — the page, its scripts, styles, images and
// fetches — and with no other request, so the secret never reaches a third-party host the page
// happens to load from.
class PreviewTokenInterceptor : public QWebEngineUrlRequestInterceptor
{
    Q_OBJECT

public:
    static inline const QByteArray kTokenHeader = QByteArrayLiteral("X-Daytona-Preview-Token");

    explicit PreviewTokenInterceptor(QObject *parent = nullptr);

    // The origin of `previewUrl` gets `token`; an empty token sends nothing anywhere.
    void setPreview(const QUrl &previewUrl, const QString &token);
    void clear();
    QUrl previewOrigin() const { return m_origin; }

    // True when both URLs have the same web origin: scheme, host (case-insensitively) and port,
    // a missing port being the scheme's default (80 for http/ws, 443 for https/wss). URLs that are
    // not network URLs (data:, about:, file:, …) have no origin and match nothing.
    static bool sameOrigin(const QUrl &first, const QUrl &second);
    // scheme://host:port of a network URL; an empty URL for others.
    static QUrl originOf(const QUrl &url);

    // Called on the GUI thread (Qt 6 profile interceptors), so the preview needs no lock.
    void interceptRequest(QWebEngineUrlRequestInfo &info) override;

private:
    QUrl m_origin;
    QByteArray m_token;
};

} // namespace vw::ui
