#include "ui/PreviewPane.h"

#include "ui/PreviewPage.h"
#include "ui/PreviewTokenInterceptor.h"
#include "ui/StatusStyle.h"

#include <QAction>
#include <QDesktopServices>
#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShowEvent>
#include <QStackedWidget>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>
#include <QWebEngineProfile>
#include <QWebEngineView>

namespace vw::ui {

PreviewPane::PreviewPane(QWidget *parent)
    : QWidget(parent)
{
    m_urlBar = new QLineEdit(this);
    m_urlBar->setObjectName(QStringLiteral("previewUrlBar"));
    m_urlBar->setPlaceholderText(tr("Preview URL"));
    m_urlBar->setClearButtonEnabled(false);
    m_urlBar->setToolTip(tr("The page shown. Type a path or URL and press Enter: pages of the dev "
                            "server open here, anything else in your browser."));
    connect(m_urlBar, &QLineEdit::returnPressed, this, [this] { navigateTo(m_urlBar->text()); });

    m_reloadAction =
        new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Reload"), this);
    m_reloadAction->setObjectName(QStringLiteral("previewReload"));
    m_reloadAction->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(tr("Ctrl+R"))});
    // Only while the pane (or the page in it) has focus: F5 means other things elsewhere.
    m_reloadAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_reloadAction->setToolTip(tr("Check the dev server again and reload the page (F5)"));
    connect(m_reloadAction, &QAction::triggered, this, &PreviewPane::refresh);
    addAction(m_reloadAction);

    m_openAction =
        new QAction(style()->standardIcon(QStyle::SP_DirLinkIcon), tr("Open in Browser"), this);
    m_openAction->setObjectName(QStringLiteral("previewOpenInBrowser"));
    m_openAction->setEnabled(false);
    m_openAction->setToolTip(
        tr("Open this page in your web browser.\nThe browser does not get the preview token this "
           "pane sends in a header, so Daytona asks it to sign in to a private sandbox. To share "
           "a page without signing in, use a signed preview URL (it expires) or make the sandbox "
           "public."));
    connect(m_openAction, &QAction::triggered, this, &PreviewPane::openInBrowser);

    m_healthLabel = new QLabel(this);
    m_healthLabel->setObjectName(QStringLiteral("previewHealth"));
    m_healthLabel->setTextFormat(Qt::RichText);
    m_healthLabel->setContentsMargins(6, 0, 6, 0);

    m_toolBar = new QToolBar(this);
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->addAction(m_reloadAction);
    m_toolBar->addWidget(m_urlBar);
    m_toolBar->addAction(m_openAction);
    m_toolBar->addWidget(m_healthLabel);

    m_messageTitle = new QLabel(this);
    m_messageTitle->setObjectName(QStringLiteral("previewMessageTitle"));
    m_messageTitle->setAlignment(Qt::AlignCenter);
    m_messageTitle->setWordWrap(true);
    QFont titleFont = m_messageTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    m_messageTitle->setFont(titleFont);
    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(QStringLiteral("previewMessage"));
    m_messageLabel->setAlignment(Qt::AlignCenter);
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retryButton = new QPushButton(tr("Check Again"), this);
    m_retryButton->setObjectName(QStringLiteral("previewRetry"));
    connect(m_retryButton, &QPushButton::clicked, this, &PreviewPane::refresh);

    m_messagePage = new QWidget(this);
    auto *messageLayout = new QVBoxLayout(m_messagePage);
    messageLayout->addStretch(1);
    messageLayout->addWidget(m_messageTitle);
    messageLayout->addSpacing(8);
    messageLayout->addWidget(m_messageLabel);
    messageLayout->addSpacing(8);
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addStretch(1);
    buttonRow->addWidget(m_retryButton);
    buttonRow->addStretch(1);
    messageLayout->addLayout(buttonRow);
    messageLayout->addStretch(2);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_messagePage);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_stack, 1);

    setHealth({}, true);
    showMessage(tr("Nothing to preview yet"),
                tr("Use Run dev server to start the project's dev server; its pages appear here."),
                false);
}

