#include "app/daytona/ErrorParser.h"

#include <QTest>

using vw::daytona::ErrorParser;

class tst_ErrorParser : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryShape_data();
    void parsesEveryShape();
    void networkErrors_data();
    void networkErrors();
};

void tst_ErrorParser::parsesEveryShape_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("httpStatus");

    QTest::newRow("main api 404")
        << 404
        << QByteArray(
               R"({"path":"/api/sandbox/x","timestamp":"2026-01-01T00:00:00Z","statusCode":404,)"
               R"("error":"Not Found","message":"Sandbox with ID or name x not found"})")
        << "NOT_FOUND"
        << "Sandbox with ID or name x not found" << 404;
    QTest::newRow("main api validation array")
        << 400
        << QByteArray(
               R"({"statusCode":400,"error":"Bad Request","message":["limit must not be greater than 200","cursor must be a string"]})")
        << "BAD_REQUEST"
        << "limit must not be greater than 200, cursor must be a string" << 400;
    QTest::newRow("main api 409")
        << 409
        << QByteArray(
               R"({"statusCode":409,"error":"Conflict","message":"Sandbox state change in progress"})")
        << "CONFLICT"
        << "Sandbox state change in progress" << 409;
    QTest::newRow("main api 429")
        << 429
        << QByteArray(
               R"({"statusCode":429,"message":"Rate limit exceeded","error":"Too Many Requests"})")
        << "TOO_MANY_REQUESTS"
        << "Rate limit exceeded" << 429;
    QTest::newRow("toolbox 404")
        << 404
        << QByteArray(
               R"({"statusCode":404,"message":"not found: session not found","code":"NOT_FOUND",)"
               R"("timestamp":"2026-01-01T00:00:00Z","path":"/process/session/x","method":"GET"})")
        << "NOT_FOUND"
        << "not found: session not found" << 404;
    QTest::newRow("toolbox 408")
        << 408
        << QByteArray(
               R"({"statusCode":408,"message":"command execution timeout","code":"REQUEST_TIMEOUT"})")
        << "REQUEST_TIMEOUT"
        << "command execution timeout" << 408;
    QTest::newRow("toolbox own code wins")
        << 400
        << QByteArray(R"({"statusCode":400,"message":"bad json","code":"INVALID_REQUEST_BODY"})")
        << "INVALID_REQUEST_BODY"
        << "bad json" << 400;
    QTest::newRow("empty body 404") << 404 << QByteArray() << "NOT_FOUND"
                                    << "Not found" << 404;
    QTest::newRow("empty body 403") << 403 << QByteArray("  \n") << "FORBIDDEN"
                                    << "Forbidden" << 403;
    QTest::newRow("unknown status") << 418 << QByteArray() << "HTTP_418"
                                    << "The server answered HTTP 418" << 418;
    QTest::newRow("plain text body")
        << 502 << QByteArray("upstream   connect error\n") << "BAD_GATEWAY"
        << "upstream connect error" << 502;
    QTest::newRow("html body is not shown")
        << 503 << QByteArray("<html><body>down</body></html>") << "SERVICE_UNAVAILABLE"
        << "Service unavailable" << 503;
    QTest::newRow("json without message uses error")
        << 403 << QByteArray(R"({"statusCode":403,"error":"Forbidden here"})") << "FORBIDDEN"
        << "Forbidden here" << 403;
    QTest::newRow("a bare 401 names the key")
        << 401 << QByteArray(R"({"statusCode":401,"error":"Unauthorized"})") << "UNAUTHORIZED"
        << "Unauthorized: the API key or token was not accepted" << 401;
    QTest::newRow("a 401 with a reason keeps it")
        << 401 << QByteArray(R"({"statusCode":401,"message":"Token expired"})") << "UNAUTHORIZED"
        << "Token expired" << 401;
    QTest::newRow("json array body") << 500 << QByteArray("[1,2]") << "INTERNAL_SERVER_ERROR"
                                     << "Internal server error" << 500;
    // What a server sends is shown as one readable line, not as a page.
    QTest::newRow("a long message is cut")
        << 500 << (QByteArray(R"({"statusCode":500,"message":")") + QByteArray(5000, 'x') + R"("})")
        << "INTERNAL_SERVER_ERROR" << QString(499, u'x') + QChar(0x2026) << 500;
    QTest::newRow("escapes and line breaks go")
        << 500
        << QByteArray(R"({"statusCode":500,"message":"\u001b[31mError\u001b[0m:\n  line two\r\n)"
                      R"(\tat f()\u0007"})")
        << "INTERNAL_SERVER_ERROR"
        << "Error: line two at f()" << 500;
    QTest::newRow("plain text is cut between characters")
        << 502 << QByteArray(3000, 'a') + QByteArray("\xc3\xa9").repeated(10) << "BAD_GATEWAY"
        << QString(499, u'a') + QChar(0x2026) << 502;
    // (The first 2,000 bytes are read; here they end inside the "é".)
    QTest::newRow("plain text never ends in half a character")
        << 502 << QByteArray("x") + QByteArray(1998, ' ') + QByteArray("\xc3\xa9 and more")
        << "BAD_GATEWAY"
        << "x" << 502;
    QTest::newRow("a code that is not a machine code is not taken")
        << 400 << QByteArray(R"({"statusCode":400,"message":"no","code":"rm -rf / 
"})") << "BAD_REQUEST"
        << "no" << 400;
}

void tst_ErrorParser::parsesEveryShape()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(int, httpStatus);
    const vw::Error error = ErrorParser::fromHttp(status, body);
    QCOMPARE(error.code, code);
    QCOMPARE(error.message, message);
    QCOMPARE(error.httpStatus, httpStatus);
}

void tst_ErrorParser::networkErrors_data()
{
    QTest::addColumn<int>("networkError");
    QTest::addColumn<bool>("timedOut");
    QTest::addColumn<QString>("code");
    QTest::newRow("refused") << int(QNetworkReply::ConnectionRefusedError) << false << "NETWORK";
    QTest::newRow("qt timeout") << int(QNetworkReply::TimeoutError) << false << "TIMEOUT";
    QTest::newRow("transfer timeout reported as cancel")
        << int(QNetworkReply::OperationCanceledError) << true << "TIMEOUT";
    QTest::newRow("our own cancel")
        << int(QNetworkReply::OperationCanceledError) << false << "CANCELED";
}

void tst_ErrorParser::networkErrors()
{
    QFETCH(int, networkError);
    QFETCH(bool, timedOut);
    QFETCH(QString, code);
    const vw::Error error = ErrorParser::fromNetwork(
        static_cast<QNetworkReply::NetworkError>(networkError), QStringLiteral("boom"), timedOut);
    QCOMPARE(error.code, code);
    QCOMPARE(error.httpStatus, 0);
    QVERIFY(!error.message.isEmpty());
}

QTEST_APPLESS_MAIN(tst_ErrorParser)
#include "tst_errorparser.moc"
