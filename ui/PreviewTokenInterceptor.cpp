#include "ui/PreviewTokenInterceptor.h"

#include <QWebEngineUrlRequestInfo>

namespace vw::ui {

namespace {

int defaultPortOf(const QString &scheme)
{
    if (scheme == QLatin1String("http") || scheme == QLatin1String("ws"))
        return 80;
    if (scheme == QLatin1String("https") || scheme == QLatin1String("wss"))
        return 443;
    return -1; // not a network scheme: no origin
}

} // namespace

PreviewTokenInterceptor::PreviewTokenInterceptor(QObject *parent)
    : QWebEngineUrlRequestInterceptor(parent)
{
}

void PreviewTokenInterceptor::setPreview(const QUrl &previewUrl, const QString &token)
{
    m_origin = originOf(previewUrl);
    m_token = token.toUtf8();
}

void PreviewTokenInterceptor::clear()
{
    m_origin.clear();
    m_token.clear();
}

QUrl PreviewTokenInterceptor::originOf(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    const int defaultPort = defaultPortOf(scheme);
    if (!url.isValid() || defaultPort < 0 || url.host().isEmpty())
        return {};
    QUrl origin;
    origin.setScheme(scheme);
    origin.setHost(url.host().toLower());
    origin.setPort(url.port(defaultPort));
    return origin;
}

bool PreviewTokenInterceptor::sameOrigin(const QUrl &first, const QUrl &second)
{
    const QUrl firstOrigin = originOf(first);
    if (firstOrigin.isEmpty())
        return false;
    // ws(s) and http(s) are different schemes and so different origins, as in browsers.
    return firstOrigin == originOf(second);
}

void PreviewTokenInterceptor::interceptRequest(QWebEngineUrlRequestInfo &info)
{
    if (m_token.isEmpty() || m_origin.isEmpty())
        return;
    if (sameOrigin(info.requestUrl(), m_origin))
        info.setHttpHeader(kTokenHeader, m_token);
}

} // namespace vw::ui
