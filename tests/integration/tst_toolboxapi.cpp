// The toolbox of vaporwatch-sandboxd over HTTP, against the real binary: process sessions, exec,
// command logs in every negotiation mode, chunked follow, input, one-shot execute, ports, files.
#include "models/StreamDemuxer.h"
#include "tests/support/HttpTestClient.h"
#include "tests/support/SandboxdProcess.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using vw::StreamDemuxer;
using vw::test::HttpResult;
using vw::test::HttpTestClient;
using vw::test::SandboxdProcess;

namespace {

const HttpTestClient::Headers kSdk{{"X-Daytona-SDK-Version", "0.218.0"}};
const HttpTestClient::Headers kSplit{{"X-Daytona-Split-Output", "true"}};

} // namespace

class TestToolboxApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void createSessionAnswers201WithEmptyBody();
    void createSessionRefusesDuplicatesAndEntrypoint();
    void sessionKeepsDirectoryVariablesAndFunctions();
    void commandsOfOneSessionRunOneAfterAnother();
    void syncExecOutputFollowsNegotiation_data();
    void syncExecOutputFollowsNegotiation();
    void execKeepsPerStreamOrderOfInterleavedOutput();
    void execWithoutCommandIsAnEmptyBadRequest();
    void asyncExecRunsInBackgroundAndTakesInput();
    void logsSnapshotFollowsNegotiation_data();
    void logsSnapshotFollowsNegotiation();
    void chunkedFollowStreamsUntilTheCommandIsDone();
    void longLinesAndBinaryBytesSurvive();
    void unknownSessionOrCommandIsNotFound();
    void listAndGetSessions();
    void deleteSessionKillsItsProcesses();
    void executeRunsThroughAShell_data();
    void executeRunsThroughAShell();
    void executeTimeoutKillsAndAnswers408();
    void executeTimeoutIsWholeSeconds_data();
    void executeTimeoutIsWholeSeconds();
    void portsListsListeningSockets();
    void portInUseChecksRange();
    void downloadReturnsRawBytes();
    void downloadErrorsHaveEmptyBodies_data();
    void downloadErrorsHaveEmptyBodies();
    void listAndInfoDescribeFiles();
    void infoRoutes();
    void legacyToolboxPathServesTheSameToolbox();

private:
    QString toolbox(const QString &path) const { return m_toolboxBase + path; }
    void createSession(const QString &sessionId);
    HttpResult exec(const QString &sessionId, const QString &command,
                    const HttpTestClient::Headers &headers = kSdk);
    QString execAsync(const QString &sessionId, const QString &command);
    // Waits for the command to finish by following its log (the stream ends when it is done).
    QByteArray followToEnd(const QString &sessionId, const QString &commandId);

    SandboxdProcess m_sandboxd;
    QTemporaryDir m_box;
    std::unique_ptr<HttpTestClient> m_client;
    QString m_toolboxBase;
    QString m_sandboxId;
    QString m_snapshotCommandId;
};

