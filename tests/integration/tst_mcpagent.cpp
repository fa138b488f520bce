#include "tests/support/CliRun.h"
#include "tests/support/DetachedSandboxd.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

// An AI agent's whole conversation with `vaporwatch-cli mcp` over a pipe, as an MCP client has
// it: initialize, list the tools, start a build that fails, read its status and logs down to the
// npm error, fix the project, rebuild until it succeeds — plus paging, cancelling, the dev-server
// tools and protocol faults. The real binary, its embedded local sandbox and a private SQLite.
class tst_McpAgent : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void handshakeAndToolList();
    void fixAndRebuildLoop();
    void logsPageWithoutLosingABite();
    void cancelStopsARunningBuild();
    void devServerTools();
    void faultsKeepTheSessionAlive();
    void closingStdinEndsTheServer();

private:
    QJsonObject request(const QString &method, const QJsonObject &params = {});
    QJsonObject call(const QString &tool, const QJsonObject &arguments = {});
    QJsonObject readMessage(int timeoutMs = 30'000);
    QJsonObject waitFinished(qint64 buildId);
    bool writeFile(const QString &project, const QString &name, const QByteArray &content);
    QString projectsDirectory() const;

    QTemporaryDir m_home;
    QProcess m_server;
    int m_nextId = 1;
    QByteArray m_pending;
};

QString tst_McpAgent::projectsDirectory() const
{
    return vw::test::privateHomeSandboxDirectory(m_home.path()) + QStringLiteral("/projects");
}

bool tst_McpAgent::writeFile(const QString &project, const QString &name, const QByteArray &content)
{
    const QString dir = projectsDirectory() + u'/' + project;
    QFile file(dir + u'/' + name);
    return QDir().mkpath(dir) && file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(content) == content.size();
}

void tst_McpAgent::initTestCase()
{
    QVERIFY(m_home.isValid());
    QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home.path());
    env.insert(QStringLiteral("VW_LOG_LEVEL"), QStringLiteral("info"));
    m_server.setProcessEnvironment(env);
    m_server.setProcessChannelMode(QProcess::SeparateChannels);
    m_server.start(QStringLiteral(VW_CLI_BINARY), {QStringLiteral("mcp")});
    QVERIFY(m_server.waitForStarted());
}

void tst_McpAgent::cleanupTestCase()
{
    if (m_server.state() != QProcess::NotRunning) {
        m_server.kill();
        m_server.waitForFinished();
    }
    vw::test::stopDetachedSandboxd(vw::test::privateHomeSandboxDirectory(m_home.path()));
}

QJsonObject tst_McpAgent::readMessage(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!m_pending.contains('\n')) {
        if (clock.elapsed() > timeoutMs || m_server.state() == QProcess::NotRunning)
            return {};
        m_server.waitForReadyRead(100);
        m_pending += m_server.readAllStandardOutput();
    }
    const qsizetype end = m_pending.indexOf('\n');
    const QByteArray line = m_pending.left(end);
    m_pending.remove(0, end + 1);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError) // stdout carries nothing but messages
        return {{QStringLiteral("not JSON"), QString::fromUtf8(line)}};
    return document.object();
}

QJsonObject tst_McpAgent::request(const QString &method, const QJsonObject &params)
{
    const int id = m_nextId++;
    QJsonObject message{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("method"), method}};
    if (!params.isEmpty())
        message.insert(QStringLiteral("params"), params);
    m_server.write(QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n');
    const QJsonObject reply = readMessage(120'000);
    if (reply.value(QStringLiteral("id")).toInt() != id)
        return {{QStringLiteral("unexpected"), reply}};
    return reply;
}

QJsonObject tst_McpAgent::call(const QString &tool, const QJsonObject &arguments)
{
    return request(QStringLiteral("tools/call"),
                   {{QStringLiteral("name"), tool}, {QStringLiteral("arguments"), arguments}})
        .value(QStringLiteral("result"))
        .toObject();
}

QJsonObject tst_McpAgent::waitFinished(qint64 buildId)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 120'000) {
        const QJsonObject status =
            call(QStringLiteral("get_build_status"), {{QStringLiteral("build_id"), buildId}})
                .value(QStringLiteral("structuredContent"))
                .toObject();
        if (status.value(QStringLiteral("finished")).toBool())
            return status;
        QTest::qWait(500); // an agent asks again after a moment
    }
    return {};
}

