#include "AwaitJob.h"
#include "FaultyProxy.h"

#include "app/daytona/DaytonaClient.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace vw::daytona;
using Transport = CommandLogFollower::Transport;
using Stream = vw::StreamDemuxer::Stream;

Q_DECLARE_METATYPE(CommandLogFollower::Transport)

namespace {

// Everything a follower reported, checked for "every byte exactly once".
struct Captured
{
    QByteArray out;
    QByteArray err;
    QByteArray combined;
    QString outText;
    QString errText;
    qint64 lastEndOffset = -1;
    bool offsetsConsistent = true;
    std::optional<int> exitCode;
    std::optional<vw::Error> error;
    int finishedCount = 0;
    QList<Transport> transports;
};

void capture(CommandLogFollower *follower, Captured &into, qint64 startOffset)
{
    into.lastEndOffset = startOffset;
    QObject::connect(follower, &CommandLogFollower::outputReceived, follower,
                     [&into](Stream stream, const QByteArray &bytes, qint64 endOffset) {
                         (stream == Stream::Stdout ? into.out : into.err).append(bytes);
                         into.combined.append(bytes);
                         if (endOffset != into.lastEndOffset + bytes.size() || bytes.isEmpty())
                             into.offsetsConsistent = false;
                         into.lastEndOffset = endOffset;
                     });
    QObject::connect(follower, &CommandLogFollower::stdoutReceived, follower,
                     [&into](const QString &text) { into.outText += text; });
    QObject::connect(follower, &CommandLogFollower::stderrReceived, follower,
                     [&into](const QString &text) { into.errText += text; });
    QObject::connect(follower, &CommandLogFollower::exited, follower,
                     [&into](int exitCode) { into.exitCode = exitCode; });
    QObject::connect(follower, &CommandLogFollower::failed, follower,
                     [&into](const vw::Error &error) { into.error = error; });
    QObject::connect(follower, &CommandLogFollower::transportChanged, follower,
                     [&into](Transport transport) { into.transports.append(transport); });
    QObject::connect(follower, &vw::AsyncJob::finished, follower,
                     [&into](vw::AsyncJob *) { ++into.finishedCount; });
}

bool waitFor(CommandLogFollower *follower, int timeoutMs)
{
    follower->setAutoDelete(false);
    QSignalSpy spy(follower, &vw::AsyncJob::finished);
    return spy.wait(timeoutMs);
}

} // namespace

// CommandLogFollower against a real vaporwatch-sandboxd: every transport, fallbacks, resuming.
class tst_CommandLogFollower : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void followsInterleavedOutputExactlyOnce_data();
    void followsInterleavedOutputExactlyOnce();
    void resumesFromAnOffsetMidCharacter_data();
    void resumesFromAnOffsetMidCharacter();
    void fallsBackToChunkedWhenWebSocketsAreRefused();
    void fallsBackWhenTheWebSocketDropsMidStream();
    void fallsBackWhenTheWebSocketGoesSilent();
    void fallsBackToSnapshotsWhenTheChunkedStreamIdles();
    void followsAFinishedCommand();
    void failsForAnUnknownCommand();
    void stopCancels();

private:
    QString newSession();
    void followThroughProxy(FaultyProxy &proxy, Captured &got, QByteArray &wholeLog,
                            const CommandLogFollower::Options &options = {});
    QString startCommand(const QString &session, const QString &command);

    std::unique_ptr<vw::test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    QString m_sandbox = QStringLiteral("default");
    int m_sessionCounter = 0;
};

void tst_CommandLogFollower::initTestCase()
{
    m_sandboxd = std::make_unique<vw::test::SandboxdProcess>();
    QVERIFY2(m_sandboxd->start(), qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd));
}

void tst_CommandLogFollower::cleanupTestCase()
{
    m_client.reset();
    m_sandboxd.reset();
}

QString tst_CommandLogFollower::newSession()
{
    const QString id = QStringLiteral("tst-follow-%1").arg(++m_sessionCounter);
    const auto created = awaitJob(m_client->createSession(m_sandbox, id));
    if (!created)
        qWarning("createSession failed: %s", qPrintable(describe(created)));
    return id;
}

QString tst_CommandLogFollower::startCommand(const QString &session, const QString &command)
{
    const auto id = awaitJob(m_client->execAsync(m_sandbox, session, command));
    if (!id) {
        qWarning("execAsync failed: %s", qPrintable(describe(id)));
        return {};
    }
    return id.value();
}

