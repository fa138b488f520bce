#include "app/automation/BuildApiRequests.h"

#include <QTest>

using vw::automation::BuildApiRequests;
using vw::automation::CreateBuildRequest;

// The HTTP API's request validation: what becomes a build request and which 400 message names
// which field.
class TestBuildApiRequests : public QObject
{
    Q_OBJECT

private slots:
    void acceptsCreateBodies_data();
    void acceptsCreateBodies();
    void rejectsCreateBodies_data();
    void rejectsCreateBodies();
    void pathIds_data();
    void pathIds();
    void queryNumbers_data();
    void queryNumbers();
    void logSelections_data();
    void logSelections();
};

void TestBuildApiRequests::acceptsCreateBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("projectId");
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("workspace");
    QTest::addColumn<QString>("trigger");
    QTest::addColumn<bool>("clean");
    QTest::addColumn<QStringList>("metadataKeys");

    QTest::newRow("the original's example")
        << QByteArray(
               R"({"projectId": "1", "workspaceId": "1", "metadata": {"trigger": "manual"}})")
        << qint64(1) << QString() << "1"
        << "manual" << false << QStringList();
    QTest::newRow("ids as numbers")
        << QByteArray(R"({"projectId": 12, "workspaceId": 3})") << qint64(12) << QString() << "3"
        << "api" << false << QStringList();
    QTest::newRow("a directory, metadata kept")
        << QByteArray(
               R"({"projectId": "/home/u/web", "workspaceId": "sb-1", "metadata": {"ticket": "X-1", "clean": true}})")
        << qint64(0) << "/home/u/web"
        << "sb-1"
        << "api" << true << QStringList{"ticket"};
    QTest::newRow("relative directory, null metadata")
        << QByteArray(R"({"projectId": "web", "workspaceId": "local", "metadata": null})")
        << qint64(0) << "web"
        << "local"
        << "api" << false << QStringList();
}

void TestBuildApiRequests::acceptsCreateBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(qint64, projectId);
    QFETCH(QString, directory);
    QFETCH(QString, workspace);
    QFETCH(QString, trigger);
    QFETCH(bool, clean);
    QFETCH(QStringList, metadataKeys);
    const vw::Result<CreateBuildRequest> request = BuildApiRequests::createBuild(body);
    QVERIFY2(request.ok(), request ? "" : qPrintable(request.error().message));
    QCOMPARE(request.value().projectId.value_or(0), projectId);
    QCOMPARE(request.value().projectDirectory, directory);
    QCOMPARE(request.value().workspace, workspace);
    QCOMPARE(request.value().trigger, trigger);
    QCOMPARE(request.value().clean, clean);
    QCOMPARE(request.value().metadata.keys(), metadataKeys);
}

void TestBuildApiRequests::rejectsCreateBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("named"); // what the message must mention

    QTest::newRow("not JSON") << QByteArray("{\"projectId\": ") << "not valid JSON";
    QTest::newRow("an array") << QByteArray("[1, 2]") << "JSON object";
    QTest::newRow("empty body") << QByteArray() << "not valid JSON";
    QTest::newRow("no projectId") << QByteArray(R"({"workspaceId": "1"})") << "projectId";
    QTest::newRow("empty projectId")
        << QByteArray(R"({"projectId": " ", "workspaceId": "1"})") << "projectId";
    QTest::newRow("projectId an object")
        << QByteArray(R"({"projectId": {}, "workspaceId": "1"})") << "projectId";
    QTest::newRow("projectId zero")
        << QByteArray(R"({"projectId": "0", "workspaceId": "1"})") << "projectId";
    QTest::newRow("no workspaceId") << QByteArray(R"({"projectId": "1"})") << "workspaceId";
    QTest::newRow("workspaceId a list")
        << QByteArray(R"({"projectId": "1", "workspaceId": ["a"]})") << "workspaceId";
    QTest::newRow("metadata a string")
        << QByteArray(R"({"projectId": "1", "workspaceId": "1", "metadata": "x"})") << "metadata";
    QTest::newRow("trigger a number")
        << QByteArray(R"({"projectId": "1", "workspaceId": "1", "metadata": {"trigger": 5}})")
        << "metadata.trigger";
    QTest::newRow("clean a string")
        << QByteArray(R"({"projectId": "1", "workspaceId": "1", "metadata": {"clean": "yes"}})")
        << "metadata.clean";
    QTest::newRow("a misspelt field")
        << QByteArray(R"({"projectId": "1", "workspaceId": "1", "metdata": {}})") << "metdata";
}

