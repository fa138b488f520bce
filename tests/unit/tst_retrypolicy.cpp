#include "app/daytona/RetryPolicy.h"

#include <QTest>

using vw::daytona::RetryPolicy;
using Headers = QList<QPair<QByteArray, QByteArray>>;

class tst_RetryPolicy : public QObject
{
    Q_OBJECT

private slots:
    void decidesWhatToRetry_data();
    void decidesWhatToRetry();
    void backsOffExponentiallyWithACap();
    void readsRetryAfter_data();
    void readsRetryAfter();
};

void tst_RetryPolicy::decidesWhatToRetry_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("networkError");
    QTest::addColumn<bool>("idempotent");
    QTest::addColumn<bool>("retry");

    const int none = QNetworkReply::NoError;
    QTest::newRow("503 get") << 0 << 503 << int(QNetworkReply::ServiceUnavailableError) << true
                             << true;
    QTest::newRow("503 exec is never repeated")
        << 0 << 503 << int(QNetworkReply::ServiceUnavailableError) << false << false;
    QTest::newRow("429 exec: throttled before it ran") << 0 << 429 << none << false << true;
    QTest::newRow("404 get") << 0 << 404 << none << true << false;
    QTest::newRow("408 execute timeout") << 0 << 408 << none << false << false;
    QTest::newRow("501 get") << 0 << 501 << none << true << false;
    QTest::newRow("refused get") << 0 << 0 << int(QNetworkReply::ConnectionRefusedError) << true
                                 << true;
    QTest::newRow("refused post") << 0 << 0 << int(QNetworkReply::ConnectionRefusedError) << false
                                  << false;
    QTest::newRow("timeout get") << 1 << 0 << int(QNetworkReply::TimeoutError) << true << true;
    QTest::newRow("our cancel") << 0 << 0 << int(QNetworkReply::OperationCanceledError) << true
                                << false;
    QTest::newRow("attempts used up") << 4 << 503 << none << true << false;
}

void tst_RetryPolicy::decidesWhatToRetry()
{
    QFETCH(int, attempt);
    QFETCH(int, status);
    QFETCH(int, networkError);
    QFETCH(bool, idempotent);
    QFETCH(bool, retry);
    RetryPolicy policy;
    policy.maxRetries = 4;
    QCOMPARE(policy.shouldRetry(attempt, status,
                                static_cast<QNetworkReply::NetworkError>(networkError), idempotent),
             retry);
}

void tst_RetryPolicy::backsOffExponentiallyWithACap()
{
    RetryPolicy policy;
    policy.initialDelayMs = 500;
    policy.maxDelayMs = 3000;
    QCOMPARE(policy.delayMs(0, std::nullopt), 500);
    QCOMPARE(policy.delayMs(1, std::nullopt), 1000);
    QCOMPARE(policy.delayMs(2, std::nullopt), 2000);
    QCOMPARE(policy.delayMs(3, std::nullopt), 3000);
    QCOMPARE(policy.delayMs(30, std::nullopt), 3000);
    QCOMPARE(policy.delayMs(0, 1200), 1200);
    QCOMPARE(policy.delayMs(0, 60'000), 3000);
}

void tst_RetryPolicy::readsRetryAfter_data()
{
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<int>("expectedMs"); // -1: none

    QTest::newRow("none") << Headers{{"Content-Type", "application/json"}} << -1;
    QTest::newRow("seconds") << Headers{{"Retry-After", "2"}} << 2000;
    QTest::newRow("fractional") << Headers{{"retry-after", "0.25"}} << 250;
    QTest::newRow("per throttler, longest wins")
        << Headers{{"Retry-After-authenticated", "1"}, {"Retry-After-sandbox-lifecycle", "7"}}
        << 7000;
    QTest::newRow("http date") << Headers{{"Retry-After", "Tue, 24 Nov 2026 12:00:03 GMT"}} << 3000;
    QTest::newRow("date in the past")
        << Headers{{"Retry-After", "Tue, 24 Nov 2026 11:00:00 GMT"}} << 0;
    QTest::newRow("garbage") << Headers{{"Retry-After", "soon"}} << -1;
    QTest::newRow("rate limit headers are not waits")
        << Headers{{"X-RateLimit-Reset-authenticated", "30"}} << -1;
}

void tst_RetryPolicy::readsRetryAfter()
{
    QFETCH(Headers, headers);
    QFETCH(int, expectedMs);
    const QDateTime now(QDate(2026, 11, 24), QTime(12, 0, 0), Qt::UTC);
    const std::optional<int> ms = RetryPolicy::retryAfterMs(headers, now);
    QCOMPARE(ms.value_or(-1), expectedMs);
}

QTEST_APPLESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