void tst_McpAgent::handshakeAndToolList()
{
    const QJsonObject init =
        request(QStringLiteral("initialize"),
                {{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")},
                 {QStringLiteral("capabilities"), QJsonObject{}},
                 {QStringLiteral("clientInfo"),
                  QJsonObject{{QStringLiteral("name"), QStringLiteral("t")},
                              {QStringLiteral("version"), QStringLiteral("1")}}}});
    const QJsonObject result = init.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.value(QStringLiteral("protocolVersion")).toString(),
             QStringLiteral("2025-06-18"));
    QCOMPARE(result.value(QStringLiteral("serverInfo")).toObject().value(QStringLiteral("name")),
             QStringLiteral("vaporwatch"));
    m_server.write(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
                   "\n");

    const QJsonArray tools = request(QStringLiteral("tools/list"))
                                 .value(QStringLiteral("result"))
                                 .toObject()
                                 .value(QStringLiteral("tools"))
                                 .toArray();
    QStringList names;
    for (const QJsonValue &tool : tools) {
        const QJsonObject t = tool.toObject();
        names << t.value(QStringLiteral("name")).toString();
        QCOMPARE(t.value(QStringLiteral("inputSchema")).toObject().value(QStringLiteral("type")),
                 QStringLiteral("object"));
        QVERIFY(t.contains(QStringLiteral("outputSchema")));
        QVERIFY(!t.value(QStringLiteral("description")).toString().isEmpty());
    }
    names.sort();
    QCOMPARE(names, (QStringList{"cancel_build", "check_process_status", "get_build_status",
                                 "get_live_logs", "get_preview_url", "list_builds",
                                 "run_dev_server", "start_build"}));
}