PreviewPane::~PreviewPane()
{
    // Chromium wants the pages gone before their profile.
    delete m_view;
    delete m_page;
    delete m_profile;
}

void PreviewPane::setTarget(engine::PreviewLocator *locator, const QString &sandbox,
                            std::optional<int> port)
{
    m_locator = locator;
    m_sandbox = sandbox;
    m_port = port;
    ++m_locateGeneration;
    if (isVisible() && m_view)
        locate();
    else
        m_locateWhenShown = true;
}

void PreviewPane::showPreview(const engine::PreviewInfo &info)
{
    ++m_locateGeneration; // this link wins over a locate() still on its way
    applyPreview(info, false);
}

void PreviewPane::refresh()
{
    if (m_locator) {
        if (isVisible() && m_view)
            locate();
        else
            m_locateWhenShown = true;
        return;
    }
    if (m_preview && m_view)
        m_view->reload();
}

QUrl PreviewPane::currentUrl() const
{
    if (m_view && !m_view->url().isEmpty())
        return m_view->url();
    return m_preview ? m_preview->link.url : QUrl();
}

QString PreviewPane::message() const
{
    return m_messageTitle->text() + QStringLiteral("\n\n") + m_messageLabel->text();
}

bool PreviewPane::isShowingMessage() const
{
    return m_stack->currentWidget() == m_messagePage;
}

void PreviewPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_view)
        createView();
    if (m_locateWhenShown && m_locator) {
        m_locateWhenShown = false;
        locate();
    } else if (m_loadWhenCreated) {
        loadPreview(false);
    }
}

void PreviewPane::createView()
{
    // A profile without a storage name is off the record: no cookies, cache or history on disk.
    m_profile = new QWebEngineProfile(this);
    m_interceptor = new PreviewTokenInterceptor(m_profile);
    m_profile->setUrlRequestInterceptor(m_interceptor);
    m_page = new PreviewPage(m_profile, this);
    m_view = new QWebEngineView(m_stack);
    m_view->setObjectName(QStringLiteral("previewView"));
    m_view->setPage(m_page);
    m_stack->addWidget(m_view);

    connect(m_page, &QWebEnginePage::urlChanged, this, &PreviewPane::updateUrlBar);
    connect(m_page, &QWebEnginePage::loadStarted, this, [this] {
        if (m_state != State::Loading)
            setState(State::Loading);
    });
    connect(m_page, &QWebEnginePage::loadFinished, this, [this](bool ok) {
        setState(ok ? State::Loaded : State::LoadFailed);
        emit previewLoaded(ok);
    });
}

void PreviewPane::locate()
{
    if (!m_locator)
        return;
    const quint64 generation = ++m_locateGeneration;
    setState(State::Locating);
    setHealth(tr("Checking…"), true);
    if (!m_preview)
        showMessage(tr("Looking for the dev server…"), tr("In sandbox “%1”.").arg(m_sandbox),
                    false);
    m_locator->locate(m_sandbox, m_port)
        ->onResult(this, [this, generation](const Result<engine::PreviewInfo> &located) {
            if (generation != m_locateGeneration)
                return;
            if (located) {
                applyPreview(located.value(), true);
                return;
            }
            m_preview.reset();
            m_loadWhenCreated = false;
            m_openAction->setEnabled(false);
            if (m_interceptor)
                m_interceptor->clear();
            if (m_page)
                m_page->setPreviewOrigin({});
            if (located.error().code == QLatin1String("NO_DEV_SERVER")) {
                setHealth(tr("No dev server is listening in this sandbox"), false,
                          located.error().message);
                showMessage(tr("No dev server is running"),
                            tr("Nothing listens on the usual dev server ports in sandbox “%1”.\n"
                               "Use Run dev server to start the project's dev server; its pages "
                               "appear here once it listens.")
                                .arg(m_sandbox),
                            true);
                setState(State::NoDevServer);
            } else {
                setHealth(located.error().message, false);
                showMessage(tr("The preview could not be found"), located.error().message, true);
                setState(State::Failed);
            }
            updateUrlBar();
        });
}

