#include "app/sandboxd/SandboxListQuery.h"

#include <QTest>

using namespace Qt::StringLiterals;

using vw::sandboxd::SandboxListQuery;
using Entry = SandboxListQuery::Entry;

namespace {

QList<Entry> entries()
{
    return {
        {QStringLiteral("a1"),
         QStringLiteral("api"),
         QStringLiteral("started"),
         {{QStringLiteral("team"), QStringLiteral("core")},
          {QStringLiteral("tier"), QStringLiteral("gold")}}},
        {QStringLiteral("b2"),
         QStringLiteral("batch"),
         QStringLiteral("stopped"),
         {{QStringLiteral("team"), QStringLiteral("core")}}},
        {QStringLiteral("c3"), QStringLiteral("cache"), QStringLiteral("started"), {}},
        {QStringLiteral("d4"),
         QStringLiteral("docs"),
         QStringLiteral("started"),
         {{QStringLiteral("team"), QStringLiteral("web")}}},
    };
}

QStringList names(const SandboxListQuery::Page &page)
{
    QStringList result;
    const QList<Entry> all = entries();
    for (qsizetype index : page.indices)
        result << all.at(index).name;
    return result;
}

} // namespace

class TestSandboxListQuery : public QObject
{
    Q_OBJECT

private slots:
    void filters_data();
    void filters();
    void pagesFollowTheCursor();
    void rejectsBadQueries_data();
    void rejectsBadQueries();
};

void TestSandboxListQuery::filters_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("everything") << QString()
                                << QStringList{u"api"_s, u"batch"_s, u"cache"_s, u"docs"_s};
    QTest::newRow("one label") << QStringLiteral("labels=%7B%22team%22%3A%22core%22%7D")
                               << QStringList{u"api"_s, u"batch"_s};
    QTest::newRow("two labels")
        << QStringLiteral("labels=%7B%22team%22%3A%22core%22%2C%22tier%22%3A%22gold%22%7D")
        << QStringList{u"api"_s};
    QTest::newRow("label value differs")
        << QStringLiteral("labels=%7B%22team%22%3A%22ops%22%7D") << QStringList{};
    QTest::newRow("empty labels") << QStringLiteral("labels=%7B%7D")
                                  << QStringList{u"api"_s, u"batch"_s, u"cache"_s, u"docs"_s};
    QTest::newRow("name prefix, any case") << QStringLiteral("name=CA") << QStringList{u"cache"_s};
    QTest::newRow("id prefix") << QStringLiteral("id=b") << QStringList{u"batch"_s};
    QTest::newRow("states") << QStringLiteral("states=stopped") << QStringList{u"batch"_s};
    QTest::newRow("two states") << QStringLiteral("states=stopped&states=started")
                                << QStringList{u"api"_s, u"batch"_s, u"cache"_s, u"docs"_s};
    QTest::newRow("limit") << QStringLiteral("limit=3")
                           << QStringList{u"api"_s, u"batch"_s, u"cache"_s};
}

void TestSandboxListQuery::filters()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    const auto parsed = SandboxListQuery::parse(QUrlQuery(query));
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
    QCOMPARE(names(parsed.value().apply(entries())), expected);
}

void TestSandboxListQuery::pagesFollowTheCursor()
{
    QStringList seen;
    QString cursor;
    int pages = 0;
    do {
        QUrlQuery query(QStringLiteral("limit=2"));
        if (!cursor.isEmpty())
            query.addQueryItem(QStringLiteral("cursor"), cursor);
        const auto parsed = SandboxListQuery::parse(query);
        QVERIFY(parsed.ok());
        const auto page = parsed.value().apply(entries());
        seen += names(page);
        cursor = page.nextCursor;
        ++pages;
    } while (!cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 2);
    QCOMPARE(seen, (QStringList{u"api"_s, u"batch"_s, u"cache"_s, u"docs"_s}));

    // A full last page has no next cursor.
    const auto exact = SandboxListQuery::parse(QUrlQuery(QStringLiteral("limit=4")));
    QVERIFY(exact.value().apply(entries()).nextCursor.isEmpty());
    // The cursor names a position, so it survives the item it names going away.
    QUrlQuery afterBatch;
    afterBatch.addQueryItem(QStringLiteral("cursor"),
                            SandboxListQuery::cursorAfter(QStringLiteral("b")));
    QCOMPARE(names(SandboxListQuery::parse(afterBatch).value().apply(entries())),
             (QStringList{u"batch"_s, u"cache"_s, u"docs"_s}));
}

void TestSandboxListQuery::rejectsBadQueries_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");
    QTest::newRow("limit 0") << QStringLiteral("limit=0")
                             << QStringLiteral("limit must not be less than 1");
    QTest::newRow("limit 201") << QStringLiteral("limit=201")
                               << QStringLiteral("limit must not be greater than 200");
    QTest::newRow("limit word") << QStringLiteral("limit=ten")
                                << QStringLiteral("limit must be an integer number");
    QTest::newRow("labels not json")
        << QStringLiteral("labels=team") << QStringLiteral("labels must be a JSON object");
    QTest::newRow("labels array") << QStringLiteral("labels=%5B%5D")
                                  << QStringLiteral("labels must be a JSON object");
    QTest::newRow("labels number value") << QStringLiteral("labels=%7B%22a%22%3A1%7D")
                                         << QStringLiteral("labels values must be strings");
    QTest::newRow("cursor garbage")
        << QStringLiteral("cursor=%25%25") << QStringLiteral("Invalid cursor");
    QTest::newRow("cursor foreign")
        << QStringLiteral("cursor=") + QString::fromLatin1(QByteArray("page:2").toBase64())
        << QStringLiteral("Invalid cursor");
}

void TestSandboxListQuery::rejectsBadQueries()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const auto parsed = SandboxListQuery::parse(QUrlQuery(query));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().message, message);
    QCOMPARE(parsed.error().httpStatus, 400);
}

QTEST_GUILESS_MAIN(TestSandboxListQuery)
#include "tst_sandboxlistquery.moc"
