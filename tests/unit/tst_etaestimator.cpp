#include "app/engine/EtaEstimator.h"

#include <QTest>

using vw::engine::EtaEstimator;
using Durations = EtaEstimator::PhaseDurations;

namespace {
const QStringList kPhases{QStringLiteral("setup"), QStringLiteral("install"),
                          QStringLiteral("build")};

Durations build(qint64 setup, qint64 install, qint64 buildMs)
{
    return {{QStringLiteral("setup"), setup},
            {QStringLiteral("install"), install},
            {QStringLiteral("build"), buildMs}};
}
} // namespace

class tst_EtaEstimator : public QObject
{
    Q_OBJECT

private slots:
    void noHistoryNoEstimate();
    void medianPerPhase_data();
    void medianPerPhase();
    void onlyTheMostRecentSamplesCount();
    void remaining_data();
    void remaining();
    void unknownCurrentPhase();
};

void tst_EtaEstimator::noHistoryNoEstimate()
{
    EtaEstimator eta({});
    QVERIFY(!eta.estimate(kPhases, QStringLiteral("install"), 0, 0));
    QVERIFY(!eta.expectedDuration(QStringLiteral("install")));
    // History without any of the phases asked for.
    EtaEstimator other({{{QStringLiteral("test"), 5}}});
    QVERIFY(!other.estimate(kPhases, QStringLiteral("install"), 0, 0));
}

void tst_EtaEstimator::medianPerPhase_data()
{
    QTest::addColumn<QList<qint64>>("installs");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("one") << QList<qint64>{4000} << qint64(4000);
    QTest::newRow("odd: the middle") << QList<qint64>{1000, 9000, 3000} << qint64(3000);
    QTest::newRow("even: mean of the middle two")
        << QList<qint64>{1000, 2000, 4000, 100000} << qint64(3000);
    QTest::newRow("an outlier does not move it")
        << QList<qint64>{5000, 5000, 600000} << qint64(5000);
}

void tst_EtaEstimator::medianPerPhase()
{
    QFETCH(QList<qint64>, installs);
    QFETCH(qint64, expected);
    QList<Durations> history;
    for (qint64 install : installs)
        history.append({{QStringLiteral("install"), install}});
    QCOMPARE(EtaEstimator(history).expectedDuration(QStringLiteral("install")),
             std::optional<qint64>(expected));
}

void tst_EtaEstimator::onlyTheMostRecentSamplesCount()
{
    QList<Durations> history;
    for (int i = 0; i < 3; ++i)
        history.append(build(0, 1000, 0)); // newest
    for (int i = 0; i < 10; ++i)
        history.append(build(0, 90000, 0)); // old and slow
    QCOMPARE(EtaEstimator(history, 3).expectedDuration(QStringLiteral("install")),
             std::optional<qint64>(1000));
    QCOMPARE(EtaEstimator(history, 10).expectedDuration(QStringLiteral("install")),
             std::optional<qint64>(90000));
}

void tst_EtaEstimator::remaining_data()
{
    QTest::addColumn<QString>("phase");
    QTest::addColumn<qint64>("inPhase");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<int>("percent");
    // History: setup 1 s, install 10 s, build 20 s (medians).
    QTest::newRow("not started") << QString() << qint64(0) << qint64(0) << qint64(31000) << 0;
    QTest::newRow("start of setup")
        << QStringLiteral("setup") << qint64(0) << qint64(0) << qint64(31000) << 0;
    QTest::newRow("half into install")
        << QStringLiteral("install") << qint64(5000) << qint64(6000) << qint64(25000) << 19;
    QTest::newRow("install overran")
        << QStringLiteral("install") << qint64(15000) << qint64(16000) << qint64(20000) << 44;
    QTest::newRow("build nearly done")
        << QStringLiteral("build") << qint64(19000) << qint64(30000) << qint64(1000) << 96;
    QTest::newRow("build overran: 99 at most")
        << QStringLiteral("build") << qint64(50000) << qint64(61000) << qint64(0) << 99;
}

void tst_EtaEstimator::remaining()
{
    QFETCH(QString, phase);
    QFETCH(qint64, inPhase);
    QFETCH(qint64, total);
    QFETCH(qint64, remaining);
    QFETCH(int, percent);
    const EtaEstimator eta({build(1000, 10000, 20000), build(1000, 12000, 18000),
                            build(1000, 8000, 22000), build(3000, 10000, 20000)});
    const auto estimate = eta.estimate(kPhases, phase, inPhase, total);
    QVERIFY(estimate);
    QCOMPARE(estimate->remainingMs, remaining);
    QCOMPARE(estimate->totalMs, total + remaining);
    QCOMPARE(estimate->percent, percent);
    QCOMPARE(estimate->samples, 4);
}

void tst_EtaEstimator::unknownCurrentPhase()
{
    const EtaEstimator eta({build(1000, 10000, 20000)});
    QVERIFY(!eta.estimate(kPhases, QStringLiteral("deploy"), 0, 0));
    // A phase without history adds nothing; the others still count.
    const auto estimate = eta.estimate(kPhases + QStringList{QStringLiteral("deploy")},
                                       QStringLiteral("build"), 5000, 16000);
    QVERIFY(estimate);
    QCOMPARE(estimate->remainingMs, 15000);
}

QTEST_APPLESS_MAIN(tst_EtaEstimator)
#include "tst_etaestimator.moc"
