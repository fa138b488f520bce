#include "app/engine/DriverEvent.h"

#include <QTest>

using vw::engine::DriverEvent;
using Kind = DriverEvent::Kind;

namespace {
const QString kNonce = QStringLiteral("abcdefABCDEF0123");
}

class tst_DriverEvent : public QObject
{
    Q_OBJECT

private slots:
    void kindNamesRoundTrip();
    void nonces_data();
    void nonces();
    void parse_data();
    void parse();
    void markerPrefix();
};

void tst_DriverEvent::kindNamesRoundTrip()
{
    for (Kind kind : {Kind::BuildStarted, Kind::PhaseStarted, Kind::PhaseFinished,
                      Kind::PhaseSkipped, Kind::CacheHit, Kind::CacheMiss, Kind::BuildFinished}) {
        const QString name = DriverEvent::kindName(kind);
        QVERIFY(!name.isEmpty());
        QCOMPARE(DriverEvent::kindFromName(name), std::optional<Kind>(kind));
    }
    QCOMPARE(DriverEvent::kindFromName(u"phase-explode"), std::nullopt);
}

void tst_DriverEvent::nonces_data()
{
    QTest::addColumn<QString>("nonce");
    QTest::addColumn<bool>("valid");
    QTest::newRow("16 hex") << QStringLiteral("0123456789abcdef") << true;
    QTest::newRow("64 mixed") << QString(64, u'Z') << true;
    QTest::newRow("15") << QStringLiteral("0123456789abcde") << false;
    QTest::newRow("65") << QString(65, u'a') << false;
    QTest::newRow("semicolon") << QStringLiteral("0123456789abcde;") << false;
    QTest::newRow("non-ASCII letter") << QStringLiteral("0123456789abcdeé") << false;
    QTest::newRow("empty") << QString() << false;
}

void tst_DriverEvent::nonces()
{
    QFETCH(QString, nonce);
    QFETCH(bool, valid);
    QCOMPARE(DriverEvent::isValidNonce(nonce), valid);
}

void tst_DriverEvent::parse_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("valid");
    const QString head = QStringLiteral("7771;vw1;%1;").arg(kNonce);
    QTest::newRow("phase-start") << head + QStringLiteral("phase-start;seq=1;ts=0;phase=a") << true;
    QTest::newRow("keys in any order")
        << head + QStringLiteral("phase-end;exit=3;phase=a;ts=9;seq=2") << true;
    QTest::newRow("other OSC code")
        << QStringLiteral("7772;vw1;%1;phase-start;seq=1;ts=0;phase=a").arg(kNonce) << false;
    QTest::newRow("other protocol")
        << QStringLiteral("7771;vw2;%1;phase-start;seq=1;ts=0;phase=a").arg(kNonce) << false;
    QTest::newRow("seq 0") << head + QStringLiteral("phase-start;seq=0;ts=0;phase=a") << false;
    QTest::newRow("negative ts") << head + QStringLiteral("phase-start;seq=1;ts=-5;phase=a")
                                 << false;
    QTest::newRow("duplicate key")
        << head + QStringLiteral("phase-start;seq=1;ts=1;phase=a;phase=b") << false;
    QTest::newRow("field without =")
        << head + QStringLiteral("phase-start;seq=1;ts=1;phase") << false;
    QTest::newRow("empty key") << head + QStringLiteral("phase-start;seq=1;ts=1;=a") << false;
    QTest::newRow("exit 256") << head + QStringLiteral("phase-end;seq=1;ts=1;phase=a;exit=256")
                              << false;
    QTest::newRow("skip without reason")
        << head + QStringLiteral("phase-skip;seq=1;ts=1;phase=a") << false;
    QTest::newRow("cache-hit")
        << head + QStringLiteral(
                      "cache-hit;seq=1;ts=1;phase=install;reason=lockfile-unchanged;key=0a1b")
        << true;
    QTest::newRow("build-end cancelled")
        << head + QStringLiteral("build-end;seq=1;ts=1;result=cancelled;exit=143") << true;
    QTest::newRow("build-start")
        << head + QStringLiteral("build-start;seq=1;ts=1;pid=1;phases=install,build;v=1") << true;
    QTest::newRow("too few parts") << head + QStringLiteral("build-start;seq=1") << false;
}

void tst_DriverEvent::parse()
{
    QFETCH(QString, body);
    QFETCH(bool, valid);
    QCOMPARE(DriverEvent::parse(body, kNonce).has_value(), valid);
    // Never valid for another nonce.
    QVERIFY(!DriverEvent::parse(body, QStringLiteral("zzzzzzzzzzzzzzzz")).has_value());
}

void tst_DriverEvent::markerPrefix()
{
    QCOMPARE(DriverEvent::markerPrefix(kNonce), QStringLiteral("\x1b]7771;vw1;abcdefABCDEF0123;"));
}

QTEST_APPLESS_MAIN(tst_DriverEvent)
#include "tst_driverevent.moc"