void TestToolboxApi::initTestCase()
{
    QVERIFY(m_box.isValid());
    QVERIFY2(m_sandboxd.start({{{QStringLiteral("box"), m_box.path()}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd.errorString()));
    m_client = std::make_unique<HttpTestClient>(m_sandboxd.baseUrl(), m_sandboxd.token());
    const HttpResult sandbox = m_client->get(QStringLiteral("/api/sandbox/box"));
    QCOMPARE(sandbox.status, 200);
    m_sandboxId = sandbox.object().value(QStringLiteral("id")).toString();
    QCOMPARE(sandbox.object().value(QStringLiteral("toolboxProxyUrl")).toString(),
             m_sandboxd.toolboxUrl());
    m_toolboxBase = QStringLiteral("/toolbox/") + m_sandboxId;
}

void TestToolboxApi::createSession(const QString &sessionId)
{
    const HttpResult created = m_client->post(toolbox(QStringLiteral("/process/session")),
                                              {{QStringLiteral("sessionId"), sessionId}});
    QCOMPARE(created.status, 201);
}

HttpResult TestToolboxApi::exec(const QString &sessionId, const QString &command,
                                const HttpTestClient::Headers &headers)
{
    return m_client->post(toolbox(QStringLiteral("/process/session/%1/exec").arg(sessionId)),
                          {{QStringLiteral("command"), command}}, headers, 60000);
}

QString TestToolboxApi::execAsync(const QString &sessionId, const QString &command)
{
    const HttpResult started =
        m_client->post(toolbox(QStringLiteral("/process/session/%1/exec").arg(sessionId)),
                       {{QStringLiteral("command"), command}, {QStringLiteral("runAsync"), true}});
    if (started.status != 202)
        qWarning() << "async exec answered" << started.status << started.body;
    return started.object().value(QStringLiteral("cmdId")).toString();
}

QByteArray TestToolboxApi::followToEnd(const QString &sessionId, const QString &commandId)
{
    const HttpResult followed =
        m_client->get(toolbox(QStringLiteral("/process/session/%1/command/%2/logs?follow=true")
                                  .arg(sessionId, commandId)),
                      {}, 60000);
    if (followed.status != 200 || followed.timedOut)
        qWarning() << "follow answered" << followed.status << followed.timedOut;
    return followed.body;
}

void TestToolboxApi::createSessionAnswers201WithEmptyBody()
{
    const HttpResult created =
        m_client->post(toolbox(QStringLiteral("/process/session")),
                       {{QStringLiteral("sessionId"), QStringLiteral("s201")}});
    QCOMPARE(created.status, 201);
    QVERIFY(created.body.isEmpty());
}

void TestToolboxApi::createSessionRefusesDuplicatesAndEntrypoint()
{
    createSession(QStringLiteral("dup"));
    const HttpResult again = m_client->post(toolbox(QStringLiteral("/process/session")),
                                            {{QStringLiteral("sessionId"), QStringLiteral("dup")}});
    QCOMPARE(again.status, 409);
    QCOMPARE(again.object().value(QStringLiteral("code")).toString(), QStringLiteral("CONFLICT"));
    QCOMPARE(again.object().value(QStringLiteral("message")).toString(),
             QStringLiteral("session already exists"));

    const HttpResult reserved =
        m_client->post(toolbox(QStringLiteral("/process/session")),
                       {{QStringLiteral("sessionId"), QStringLiteral("entrypoint")}});
    QCOMPARE(reserved.status, 400);

    const HttpResult missing = m_client->post(toolbox(QStringLiteral("/process/session")), {});
    QCOMPARE(missing.status, 400);
}

void TestToolboxApi::sessionKeepsDirectoryVariablesAndFunctions()
{
    createSession(QStringLiteral("state"));
    QVERIFY(QDir(m_box.path()).mkpath(QStringLiteral("sub")));
    const HttpResult setup =
        exec(QStringLiteral("state"), QStringLiteral("cd sub && export VW_VALUE=42 && "
                                                     "greet() { echo \"hello-$1\"; }"));
    QCOMPARE(setup.status, 200);
    QCOMPARE(setup.object().value(QStringLiteral("exitCode")).toInt(), 0);

    const HttpResult check =
        exec(QStringLiteral("state"), QStringLiteral("pwd; echo \"$VW_VALUE\"; greet you"));
    QCOMPARE(check.status, 200);
    QCOMPARE(check.object().value(QStringLiteral("stdout")).toString(),
             QDir(m_box.path()).canonicalPath() + QStringLiteral("/sub\n42\nhello-you\n"));
}

void TestToolboxApi::commandsOfOneSessionRunOneAfterAnother()
{
    createSession(QStringLiteral("queue"));
    // The first waits for input; the second must not run before it has finished.
    const QString first =
        execAsync(QStringLiteral("queue"), QStringLiteral("read -r x; echo first-done"));
    const QString second = execAsync(QStringLiteral("queue"), QStringLiteral("echo second-ran"));
    QVERIFY(!first.isEmpty() && !second.isEmpty());

    const HttpResult secondBefore =
        m_client->get(toolbox(QStringLiteral("/process/session/queue/command/%1").arg(second)));
    QCOMPARE(secondBefore.status, 200);
    QVERIFY(!secondBefore.object().contains(QStringLiteral("exitCode")));

    const HttpResult input = m_client->post(
        toolbox(QStringLiteral("/process/session/queue/command/%1/input").arg(first)),
        {{QStringLiteral("data"), QStringLiteral("go\n")}});
    QCOMPARE(input.status, 204);
    QCOMPARE(followToEnd(QStringLiteral("queue"), second), QByteArray("second-ran\n"));
    const HttpResult firstAfter =
        m_client->get(toolbox(QStringLiteral("/process/session/queue/command/%1").arg(first)));
    QCOMPARE(firstAfter.object().value(QStringLiteral("exitCode")).toInt(-1), 0);
}

void TestToolboxApi::syncExecOutputFollowsNegotiation_data()
{
    QTest::addColumn<HttpTestClient::Headers>("headers");
    QTest::addColumn<bool>("markers");
    QTest::addColumn<bool>("splitFields");

    QTest::newRow("plain client") << HttpTestClient::Headers{} << false << false;
    QTest::newRow("split header") << kSplit << true << false;
    QTest::newRow("old sdk 0.20") << HttpTestClient::Headers{{"X-Daytona-SDK-Version", "0.20.0"}}
                                  << false << false;
    QTest::newRow("sdk 0.100") << HttpTestClient::Headers{{"X-Daytona-SDK-Version", "0.100.2"}}
                               << true << false;
    QTest::newRow("sdk 0.218") << kSdk << true << true;
    QTest::newRow("dev build") << HttpTestClient::Headers{{"X-Daytona-SDK-Version", "0.0.0-dev"}}
                               << true << true;
}

void TestToolboxApi::syncExecOutputFollowsNegotiation()
{
    QFETCH(HttpTestClient::Headers, headers);
    QFETCH(bool, markers);
    QFETCH(bool, splitFields);
    const QString session = QStringLiteral("negotiate-%1")
                                .arg(QTest::currentDataTag())
                                .replace(QLatin1Char(' '), QLatin1Char('-'));
    createSession(session);

    const HttpResult result =
        exec(session, QStringLiteral("echo out-line; echo err-line >&2; (exit 7)"), headers);
    QCOMPARE(result.status, 200);
    const QJsonObject json = result.object();
    QVERIFY(!json.value(QStringLiteral("cmdId")).toString().isEmpty());
    QCOMPARE(json.value(QStringLiteral("exitCode")).toInt(), 7);
    const QByteArray output = json.value(QStringLiteral("output")).toString().toUtf8();
    QCOMPARE(StreamDemuxer::containsMarker(output), markers);
    if (markers) {
        const auto split = StreamDemuxer::split(output);
        QCOMPARE(split.stdoutBytes, QByteArray("out-line\n"));
        QCOMPARE(split.stderrBytes, QByteArray("err-line\n"));
    } else {
        QVERIFY(output == "out-line\nerr-line\n" || output == "err-line\nout-line\n");
    }
    QCOMPARE(json.contains(QStringLiteral("stdout")), splitFields);
    QCOMPARE(json.contains(QStringLiteral("stderr")), splitFields);
    if (splitFields) {
        QCOMPARE(json.value(QStringLiteral("stdout")).toString(), QStringLiteral("out-line\n"));
        QCOMPARE(json.value(QStringLiteral("stderr")).toString(), QStringLiteral("err-line\n"));
    }
}

void TestToolboxApi::execKeepsPerStreamOrderOfInterleavedOutput()
{
    createSession(QStringLiteral("interleave"));
    const HttpResult result = exec(
        QStringLiteral("interleave"),
        QStringLiteral("for i in $(seq 1 200); do echo out$i; echo err$i >&2; done; printf tail"));
    QCOMPARE(result.status, 200);
    QString expectedOut;
    QString expectedErr;
    for (int i = 1; i <= 200; ++i) {
        expectedOut += QStringLiteral("out%1\n").arg(i);
        expectedErr += QStringLiteral("err%1\n").arg(i);
    }
    // The unterminated last line still gets its newline.
    expectedOut += QStringLiteral("tail\n");
    QCOMPARE(result.object().value(QStringLiteral("stdout")).toString(), expectedOut);
    QCOMPARE(result.object().value(QStringLiteral("stderr")).toString(), expectedErr);
    // Every record in the raw log is one line behind one marker.
    const QByteArray raw = result.object().value(QStringLiteral("output")).toString().toUtf8();
    QCOMPARE(raw.count('\n'), 401);
    for (const QByteArray &line : raw.split('\n')) {
        if (!line.isEmpty())
            QVERIFY2(line.startsWith(StreamDemuxer::kStdoutMarker.toByteArray()) ||
                         line.startsWith(StreamDemuxer::kStderrMarker.toByteArray()),
                     line.constData());
    }
}

void TestToolboxApi::execWithoutCommandIsAnEmptyBadRequest()
{
    createSession(QStringLiteral("nocommand"));
    const HttpResult blank = exec(QStringLiteral("nocommand"), QStringLiteral("   "));
    QCOMPARE(blank.status, 400);
    QVERIFY(blank.body.isEmpty());
    const HttpResult unknownSession =
        exec(QStringLiteral("no-such-session"), QStringLiteral("true"));
    QCOMPARE(unknownSession.status, 404);
}

void TestToolboxApi::asyncExecRunsInBackgroundAndTakesInput()
{
    createSession(QStringLiteral("input"));
    const QString commandId =
        execAsync(QStringLiteral("input"), QStringLiteral("read -r line; echo \"got:$line\""));
    QVERIFY(!commandId.isEmpty());
    const QString commandPath = QStringLiteral("/process/session/input/command/%1").arg(commandId);

    // It waits for its input, so it is certainly still running.
    const HttpResult running = m_client->get(toolbox(commandPath));
    QCOMPARE(running.status, 200);
    QCOMPARE(running.object().value(QStringLiteral("id")).toString(), commandId);
    QCOMPARE(running.object().value(QStringLiteral("command")).toString(),
             QStringLiteral("read -r line; echo \"got:$line\""));
    QVERIFY(!running.object().contains(QStringLiteral("exitCode")));

    const HttpResult input = m_client->post(toolbox(commandPath + QStringLiteral("/input")),
                                            {{QStringLiteral("data"), QStringLiteral("hello\n")}});
    QCOMPARE(input.status, 204);
    QCOMPARE(followToEnd(QStringLiteral("input"), commandId), QByteArray("got:hello\n"));

    const HttpResult done = m_client->get(toolbox(commandPath));
    QCOMPARE(done.object().value(QStringLiteral("exitCode")).toInt(-1), 0);
    const HttpResult late = m_client->post(toolbox(commandPath + QStringLiteral("/input")),
                                           {{QStringLiteral("data"), QStringLiteral("more\n")}});
    QCOMPARE(late.status, 410);
    QCOMPARE(late.object().value(QStringLiteral("code")).toString(), QStringLiteral("GONE"));
}

void TestToolboxApi::logsSnapshotFollowsNegotiation_data()
{
    QTest::addColumn<HttpTestClient::Headers>("headers");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<bool>("markers");
    QTest::addColumn<bool>("json");

    QTest::newRow("plain client") << HttpTestClient::Headers{} << QByteArray("text/plain") << false
                                  << false;
    QTest::newRow("split header") << kSplit << QByteArray("text/plain") << true << false;
    QTest::newRow("sdk 0.100") << HttpTestClient::Headers{{"X-Daytona-SDK-Version", "0.100.0"}}
                               << QByteArray("text/plain") << true << false;
    QTest::newRow("sdk 0.218") << kSdk << QByteArray("application/json") << true << true;
}

void TestToolboxApi::logsSnapshotFollowsNegotiation()
{
    QFETCH(HttpTestClient::Headers, headers);
    QFETCH(QByteArray, contentType);
    QFETCH(bool, markers);
    QFETCH(bool, json);
    // One command, read in every mode.
    if (m_snapshotCommandId.isEmpty()) {
        createSession(QStringLiteral("snapshot"));
        const HttpResult ran =
            exec(QStringLiteral("snapshot"), QStringLiteral("echo one; echo two >&2"));
        m_snapshotCommandId = ran.object().value(QStringLiteral("cmdId")).toString();
    }
    const QString commandId = m_snapshotCommandId;
    const HttpResult logs = m_client->get(
        toolbox(QStringLiteral("/process/session/snapshot/command/%1/logs").arg(commandId)),
        headers);
    QCOMPARE(logs.status, 200);
    QVERIFY2(logs.header("Content-Type").startsWith(contentType), logs.header("Content-Type"));
    if (json) {
        const QJsonObject body = logs.object();
        QCOMPARE(body.value(QStringLiteral("stdout")).toString(), QStringLiteral("one\n"));
        QCOMPARE(body.value(QStringLiteral("stderr")).toString(), QStringLiteral("two\n"));
        const auto split =
            StreamDemuxer::split(body.value(QStringLiteral("output")).toString().toUtf8());
        QCOMPARE(split.stdoutBytes, QByteArray("one\n"));
        QCOMPARE(split.stderrBytes, QByteArray("two\n"));
        return;
    }
    QCOMPARE(StreamDemuxer::containsMarker(logs.body), markers);
    if (markers) {
        const auto split = StreamDemuxer::split(logs.body);
        QCOMPARE(split.stdoutBytes, QByteArray("one\n"));
        QCOMPARE(split.stderrBytes, QByteArray("two\n"));
    } else {
        QVERIFY(logs.body == "one\ntwo\n" || logs.body == "two\none\n");
    }
}

void TestToolboxApi::chunkedFollowStreamsUntilTheCommandIsDone()
{
    createSession(QStringLiteral("follow"));
    const QString commandId =
        execAsync(QStringLiteral("follow"),
                  QStringLiteral("echo first; echo warn >&2; read -r x; echo last"));
    QNetworkReply *reply = m_client->startGet(
        toolbox(
            QStringLiteral("/process/session/follow/command/%1/logs?follow=true").arg(commandId)),
        kSdk);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QByteArray received;
    // The first lines arrive while the command still waits for its input.
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += reply->readAll();
            return received.contains("first\n") && received.contains("warn\n");
        },
        15000));
    QCOMPARE(finished.count(), 0);
    QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("application/octet-stream"));
    QCOMPARE(reply->rawHeader("Transfer-Encoding"), QByteArray("chunked"));

    const HttpResult input = m_client->post(
        toolbox(QStringLiteral("/process/session/follow/command/%1/input").arg(commandId)),
        {{QStringLiteral("data"), QStringLiteral("\n")}});
    QCOMPARE(input.status, 204);
    // The POST above ran the event loop: the stream may have ended already.
    QVERIFY(finished.count() == 1 || finished.wait(15000));
    received += reply->readAll();
    // Markers stripped: the runner's chunked stream is combined output.
    QVERIFY(!StreamDemuxer::containsMarker(received));
    QVERIFY(received.endsWith("last\n"));
    QCOMPARE(received.size(), QByteArray("first\nwarn\nlast\n").size());
    reply->deleteLater();
}

