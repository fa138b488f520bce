#include "ui/PreviewPane.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/DevServer.h"
#include "app/engine/PreviewLocator.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "ui/PreviewPage.h"
#include "ui/PreviewTokenInterceptor.h"

#include <QAction>
#include <QBuffer>
#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEngineProfile>
#include <QWebEngineView>

#include <memory>

using namespace vw;
using vw::engine::DevServer;
using vw::engine::DevServerState;
using vw::engine::PreviewInfo;
using vw::engine::PreviewLocator;
using vw::ui::PreviewPane;

namespace {

constexpr int kLoadTimeoutMs = 90'000; // Chromium starts slowly on a busy 2-core machine

// One request as a test HTTP server saw it; header names in lower case.
struct SeenRequest
{
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers;

    bool fromBrowser() const { return headers.value("user-agent").contains("QtWebEngine"); }
};

// A tiny real HTTP/1.1 server on 127.0.0.1 that serves fixed documents and records every
// request with its headers (one request per connection).
class RecordingHttpServer : public QObject
{
    Q_OBJECT

public:
    struct Document
    {
        QByteArray contentType;
        QByteArray body;
    };

    bool listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, &RecordingHttpServer::accept);
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path = QStringLiteral("/")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path));
    }
    void serve(const QByteArray &path, const QByteArray &contentType, const QByteArray &body)
    {
        m_documents.insert(path, Document{contentType, body});
    }
    const QList<SeenRequest> &requests() const { return m_requests; }
    QList<SeenRequest> browserRequestsFor(const QByteArray &path) const
    {
        QList<SeenRequest> found;
        for (const SeenRequest &request : m_requests) {
            if (request.path == path && request.fromBrowser())
                found.append(request);
        }
        return found;
    }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                buffer->append(socket->readAll());
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                answer(socket, buffer->left(end));
                buffer->clear();
            });
        }
    }
    void answer(QTcpSocket *socket, const QByteArray &head)
    {
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        SeenRequest request;
        request.method = requestLine.value(0);
        request.path = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                       lines[i].mid(colon + 1).trimmed());
        }
        m_requests.append(request);
        const QByteArray path = request.path.split('?').value(0);
        const auto document = m_documents.constFind(path);
        const bool found = document != m_documents.constEnd();
        const QByteArray body = found ? document->body : QByteArrayLiteral("not found");
        QByteArray response = found ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n";
        response += "Content-Type: " + (found ? document->contentType : "text/plain") + "\r\n";
        response += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        response += "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
        if (request.method != "HEAD")
            response += body;
        socket->write(response);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QByteArray, Document> m_documents;
    QList<SeenRequest> m_requests;
};

// Stands in for the desktop's browser: QDesktopServices hands it the URLs it would open.
class ExternalBrowser : public QObject
{
    Q_OBJECT

public:
    ExternalBrowser()
    {
        QDesktopServices::setUrlHandler(QStringLiteral("http"), this, "open");
        QDesktopServices::setUrlHandler(QStringLiteral("https"), this, "open");
    }
    ~ExternalBrowser() override
    {
        QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
        QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
    }
    QList<QUrl> opened;

public slots:
    void open(const QUrl &url) { opened.append(url); }
};

int freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