void TestBuildApiRequests::rejectsCreateBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, named);
    const vw::Result<CreateBuildRequest> request = BuildApiRequests::createBuild(body);
    QVERIFY(!request.ok());
    QCOMPARE(request.error().httpStatus, 400);
    QVERIFY2(request.error().message.contains(named), qPrintable(request.error().message));
}

void TestBuildApiRequests::pathIds_data()
{
    QTest::addColumn<QString>("segment");
    QTest::addColumn<qint64>("id"); // 0: not an id

    QTest::newRow("digits") << "123" << qint64(123);
    QTest::newRow("zero") << "0" << qint64(0);
    QTest::newRow("negative") << "-4" << qint64(0);
    QTest::newRow("letters") << "abc" << qint64(0);
    QTest::newRow("mixed") << "12a" << qint64(0);
    QTest::newRow("too large") << "99999999999999999999" << qint64(0);
    QTest::newRow("empty") << "" << qint64(0);
}

void TestBuildApiRequests::pathIds()
{
    QFETCH(QString, segment);
    QFETCH(qint64, id);
    QCOMPARE(BuildApiRequests::id(segment).value_or(0), id);
}

void TestBuildApiRequests::queryNumbers_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("value");

    QTest::newRow("absent: the fallback") << "" << true << qint64(20);
    QTest::newRow("given") << "limit=5" << true << qint64(5);
    QTest::newRow("the maximum") << "limit=200" << true << qint64(200);
    QTest::newRow("above the maximum") << "limit=201" << false << qint64(0);
    QTest::newRow("below the minimum") << "limit=0" << false << qint64(0);
    QTest::newRow("not a number") << "limit=ten" << false << qint64(0);
    QTest::newRow("a fraction") << "limit=1.5" << false << qint64(0);
    QTest::newRow("empty") << "limit=" << false << qint64(0);
}

void TestBuildApiRequests::queryNumbers()
{
    QFETCH(QString, query);
    QFETCH(bool, ok);
    QFETCH(qint64, value);
    const vw::Result<qint64> number =
        BuildApiRequests::number(QUrlQuery(query), QStringLiteral("limit"), 20, 1, 200);
    QCOMPARE(number.ok(), ok);
    if (ok)
        QCOMPARE(number.value(), value);
    else
        QVERIFY(number.error().message.contains(QStringLiteral("limit")));
}

void TestBuildApiRequests::logSelections_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("phase");
    QTest::addColumn<QString>("stream");

    QTest::newRow("everything") << "" << true << ""
                                << "";
    QTest::newRow("install") << "phase=install" << true << "install"
                             << "";
    QTest::newRow("build stderr") << "phase=build&stream=stderr" << true << "build"
                                  << "stderr";
    QTest::newRow("a phase that is none") << "phase=deploy" << false << ""
                                          << "";
    QTest::newRow("a stream that is none") << "stream=stdin" << false << ""
                                           << "";
}

void TestBuildApiRequests::logSelections()
{
    QFETCH(QString, query);
    QFETCH(bool, ok);
    QFETCH(QString, phase);
    QFETCH(QString, stream);
    const vw::Result<vw::LogSelection> selection = BuildApiRequests::logSelection(QUrlQuery(query));
    QCOMPARE(selection.ok(), ok);
    if (!ok)
        return;
    QCOMPARE(selection.value().phase ? vw::phaseName(*selection.value().phase) : QString(), phase);
    QCOMPARE(selection.value().stream ? vw::logStreamName(*selection.value().stream) : QString(),
             stream);
}

QTEST_GUILESS_MAIN(TestBuildApiRequests)
#include "tst_buildapirequests.moc"
