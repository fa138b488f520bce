#include "ui/TrayController.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/DunstControl.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"
#include "ui/DesktopNotifier.h"
#include "ui/StatusStyle.h"

#include <QAction>
#include <QApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QPainter>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTest>

#include <memory>

// The desktop's helpers (dunst, trayer, D-Bus) answer slowly on a loaded machine.
constexpr int kDesktopTimeoutMs = 20'000;
using namespace vw;
using vw::engine::BuildHub;
using vw::engine::BuildManager;
using vw::engine::NotificationSettings;
using vw::ui::TrayController;

using vw::test::writeFile;

namespace {

using vw::test::callDunst;
using vw::test::dunstDisplayedCount;

// Closes what dunst shows and returns its history (`dunstctl history`), oldest first, as
// "message" (dunst's format with-desktop.sh configures: "[urgency] <b>title</b>\nbody").
QStringList dunstMessages()
{
    callDunst(QStringLiteral("NotificationCloseAll"));
    QList<QVariantMap> entries = vw::test::dunstHistory();
    std::sort(entries.begin(), entries.end(), [](const QVariantMap &a, const QVariantMap &b) {
        return a.value(QStringLiteral("id")).toUInt() < b.value(QStringLiteral("id")).toUInt();
    });
    QStringList messages;
    for (const QVariantMap &entry : entries)
        messages << entry.value(QStringLiteral("message")).toString();
    return messages;
}

QString message(const char *urgency, const QString &title, const QString &bodyStart)
{
    return QStringLiteral("[%1] <b>%2</b>\n%3").arg(QLatin1String(urgency), title, bodyStart);
}

// The share of an icon's opaque pixels that have the hue of `color`.
double shareOfHue(const QIcon &icon, int size, const QColor &color)
{
    const QImage image = icon.pixmap(size, size).toImage().convertToFormat(QImage::Format_ARGB32);
    int opaque = 0;
    int matching = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (pixel.alpha() < 200)
                continue;
            ++opaque;
            const int distance = qAbs(pixel.hslHue() - color.hslHue());
            matching += pixel.hslSaturation() > 100 && qMin(distance, 360 - distance) < 20;
        }
    }
    return opaque == 0 ? 0.0 : double(matching) / opaque;
}

} // namespace

// The tray on a real engine — a real vaporwatch-sandboxd, a real SQLite store, BuildHub and
// BuildManager — on a desktop of its own (tests/support/with-desktop.sh: Xvfb, trayer as the
// tray, dunst as the notification server, a private D-Bus session). One project, "web", whose
// Makefile fails while a file named `broken` exists, is built five times: succeeded, failed,
// (paused) still failing, still failing, fixed. The slots run in order on the same engine.
class tst_TrayController : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();
    void successTurnsTheIconGreenAndNotifies();
    void failureTurnsTheIconRedAndRaisesACriticalNotification();
    void pausedNotificationsStaySilent();
    void stillFailingNotifiesAgain();
    void restartedTrayKnowsThePastWithoutNotifying();
    void fixedAfterTheFailures();
    void menuListsTheRecentBuildsAndOpensThem();
    void menuEntriesEmitTheirSignals();
    void iconsOfEveryState();
    void withoutANotificationServerTheTrayShowsItsOwnMessage();

private:
    void newTray();
    // Runs a build of "web" to its end; records the tray's states on the way.
    qint64 runBuild(bool broken);

    std::unique_ptr<test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<daytona::DaytonaClient> m_client;
    std::unique_ptr<BuildStore> m_store;
    std::unique_ptr<BuildHub> m_hub;
    std::unique_ptr<BuildManager> m_manager;
    std::unique_ptr<TrayController> m_tray;
    QString m_projectDir;
    const QString m_sandbox = QStringLiteral("vw-tray");
    QList<std::optional<vw::BuildStatus>> m_states; // the tray's states, as they changed
    QList<QImage> m_stateIcons;                     // its icon at each of them
    QStringList m_expectedMessages;                 // what dunst should have been shown
    QList<qint64> m_builds;
    // with-desktop.sh runs dunst, or (VW_DESKTOP_NOTIFICATIONS=none) no notification server.
    bool m_withServer = true;
};

