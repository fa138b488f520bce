#include "ui/DesktopNotifier.h"

#include "tests/support/DunstControl.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QSignalSpy>
#include <QTest>
#include <QVariantMap>

// The desktop's helpers (dunst, trayer, D-Bus) answer slowly on a loaded machine.
constexpr int kDesktopTimeoutMs = 20'000;
using vw::ui::DesktopNotifier;

namespace {

using vw::test::callDunst;
using vw::test::dunstDisplayedCount;
using vw::test::dunstHistory;

std::optional<QVariantMap> dunstHistoryEntry(uint notificationId)
{
    for (const QVariantMap &entry : dunstHistory()) {
        if (entry.value(QStringLiteral("id")).toUInt() == notificationId)
            return entry;
    }
    return std::nullopt;
}

} // namespace

// DesktopNotifier against a real notification server: dunst on a private D-Bus session
// (run under tests/support/with-desktop.sh), checked through dunst's own control interface.
class tst_DesktopNotifier : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void notifyReachesTheServer_data();
    void notifyReachesTheServer();
    void clickingTheNotificationOpensItsBuild();
    void anotherSendersNotificationIsNotOurs();
    void unavailableServerIsReportedWithoutACrash();
};

void tst_DesktopNotifier::initTestCase()
{
    const QDBusMessage ping = callDunst(QStringLiteral("Ping"));
    QVERIFY2(ping.type() == QDBusMessage::ReplyMessage,
             "no dunst on the session bus: run this test under tests/support/with-desktop.sh");
}

void tst_DesktopNotifier::init()
{
    callDunst(QStringLiteral("NotificationCloseAll"));
    QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayedCount(), 0u, kDesktopTimeoutMs);
}

void tst_DesktopNotifier::notifyReachesTheServer_data()
{
    QTest::addColumn<DesktopNotifier::Urgency>("urgency");
    QTest::addColumn<QString>("format"); // the urgency's format in with-desktop.sh's dunstrc
    QTest::newRow("low") << DesktopNotifier::Urgency::Low << QStringLiteral("[low] ");
    QTest::newRow("normal") << DesktopNotifier::Urgency::Normal << QStringLiteral("[normal] ");
    QTest::newRow("critical") << DesktopNotifier::Urgency::Critical
                              << QStringLiteral("[critical] ");
}

void tst_DesktopNotifier::notifyReachesTheServer()
{
    QFETCH(DesktopNotifier::Urgency, urgency);
    QFETCH(QString, format);
    DesktopNotifier notifier;
    QTRY_VERIFY_WITH_TIMEOUT(notifier.isAvailable(), kDesktopTimeoutMs);
    QSignalSpy shown(&notifier, &DesktopNotifier::shown);
    QSignalSpy failed(&notifier, &DesktopNotifier::failed);
    const QString title = QStringLiteral("web: build failed");
    const QString body = QStringLiteral("Build #41: npm ERR! 404 Not Found");
    notifier.notify(title, body, 41, urgency);
    QVERIFY(shown.wait());
    QCOMPARE(failed.count(), 0);
    const uint id = shown.first().at(0).toUInt();
    QVERIFY(id > 0);
    QCOMPARE(shown.first().at(1).toLongLong(), 41);
    QCOMPARE(notifier.buildOf(id), 41);
    QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayedCount(), 1u, kDesktopTimeoutMs);

    // Closed, it moves to dunst's history with what dunst made of it; the notifier forgets it.
    callDunst(QStringLiteral("NotificationCloseAll"));
    QTRY_VERIFY_WITH_TIMEOUT(dunstHistoryEntry(id).has_value(), kDesktopTimeoutMs);
    const QVariantMap entry = *dunstHistoryEntry(id);
    QCOMPARE(entry.value(QStringLiteral("appname")).toString(), QStringLiteral("Vaporwatch"));
    QCOMPARE(entry.value(QStringLiteral("summary")).toString(), title);
    QCOMPARE(entry.value(QStringLiteral("body")).toString(), body);
    QCOMPARE(entry.value(QStringLiteral("default_action_name")).toString(),
             QStringLiteral("default"));
    const QString message = entry.value(QStringLiteral("message")).toString();
    QVERIFY2(message.startsWith(format), qPrintable(message));
    QTRY_COMPARE_WITH_TIMEOUT(notifier.buildOf(id), 0, kDesktopTimeoutMs);
    QCOMPARE(notifier.openNotificationCount(), 0);
}