void tst_CommandLogFollower::followsInterleavedOutputExactlyOnce_data()
{
    QTest::addColumn<Transport>("transport");
    QTest::addColumn<bool>("separatesStreams");
    QTest::newRow("auto (websocket first)") << Transport::Auto << true;
    QTest::newRow("websocket") << Transport::WebSocket << true;
    // The chunked stream is what a runner re-emits from a WebSocket it opened without our
    // headers: combined mode, markers stripped, so stderr lines arrive as stdout
    // (daytona-api.md §3.4). Same bytes, same order, exactly once; only the split is lost.
    QTest::newRow("chunked http") << Transport::Chunked << false;
    QTest::newRow("snapshots") << Transport::Snapshot << true;
}

void tst_CommandLogFollower::followsInterleavedOutputExactlyOnce()
{
    QFETCH(Transport, transport);
    QFETCH(bool, separatesStreams);

    // 10,000 lines on each stream, a pause so the command outlives the first frames, then more
    // output, some of it multi-byte, and an exit code.
    const QString session = newSession();
    const QString commandId = startCommand(
        session,
        QStringLiteral("i=1; while [ $i -le 10000 ]; do echo \"out $i\"; echo \"err $i\" >&2; "
                       "i=$((i+1)); done; sleep 1; echo 'late ünï €'; echo 'late err 😀' >&2; "
                       "exit 7"));
    QVERIFY(!commandId.isEmpty());

    CommandLogFollower::Options options;
    options.transport = transport;
    options.pollIntervalMs = 100;
    CommandLogFollower *follower =
        m_client->followCommandLogs(m_sandbox, session, commandId, options);
    std::unique_ptr<CommandLogFollower> owner(follower);
    Captured got;
    capture(follower, got, 0);
    QVERIFY2(waitFor(follower, 120'000), "the follower did not finish");
    QTest::qWait(50);

    QVERIFY2(!got.error, qPrintable(got.error ? got.error->toString() : QString()));
    QCOMPARE(got.exitCode, std::optional<int>(7));
    QCOMPARE(follower->exitCode(), std::optional<int>(7));
    QCOMPARE(got.finishedCount, 1);
    QVERIFY(got.offsetsConsistent);

    QByteArray expectedOut;
    QByteArray expectedErr;
    for (int i = 1; i <= 10000; ++i) {
        expectedOut += "out " + QByteArray::number(i) + '\n';
        expectedErr += "err " + QByteArray::number(i) + '\n';
    }
    expectedOut += QStringLiteral("late ünï €\n").toUtf8();
    expectedErr += QStringLiteral("late err 😀\n").toUtf8();
    QCOMPARE(follower->offset(), qint64(expectedOut.size() + expectedErr.size()));
    QCOMPARE(got.lastEndOffset, follower->offset());
    if (separatesStreams) {
        QCOMPARE(got.out.size(), expectedOut.size());
        QVERIFY2(got.out == expectedOut, "stdout differs");
        QVERIFY2(got.err == expectedErr, "stderr differs");
        QCOMPARE(got.outText, QString::fromUtf8(expectedOut));
        QCOMPARE(got.errText, QString::fromUtf8(expectedErr));
    } else {
        // Combined: the lines of each stream are still all there, once, in their order.
        QVERIFY(got.err.isEmpty());
        QByteArray outLines;
        QByteArray errLines;
        for (const QByteArray &line : got.combined.split('\n')) {
            if (line.isEmpty())
                continue;
            (line.startsWith("out ") || line.startsWith("late \xc3") ? outLines : errLines)
                .append(line + '\n');
        }
        QVERIFY2(outLines == expectedOut, "stdout lines differ");
        QVERIFY2(errLines == expectedErr, "stderr lines differ");
        QCOMPARE(got.outText, QString::fromUtf8(got.combined));
    }
    if (transport != Transport::Auto)
        QCOMPARE(follower->activeTransport(), transport);
}

void tst_CommandLogFollower::resumesFromAnOffsetMidCharacter_data()
{
    QTest::addColumn<Transport>("transport");
    QTest::newRow("websocket") << Transport::WebSocket;
    QTest::newRow("chunked http") << Transport::Chunked;
    QTest::newRow("snapshots") << Transport::Snapshot;
}

void tst_CommandLogFollower::resumesFromAnOffsetMidCharacter()
{
    QFETCH(Transport, transport);
    const QString session = newSession();
    const QString commandId = startCommand(
        session,
        QStringLiteral(
            "echo 'first €uro line'; echo 'an error ✗' >&2; echo 'second ü line'; exit 0"));
    QVERIFY(!commandId.isEmpty());

    // A first follower reads everything (like the engine before a restart).
    CommandLogFollower::Options options;
    options.transport = transport;
    options.pollIntervalMs = 100;
    std::unique_ptr<CommandLogFollower> first(
        m_client->followCommandLogs(m_sandbox, session, commandId, options));
    Captured all;
    capture(first.get(), all, 0);
    QVERIFY(waitFor(first.get(), 30'000));
    QVERIFY2(!all.error, qPrintable(all.error ? all.error->toString() : QString()));

    // Resume in the middle of "€" (3 bytes: "first " is 6 bytes, so offset 7 is inside it).
    const qint64 resumeAt = 7;
    options.startOffset = resumeAt;
    std::unique_ptr<CommandLogFollower> second(
        m_client->followCommandLogs(m_sandbox, session, commandId, options));
    Captured rest;
    capture(second.get(), rest, resumeAt);
    QVERIFY(waitFor(second.get(), 30'000));
    QVERIFY2(!rest.error, qPrintable(rest.error ? rest.error->toString() : QString()));
    QCOMPARE(rest.exitCode, std::optional<int>(0));
    QVERIFY(rest.offsetsConsistent);
    QVERIFY(all.combined.left(resumeAt) + rest.combined == all.combined);
    // The character cut by the offset is completed from the bytes before it, never garbled.
    QVERIFY2(rest.outText.startsWith(QStringLiteral("€uro line\n")), qPrintable(rest.outText));
    QVERIFY(!rest.outText.contains(QChar::ReplacementCharacter));
    if (transport == Transport::Chunked) // combined mode, see above
        QVERIFY(rest.outText.contains(QStringLiteral("an error ✗\n")));
    else
        QCOMPARE(rest.errText, QStringLiteral("an error ✗\n"));
}

// Follows a command that interleaves both streams (and outlives the first frames) through
// `proxy`; `wholeLog` gets the command's full output (markers stripped) read afterwards.
void tst_CommandLogFollower::followThroughProxy(FaultyProxy &proxy, Captured &got,
                                                QByteArray &wholeLog,
                                                const CommandLogFollower::Options &options)
{
    QVERIFY(proxy.listen());
    DaytonaConfig config = m_client->config();
    config.apiUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/api").arg(proxy.port()));
    DaytonaClient client(config);
    const auto created = awaitJob(
        client.createSession(m_sandbox, QStringLiteral("via-proxy-%1").arg(++m_sessionCounter)));
    QVERIFY2(created.ok(), qPrintable(describe(created)));
    const QString session = QStringLiteral("via-proxy-%1").arg(m_sessionCounter);
    const auto commandId = awaitJob(client.execAsync(
        m_sandbox, session,
        QStringLiteral("i=1; while [ $i -le 3000 ]; do echo \"out $i ü\"; echo \"err $i €\" >&2; "
                       "i=$((i+1)); done; sleep 0.5; echo tail; exit 9")));
    QVERIFY2(commandId.ok(), qPrintable(describe(commandId)));

    std::unique_ptr<CommandLogFollower> follower(
        client.followCommandLogs(m_sandbox, session, commandId.value(), options));
    capture(follower.get(), got, 0);
    QVERIFY2(waitFor(follower.get(), 60'000), "the follower did not finish");
    QVERIFY2(!got.error, qPrintable(got.error ? got.error->toString() : QString()));
    QCOMPARE(got.exitCode, std::optional<int>(9));
    QVERIFY(got.offsetsConsistent);

    const auto logs = awaitJob(m_client->commandLogs(m_sandbox, session, commandId.value()));
    QVERIFY(logs.ok());
    wholeLog = vw::StreamDemuxer::stripMarkers(logs.value().raw);
    QCOMPARE(follower->offset(), qint64(wholeLog.size()));
}

void tst_CommandLogFollower::fallsBackToChunkedWhenWebSocketsAreRefused()
{
    FaultyProxy proxy(m_sandboxd->port());
    proxy.refuseWebSockets = true;
    Captured got;
    QByteArray wholeLog;
    followThroughProxy(proxy, got, wholeLog);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(proxy.webSocketsRefused >= 1);
    QCOMPARE(got.transports, (QList<Transport>{Transport::WebSocket, Transport::Chunked}));
    QCOMPARE(got.combined.size(), wholeLog.size());
    QVERIFY2(got.combined == wholeLog, "the output differs from the command's log");
}

void tst_CommandLogFollower::fallsBackWhenTheWebSocketDropsMidStream()
{
    FaultyProxy proxy(m_sandboxd->port());
    proxy.cutWebSocketsAfter = 40'000;
    Captured got;
    QByteArray wholeLog;
    followThroughProxy(proxy, got, wholeLog);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(proxy.webSocketsCut, 1);
    QVERIFY(got.transports.contains(Transport::Chunked));
    // Part came split over the WebSocket, the rest combined over HTTP: together every byte of
    // the log once, in order; the text decoders carried on across the switch.
    QVERIFY(!got.err.isEmpty());
    QCOMPARE(got.combined.size(), wholeLog.size());
    QVERIFY2(got.combined == wholeLog, "the output differs from the command's log");
    QVERIFY(!got.outText.contains(QChar::ReplacementCharacter));
    QVERIFY(!got.errText.contains(QChar::ReplacementCharacter));
}

void tst_CommandLogFollower::fallsBackWhenTheWebSocketGoesSilent()
{
    FaultyProxy proxy(m_sandboxd->port());
    proxy.stallWebSocketsAfter = 20'000;
    CommandLogFollower::Options options;
    options.keepAliveIntervalMs = 300;
    Captured got;
    QByteArray wholeLog;
    followThroughProxy(proxy, got, wholeLog, options);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(proxy.webSocketsStalled, 1);
    QVERIFY(got.transports.contains(Transport::Chunked));
    QVERIFY(!got.err.isEmpty());
    QVERIFY2(got.combined == wholeLog, "the output differs from the command's log");
}

void tst_CommandLogFollower::fallsBackToSnapshotsWhenTheChunkedStreamIdles()
{
    // No WebSockets, and the command's pause (0.5 s) outlasts the stream's idle limit.
    FaultyProxy proxy(m_sandboxd->port());
    proxy.refuseWebSockets = true;
    CommandLogFollower::Options options;
    options.streamIdleTimeoutMs = 200;
    options.pollIntervalMs = 100;
    Captured got;
    QByteArray wholeLog;
    followThroughProxy(proxy, got, wholeLog, options);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(got.transports,
             (QList<Transport>{Transport::WebSocket, Transport::Chunked, Transport::Snapshot}));
    QVERIFY2(got.combined == wholeLog, "the output differs from the command's log");
}

void tst_CommandLogFollower::followsAFinishedCommand()
{
    const QString session = newSession();
    const auto result =
        awaitJob(m_client->exec(m_sandbox, session, QStringLiteral("echo done; exit 3")));
    QVERIFY(result.ok());
    std::unique_ptr<CommandLogFollower> follower(
        m_client->followCommandLogs(m_sandbox, session, result.value().commandId));
    Captured got;
    capture(follower.get(), got, 0);
    QVERIFY(waitFor(follower.get(), 30'000));
    QCOMPARE(got.exitCode, std::optional<int>(3));
    QCOMPARE(got.out, QByteArray("done\n"));
}

void tst_CommandLogFollower::failsForAnUnknownCommand()
{
    const QString session = newSession();
    std::unique_ptr<CommandLogFollower> follower(
        m_client->followCommandLogs(m_sandbox, session, QStringLiteral("no-such-command")));
    Captured got;
    capture(follower.get(), got, 0);
    QVERIFY(waitFor(follower.get(), 30'000));
    QVERIFY(got.error.has_value());
    QCOMPARE(got.error->httpStatus, 404);
    QCOMPARE(got.error->code, QStringLiteral("NOT_FOUND"));
    QCOMPARE(got.finishedCount, 1);
    QVERIFY(!follower->ok());
}

void tst_CommandLogFollower::stopCancels()
{
    const QString session = newSession();
    const QString commandId = startCommand(session, QStringLiteral("echo started; sleep 30"));
    std::unique_ptr<CommandLogFollower> follower(
        m_client->followCommandLogs(m_sandbox, session, commandId));
    follower->setAutoDelete(false);
    Captured got;
    capture(follower.get(), got, 0);
    QTRY_COMPARE_WITH_TIMEOUT(got.out, QByteArray("started\n"), 10'000);
    follower->stop();
    QCOMPARE(got.finishedCount, 1);
    QCOMPARE(follower->error().code, vw::AsyncJob::kCanceled);
    QVERIFY(awaitJob(m_client->deleteSession(m_sandbox, session)).ok());
}

QTEST_GUILESS_MAIN(tst_CommandLogFollower)
#include "tst_commandlogfollower.moc"