void TestToolboxApi::longLinesAndBinaryBytesSurvive()
{
    createSession(QStringLiteral("big"));
    const HttpResult ran = exec(QStringLiteral("big"),
                                QStringLiteral("head -c 10485760 /dev/zero | tr '\\0' x; echo; "
                                               "printf 'bin\\000\\001\\377end\\n'"),
                                kSplit);
    QCOMPARE(ran.status, 200);
    const QString commandId = ran.object().value(QStringLiteral("cmdId")).toString();
    const HttpResult logs = m_client->get(
        toolbox(QStringLiteral("/process/session/big/command/%1/logs").arg(commandId)), kSplit,
        60000);
    QCOMPARE(logs.status, 200);
    const QByteArray marker = StreamDemuxer::kStdoutMarker.toByteArray();
    const QByteArray expected = marker + QByteArray(10 * 1024 * 1024, 'x') + '\n' + marker +
                                QByteArray("bin\0\1\377end\n", 10);
    QCOMPARE(logs.body.size(), expected.size());
    QVERIFY(logs.body == expected);
}

void TestToolboxApi::unknownSessionOrCommandIsNotFound()
{
    const HttpResult noSession =
        m_client->get(toolbox(QStringLiteral("/process/session/nope/command/x")));
    QCOMPARE(noSession.status, 404);
    const QJsonObject body = noSession.object();
    QCOMPARE(body.value(QStringLiteral("statusCode")).toInt(), 404);
    QCOMPARE(body.value(QStringLiteral("code")).toString(), QStringLiteral("NOT_FOUND"));
    QCOMPARE(body.value(QStringLiteral("message")).toString(),
             QStringLiteral("not found: session not found"));
    QCOMPARE(body.value(QStringLiteral("path")).toString(),
             QStringLiteral("/process/session/nope/command/x"));
    QCOMPARE(body.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
    QVERIFY(!body.value(QStringLiteral("timestamp")).toString().isEmpty());

    createSession(QStringLiteral("known"));
    const HttpResult noCommand =
        m_client->get(toolbox(QStringLiteral("/process/session/known/command/x/logs")));
    QCOMPARE(noCommand.status, 404);
    QCOMPARE(noCommand.object().value(QStringLiteral("message")).toString(),
             QStringLiteral("not found: command not found"));
}

void TestToolboxApi::listAndGetSessions()
{
    createSession(QStringLiteral("listed"));
    const HttpResult ran = exec(QStringLiteral("listed"), QStringLiteral("(exit 4)"));
    const QString commandId = ran.object().value(QStringLiteral("cmdId")).toString();

    const HttpResult one = m_client->get(toolbox(QStringLiteral("/process/session/listed")));
    QCOMPARE(one.status, 200);
    QCOMPARE(one.object().value(QStringLiteral("sessionId")).toString(), QStringLiteral("listed"));
    const QJsonArray commands = one.object().value(QStringLiteral("commands")).toArray();
    QCOMPARE(commands.size(), 1);
    QCOMPARE(commands.at(0).toObject().value(QStringLiteral("id")).toString(), commandId);
    QCOMPARE(commands.at(0).toObject().value(QStringLiteral("command")).toString(),
             QStringLiteral("(exit 4)"));
    QCOMPARE(commands.at(0).toObject().value(QStringLiteral("exitCode")).toInt(), 4);

    const HttpResult all = m_client->get(toolbox(QStringLiteral("/process/session")));
    QCOMPARE(all.status, 200);
    QStringList ids;
    for (const QJsonValue &session : all.array())
        ids << session.toObject().value(QStringLiteral("sessionId")).toString();
    QVERIFY(ids.contains(QStringLiteral("listed")));
}

void TestToolboxApi::deleteSessionKillsItsProcesses()
{
    createSession(QStringLiteral("doomed"));
    const QString commandId =
        execAsync(QStringLiteral("doomed"), QStringLiteral("sleep 300 & echo $!; wait"));
    QNetworkReply *follow = m_client->startGet(toolbox(
        QStringLiteral("/process/session/doomed/command/%1/logs?follow=true").arg(commandId)));
    QSignalSpy followFinished(follow, &QNetworkReply::finished);
    QByteArray pidLine;
    QVERIFY(QTest::qWaitFor(
        [&] {
            pidLine += follow->readAll();
            return pidLine.endsWith('\n');
        },
        15000));
    const qint64 sleepPid = pidLine.trimmed().toLongLong();
    QVERIFY(sleepPid > 0);
    const QString procEntry = QStringLiteral("/proc/%1/stat").arg(sleepPid);
    QVERIFY(QFile::exists(procEntry));

    const HttpResult deleted =
        m_client->deleteResource(toolbox(QStringLiteral("/process/session/doomed")));
    QCOMPARE(deleted.status, 204);
    QVERIFY(deleted.body.isEmpty());
    // The sleep is gone (or a zombie about to be reaped by init).
    QVERIFY(QTest::qWaitFor(
        [&] {
            QFile stat(procEntry);
            if (!stat.open(QIODevice::ReadOnly))
                return true;
            const QByteArray fields = stat.readAll();
            return fields.mid(fields.lastIndexOf(')') + 2, 1) == "Z";
        },
        10000));
    // The follow stream of its command ends too.
    QVERIFY(followFinished.count() == 1 || followFinished.wait(10000));
    follow->deleteLater();

    QCOMPARE(m_client->get(toolbox(QStringLiteral("/process/session/doomed"))).status, 404);
    QCOMPARE(m_client->deleteResource(toolbox(QStringLiteral("/process/session/doomed"))).status,
             404);
}

void TestToolboxApi::executeRunsThroughAShell_data()
{
    QTest::addColumn<QJsonObject>("request");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("result");

    QTest::newRow("shell syntax")
        << QJsonObject{{QStringLiteral("command"),
                        QStringLiteral("for i in 1 2; do echo $i; done | tr -d '\\n'")}}
        << 0 << QStringLiteral("12");
    QTest::newRow("exit code and stderr")
        << QJsonObject{{QStringLiteral("command"), QStringLiteral("echo failing >&2; exit 5")}} << 5
        << QStringLiteral("failing\n");
    QTest::newRow("cwd and envs")
        << QJsonObject{{QStringLiteral("command"), QStringLiteral("echo \"$VW_ONE\"; pwd")},
                       {QStringLiteral("cwd"), QStringLiteral("/")},
                       {QStringLiteral("envs"),
                        QJsonObject{{QStringLiteral("VW_ONE"), QStringLiteral("one-ok")}}},
                       {QStringLiteral("timeout"), 20}}
        << 0 << QStringLiteral("one-ok\n/\n");
    QTest::newRow("missing cwd") << QJsonObject{{QStringLiteral("command"), QStringLiteral("true")},
                                                {QStringLiteral("cwd"),
                                                 QStringLiteral("/no/such/dir")}}
                                 << -1 << QString();
}

void TestToolboxApi::executeRunsThroughAShell()
{
    QFETCH(QJsonObject, request);
    QFETCH(int, exitCode);
    QFETCH(QString, result);
    const HttpResult executed =
        m_client->post(toolbox(QStringLiteral("/process/execute")), request);
    QCOMPARE(executed.status, 200);
    QCOMPARE(executed.object().value(QStringLiteral("exitCode")).toInt(), exitCode);
    if (exitCode == -1)
        QVERIFY(!executed.object().value(QStringLiteral("result")).toString().isEmpty());
    else
        QCOMPARE(executed.object().value(QStringLiteral("result")).toString(), result);
}

void TestToolboxApi::executeTimeoutKillsAndAnswers408()
{
    const QString marker = m_box.filePath(QStringLiteral("timeout-survivor"));
    const HttpResult executed = m_client->post(
        toolbox(QStringLiteral("/process/execute")),
        {{QStringLiteral("command"), QStringLiteral("sleep 30; touch '%1'").arg(marker)},
         {QStringLiteral("timeout"), 1}});
    QCOMPARE(executed.status, 408);
    QCOMPARE(executed.object().value(QStringLiteral("code")).toString(),
             QStringLiteral("REQUEST_TIMEOUT"));
    QCOMPARE(executed.object().value(QStringLiteral("message")).toString(),
             QStringLiteral("command execution timeout"));
    // The shell was killed with its sleep, so nothing after it ran.
    QVERIFY(!QFile::exists(marker));
}

// "timeout" is a uint of seconds, as the daemon binds it: anything else is a 400 (a number no
// timer can hold once crashed the conversion); a whole number too large for a timer means none.
void TestToolboxApi::executeTimeoutIsWholeSeconds_data()
{
    QTest::addColumn<QJsonValue>("timeout");
    QTest::addColumn<int>("status");
    QTest::newRow("none") << QJsonValue(QJsonValue::Null) << 200;
    QTest::newRow("zero: no limit") << QJsonValue(0) << 200;
    QTest::newRow("seconds") << QJsonValue(30) << 200;
    QTest::newRow("beyond a timer: no limit") << QJsonValue(1e12) << 200;
    QTest::newRow("negative") << QJsonValue(-1) << 400;
    QTest::newRow("a fraction") << QJsonValue(1.5) << 400;
    QTest::newRow("beyond 64 bits") << QJsonValue(1e300) << 400;
    QTest::newRow("text") << QJsonValue(QStringLiteral("5")) << 400;
}

void TestToolboxApi::executeTimeoutIsWholeSeconds()
{
    QFETCH(QJsonValue, timeout);
    QFETCH(int, status);
    const HttpResult executed =
        m_client->post(toolbox(QStringLiteral("/process/execute")),
                       {{QStringLiteral("command"), QStringLiteral("echo ok")},
                        {QStringLiteral("timeout"), timeout}});
    QCOMPARE(executed.status, status);
    if (status == 200) {
        QCOMPARE(executed.object().value(QStringLiteral("result")).toString(),
                 QStringLiteral("ok\n"));
        return;
    }
    QCOMPARE(executed.object().value(QStringLiteral("code")).toString(),
             QStringLiteral("INVALID_REQUEST_BODY"));
}

void TestToolboxApi::portsListsListeningSockets()
{
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    const HttpResult ports = m_client->get(toolbox(QStringLiteral("/port")));
    QCOMPARE(ports.status, 200);
    QList<int> listed;
    for (const QJsonValue &port : ports.object().value(QStringLiteral("ports")).toArray())
        listed << port.toInt();
    QVERIFY2(listed.contains(listener.serverPort()), ports.body.constData());
    QVERIFY(listed.contains(m_sandboxd.port()));
}

void TestToolboxApi::portInUseChecksRange()
{
    QTcpServer listener;
    quint16 port = 3000;
    while (port < 10000 && !listener.listen(QHostAddress::LocalHost, port))
        ++port;
    QVERIFY(listener.isListening());
    const QString inUse = QStringLiteral("/port/%1/in-use");
    HttpResult answer = m_client->get(toolbox(inUse.arg(port)));
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.object().value(QStringLiteral("isInUse")).toBool(), true);
    listener.close();
    answer = m_client->get(toolbox(inUse.arg(port)));
    QCOMPARE(answer.object().value(QStringLiteral("isInUse")).toBool(), false);

    for (const QString &outside :
         {QStringLiteral("80"), QStringLiteral("10000"), QStringLiteral("x")}) {
        const HttpResult refused = m_client->get(toolbox(inUse.arg(outside)));
        QCOMPARE(refused.status, 400);
        QVERIFY(refused.body.isEmpty());
    }
}

