#include "app/sandboxd/ListeningPorts.h"

#include <QTcpServer>
#include <QTest>

using vw::sandboxd::ListeningPorts;

class TestListeningPorts : public QObject
{
    Q_OBJECT

private slots:
    void parsesListenEntriesOnly();
    void parsesIpv6Table();
    void seesARealListener();
};

void TestListeningPorts::parsesListenEntriesOnly()
{
    const QByteArray table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                             "retrnsmt   uid  timeout inode\n"
                             "   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 "
                             "00000000     0        0 1 1\n"
                             "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
                             "00000000     0        0 2 1\n"
                             "   2: 0100007F:0BB8 0100007F:D2F0 01 00000000:00000000 00:00000000 "
                             "00000000     0        0 3 1\n"
                             "   3: 0100007F:C350 0100007F:0BB8 06 00000000:00000000 00:00000000 "
                             "00000000     0        0 0 3\n";
    QCOMPARE(ListeningPorts::parse(table), (QList<int>{3000, 8080}));
    QCOMPARE(ListeningPorts::parse(QByteArray()), QList<int>{});
}

void TestListeningPorts::parsesIpv6Table()
{
    const QByteArray table =
        "  sl  local_address                         remote_address                        st\n"
        "   0: 00000000000000000000000001000000:1388 00000000000000000000000000000000:0000 0A "
        "0:0\n";
    QCOMPARE(ListeningPorts::parse(table), QList<int>{5000});
}

void TestListeningPorts::seesARealListener()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QVERIFY(ListeningPorts::current().contains(server.serverPort()));
    const int port = server.serverPort();
    server.close();
    QVERIFY(!ListeningPorts::current().contains(port));
}

QTEST_GUILESS_MAIN(TestListeningPorts)
#include "tst_listeningports.moc"
