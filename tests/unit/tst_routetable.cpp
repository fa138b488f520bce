#include "app/sandboxd/RouteTable.h"

#include <QTest>

using namespace Qt::StringLiterals;

using vw::sandboxd::RouteTable;

class TestRouteTable : public QObject
{
    Q_OBJECT

private slots:
    void matches_data();
    void matches();
};

void TestRouteTable::matches_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QString>("route");
    QTest::addColumn<QStringList>("captures");

    QTest::newRow("literal") << QByteArray("GET") << QByteArray("/process/session")
                             << QStringLiteral("list") << QStringList{};
    QTest::newRow("trailing slash") << QByteArray("GET") << QByteArray("/process/session/")
                                    << QStringLiteral("list") << QStringList{};
    QTest::newRow("capture") << QByteArray("GET") << QByteArray("/process/session/s1")
                             << QStringLiteral("get") << QStringList{u"s1"_s};
    QTest::newRow("method decides") << QByteArray("DELETE") << QByteArray("/process/session/s1")
                                    << QStringLiteral("delete") << QStringList{u"s1"_s};
    QTest::newRow("two captures, decoded")
        << QByteArray("GET") << QByteArray("/process/session/my%20s/command/c%2F1/logs")
        << QStringLiteral("logs") << QStringList{u"my s"_s, u"c/1"_s};
    QTest::newRow("unknown method")
        << QByteArray("PUT") << QByteArray("/process/session") << QString() << QStringList{};
    QTest::newRow("too deep") << QByteArray("GET") << QByteArray("/process/session/a/b")
                              << QString() << QStringList{};
    QTest::newRow("literal differs")
        << QByteArray("GET") << QByteArray("/process/sessions") << QString() << QStringList{};
}

void TestRouteTable::matches()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QString, route);
    QFETCH(QStringList, captures);

    RouteTable<QString &> table;
    const auto named = [](const QString &name) {
        return [name](const QStringList &, QString &chosen) { chosen = name; };
    };
    table.add("GET", QStringLiteral("/process/session"), named(QStringLiteral("list")));
    table.add("GET", QStringLiteral("/process/session/{sid}"), named(QStringLiteral("get")));
    table.add("DELETE", QStringLiteral("/process/session/{sid}"), named(QStringLiteral("delete")));
    table.add("GET", QStringLiteral("/process/session/{sid}/command/{cid}/logs"),
              named(QStringLiteral("logs")));

    const auto match = table.match(method, path);
    QCOMPARE(match.has_value(), !route.isEmpty());
    if (!match)
        return;
    QString chosen;
    match->handler(match->captures, chosen);
    QCOMPARE(chosen, route);
    QCOMPARE(match->captures, captures);
}

QTEST_GUILESS_MAIN(TestRouteTable)
#include "tst_routetable.moc"