void tst_McpAgent::fixAndRebuildLoop()
{
    // A project whose dependency does not exist: npm install fails with the registry's 404.
    QVERIFY(writeFile(QStringLiteral("web"), "package.json",
                      R"({"name": "web", "version": "1.0.0", "scripts": {"build": "node build.js"},
  "dependencies": {"vaporwatch-no-such-package-e2e": "^1.0.0"}})"));
    QVERIFY(writeFile(QStringLiteral("web"), "build.js", "console.log('web built');\n"));
    const QJsonObject started =
        call(QStringLiteral("start_build"), {{QStringLiteral("project"), QStringLiteral("web")},
                                             {QStringLiteral("sandbox"), QStringLiteral("local")}});
    QVERIFY2(!started.value(QStringLiteral("isError")).toBool(),
             qPrintable(QJsonDocument(started).toJson()));
    const qint64 first = started.value(QStringLiteral("structuredContent"))
                             .toObject()
                             .value(QStringLiteral("build_id"))
                             .toInteger();
    QVERIFY(first > 0);

    const QJsonObject failed = waitFinished(first);
    QCOMPARE(failed.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(failed.value(QStringLiteral("failed_phase")).toString(), QStringLiteral("install"));
    // npm 7–9 write "npm ERR!", npm 10+ "npm error": the agent sees the line either way.
    const QString error = failed.value(QStringLiteral("error_message")).toString();
    QVERIFY2(error.startsWith(QStringLiteral("npm ERR!")) ||
                 error.startsWith(QStringLiteral("npm error")),
             qPrintable(error));
    QVERIFY2(
        failed.value(QStringLiteral("install_logs")).toString().contains(QStringLiteral("404")),
        qPrintable(failed.value(QStringLiteral("install_logs")).toString()));

    // The readable text says the same, for agents that read only text.
    const QJsonObject statusCall = call(QStringLiteral("get_build_status"),
                                        {{QStringLiteral("latest"), true},
                                         {QStringLiteral("project"), QStringLiteral("web")},
                                         {QStringLiteral("sandbox"), QStringLiteral("local")}});
    const QString text = statusCall.value(QStringLiteral("content"))
                             .toArray()
                             .first()
                             .toObject()
                             .value(QStringLiteral("text"))
                             .toString();
    QVERIFY2(text.contains(QStringLiteral("failed in install")) && text.contains(error),
             qPrintable(text));

    const QJsonObject logs =
        call(QStringLiteral("get_live_logs"), {{QStringLiteral("build_id"), first},
                                               {QStringLiteral("phase"), QStringLiteral("install")},
                                               {QStringLiteral("tail"), 30}})
            .value(QStringLiteral("structuredContent"))
            .toObject();
    QVERIFY(
        logs.value(QStringLiteral("text")).toString().contains(QStringLiteral("404 Not Found")));
    QVERIFY(!logs.value(QStringLiteral("text")).toString().contains(QChar(0x1b)));

    // The fix: drop the dependency that does not exist, and build again.
    QVERIFY(
        writeFile(QStringLiteral("web"), "package.json",
                  R"({"name": "web", "version": "1.0.0", "scripts": {"build": "node build.js"}})"));
    const qint64 second =
        call(QStringLiteral("start_build"), {{QStringLiteral("project"), QStringLiteral("web")},
                                             {QStringLiteral("sandbox"), QStringLiteral("local")}})
            .value(QStringLiteral("structuredContent"))
            .toObject()
            .value(QStringLiteral("build_id"))
            .toInteger();
    QVERIFY(second > first);
    const QJsonObject fixed = waitFinished(second);
    QCOMPARE(fixed.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
    QVERIFY(
        fixed.value(QStringLiteral("build_logs")).toString().contains(QStringLiteral("web built")));

    const QJsonObject history =
        call(QStringLiteral("list_builds"), {{QStringLiteral("project"), QStringLiteral("web")},
                                             {QStringLiteral("sandbox"), QStringLiteral("local")}})
            .value(QStringLiteral("structuredContent"))
            .toObject();
    QCOMPARE(history.value(QStringLiteral("total")).toInt(), 2);
    const QJsonArray builds = history.value(QStringLiteral("builds")).toArray();
    QCOMPARE(builds.at(0).toObject().value(QStringLiteral("id")).toInteger(), second);
    QCOMPARE(builds.at(1).toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("failed"));
}

void tst_McpAgent::logsPageWithoutLosingABite()
{
    // Output with multi-byte characters, paged in pieces smaller than some lines.
    QVERIFY(writeFile(
        QStringLiteral("paged"), "Makefile",
        "all:\n\t@for i in 1 2 3 4 5 6 7 8 9 10; do echo \"line $$i — grüße ✓\"; done\n"));
    const qint64 id =
        call(QStringLiteral("start_build"), {{QStringLiteral("project"), QStringLiteral("paged")},
                                             {QStringLiteral("sandbox"), QStringLiteral("local")}})
            .value(QStringLiteral("structuredContent"))
            .toObject()
            .value(QStringLiteral("build_id"))
            .toInteger();
    QCOMPARE(waitFinished(id).value(QStringLiteral("status")).toString(),
             QStringLiteral("success"));
    const QString whole =
        call(QStringLiteral("get_live_logs"),
             {{QStringLiteral("build_id"), id}, {QStringLiteral("phase"), QStringLiteral("build")}})
            .value(QStringLiteral("structuredContent"))
            .toObject()
            .value(QStringLiteral("text"))
            .toString();
    QVERIFY(whole.contains(QStringLiteral("line 10 — grüße ✓")));
    QString paged;
    qint64 offset = 0;
    for (int page = 0; page < 200; ++page) {
        const QJsonObject part = call(QStringLiteral("get_live_logs"),
                                      {{QStringLiteral("build_id"), id},
                                       {QStringLiteral("phase"), QStringLiteral("build")},
                                       {QStringLiteral("since"), offset},
                                       {QStringLiteral("max_bytes"), 7}})
                                     .value(QStringLiteral("structuredContent"))
                                     .toObject();
        QCOMPARE(part.value(QStringLiteral("offset")).toInteger(), offset);
        paged += part.value(QStringLiteral("text")).toString();
        offset = part.value(QStringLiteral("next_offset")).toInteger();
        if (!part.value(QStringLiteral("more")).toBool())
            break;
    }
    QCOMPARE(paged, whole);
    QVERIFY(!paged.contains(QChar::ReplacementCharacter));
}

void tst_McpAgent::cancelStopsARunningBuild()
{
    QVERIFY(
        writeFile(QStringLiteral("slow"), "Makefile", "all:\n\t@echo slow-start\n\t@sleep 120\n"));
    const qint64 id =
        call(QStringLiteral("start_build"), {{QStringLiteral("project"), QStringLiteral("slow")},
                                             {QStringLiteral("sandbox"), QStringLiteral("local")}})
            .value(QStringLiteral("structuredContent"))
            .toObject()
            .value(QStringLiteral("build_id"))
            .toInteger();
    QTRY_VERIFY_WITH_TIMEOUT(
        call(QStringLiteral("get_build_status"), {{QStringLiteral("build_id"), id}})
                .value(QStringLiteral("structuredContent"))
                .toObject()
                .value(QStringLiteral("phase"))
                .toString() == QStringLiteral("build"),
        60'000);
    const QJsonObject cancelled =
        call(QStringLiteral("cancel_build"), {{QStringLiteral("build_id"), id}})
            .value(QStringLiteral("structuredContent"))
            .toObject();
    QCOMPARE(cancelled.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(cancelled.value(QStringLiteral("finished")).toBool(), true);
    // Again: it has ended — a tool failure the agent can read, not a protocol error.
    const QJsonObject again =
        call(QStringLiteral("cancel_build"), {{QStringLiteral("build_id"), id}});
    QCOMPARE(again.value(QStringLiteral("isError")).toBool(), true);
    const QJsonObject unknown =
        call(QStringLiteral("get_build_status"), {{QStringLiteral("build_id"), 9999}});
    QCOMPARE(unknown.value(QStringLiteral("isError")).toBool(), true);
    QVERIFY(unknown.value(QStringLiteral("content"))
                .toArray()
                .first()
                .toObject()
                .value(QStringLiteral("text"))
                .toString()
                .contains(QStringLiteral("no build #9999")));
}

void tst_McpAgent::devServerTools()
{
    QTcpServer probe; // a port nobody uses
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const int port = probe.serverPort();
    probe.close();

    const QJsonObject none = call(
        QStringLiteral("get_preview_url"),
        {{QStringLiteral("sandbox"), QStringLiteral("local")}, {QStringLiteral("port"), port}});
    QCOMPARE(none.value(QStringLiteral("structuredContent"))
                 .toObject()
                 .value(QStringLiteral("listening")),
             false);

    // The sample project's dev server (node server.mjs), on that port.
    const QJsonObject started =
        call(QStringLiteral("run_dev_server"),
             {{QStringLiteral("project"), QStringLiteral("sample")},
              {QStringLiteral("sandbox"), QStringLiteral("local")},
              {QStringLiteral("command"), QStringLiteral("node server.mjs")},
              {QStringLiteral("port"), port}});
    QVERIFY2(!started.value(QStringLiteral("isError")).toBool(),
             qPrintable(QJsonDocument(started).toJson()));
    const QJsonObject server = started.value(QStringLiteral("structuredContent")).toObject();
    QCOMPARE(server.value(QStringLiteral("port")).toInt(), port);
    QVERIFY(
        server.value(QStringLiteral("url")).toString().endsWith(QStringLiteral(":%1").arg(port)));
    QVERIFY(server.value(QStringLiteral("health"))
                .toObject()
                .value(QStringLiteral("healthy"))
                .toBool());
    QVERIFY(!QJsonDocument(started).toJson().contains("token")); // the preview token stays here

    const QJsonObject preview =
        call(QStringLiteral("get_preview_url"),
             {{QStringLiteral("sandbox"), QStringLiteral("local")}, {QStringLiteral("port"), port}})
            .value(QStringLiteral("structuredContent"))
            .toObject();
    QCOMPARE(preview.value(QStringLiteral("listening")).toBool(), true);
    const QJsonObject process = call(QStringLiteral("check_process_status"),
                                     {{QStringLiteral("sandbox"), QStringLiteral("local")},
                                      {QStringLiteral("port"), port},
                                      {QStringLiteral("name"), QStringLiteral("node")}})
                                    .value(QStringLiteral("structuredContent"))
                                    .toObject();
    QCOMPARE(
        process.value(QStringLiteral("port")).toObject().value(QStringLiteral("in_use")).toBool(),
        true);
}

void tst_McpAgent::faultsKeepTheSessionAlive()
{
    m_server.write("{\"jsonrpc\": \"2.0\", \"id\": 77, \"method\": \n"); // cut off
    const QJsonObject parseError = readMessage();
    QCOMPARE(
        parseError.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(),
        -32700);
    const QJsonObject unknownTool =
        request(QStringLiteral("tools/call"), {{QStringLiteral("name"), QStringLiteral("rm_rf")}});
    QCOMPARE(
        unknownTool.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(),
        -32602);
    const QJsonObject badArguments =
        call(QStringLiteral("start_build"), {{QStringLiteral("clean"), QStringLiteral("yes")}});
    QCOMPARE(badArguments.value(QStringLiteral("isError")).toBool(), true);
    QVERIFY(request(QStringLiteral("ping")).contains(QStringLiteral("result")));
}

void tst_McpAgent::closingStdinEndsTheServer()
{
    m_server.closeWriteChannel();
    QVERIFY(m_server.waitForFinished(30'000));
    QCOMPARE(m_server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_server.exitCode(), 0);
    m_pending += m_server.readAllStandardOutput();
    QVERIFY2(m_pending.trimmed().isEmpty(), m_pending.constData()); // nothing but replies
    const QByteArray log = m_server.readAllStandardError();
    QVERIFY2(log.contains("MCP server ready"), log.constData()); // logging went to stderr
}

QTEST_GUILESS_MAIN(tst_McpAgent)
#include "tst_mcpagent.moc"