void PreviewPane::applyPreview(const engine::PreviewInfo &info, bool stayOnPage)
{
    m_preview = info;
    m_openAction->setEnabled(info.link.url.isValid());
    const QString checked = tr("Checked %1").arg(info.link.url.toDisplayString());
    if (info.health.answered())
        setHealth(info.health.summary(), info.health.healthy(), checked);
    else if (info.health.url.isEmpty())
        setHealth({}, true); // a link given without a health check
    else
        setHealth(info.health.summary(), false, checked);

    if (info.health.url.isValid() && !info.health.answered()) {
        // Chromium's own error page says less than we know.
        showMessage(tr("The dev server does not answer"),
                    tr("Port %1 of sandbox “%2”: %3.\nIs it still starting? Check again in a "
                       "moment, or use Run dev server.")
                        .arg(info.port)
                        .arg(info.sandbox, info.health.summary()),
                    true);
        m_loadWhenCreated = false;
        setState(State::Unreachable);
        updateUrlBar();
        return;
    }
    if (m_view)
        loadPreview(stayOnPage);
    else
        m_loadWhenCreated = true;
    updateUrlBar();
}

void PreviewPane::loadPreview(bool stayOnPage)
{
    m_loadWhenCreated = false;
    if (!m_preview || !m_view)
        return;
    const QUrl shown = m_view->url();
    const bool reloadShown =
        stayOnPage && PreviewTokenInterceptor::sameOrigin(shown, m_preview->link.url);
    m_interceptor->setPreview(m_preview->link.url, m_preview->link.token);
    m_page->setPreviewOrigin(m_preview->link.url);
    m_stack->setCurrentWidget(m_view);
    setState(State::Loading);
    m_view->load(reloadShown ? shown : m_preview->link.url);
}

void PreviewPane::navigateTo(const QString &typed)
{
    const QString text = typed.trimmed();
    if (text.isEmpty()) {
        updateUrlBar();
        return;
    }
    QUrl url;
    if (text.startsWith(QLatin1Char('/')) && m_preview)
        url = m_preview->link.url.resolved(QUrl(text)); // a path of the dev server
    else
        url = QUrl::fromUserInput(text);
    if (!url.isValid()) {
        updateUrlBar();
        return;
    }
    if (m_page && m_page->isInsidePreview(url)) {
        m_stack->setCurrentWidget(m_view);
        m_view->load(url);
    } else {
        QDesktopServices::openUrl(url);
        updateUrlBar();
    }
}

void PreviewPane::openInBrowser()
{
    const QUrl url = currentUrl();
    if (url.isValid())
        QDesktopServices::openUrl(url);
}

void PreviewPane::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged();
}

void PreviewPane::setHealth(const QString &text, bool good, const QString &toolTip)
{
    m_healthText = text;
    if (text.isEmpty()) {
        m_healthLabel->clear();
        m_healthLabel->setToolTip({});
    } else {
        const QColor dot =
            StatusStyle::color(good ? vw::BuildStatus::Success : vw::BuildStatus::Failed);
        m_healthLabel->setText(QStringLiteral("<span style=\"color:%1\">&#9679;</span>&nbsp;%2")
                                   .arg(dot.name(), text.toHtmlEscaped()));
        m_healthLabel->setToolTip(toolTip);
    }
    emit stateChanged();
}

void PreviewPane::showMessage(const QString &title, const QString &details, bool offerRetry)
{
    m_messageTitle->setText(title);
    m_messageLabel->setText(details);
    m_retryButton->setVisible(offerRetry);
    m_stack->setCurrentWidget(m_messagePage);
}

void PreviewPane::updateUrlBar()
{
    // The URL bar shows where the page is; the token never is in it (it travels in a header).
    const QUrl url = currentUrl();
    m_urlBar->setText(url.isEmpty() ? QString() : url.toDisplayString());
}

} // namespace vw::ui
