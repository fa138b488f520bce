#include "app/daytona/DaytonaTypes.h"

#include "models/Log.h"

#include <QJsonDocument>
#include <QTest>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

using namespace vw::daytona;

class tst_DaytonaTypes : public QObject
{
    Q_OBJECT

private slots:
    void sandboxListShapes_data();
    void sandboxListShapes();
    void execOutputIsDemultiplexed_data();
    void execOutputIsDemultiplexed();
    void executeAcceptsLegacyCode_data();
    void executeAcceptsLegacyCode();
    void commandExitCodeAbsentMeansRunning();
    void sessionWithNullCommands();
    void logsAsTextOrJson_data();
    void logsAsTextOrJson();
    void previewTokenIsRedactedFromLogs();
    void executeRequestJson();
    void fileListing_data();
    void fileListing();
    void fileSizes_data();
    void fileSizes();
};

void tst_DaytonaTypes::sandboxListShapes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("nextCursor");
    QTest::addColumn<bool>("ok");

    QTest::newRow("cursor page") << QByteArray(
                                        R"({"items":[{"id":"a","name":"one","state":"started",
        "toolboxProxyUrl":"http://h/toolbox","labels":{"k":"v"},"cpu":2,"memory":4,"disk":10}],"nextCursor":"c2"})")
                                 << 1 << "c2" << true;
    QTest::newRow("last page null cursor")
        << QByteArray(R"({"items":[],"nextCursor":null})") << 0 << QString() << true;
    QTest::newRow("pre-v0.180 plain array")
        << QByteArray(
               R"([{"id":"a","name":"one"},{"id":"b","name":"two","state":"weird_new_state"}])")
        << 2 << QString() << true;
    QTest::newRow("item without id")
        << QByteArray(R"({"items":[{"name":"x"}],"nextCursor":null})") << 0 << QString() << false;
    QTest::newRow("not json") << QByteArray("<html>") << 0 << QString() << false;
}

void tst_DaytonaTypes::sandboxListShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(int, count);
    QFETCH(QString, nextCursor);
    QFETCH(bool, ok);
    const auto page = SandboxPage::fromJson(body);
    QCOMPARE(page.ok(), ok);
    if (!ok) {
        QCOMPARE(page.error().code, QStringLiteral("INVALID_RESPONSE"));
        return;
    }
    QCOMPARE(page.value().items.size(), count);
    QCOMPARE(page.value().nextCursor, nextCursor);
    if (count > 0)
        QCOMPARE(page.value().items.first().id, QStringLiteral("a"));
}

void tst_DaytonaTypes::execOutputIsDemultiplexed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    QTest::addColumn<QByteArray>("combined");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("markers in output")
        << QByteArray(
               R"({"cmdId":"c","exitCode":3,"output":"\u0001\u0001\u0001hi\n\u0002\u0002\u0002oops\n"})")
        << QByteArray("hi\n") << QByteArray("oops\n") << QByteArray("hi\noops\n") << 3;
    QTest::newRow("server demultiplexed")
        << QByteArray(
               R"({"cmdId":"c","exitCode":0,"output":"hi\noops\n","stdout":"hi\n","stderr":"oops\n"})")
        << QByteArray("hi\n") << QByteArray("oops\n") << QByteArray("hi\noops\n") << 0;
    QTest::newRow("combined mode")
        << QByteArray(R"({"cmdId":"c","exitCode":1,"output":"all\n"})") << QByteArray("all\n")
        << QByteArray() << QByteArray("all\n") << 1;
}

void tst_DaytonaTypes::execOutputIsDemultiplexed()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    QFETCH(QByteArray, combined);
    QFETCH(int, exitCode);
    const auto result = ExecResult::fromJson(body);
    QVERIFY(result.ok());
    QCOMPARE(result.value().commandId, QStringLiteral("c"));
    QCOMPARE(result.value().stdoutBytes, out);
    QCOMPARE(result.value().stderrBytes, err);
    QCOMPARE(result.value().output, combined);
    QCOMPARE(result.value().exitCode, exitCode);
}

