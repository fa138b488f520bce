#include "app/engine/PreviewLocator.h"

#include <QTest>

using vw::engine::PreviewHealth;
using vw::engine::PreviewLocator;

// Port detection order and what counts as a healthy preview (the network part is in
// tests/integration/tst_sandboxtools).
class tst_PreviewLocator : public QObject
{
    Q_OBJECT

private slots:
    void candidatesAreInTheDocumentedOrder();
    void pickPort_data();
    void pickPort();
    void health_data();
    void health();
};

void tst_PreviewLocator::candidatesAreInTheDocumentedOrder()
{
    QCOMPARE(PreviewLocator::kCandidatePorts, (QList<int>{3000, 5173, 8080, 4200, 8000, 5000, 80}));
    PreviewLocator locator(nullptr);
    QCOMPARE(locator.candidatePorts(), PreviewLocator::kCandidatePorts);
    locator.setCandidatePorts({1234});
    QCOMPARE(locator.candidatePorts(), QList<int>{1234});
}

void tst_PreviewLocator::pickPort_data()
{
    QTest::addColumn<QList<int>>("listening");
    QTest::addColumn<int>("expected"); // 0: none

    QTest::newRow("nothing listens") << QList<int>{} << 0;
    QTest::newRow("only system ports") << QList<int>{22, 2280, 22222} << 0;
    QTest::newRow("3000 first though listed later") << QList<int>{80, 5173, 3000} << 3000;
    QTest::newRow("vite before webpack") << QList<int>{8080, 5173} << 5173;
    QTest::newRow("8080 before angular") << QList<int>{4200, 8080} << 8080;
    QTest::newRow("angular before django") << QList<int>{8000, 4200} << 4200;
    QTest::newRow("django before flask") << QList<int>{5000, 8000} << 8000;
    QTest::newRow("flask before 80") << QList<int>{80, 5000} << 5000;
    QTest::newRow("80 last") << QList<int>{22, 80, 2280} << 80;
    QTest::newRow("unsorted with duplicates") << QList<int>{4200, 4200, 9999} << 4200;
}

void tst_PreviewLocator::pickPort()
{
    QFETCH(QList<int>, listening);
    QFETCH(int, expected);
    QCOMPARE(PreviewLocator::pickPort(listening).value_or(0), expected);
    // Given candidates replace the default ones.
    QCOMPARE(PreviewLocator::pickPort(listening, {22}).value_or(0),
             listening.contains(22) ? 22 : 0);
}

void tst_PreviewLocator::health_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::addColumn<bool>("answered");
    QTest::addColumn<bool>("healthy");
    QTest::addColumn<QString>("summary");

    QTest::newRow("200") << 200 << "" << true << true << "HTTP 200, 12 ms";
    QTest::newRow("404 is a running server") << 404 << "" << true << true << "HTTP 404, 12 ms";
    QTest::newRow("307 to the auth page") << 307 << "" << true << true << "HTTP 307, 12 ms";
    QTest::newRow("502 from a proxy") << 502 << "" << true << false << "HTTP 502, 12 ms";
    QTest::newRow("refused") << 0 << "Connection refused" << false << false << "Connection refused";
    QTest::newRow("nothing known") << 0 << "" << false << false << "no answer";
}

void tst_PreviewLocator::health()
{
    QFETCH(int, status);
    QFETCH(QString, error);
    QFETCH(bool, answered);
    QFETCH(bool, healthy);
    QFETCH(QString, summary);
    PreviewHealth health;
    health.httpStatus = status;
    health.latencyMs = status > 0 ? 12 : -1;
    health.error = error;
    QCOMPARE(health.answered(), answered);
    QCOMPARE(health.healthy(), healthy);
    QCOMPARE(health.summary(), summary);
}

QTEST_GUILESS_MAIN(tst_PreviewLocator)
#include "tst_previewlocator.moc"