void TestToolboxApi::downloadReturnsRawBytes()
{
    QByteArray content;
    for (int i = 0; i < 200000; ++i)
        content.append(char(i % 256));
    QFile file(m_box.filePath(QStringLiteral("data file.bin")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();

    // Relative paths resolve against the sandbox's directory.
    const HttpResult download =
        m_client->get(toolbox(QStringLiteral("/files/download?path=data%20file.bin")));
    QCOMPARE(download.status, 200);
    QCOMPARE(download.header("Content-Type"), QByteArray("application/octet-stream"));
    QVERIFY2(
        download.header("Content-Disposition").startsWith("attachment; filename=\"data file.bin\""),
        download.header("Content-Disposition").constData());
    QVERIFY(download.body == content);

    const HttpResult absolute =
        m_client->get(toolbox(QStringLiteral("/files/download?path=") +
                              QString::fromLatin1(QUrl::toPercentEncoding(file.fileName()))));
    QCOMPARE(absolute.status, 200);
    QCOMPARE(absolute.body.size(), content.size());
}

void TestToolboxApi::downloadErrorsHaveEmptyBodies_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::newRow("missing path") << QString() << 400;
    QTest::newRow("no such file") << QStringLiteral("?path=does-not-exist") << 404;
    QTest::newRow("directory") << QStringLiteral("?path=.") << 400;
}

void TestToolboxApi::downloadErrorsHaveEmptyBodies()
{
    QFETCH(QString, query);
    QFETCH(int, status);
    const HttpResult answer = m_client->get(toolbox(QStringLiteral("/files/download") + query));
    QCOMPARE(answer.status, status);
    QVERIFY(answer.body.isEmpty());
}

void TestToolboxApi::listAndInfoDescribeFiles()
{
    QVERIFY(QDir(m_box.path()).mkpath(QStringLiteral("listing/inner")));
    QFile file(m_box.filePath(QStringLiteral("listing/hello.txt")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("hello");
    file.close();

    const HttpResult listing = m_client->get(toolbox(QStringLiteral("/files?path=listing")));
    QCOMPARE(listing.status, 200);
    QMap<QString, QJsonObject> byName;
    for (const QJsonValue &entry : listing.array())
        byName.insert(entry.toObject().value(QStringLiteral("name")).toString(), entry.toObject());
    QCOMPARE(byName.keys(), (QStringList{QStringLiteral("hello.txt"), QStringLiteral("inner")}));
    QCOMPARE(byName[QStringLiteral("inner")].value(QStringLiteral("isDir")).toBool(), true);
    const QJsonObject hello = byName[QStringLiteral("hello.txt")];
    QCOMPARE(hello.value(QStringLiteral("isDir")).toBool(), false);
    QCOMPARE(hello.value(QStringLiteral("size")).toInt(), 5);
    for (const char *field : {"mode", "permissions", "owner", "group", "modifiedAt", "modTime"})
        QVERIFY2(hello.contains(QLatin1String(field)), field);
    QCOMPARE(hello.value(QStringLiteral("mode")).toString().size(), 10);

    const HttpResult info =
        m_client->get(toolbox(QStringLiteral("/files/info?path=listing/hello.txt")));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.object().value(QStringLiteral("name")).toString(), QStringLiteral("hello.txt"));
    QCOMPARE(info.object().value(QStringLiteral("size")).toInt(), 5);

    const HttpResult missing = m_client->get(toolbox(QStringLiteral("/files/info?path=nope")));
    QCOMPARE(missing.status, 404);
    QVERIFY(missing.object()
                .value(QStringLiteral("message"))
                .toString()
                .startsWith(QStringLiteral("not found: ")));
}

void TestToolboxApi::infoRoutes()
{
    const HttpResult workDir = m_client->get(toolbox(QStringLiteral("/work-dir")));
    QCOMPARE(workDir.status, 200);
    QCOMPARE(workDir.object().value(QStringLiteral("dir")).toString(),
             QDir(m_box.path()).absolutePath());
    const HttpResult home = m_client->get(toolbox(QStringLiteral("/user-home-dir")));
    QCOMPARE(home.object().value(QStringLiteral("dir")).toString(), QDir::homePath());
    const HttpResult version = m_client->get(toolbox(QStringLiteral("/version")));
    QCOMPARE(version.status, 200);
    QVERIFY(!version.object().value(QStringLiteral("version")).toString().isEmpty());
}

void TestToolboxApi::legacyToolboxPathServesTheSameToolbox()
{
    createSession(QStringLiteral("legacy"));
    const HttpResult viaLegacy = m_client->get(
        QStringLiteral("/api/toolbox/%1/toolbox/process/session/legacy").arg(m_sandboxId));
    QCOMPARE(viaLegacy.status, 200);
    QCOMPARE(viaLegacy.object().value(QStringLiteral("sessionId")).toString(),
             QStringLiteral("legacy"));
    // The sandbox's name works in place of its id.
    const HttpResult byName = m_client->get(QStringLiteral("/toolbox/box/process/session/legacy"));
    QCOMPARE(byName.status, 200);
}

QTEST_GUILESS_MAIN(TestToolboxApi)
#include "tst_toolboxapi.moc"
