#include "app/sandboxd/ApiRequest.h"
#include "app/sandboxd/OutputFormat.h"

#include <QTest>

using vw::sandboxd::ApiRequest;
using vw::sandboxd::OutputFormat;
using Mode = OutputFormat::Mode;

// The negotiation table of daytona-api.md §3.6.
class TestOutputFormat : public QObject
{
    Q_OBJECT

private slots:
    void negotiate_data();
    void negotiate();
    void versionFromWebSocketSubprotocol_data();
    void versionFromWebSocketSubprotocol();
    void headerWinsOverSubprotocol();
};

void TestOutputFormat::negotiate_data()
{
    QTest::addColumn<QByteArray>("sdkVersion");
    QTest::addColumn<QByteArray>("splitOutput");
    QTest::addColumn<Mode>("mode");

    QTest::newRow("nothing (curl)") << QByteArray() << QByteArray() << Mode::Combined;
    QTest::newRow("split header only") << QByteArray() << QByteArray("true") << Mode::Markers;
    QTest::newRow("split header TRUE") << QByteArray() << QByteArray("TRUE") << Mode::Markers;
    QTest::newRow("split header false") << QByteArray() << QByteArray("false") << Mode::Combined;
    QTest::newRow("sdk 0.26.9") << QByteArray("0.26.9") << QByteArray() << Mode::Combined;
    QTest::newRow("sdk 0.26 with split header")
        << QByteArray("0.26.0") << QByteArray("true") << Mode::Combined;
    QTest::newRow("sdk 0.27.0") << QByteArray("0.27.0") << QByteArray() << Mode::Markers;
    QTest::newRow("sdk 0.166.9") << QByteArray("0.166.9") << QByteArray() << Mode::Markers;
    QTest::newRow("sdk 0.167.0") << QByteArray("0.167.0") << QByteArray() << Mode::ServerDemux;
    QTest::newRow("sdk 0.218.0") << QByteArray("0.218.0") << QByteArray() << Mode::ServerDemux;
    QTest::newRow("sdk v0.190.0") << QByteArray("v0.190.0") << QByteArray() << Mode::ServerDemux;
    QTest::newRow("sdk 1.0.0") << QByteArray("1.0.0") << QByteArray() << Mode::ServerDemux;
    QTest::newRow("dev build") << QByteArray("dev") << QByteArray() << Mode::ServerDemux;
    QTest::newRow("prerelease dev") << QByteArray("0.0.0-dev") << QByteArray() << Mode::ServerDemux;
    QTest::newRow("unreadable version") << QByteArray("latest") << QByteArray() << Mode::Combined;
    QTest::newRow("unreadable version, split")
        << QByteArray("latest") << QByteArray("true") << Mode::Markers;
}

void TestOutputFormat::negotiate()
{
    QFETCH(QByteArray, sdkVersion);
    QFETCH(QByteArray, splitOutput);
    QFETCH(Mode, mode);
    QCOMPARE(OutputFormat::negotiate(sdkVersion, splitOutput), mode);
    QCOMPARE(OutputFormat::keepsMarkers(mode), mode != Mode::Combined);
}

void TestOutputFormat::versionFromWebSocketSubprotocol_data()
{
    QTest::addColumn<QByteArray>("protocols");
    QTest::addColumn<QByteArray>("offered");
    QTest::addColumn<Mode>("mode");
    QTest::newRow("sdk protocol") << QByteArray("X-Daytona-SDK-Version~0.218.0")
                                  << QByteArray("X-Daytona-SDK-Version~0.218.0")
                                  << Mode::ServerDemux;
    QTest::newRow("among others") << QByteArray("chat, X-Daytona-SDK-Version~0.100.0")
                                  << QByteArray("X-Daytona-SDK-Version~0.100.0") << Mode::Markers;
    QTest::newRow("empty version")
        << QByteArray("X-Daytona-SDK-Version~") << QByteArray() << Mode::Combined;
    QTest::newRow("none") << QByteArray() << QByteArray() << Mode::Combined;
}

void TestOutputFormat::versionFromWebSocketSubprotocol()
{
    QFETCH(QByteArray, protocols);
    QFETCH(QByteArray, offered);
    QFETCH(Mode, mode);
    QCOMPARE(OutputFormat::sdkSubprotocol(protocols).value_or(QByteArray()), offered);
    const auto request =
        ApiRequest::fromRawHead("GET /x HTTP/1.1\r\nSec-WebSocket-Protocol: " + protocols + "\r\n");
    QVERIFY(request);
    QCOMPARE(OutputFormat::forRequest(*request), mode);
}

void TestOutputFormat::headerWinsOverSubprotocol()
{
    const auto request =
        ApiRequest::fromRawHead("GET /x HTTP/1.1\r\nx-daytona-sdk-version: 0.100.0\r\n"
                                "Sec-WebSocket-Protocol: X-Daytona-SDK-Version~0.218.0\r\n");
    QVERIFY(request);
    QCOMPARE(OutputFormat::forRequest(*request), Mode::Markers);
}

QTEST_GUILESS_MAIN(TestOutputFormat)
#include "tst_outputformat.moc"
