#include "app/sandboxd/ApiRequest.h"

#include <QTest>

using vw::sandboxd::ApiRequest;

class TestApiRequest : public QObject
{
    Q_OBJECT

private slots:
    void parsesARawHead();
    void rejectsWhatIsNotHttp_data();
    void rejectsWhatIsNotHttp();
};

void TestApiRequest::parsesARawHead()
{
    const auto request = ApiRequest::fromRawHead(
        "GET "
        "/toolbox/id/process/session/s%201/command/c/logs?follow=true&DAYTONA_SANDBOX_AUTH_KEY=abc "
        "HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nUpgrade: WebSocket\r\nAuthorization:  Bearer t0k  \r\n"
        "X-Multi: 1\r\nx-multi: 2\r\n");
    QVERIFY(request);
    QCOMPARE(request->method(), QByteArray("GET"));
    QCOMPARE(request->path(), QStringLiteral("/toolbox/id/process/session/s 1/command/c/logs"));
    QCOMPARE(request->encodedPath(),
             QByteArray("/toolbox/id/process/session/s%201/command/c/logs"));
    QCOMPARE(request->queryValue(QStringLiteral("follow")), QStringLiteral("true"));
    QCOMPARE(request->queryValue(QStringLiteral("DAYTONA_SANDBOX_AUTH_KEY")),
             QStringLiteral("abc"));
    QCOMPARE(request->header("authorization"), QByteArray("Bearer t0k"));
    QCOMPARE(request->headerValues("X-MULTI"), (QList<QByteArray>{"1", "2"}));
    QVERIFY(request->isWebSocketUpgrade());
    QVERIFY(request->header("missing").isEmpty());
}

void TestApiRequest::rejectsWhatIsNotHttp_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no version") << QByteArray("GET /\r\n");
    QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH\r\n");
    QTest::newRow("broken header") << QByteArray("GET / HTTP/1.1\r\nno colon here\r\n");
}

void TestApiRequest::rejectsWhatIsNotHttp()
{
    QFETCH(QByteArray, head);
    QVERIFY(!ApiRequest::fromRawHead(head));
}

QTEST_GUILESS_MAIN(TestApiRequest)
#include "tst_apirequest.moc"