void tst_DaytonaTypes::executeAcceptsLegacyCode_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<bool>("ok");
    QTest::newRow("current") << QByteArray(R"({"exitCode":2,"result":"x"})") << 2 << true;
    QTest::newRow("legacy code") << QByteArray(R"({"code":5,"result":"x"})") << 5 << true;
    QTest::newRow("neither") << QByteArray(R"({"result":"x"})") << 0 << false;
    // A broken number is not exit code 0 (QJsonValue::toInt() would make it one).
    QTest::newRow("a fraction") << QByteArray(R"({"exitCode":1.5,"result":"x"})") << 0 << false;
    QTest::newRow("beyond int") << QByteArray(R"({"exitCode":1e300,"result":"x"})") << 0 << false;
    QTest::newRow("legacy code broken") << QByteArray(R"({"code":0.5,"result":"x"})") << 0 << false;
    QTest::newRow("negative") << QByteArray(R"({"exitCode":-1,"result":"x"})") << -1 << true;
}

void tst_DaytonaTypes::executeAcceptsLegacyCode()
{
    QFETCH(QByteArray, body);
    QFETCH(int, exitCode);
    QFETCH(bool, ok);
    const auto result = ExecuteResult::fromJson(body);
    QCOMPARE(result.ok(), ok);
    if (ok) {
        QCOMPARE(result.value().exitCode, exitCode);
        QCOMPARE(result.value().result, QStringLiteral("x"));
    }
}

void tst_DaytonaTypes::commandExitCodeAbsentMeansRunning()
{
    const auto running =
        Command::fromJson(QJsonDocument::fromJson(R"({"id":"c1","command":"sleep 9"})").object());
    QVERIFY(running.ok());
    QVERIFY(running.value().isRunning());
    const auto done = Command::fromJson(
        QJsonDocument::fromJson(R"({"id":"c1","command":"true","exitCode":0})").object());
    QVERIFY(!done.value().isRunning());
    QCOMPARE(done.value().exitCode.value(), 0);
    // A broken exit code is an invalid answer, neither "running" nor 0.
    const auto broken = Command::fromJson(
        QJsonDocument::fromJson(R"({"id":"c1","command":"true","exitCode":0.5})").object());
    QVERIFY(!broken.ok());
    QCOMPARE(broken.error().code, QStringLiteral("INVALID_RESPONSE"));
    const auto brokenExec = ExecResult::fromJson(R"({"cmdId":"c1","exitCode":2.5,"output":""})");
    QVERIFY(!brokenExec.ok());
}

void tst_DaytonaTypes::sessionWithNullCommands()
{
    const auto session =
        Session::fromJson(QJsonDocument::fromJson(R"({"sessionId":"s","commands":null})").object());
    QVERIFY(session.ok());
    QCOMPARE(session.value().sessionId, QStringLiteral("s"));
    QVERIFY(session.value().commands.isEmpty());
}

void tst_DaytonaTypes::logsAsTextOrJson_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    QTest::newRow("text with markers")
        << QByteArray("\x01\x01\x01o\n\x02\x02\x02"
                      "e\n")
        << QByteArray("text/plain; charset=utf-8") << QByteArray("o\n") << QByteArray("e\n");
    QTest::newRow("json")
        << QByteArray(
               R"({"output":"\u0001\u0001\u0001o\n\u0002\u0002\u0002e\n","stdout":"o\n","stderr":"e\n"})")
        << QByteArray("application/json") << QByteArray("o\n") << QByteArray("e\n");
    QTest::newRow("text without markers") << QByteArray("plain\n") << QByteArray("text/plain")
                                          << QByteArray("plain\n") << QByteArray();
}

void tst_DaytonaTypes::logsAsTextOrJson()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    const auto logs = CommandLogs::fromBody(body, contentType);
    QVERIFY(logs.ok());
    QCOMPARE(logs.value().stdoutBytes, out);
    QCOMPARE(logs.value().stderrBytes, err);
}

void tst_DaytonaTypes::previewTokenIsRedactedFromLogs()
{
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured, true);
    vw::log::addSink(sink);
    const auto link = PreviewLink::fromJson(
        R"({"sandboxId":"s1","url":"https://3000-s1.proxy.example","token":"qz81mv0xk2lp7c9d"})");
    QVERIFY(link.ok());
    QCOMPARE(link.value().token, QStringLiteral("qz81mv0xk2lp7c9d"));
    vw::log::get("daytona")->warn("preview at {}?t={}", link.value().url.toString(),
                                  link.value().token);
    vw::log::removeSink(sink);
    const QString text = QString::fromStdString(captured.str());
    QVERIFY(text.contains(QStringLiteral("3000-s1.proxy.example")));
    QVERIFY2(!text.contains(QStringLiteral("qz81mv0xk2lp7c9d")), qPrintable(text));
}