void tst_TrayController::initTestCase()
{
    QVERIFY2(qgetenv("QT_QPA_PLATFORM") == "xcb", "run under tests/support/with-desktop.sh");
    QTRY_VERIFY2_WITH_TIMEOUT(QSystemTrayIcon::isSystemTrayAvailable(), "no tray host (trayer)",
                              kDesktopTimeoutMs);

    m_sandboxd = std::make_unique<test::SandboxdProcess>();
    const QString root = m_sandboxd->scratchDirectory() + QStringLiteral("/root");
    m_projectDir = root + QStringLiteral("/web");
    QVERIFY(writeFile(m_projectDir + QStringLiteral("/Makefile"),
                      "all:\n\t@echo building web\n"
                      "\t@if [ -e broken ]; then echo 'error: web is broken' >&2; exit 2; fi\n"));
    QVERIFY2(m_sandboxd->start({{{m_sandbox, root}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<daytona::DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd, 50));

    m_store = std::make_unique<BuildStore>();
    const auto opened =
        awaitJob(m_store->open(m_sandboxd->scratchDirectory() + QStringLiteral("/builds.sqlite")));
    QVERIFY2(opened.ok(), qPrintable(describe(opened)));
    QVERIFY(awaitJob(m_store->ensureProject(m_sandbox, QStringLiteral("web"))).ok());
    m_hub = std::make_unique<BuildHub>();
    BuildManager::Options options;
    options.run.stateDirectory = m_sandboxd->scratchDirectory() + QStringLiteral("/state");
    m_manager = std::make_unique<BuildManager>(m_client.get(), m_store.get(), m_hub.get(), options);

    const QByteArray server = qgetenv("VW_DESKTOP_NOTIFICATIONS");
    m_withServer = server.isEmpty() || server == "dunst";
    if (m_withServer)
        callDunst(QStringLiteral("NotificationCloseAll"));
    newTray();
    QVERIFY(m_tray->isTrayAvailable());
    QVERIFY(m_tray->trayIcon()->isVisible());
    QVERIFY(!QGuiApplication::quitOnLastWindowClosed()); // closing the window keeps it running
    if (m_withServer) {
        QTRY_VERIFY2_WITH_TIMEOUT(m_tray->notifier()->isAvailable(),
                                  "no notification server (dunst)", kDesktopTimeoutMs);
    } else {
        // "broken": the bus offers to start one (it then fails); "none": there is none.
        QTRY_VERIFY_WITH_TIMEOUT(m_tray->notifier()->isAvailabilityKnown(), kDesktopTimeoutMs);
        QCOMPARE(m_tray->notifier()->isAvailable(), server == "broken");
    }
    QVERIFY(!m_tray->state().has_value()); // no builds yet: the plain app icon
    QCOMPARE(m_tray->recentBuildActions().size(), 0);
}

void tst_TrayController::init()
{
    // The tests registered as tst_traycontroller_without_notification_server and …_broken_… run
    // only the fallback; the one with dunst runs everything else.
    const bool fallback = qstrcmp(QTest::currentTestFunction(),
                                  "withoutANotificationServerTheTrayShowsItsOwnMessage") == 0;
    if (fallback && m_withServer)
        QSKIP("needs a desktop without a notification server");
    if (!fallback && !m_withServer)
        QSKIP("needs a notification server (dunst)");
}

void tst_TrayController::cleanupTestCase()
{
    m_tray.reset();
    m_manager.reset();
    m_hub.reset();
    m_store.reset();
    m_client.reset();
    m_sandboxd.reset();
}

void tst_TrayController::newTray()
{
    m_tray = std::make_unique<TrayController>(m_store.get(), m_hub.get());
    m_tray->start();
    // Connected after the tray, so this sees the tray's state once it handled the change.
    const auto record = [this] {
        const std::optional<vw::BuildStatus> now = m_tray->state();
        if (m_states.isEmpty() || m_states.last() != now) {
            m_states.append(now);
            m_stateIcons.append(m_tray->trayIcon()->icon().pixmap(32, 32).toImage());
        }
    };
    connect(m_hub.get(), &BuildHub::buildCreated, m_tray.get(), record);
    connect(m_hub.get(), &BuildHub::buildChanged, m_tray.get(), record);
    connect(m_hub.get(), &BuildHub::buildFinished, m_tray.get(), record);
}

qint64 tst_TrayController::runBuild(bool broken)
{
    const QString marker = m_projectDir + QStringLiteral("/broken");
    if (broken)
        writeFile(marker, "yes\n");
    else
        QFile::remove(marker);
    QSignalSpy finished(m_hub.get(), &BuildHub::buildFinished);
    const auto started = awaitJob(m_manager->startBuild(m_sandbox, QStringLiteral("web")));
    if (!started.ok()) {
        qWarning("startBuild: %s", qPrintable(describe(started)));
        return 0;
    }
    const qint64 id = started.value().id;
    const auto finishedThis = [&finished, id] {
        for (const QList<QVariant> &args : std::as_const(finished)) {
            if (args.first().value<vw::Build>().id == id)
                return true;
        }
        return false;
    };
    if (!QTest::qWaitFor(finishedThis, 120'000))
        return 0;
    m_builds.append(id);
    return id;
}

void tst_TrayController::successTurnsTheIconGreenAndNotifies()
{
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    const qint64 id = runBuild(false);
    QVERIFY(id > 0);
    QCOMPARE(m_tray->state(), std::optional(vw::BuildStatus::Success));
    // building → success; the icon followed.
    QCOMPARE(m_states, (QList<std::optional<vw::BuildStatus>>{vw::BuildStatus::Running,
                                                              vw::BuildStatus::Success}));
    QVERIFY(shareOfHue(QIcon(QPixmap::fromImage(m_stateIcons.at(0))), 32,
                       ui::StatusStyle::color(vw::BuildStatus::Running)) > 0.5);
    QVERIFY(shareOfHue(m_tray->trayIcon()->icon(), 32,
                       ui::StatusStyle::color(vw::BuildStatus::Success)) > 0.5);
    QVERIFY2(m_tray->trayIcon()->toolTip().contains(QStringLiteral("1 succeeded")),
             qPrintable(m_tray->trayIcon()->toolTip()));
    // "started" is off by default: one notification, the success.
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.first().at(0).toString(), QStringLiteral("web: build succeeded"));
    QCOMPARE(notified.first().at(2).toLongLong(), id);
    m_expectedMessages << message("normal", QStringLiteral("web: build succeeded"),
                                  notified.first().at(1).toString());
    QTRY_COMPARE_WITH_TIMEOUT(dunstMessages(), m_expectedMessages, kDesktopTimeoutMs);
}

void tst_TrayController::failureTurnsTheIconRedAndRaisesACriticalNotification()
{
    NotificationSettings settings;
    settings.started = true;
    m_tray->setNotificationSettings(settings);
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    QSignalSpy open(m_tray.get(), &TrayController::openBuildRequested);
    m_states.clear();
    m_stateIcons.clear();
    const qint64 id = runBuild(true);
    QVERIFY(id > 0);
    QCOMPARE(m_tray->state(), std::optional(vw::BuildStatus::Failed));
    QCOMPARE(m_states, (QList<std::optional<vw::BuildStatus>>{vw::BuildStatus::Running,
                                                              vw::BuildStatus::Failed}));
    // Red dominates the icon, at tray size and larger.
    for (int size : {22, 32, 64}) {
        QVERIFY2(shareOfHue(m_tray->trayIcon()->icon(), size,
                            ui::StatusStyle::color(vw::BuildStatus::Failed)) > 0.5,
                 qPrintable(QString::number(size)));
    }
    QVERIFY(shareOfHue(QIcon(QPixmap::fromImage(m_stateIcons.last())), 32,
                       ui::StatusStyle::color(vw::BuildStatus::Failed)) > 0.5);
    QVERIFY2(m_tray->trayIcon()->toolTip().contains(QStringLiteral("1 failed")),
             qPrintable(m_tray->trayIcon()->toolTip()));
    // Started (now wanted) once, however many updates the running build had; then failed.
    QCOMPARE(notified.count(), 2);
    QCOMPARE(notified.at(0).at(0).toString(), QStringLiteral("web: build started"));
    QCOMPARE(notified.at(1).at(0).toString(), QStringLiteral("web: build failed"));
    QVERIFY2(notified.at(1).at(1).toString().startsWith(QStringLiteral("Build #%1").arg(id)),
             qPrintable(notified.at(1).at(1).toString()));
    for (const QList<QVariant> &n : std::as_const(notified))
        QCOMPARE(n.at(2).toLongLong(), id);

    // Clicking the failure's notification in dunst (`dunstctl action 0`; a critical one is
    // shown first) opens that build.
    QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayedCount(), 2u, kDesktopTimeoutMs);
    {
        const QDBusMessage acted =
            callDunst(QStringLiteral("NotificationAction"), {QVariant::fromValue(0u)});
        QVERIFY2(acted.type() == QDBusMessage::ReplyMessage, qPrintable(acted.errorMessage()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(open.count(), 1, kDesktopTimeoutMs);
    QCOMPARE(open.first().first().toLongLong(), id);

    m_expectedMessages << message("low", QStringLiteral("web: build started"),
                                  notified.at(0).at(1).toString())
                       << message("critical", QStringLiteral("web: build failed"),
                                  notified.at(1).at(1).toString());
    QTRY_COMPARE_WITH_TIMEOUT(dunstMessages(), m_expectedMessages, kDesktopTimeoutMs);
}

void tst_TrayController::pausedNotificationsStaySilent()
{
    QSignalSpy paused(m_tray.get(), &TrayController::notificationsPausedChanged);
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    m_tray->pauseAction()->trigger();
    QCOMPARE(paused.count(), 1);
    QCOMPARE(paused.first().first().toBool(), true);
    QVERIFY(m_tray->notificationSettings().paused);
    QVERIFY(runBuild(true) > 0);
    // The tray handles buildFinished before runBuild() returns: nothing was raised.
    QCOMPARE(notified.count(), 0);
    QCOMPARE(m_tray->state(), std::optional(vw::BuildStatus::Failed));
    QCOMPARE(dunstMessages(), m_expectedMessages);

    // The app restores the setting: the menu's check box follows without a signal.
    NotificationSettings settings = m_tray->notificationSettings();
    settings.paused = false;
    settings.started = false;
    m_tray->setNotificationSettings(settings);
    QVERIFY(!m_tray->pauseAction()->isChecked());
    QCOMPARE(paused.count(), 1);
}

void tst_TrayController::stillFailingNotifiesAgain()
{
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    const qint64 id = runBuild(true);
    QVERIFY(id > 0);
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.first().at(0).toString(), QStringLiteral("web: build still failing"));
    QCOMPARE(notified.first().at(2).toLongLong(), id);
    m_expectedMessages << message("critical", QStringLiteral("web: build still failing"),
                                  notified.first().at(1).toString());
    QTRY_COMPARE_WITH_TIMEOUT(dunstMessages(), m_expectedMessages, kDesktopTimeoutMs);
}

void tst_TrayController::restartedTrayKnowsThePastWithoutNotifying()
{
    m_tray.reset();
    newTray();
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->state(), std::optional(vw::BuildStatus::Failed),
                              kDesktopTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->recentBuildActions().size(), m_builds.size(),
                              kDesktopTimeoutMs);
    QVERIFY(shareOfHue(m_tray->trayIcon()->icon(), 32,
                       ui::StatusStyle::color(vw::BuildStatus::Failed)) > 0.5);
    QCOMPARE(notified.count(), 0);
}

void tst_TrayController::fixedAfterTheFailures()
{
    // The restarted tray read the last decisive status (failed) from the store: this is a fix.
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    m_states.clear();
    const qint64 id = runBuild(false);
    QVERIFY(id > 0);
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.first().at(0).toString(), QStringLiteral("web: build fixed"));
    QCOMPARE(m_tray->state(), std::optional(vw::BuildStatus::Success));
    QCOMPARE(m_states, (QList<std::optional<vw::BuildStatus>>{vw::BuildStatus::Running,
                                                              vw::BuildStatus::Success}));
    m_expectedMessages << message("normal", QStringLiteral("web: build fixed"),
                                  notified.first().at(1).toString());
    QTRY_COMPARE_WITH_TIMEOUT(dunstMessages(), m_expectedMessages, kDesktopTimeoutMs);
}

void tst_TrayController::menuListsTheRecentBuildsAndOpensThem()
{
    const QList<QAction *> recent = m_tray->recentBuildActions();
    QCOMPARE(recent.size(), m_builds.size());
    const QList<vw::BuildStatus> statuses{vw::BuildStatus::Success, vw::BuildStatus::Failed,
                                          vw::BuildStatus::Failed, vw::BuildStatus::Failed,
                                          vw::BuildStatus::Success};
    // Newest first: "web #5 · Succeeded · 1.2 s".
    for (int i = 0; i < recent.size(); ++i) {
        const qint64 id = m_builds.at(m_builds.size() - 1 - i);
        const vw::BuildStatus status = statuses.at(statuses.size() - 1 - i);
        QCOMPARE(recent.at(i)->data().toLongLong(), id);
        const QString prefix =
            QStringLiteral("web #%1 · %2 · ").arg(id).arg(ui::StatusStyle::label(status));
        QVERIFY2(recent.at(i)->text().startsWith(prefix), qPrintable(recent.at(i)->text()));
        QVERIFY(m_tray->menu()->actions().contains(recent.at(i)));
    }
    QSignalSpy open(m_tray.get(), &TrayController::openBuildRequested);
    recent.at(1)->trigger();
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().first().toLongLong(), m_builds.at(m_builds.size() - 2));

    m_tray->setCurrentProject(1, QStringLiteral("web"));
    m_tray->menu()->popup(QPoint(40, 40));
    QVERIFY(QTest::qWaitForWindowExposed(m_tray->menu()));
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(m_tray->menu()->grab().save(dir + QStringLiteral("/tray-menu.png")));
    m_tray->menu()->hide();
}

void tst_TrayController::menuEntriesEmitTheirSignals()
{
    QSignalSpy start(m_tray.get(), &TrayController::startBuildRequested);
    QSignalSpy show(m_tray.get(), &TrayController::showWindowRequested);
    QSignalSpy quit(m_tray.get(), &TrayController::quitRequested);

    m_tray->setCurrentProject(0, {});
    QVERIFY(!m_tray->startBuildAction()->isEnabled());
    m_tray->setCurrentProject(1, QStringLiteral("web"));
    QVERIFY(m_tray->startBuildAction()->isEnabled());
    QCOMPARE(m_tray->startBuildAction()->text(), QStringLiteral("Start build of web"));
    m_tray->startBuildAction()->trigger();
    QCOMPARE(start.count(), 1);
    m_tray->openWindowAction()->trigger();
    QCOMPARE(show.count(), 1);
    emit m_tray->trayIcon()->activated(QSystemTrayIcon::Trigger); // a click on the icon
    QCOMPARE(show.count(), 2);
    m_tray->quitAction()->trigger();
    QCOMPARE(quit.count(), 1);
}

void tst_TrayController::iconsOfEveryState()
{
    // None (the app icon), building, success, failed; at 32 and 64 px, side by side.
    const QList<std::optional<vw::BuildStatus>> states{
        std::nullopt, vw::BuildStatus::Running, vw::BuildStatus::Success, vw::BuildStatus::Failed};
    QImage sheet(states.size() * 112 + 16, 112, QImage::Format_ARGB32);
    sheet.fill(QColor(0xee, 0xee, 0xee));
    QPainter painter(&sheet);
    for (int i = 0; i < states.size(); ++i) {
        const QIcon icon = TrayController::iconFor(states.at(i));
        QVERIFY(!icon.isNull());
        const QPixmap small = icon.pixmap(32, 32);
        const QPixmap large = icon.pixmap(64, 64);
        QCOMPARE(small.size(), QSize(32, 32)); // painted at the size asked for, not scaled
        QCOMPARE(large.size(), QSize(64, 64));
        painter.drawPixmap(16 + i * 112, 40, small);
        painter.drawPixmap(56 + i * 112, 24, large);
        if (states.at(i)) {
            QVERIFY(shareOfHue(icon, 64, ui::StatusStyle::color(*states.at(i))) > 0.5);
        }
    }
    painter.end();
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(sheet.save(dir + QStringLiteral("/tray-icons.png")));
}

void tst_TrayController::withoutANotificationServerTheTrayShowsItsOwnMessage()
{
    // No org.freedesktop.Notifications, or one that fails to start: the tray shows Qt's own
    // balloon, and clicking it opens the build it is about.
    QSignalSpy notified(m_tray.get(), &TrayController::notified);
    QSignalSpy open(m_tray.get(), &TrayController::openBuildRequested);
    QSignalSpy notifierFailed(m_tray->notifier(), &ui::DesktopNotifier::failed);
    const qint64 id = runBuild(true);
    QVERIFY(id > 0);
    QCOMPARE(notified.count(), 1);
    QCOMPARE(notified.first().at(0).toString(), QStringLiteral("web: build failed"));
    // "broken": the tray tried the server first and fell back when it failed to start.
    const bool broken = qgetenv("VW_DESKTOP_NOTIFICATIONS") == "broken";
    if (broken)
        QTRY_COMPARE_WITH_TIMEOUT(notifierFailed.count(), 1, kDesktopTimeoutMs);
    const auto balloon = [] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (w->isVisible() && qstrcmp(w->metaObject()->className(), "QBalloonTip") == 0)
                return w;
        }
        return static_cast<QWidget *>(nullptr);
    };
    QTRY_VERIFY_WITH_TIMEOUT(balloon() != nullptr, kDesktopTimeoutMs);
    QWidget *message = balloon();
    QVERIFY(QTest::qWaitForWindowExposed(message));
    const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QVERIFY(message->grab().save(dir + QStringLiteral("/tray-message.png")));
    QTest::mouseClick(message, Qt::LeftButton, {}, QPoint(20, 20));
    QTRY_COMPARE_WITH_TIMEOUT(open.count(), 1, kDesktopTimeoutMs);
    QCOMPARE(open.first().first().toLongLong(), id);
    QCOMPARE(notifierFailed.count(), broken ? 1 : 0);
}

QTEST_MAIN(tst_TrayController)
#include "tst_traycontroller.moc"