QByteArray pngPixel()
{
    QImage image(1, 1, QImage::Format_RGB32);
    image.fill(Qt::red);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

bool copyDirectory(const QString &from, const QString &to)
{
    QDir target(to);
    if (!target.mkpath(QStringLiteral(".")))
        return false;
    QDirIterator it(from, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString relative = QDir(from).relativeFilePath(source);
        if (it.fileInfo().isDir()) {
            if (!target.mkpath(relative))
                return false;
        } else if (!QFile::copy(source, target.filePath(relative))) {
            return false;
        }
    }
    return true;
}

// Runs JavaScript in the page and waits for its value.
QVariant evaluate(QWebEnginePage *page, const QString &script)
{
    QVariant value;
    bool done = false;
    page->runJavaScript(script, [&](const QVariant &result) {
        value = result;
        done = true;
    });
    (void)QTest::qWaitFor([&] { return done; }, 10'000);
    return value;
}

} // namespace

// The preview pane against real parts: a real vaporwatch-sandboxd and DaytonaClient give the
// preview link and token (a local sandbox's preview URL is http://127.0.0.1:PORT), PreviewLocator
// checks the health, and Chromium loads pages from real HTTP servers that record what they got.
class tst_PreviewPane : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void viewAndProfileAreCreatedOnFirstShow();
    void tokenGoesToThePreviewOriginOnly();
    void linksLeavingTheOriginOpenInTheBrowser();
    void urlBarNavigatesInsideAndHandsTheRestToTheBrowser();
    void emptyStateWhenNoDevServerAnswers_data();
    void emptyStateWhenNoDevServerAnswers();
    void showsTheSampleApp();

private:
    // A pane on the test's preview server, shown and loaded.
    bool loadPreviewServer(PreviewPane &pane);
    static void saveScreenshot(QWidget &widget, const QString &name);

    QTemporaryDir m_root;
    QString m_sandbox = QStringLiteral("preview");
    std::unique_ptr<test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<daytona::DaytonaClient> m_client;
    std::unique_ptr<PreviewLocator> m_locator;
    std::unique_ptr<RecordingHttpServer> m_preview;
    std::unique_ptr<RecordingHttpServer> m_foreign;
    QString m_token;
};

void tst_PreviewPane::initTestCase()
{
    QVERIFY(m_root.isValid());
    m_sandboxd = std::make_unique<test::SandboxdProcess>();
    test::SandboxdProcess::Options options;
    options.sandboxes = {{m_sandbox, m_root.path()}};
    QVERIFY2(m_sandboxd->start(options), qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<daytona::DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd));
    m_locator = std::make_unique<PreviewLocator>(m_client.get());

    m_preview = std::make_unique<RecordingHttpServer>();
    m_foreign = std::make_unique<RecordingHttpServer>();
    QVERIFY(m_preview->listen());
    QVERIFY(m_foreign->listen());
    const QString foreign = m_foreign->url(QString()).toString();
    m_preview->serve("/", "text/html; charset=utf-8",
                     QStringLiteral(
                         R"(<!doctype html><html><head><title>Preview</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1 id="title">The preview origin</h1>
<img id="foreign" src="%1/pixel.png" width="10" height="10">
<p><a id="away" href="%1/away.html">A link to another origin</a></p>
<p><a id="inside" href="/second.html">A page of the same origin</a></p>
<p><a id="popup" href="%1/popup.html" target="_blank">A new window</a></p>
</body></html>)")
                         .arg(foreign)
                         .toUtf8());
    m_preview->serve("/style.css", "text/css",
                     "body { font-family: sans-serif; margin: 0; } "
                     "a { display: block; padding: 12px; }");
    m_preview->serve("/second.html", "text/html",
                     "<!doctype html><title>Second</title><p id=\"second\">Second page</p>");
    m_foreign->serve("/pixel.png", "image/png", pngPixel());
    m_foreign->serve("/away.html", "text/html", "<!doctype html><p>elsewhere</p>");
    m_foreign->serve("/popup.html", "text/html", "<!doctype html><p>popup</p>");

    // The token sandboxd issues for the preview server's port (the same for every port).
    const Result<daytona::PreviewLink> link =
        awaitJob(m_client->previewLink(m_sandbox, m_preview->port()));
    QVERIFY2(link.ok(), qPrintable(describe(link)));
    QCOMPARE(link.value().url, m_preview->url(QString()));
    m_token = link.value().token;
    QVERIFY(!m_token.isEmpty());
}

