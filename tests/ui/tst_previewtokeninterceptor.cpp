#include "ui/PreviewTokenInterceptor.h"

#include <QTest>

using vw::ui::PreviewTokenInterceptor;

// The origin rule that decides which requests get the preview token. The header itself is
// checked end to end in tst_previewpane (against real HTTP servers).
class tst_PreviewTokenInterceptor : public QObject
{
    Q_OBJECT

private slots:
    void sameOrigin_data();
    void sameOrigin();
    void originOf_data();
    void originOf();
    void previewOriginIsTheOriginOfTheLink();
};

void tst_PreviewTokenInterceptor::sameOrigin_data()
{
    QTest::addColumn<QUrl>("request");
    QTest::addColumn<QUrl>("preview");
    QTest::addColumn<bool>("same");

    const QUrl preview(QStringLiteral("https://3000-sandbox.proxy.daytona.app/"));
    QTest::newRow("the page itself") << preview << preview << true;
    QTest::newRow("a path, query and fragment")
        << QUrl(QStringLiteral("https://3000-sandbox.proxy.daytona.app/a/b.js?v=1#x")) << preview
        << true;
    QTest::newRow("explicit default port")
        << QUrl(QStringLiteral("https://3000-sandbox.proxy.daytona.app:443/app.css")) << preview
        << true;
    QTest::newRow("host case") << QUrl(QStringLiteral("https://3000-SANDBOX.Proxy.Daytona.App/"))
                               << preview << true;
    QTest::newRow("user info does not change the origin")
        << QUrl(QStringLiteral("https://user@3000-sandbox.proxy.daytona.app/")) << preview << true;
    QTest::newRow("another port of the sandbox")
        << QUrl(QStringLiteral("https://5173-sandbox.proxy.daytona.app/")) << preview << false;
    QTest::newRow("other scheme") << QUrl(QStringLiteral("http://3000-sandbox.proxy.daytona.app/"))
                                  << preview << false;
    QTest::newRow("a look-alike host")
        << QUrl(QStringLiteral("https://3000-sandbox.proxy.daytona.app.evil.example/")) << preview
        << false;
    QTest::newRow("a subdomain") << QUrl(QStringLiteral(
                                        "https://cdn.3000-sandbox.proxy.daytona.app/"))
                                 << preview << false;
    QTest::newRow("a third party")
        << QUrl(QStringLiteral("https://fonts.example.com/f.woff2")) << preview << false;

    const QUrl local(QStringLiteral("http://127.0.0.1:3000"));
    QTest::newRow("loopback, same port")
        << QUrl(QStringLiteral("http://127.0.0.1:3000/x.png")) << local << true;
    QTest::newRow("loopback, other port")
        << QUrl(QStringLiteral("http://127.0.0.1:3001/x.png")) << local << false;
    QTest::newRow("localhost is another host")
        << QUrl(QStringLiteral("http://localhost:3000/")) << local << false;
    QTest::newRow("port 80 written or not") << QUrl(QStringLiteral("http://example.test:80/"))
                                            << QUrl(QStringLiteral("http://example.test")) << true;
    QTest::newRow("websocket is not http")
        << QUrl(QStringLiteral("ws://127.0.0.1:3000/hmr")) << local << false;

    QTest::newRow("data URL has no origin") << QUrl(QStringLiteral("data:text/html,hi"))
                                            << QUrl(QStringLiteral("data:text/html,hi")) << false;
    QTest::newRow("about:blank has no origin")
        << QUrl(QStringLiteral("about:blank")) << QUrl(QStringLiteral("about:blank")) << false;
    QTest::newRow("file URL has no origin") << QUrl(QStringLiteral("file:///etc/passwd"))
                                            << QUrl(QStringLiteral("file:///etc/passwd")) << false;
    QTest::newRow("no preview") << QUrl(QStringLiteral("http://127.0.0.1:3000/")) << QUrl()
                                << false;
}

void tst_PreviewTokenInterceptor::sameOrigin()
{
    QFETCH(QUrl, request);
    QFETCH(QUrl, preview);
    QFETCH(bool, same);
    QCOMPARE(PreviewTokenInterceptor::sameOrigin(request, preview), same);
    QCOMPARE(PreviewTokenInterceptor::sameOrigin(preview, request), same);
}

void tst_PreviewTokenInterceptor::originOf_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QUrl>("origin");

    QTest::newRow("https, default port") << QUrl(QStringLiteral("https://Host.Example/path?q#f"))
                                         << QUrl(QStringLiteral("https://host.example:443"));
    QTest::newRow("http, own port") << QUrl(QStringLiteral("http://127.0.0.1:8080/a"))
                                    << QUrl(QStringLiteral("http://127.0.0.1:8080"));
    QTest::newRow("scheme case") << QUrl(QStringLiteral("HTTP://h.test/"))
                                 << QUrl(QStringLiteral("http://h.test:80"));
    QTest::newRow("mailto") << QUrl(QStringLiteral("mailto:a@b.test")) << QUrl();
    QTest::newRow("relative") << QUrl(QStringLiteral("/only/a/path")) << QUrl();
    QTest::newRow("empty") << QUrl() << QUrl();
}

void tst_PreviewTokenInterceptor::originOf()
{
    QFETCH(QUrl, url);
    QFETCH(QUrl, origin);
    QCOMPARE(PreviewTokenInterceptor::originOf(url), origin);
}

void tst_PreviewTokenInterceptor::previewOriginIsTheOriginOfTheLink()
{
    PreviewTokenInterceptor interceptor;
    QVERIFY(interceptor.previewOrigin().isEmpty());
    interceptor.setPreview(QUrl(QStringLiteral("https://3000-sb.proxy.test/start?x=1")),
                           QStringLiteral("secret"));
    QCOMPARE(interceptor.previewOrigin(), QUrl(QStringLiteral("https://3000-sb.proxy.test:443")));
    interceptor.clear();
    QVERIFY(interceptor.previewOrigin().isEmpty());
}

QTEST_GUILESS_MAIN(tst_PreviewTokenInterceptor)
#include "tst_previewtokeninterceptor.moc"