void tst_DesktopNotifier::clickingTheNotificationOpensItsBuild()
{
    DesktopNotifier notifier;
    QTRY_VERIFY_WITH_TIMEOUT(notifier.isAvailable(), kDesktopTimeoutMs);
    QSignalSpy shown(&notifier, &DesktopNotifier::shown);
    QSignalSpy open(&notifier, &DesktopNotifier::openBuildRequested);
    for (const qint64 build : {7, 8}) {
        notifier.notify(QStringLiteral("web: build succeeded"), QStringLiteral("#%1").arg(build),
                        build, DesktopNotifier::Urgency::Normal);
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kDesktopTimeoutMs);
        const uint id = shown.takeFirst().at(0).toUInt();
        QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayedCount(), 1u, kDesktopTimeoutMs);
        // `dunstctl action 0`: dunst invokes the default action of the first notification shown.
        {
            const QDBusMessage acted =
                callDunst(QStringLiteral("NotificationAction"), {QVariant::fromValue(0u)});
            QVERIFY2(acted.type() == QDBusMessage::ReplyMessage, qPrintable(acted.errorMessage()));
        }
        QTRY_COMPARE_WITH_TIMEOUT(open.count(), 1, kDesktopTimeoutMs);
        QCOMPARE(open.takeFirst().first().toLongLong(), build);
        // The notifier closes it after the action, and forgets it.
        QTRY_COMPARE_WITH_TIMEOUT(notifier.buildOf(id), 0, kDesktopTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayedCount(), 0u, kDesktopTimeoutMs);
    }
}

void tst_DesktopNotifier::anotherSendersNotificationIsNotOurs()
{
    // Two notifiers on two connections (two senders): the action reaches only the one that
    // raised the notification.
    DesktopNotifier ours;
    DesktopNotifier theirs(QDBusConnection::connectToBus(QDBusConnection::SessionBus,
                                                         QStringLiteral("vw-second-sender")));
    QTRY_VERIFY_WITH_TIMEOUT(ours.isAvailable() && theirs.isAvailable(), kDesktopTimeoutMs);
    QSignalSpy theirsShown(&theirs, &DesktopNotifier::shown);
    QSignalSpy oursOpen(&ours, &DesktopNotifier::openBuildRequested);
    QSignalSpy theirsOpen(&theirs, &DesktopNotifier::openBuildRequested);
    theirs.notify(QStringLiteral("api: build fixed"), QStringLiteral("#9"), 9,
                  DesktopNotifier::Urgency::Normal);
    QVERIFY(theirsShown.wait());
    QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayedCount(), 1u, kDesktopTimeoutMs);
    {
        const QDBusMessage acted =
            callDunst(QStringLiteral("NotificationAction"), {QVariant::fromValue(0u)});
        QVERIFY2(acted.type() == QDBusMessage::ReplyMessage, qPrintable(acted.errorMessage()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(theirsOpen.count(), 1, kDesktopTimeoutMs);
    QCOMPARE(theirsOpen.first().first().toLongLong(), 9);
    QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayedCount(), 0u, kDesktopTimeoutMs);
    QCOMPARE(oursOpen.count(), 0);
    QDBusConnection::disconnectFromBus(QStringLiteral("vw-second-sender"));
}

void tst_DesktopNotifier::unavailableServerIsReportedWithoutACrash()
{
    // No bus at all (as on a machine without a desktop session).
    const QString name = QStringLiteral("vw-no-bus");
    DesktopNotifier notifier(
        QDBusConnection::connectToBus(QStringLiteral("unix:path=/nonexistent/vw-no-bus"), name));
    QVERIFY(!notifier.isAvailable());
    QSignalSpy failed(&notifier, &DesktopNotifier::failed);
    QSignalSpy shown(&notifier, &DesktopNotifier::shown);
    notifier.notify(QStringLiteral("web: build failed"), QStringLiteral("#1"), 1,
                    DesktopNotifier::Urgency::Critical);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).toLongLong(), 1);
    QCOMPARE(failed.first().at(1).toString(), QStringLiteral("web: build failed"));
    QCOMPARE(failed.first().at(2).toString(), QStringLiteral("#1"));
    QVERIFY(!failed.first().at(3).toString().isEmpty());
    QCOMPARE(shown.count(), 0);
    QVERIFY(!notifier.isAvailable());
    QDBusConnection::disconnectFromBus(name);
}

QTEST_GUILESS_MAIN(tst_DesktopNotifier)
#include "tst_desktopnotifier.moc"