void tst_PreviewPane::cleanup()
{
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

void tst_PreviewPane::saveScreenshot(QWidget &widget, const QString &name)
{
    const QString directory = QStringLiteral(VW_BINARY_DIR "/screenshots");
    // The offscreen run owns the plain names; a run on a display adds its platform.
    QString fileName = name;
    if (QGuiApplication::platformName() != QLatin1String("offscreen"))
        fileName.replace(QStringLiteral(".png"), QLatin1Char('-') +
                                                     QGuiApplication::platformName() +
                                                     QStringLiteral(".png"));
    QVERIFY(QDir().mkpath(directory));
    const QImage image = widget.grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY(image.save(directory + QLatin1Char('/') + fileName));
}

bool tst_PreviewPane::loadPreviewServer(PreviewPane &pane)
{
    QSignalSpy loaded(&pane, &PreviewPane::previewLoaded);
    pane.setTarget(m_locator.get(), m_sandbox, m_preview->port());
    pane.resize(900, 600);
    pane.show();
    if (!QTest::qWaitForWindowExposed(&pane))
        return false;
    if (!loaded.wait(kLoadTimeoutMs) || !loaded.last().value(0).toBool())
        return false;
    return pane.state() == PreviewPane::State::Loaded;
}

void tst_PreviewPane::viewAndProfileAreCreatedOnFirstShow()
{
    PreviewPane pane;
    pane.setTarget(m_locator.get(), m_sandbox, m_preview->port());
    const qsizetype requestsBefore = m_preview->requests().size();
    QVERIFY(!pane.view());
    QVERIFY(!pane.profile());
    // Hidden: nothing is located (no health check reaches the server).
    QCOMPARE(pane.state(), PreviewPane::State::NoTarget);
    QCOMPARE(m_preview->requests().size(), requestsBefore);
    QVERIFY(pane.isShowingMessage());

    pane.resize(700, 400);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    QVERIFY(pane.view());
    QVERIFY(pane.profile());
    QVERIFY(pane.profile()->isOffTheRecord());
    QVERIFY(pane.profile()->storageName().isEmpty());
    QCOMPARE(pane.view()->page()->profile(), pane.profile());
    QCOMPARE(pane.state(), PreviewPane::State::Locating);

    // Shown again: the same view, not a second Chromium page.
    QWebEngineView *const view = pane.view();
    pane.hide();
    pane.show();
    QCOMPARE(pane.view(), view);

    QSignalSpy loaded(&pane, &PreviewPane::previewLoaded);
    QVERIFY(loaded.wait(kLoadTimeoutMs));
    QVERIFY(loaded.last().value(0).toBool());
}

void tst_PreviewPane::tokenGoesToThePreviewOriginOnly()
{
    PreviewPane pane;
    QVERIFY(loadPreviewServer(pane));
    QTRY_VERIFY_WITH_TIMEOUT(!m_foreign->browserRequestsFor("/pixel.png").isEmpty(), 30'000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_preview->browserRequestsFor("/style.css").isEmpty(), 30'000);

    // The page and its sub-resource, from Chromium, carry the token…
    const QList<SeenRequest> pages = m_preview->browserRequestsFor("/");
    QVERIFY(!pages.isEmpty());
    for (const SeenRequest &request : pages)
        QCOMPARE(request.headers.value("x-daytona-preview-token"), m_token.toUtf8());
    for (const SeenRequest &request : m_preview->browserRequestsFor("/style.css"))
        QCOMPARE(request.headers.value("x-daytona-preview-token"), m_token.toUtf8());
    // …the image of another origin on the same page does not.
    for (const SeenRequest &request : m_foreign->requests()) {
        QVERIFY2(!request.headers.contains("x-daytona-preview-token"), request.path.constData());
        QVERIFY(!request.path.contains(m_token.toUtf8()));
    }

    // The health check reached the server with the token too, and the label shows its result.
    QVERIFY2(pane.healthText().startsWith(QStringLiteral("HTTP 200, ")),
             qPrintable(pane.healthText()));
    QVERIFY(pane.healthText().endsWith(QStringLiteral(" ms")));
    const auto *health = pane.findChild<QLabel *>(QStringLiteral("previewHealth"));
    QVERIFY(health && health->isVisible());
    QVERIFY(health->text().contains(QStringLiteral("HTTP 200, ")));

    // The token stays out of every URL the user sees.
    QCOMPARE(pane.currentUrl(), m_preview->url());
    QCOMPARE(pane.urlBar()->text(), m_preview->url().toDisplayString());
    QVERIFY(!pane.urlBar()->text().contains(m_token));
    QVERIFY(!pane.currentUrl().hasQuery());
    QVERIFY(!pane.isShowingMessage());
    QVERIFY(pane.openInBrowserAction()->isEnabled());
    QVERIFY(evaluate(pane.view()->page(), QStringLiteral("document.title")).toString() ==
            QStringLiteral("Preview"));
    saveScreenshot(pane, QStringLiteral("preview-test-page.png"));
}

void tst_PreviewPane::linksLeavingTheOriginOpenInTheBrowser()
{
    PreviewPane pane;
    QVERIFY(loadPreviewServer(pane));
    ExternalBrowser browser;
    QWebEnginePage *const page = pane.view()->page();

    // A real click on the link to the other origin.
    const QVariantList box =
        evaluate(page, QStringLiteral("(() => { const r = document.getElementById('away')"
                                      ".getBoundingClientRect(); return [r.left + 5, r.top + "
                                      "r.height / 2]; })()"))
            .toList();
    QCOMPARE(box.size(), 2);
    const QPoint point(qRound(box[0].toDouble()), qRound(box[1].toDouble()));
    QWidget *const input = pane.view()->focusProxy() ? pane.view()->focusProxy() : pane.view();
    QTest::mouseClick(input, Qt::LeftButton, {}, point);
    const QUrl away = m_foreign->url(QStringLiteral("/away.html"));
    QTRY_VERIFY_WITH_TIMEOUT(browser.opened.contains(away), 30'000);
    QCOMPARE(browser.opened.size(), 1);
    // The pane stayed on the preview, and the other origin never saw the pane ask for the page.
    QCOMPARE(pane.currentUrl(), m_preview->url());
    QVERIFY(m_foreign->browserRequestsFor("/away.html").isEmpty());

    // target=_blank: no new window, the browser gets it.
    evaluate(page, QStringLiteral("document.getElementById('popup').click(); true"));
    const QUrl popup = m_foreign->url(QStringLiteral("/popup.html"));
    QTRY_VERIFY_WITH_TIMEOUT(browser.opened.contains(popup), 30'000);
    QCOMPARE(pane.currentUrl(), m_preview->url());
    QVERIFY(m_foreign->browserRequestsFor("/popup.html").isEmpty());

    // A link inside the origin navigates the pane (with the token).
    QSignalSpy loaded(&pane, &PreviewPane::previewLoaded);
    evaluate(page, QStringLiteral("document.getElementById('inside').click(); true"));
    QVERIFY(loaded.wait(kLoadTimeoutMs));
    QCOMPARE(pane.currentUrl(), m_preview->url(QStringLiteral("/second.html")));
    QCOMPARE(pane.urlBar()->text(), m_preview->url(QStringLiteral("/second.html")).toString());
    const QList<SeenRequest> second = m_preview->browserRequestsFor("/second.html");
    QVERIFY(!second.isEmpty());
    QCOMPARE(second.last().headers.value("x-daytona-preview-token"), m_token.toUtf8());
    QCOMPARE(browser.opened.size(), 2);

    // Open in browser hands over the page shown (without the token).
    pane.openInBrowserAction()->trigger();
    QCOMPARE(browser.opened.size(), 3);
    QCOMPARE(browser.opened.last(), m_preview->url(QStringLiteral("/second.html")));
    QVERIFY(!pane.openInBrowserAction()->toolTip().isEmpty());
}

void tst_PreviewPane::urlBarNavigatesInsideAndHandsTheRestToTheBrowser()
{
    PreviewPane pane;
    QVERIFY(loadPreviewServer(pane));
    ExternalBrowser browser;
    QLineEdit *const bar = pane.urlBar();

    // A path of the dev server loads in the pane.
    QSignalSpy loaded(&pane, &PreviewPane::previewLoaded);
    bar->setText(QStringLiteral("/second.html"));
    QTest::keyClick(bar, Qt::Key_Return);
    QVERIFY(loaded.wait(kLoadTimeoutMs));
    QCOMPARE(pane.currentUrl(), m_preview->url(QStringLiteral("/second.html")));
    QVERIFY(browser.opened.isEmpty());

    // Another origin goes to the browser; the bar shows the pane's page again.
    const QUrl elsewhere = m_foreign->url(QStringLiteral("/away.html"));
    bar->setText(elsewhere.toString());
    QTest::keyClick(bar, Qt::Key_Return);
    QCOMPARE(browser.opened, QList<QUrl>{elsewhere});
    QCOMPARE(bar->text(), m_preview->url(QStringLiteral("/second.html")).toString());
    QCOMPARE(pane.currentUrl(), m_preview->url(QStringLiteral("/second.html")));

    // Reload (F5 while the pane has focus) checks the server again and reloads the page.
    QCOMPARE(
        pane.reloadAction()->shortcuts(),
        (QList<QKeySequence>{QKeySequence(Qt::Key_F5), QKeySequence(QStringLiteral("Ctrl+R"))}));
    const qsizetype healthChecks = m_preview->requests().size();
    const qsizetype secondLoads = m_preview->browserRequestsFor("/second.html").size();
    pane.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&pane));
    bar->setFocus();
    QTest::keyClick(bar, Qt::Key_F5);
    QVERIFY(loaded.wait(kLoadTimeoutMs));
    QVERIFY(m_preview->requests().size() > healthChecks);
    QVERIFY(pane.healthText().startsWith(QStringLiteral("HTTP 200, ")));
    // The page shown is reloaded, not replaced by the preview's start page.
    QCOMPARE(pane.currentUrl(), m_preview->url(QStringLiteral("/second.html")));
    QCOMPARE(m_preview->browserRequestsFor("/second.html").size(), secondLoads + 1);
}

void tst_PreviewPane::emptyStateWhenNoDevServerAnswers_data()
{
    QTest::addColumn<bool>("givePort");
    QTest::addColumn<PreviewPane::State>("state");
    QTest::addColumn<QString>("health");
    QTest::addColumn<QString>("messageHas");
    QTest::addColumn<QString>("screenshot");

    QTest::newRow("no candidate port listens")
        << false << PreviewPane::State::NoDevServer
        << QStringLiteral("No dev server is listening in this sandbox")
        << QStringLiteral("No dev server is running") << QStringLiteral("preview-empty.png");
    QTest::newRow("the given port does not answer")
        << true << PreviewPane::State::Unreachable << QString() << QStringLiteral("does not answer")
        << QStringLiteral("preview-unreachable.png");
}

void tst_PreviewPane::emptyStateWhenNoDevServerAnswers()
{
    QFETCH(bool, givePort);
    QFETCH(PreviewPane::State, state);
    QFETCH(QString, health);
    QFETCH(QString, messageHas);
    QFETCH(QString, screenshot);

    const int idle = freePort();
    QVERIFY(idle > 0);
    PreviewLocator locator(m_client.get());
    locator.setCandidatePorts({idle});
    PreviewPane pane;
    if (givePort)
        pane.setTarget(&locator, m_sandbox, idle);
    else
        pane.setTarget(&locator, m_sandbox);
    pane.resize(700, 400);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    QTRY_COMPARE_WITH_TIMEOUT(pane.state(), state, 30'000);

    QVERIFY(pane.isShowingMessage());
    QVERIFY2(pane.message().contains(messageHas), qPrintable(pane.message()));
    QVERIFY2(pane.message().contains(QStringLiteral("Run dev server")), qPrintable(pane.message()));
    QVERIFY(!pane.healthText().isEmpty());
    if (!health.isEmpty())
        QCOMPARE(pane.healthText(), health);
    const auto *retry = pane.findChild<QWidget *>(QStringLiteral("previewRetry"));
    QVERIFY(retry && retry->isVisible());
    QCOMPARE(pane.openInBrowserAction()->isEnabled(), givePort);
    saveScreenshot(pane, screenshot);

    // Once something listens there, Check Again finds and loads it.
    RecordingHttpServer late;
    QVERIFY(late.listen());
    late.serve("/", "text/html", "<!doctype html><p>late</p>");
    locator.setCandidatePorts({late.port()});
    pane.setTarget(&locator, m_sandbox, late.port());
    QSignalSpy loaded(&pane, &PreviewPane::previewLoaded);
    QVERIFY(loaded.wait(kLoadTimeoutMs));
    QCOMPARE(pane.state(), PreviewPane::State::Loaded);
    QVERIFY(!pane.isShowingMessage());
}

void tst_PreviewPane::showsTheSampleApp()
{
    const QString project = QDir(m_root.path()).filePath(QStringLiteral("sample"));
    QVERIFY(copyDirectory(QStringLiteral(VW_SOURCE_DIR "/resources/sample-project"), project));

    // Its build, in the sandbox (`npm run build` is `node build.mjs`).
    daytona::ExecuteRequest build;
    build.command = QStringLiteral("node build.mjs");
    build.cwd = project;
    const Result<daytona::ExecuteResult> built =
        awaitJob(m_client->execute(m_sandbox, build), 60'000);
    QVERIFY2(built.ok(), qPrintable(describe(built)));
    QVERIFY2(built.value().exitCode == 0, qPrintable(built.value().result));
    QVERIFY(QFile::exists(QDir(project).filePath(QStringLiteral("dist/index.html"))));

    // Its dev server (`npm run dev` is `node server.mjs`), as Run dev server starts it.
    DevServer devServer(m_client.get());
    DevServer::Options options;
    options.sandbox = m_sandbox;
    options.projectDirectory = project;
    options.command = QStringLiteral("node server.mjs");
    options.port = freePort();
    const Result<DevServerState> started = awaitJob(devServer.start(options), 90'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    const auto stopDevServer =
        qScopeGuard([&] { awaitJob(devServer.stop(m_sandbox, project), 30'000); });

    PreviewPane pane;
    QSignalSpy loaded(&pane, &PreviewPane::previewLoaded);
    pane.setTarget(m_locator.get(), m_sandbox, options.port);
    pane.resize(1000, 700);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    QVERIFY(loaded.wait(kLoadTimeoutMs));
    QVERIFY(loaded.last().value(0).toBool());
    QVERIFY(pane.healthText().startsWith(QStringLiteral("HTTP 200, ")));
    const QString heading =
        evaluate(pane.view()->page(), QStringLiteral("document.body.innerText")).toString();
    QVERIFY2(!heading.isEmpty(), "the sample page has no text");
    // Chromium paints after the load: wait until the view shows the page's own background colour
    // (asked from the page) on most of its pixels — proof that the page is rendered, not blank.
    const QString background =
        evaluate(pane.view()->page(),
                 QStringLiteral("getComputedStyle(document.body).backgroundColor"))
            .toString();
    const QRegularExpressionMatch rgb =
        QRegularExpression(QStringLiteral(R"(rgba?\((\d+),\s*(\d+),\s*(\d+))")).match(background);
    QVERIFY2(rgb.hasMatch(), qPrintable(background));
    const QColor expected(rgb.captured(1).toInt(), rgb.captured(2).toInt(),
                          rgb.captured(3).toInt());
    QVERIFY(expected != QColor(Qt::white) && expected != QColor(Qt::black));
    double share = 0;
    const bool painted = QTest::qWaitFor(
        [&] {
            const QImage image = pane.view()->grab().toImage();
            qint64 matching = 0;
            qint64 sampled = 0;
            for (int y = 0; y < image.height(); y += 5) {
                for (int x = 0; x < image.width(); x += 5) {
                    const QColor pixel = image.pixelColor(x, y);
                    ++sampled;
                    if (qAbs(pixel.red() - expected.red()) <= 2 &&
                        qAbs(pixel.green() - expected.green()) <= 2 &&
                        qAbs(pixel.blue() - expected.blue()) <= 2)
                        ++matching;
                }
            }
            share = sampled ? double(matching) / double(sampled) : 0;
            return share > 0.5;
        },
        30'000);
    QVERIFY2(painted, qPrintable(QStringLiteral("%1 of the view is %2 (%3)")
                                     .arg(share)
                                     .arg(expected.name(), QGuiApplication::platformName())));
    saveScreenshot(pane, QStringLiteral("preview.png"));
}

QTEST_MAIN(tst_PreviewPane)
#include "tst_previewpane.moc"