void tst_DaytonaTypes::executeRequestJson()
{
    ExecuteRequest request;
    request.command = QStringLiteral("make");
    QCOMPARE(request.toJson(), (QJsonObject{{QStringLiteral("command"), QStringLiteral("make")}}));
    request.cwd = QStringLiteral("/w");
    request.timeoutSeconds = 5;
    request.envs.insert(QStringLiteral("A"), QStringLiteral("1"));
    const QJsonObject json = request.toJson();
    QCOMPARE(json.value(QStringLiteral("cwd")).toString(), QStringLiteral("/w"));
    QCOMPARE(json.value(QStringLiteral("timeout")).toInt(), 5);
    QCOMPARE(json.value(QStringLiteral("envs")).toObject().value(QStringLiteral("A")).toString(),
             QStringLiteral("1"));
}

void tst_DaytonaTypes::fileListing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("names"); // directories end with '/'
    QTest::addColumn<bool>("ok");
    QTest::newRow("daemon listing")
        << QByteArray(R"([{"name":"src","size":4096,"isDir":true,"mode":"drwxr-xr-x",
            "modifiedAt":"2026-01-01T00:00:00Z"},
            {"name":"package.json","size":120,"isDir":false,"modTime":"2026-01-01T00:00:00Z"}])")
        << QStringList{QStringLiteral("src/"), QStringLiteral("package.json")} << true;
    QTest::newRow("empty") << QByteArray("[]") << QStringList{} << true;
    QTest::newRow("null from an old daemon") << QByteArray("null") << QStringList{} << true;
    QTest::newRow("object") << QByteArray(R"({"name":"x"})") << QStringList{} << false;
    QTest::newRow("entry without name") << QByteArray(R"([{"size":1}])") << QStringList{} << false;
    QTest::newRow("not JSON") << QByteArray("<html>") << QStringList{} << false;
}

void tst_DaytonaTypes::fileListing()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, names);
    QFETCH(bool, ok);
    const auto listing = FileInfo::listFromJson(body);
    QCOMPARE(listing.ok(), ok);
    if (!ok) {
        QCOMPARE(listing.error().code, QStringLiteral("INVALID_RESPONSE"));
        return;
    }
    QStringList actual;
    for (const FileInfo &info : listing.value())
        actual.append(info.name + (info.isDir ? QStringLiteral("/") : QString()));
    QCOMPARE(actual, names);
    if (!listing.value().isEmpty()) {
        QCOMPARE(listing.value().at(1).size, 120);
        QCOMPARE(listing.value().at(1).modifiedAt, QStringLiteral("2026-01-01T00:00:00Z"));
    }
}

// A size is whole bytes; what no file can have is read as 0 (converting it would be undefined).
void tst_DaytonaTypes::fileSizes_data()
{
    QTest::addColumn<QByteArray>("size");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("bytes") << QByteArray("120") << qint64(120);
    QTest::newRow("beyond 32 bits") << QByteArray("6442450944") << qint64(6'442'450'944);
    QTest::newRow("2^62") << QByteArray("4611686018427387904") << (qint64(1) << 62);
    QTest::newRow("negative") << QByteArray("-5") << qint64(0);
    QTest::newRow("beyond 63 bits") << QByteArray("1e300") << qint64(0);
    QTest::newRow("text") << QByteArray(R"("12")") << qint64(0);
    QTest::newRow("missing") << QByteArray("null") << qint64(0);
}

void tst_DaytonaTypes::fileSizes()
{
    QFETCH(QByteArray, size);
    QFETCH(qint64, expected);
    const auto listing = FileInfo::listFromJson(R"([{"name":"a","size":)" + size + "}]");
    QVERIFY(listing.ok());
    QCOMPARE(listing.value().constFirst().size, expected);
}

QTEST_APPLESS_MAIN(tst_DaytonaTypes)
#include "tst_daytonatypes.moc"
