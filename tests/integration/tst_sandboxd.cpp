// vaporwatch-sandboxd as a program: its flags, the token file, the "listening on" line, the
// default sandbox and a clean shutdown that takes the sessions' processes with it.
#include "tests/support/HttpTestClient.h"
#include "tests/support/SandboxdProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using vw::test::HttpResult;
using vw::test::HttpTestClient;
using vw::test::SandboxdProcess;

class TestSandboxd : public QObject
{
    Q_OBJECT

private slots:
    void tokenFileIsCreatedPrivateAndReused();
    void existingTokenFileIsUsedAndNeverLogged();
    void printsExactlyOneListeningLine();
    void explicitPortIsUsed();
    void defaultSandboxWhenNoneIsGiven();
    void stateFileSaysWhereItListens();
    void sigtermEndsSessionProcesses();
    void badArgumentsAreRefused_data();
    void badArgumentsAreRefused();
};

void TestSandboxd::tokenFileIsCreatedPrivateAndReused()
{
    QTemporaryDir dir;
    const QString tokenFile = dir.filePath(QStringLiteral("token"));
    QVERIFY(!QFile::exists(tokenFile));
    QString firstToken;
    {
        SandboxdProcess sandboxd;
        SandboxdProcess::Options options;
        options.tokenFile = tokenFile;
        QVERIFY2(sandboxd.start(options), qPrintable(sandboxd.errorString()));
        struct stat status
        {
        };
        QCOMPARE(::stat(QFile::encodeName(tokenFile).constData(), &status), 0);
        QCOMPARE(status.st_mode & 07777, mode_t(0600));
        firstToken = sandboxd.token();
        QVERIFY(firstToken.size() >= 32);
        HttpTestClient client(sandboxd.apiUrl(), firstToken);
        QCOMPARE(client.get(QStringLiteral("/sandbox")).status, 200);
        QVERIFY(sandboxd.stop());
    }
    SandboxdProcess again;
    SandboxdProcess::Options options;
    options.tokenFile = tokenFile;
    QVERIFY2(again.start(options), qPrintable(again.errorString()));
    QCOMPARE(again.token(), firstToken);
    HttpTestClient client(again.apiUrl(), firstToken);
    QCOMPARE(client.get(QStringLiteral("/sandbox")).status, 200);
}

void TestSandboxd::existingTokenFileIsUsedAndNeverLogged()
{
    QTemporaryDir dir;
    const QString tokenFile = dir.filePath(QStringLiteral("token"));
    QFile file(tokenFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("chosen-token-4f1d9a77c0e2\n");
    file.close();

    SandboxdProcess sandboxd;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("VW_LOG_LEVEL"), QStringLiteral("trace"));
    sandboxd.process().setProcessEnvironment(environment);
    SandboxdProcess::Options options;
    options.tokenFile = tokenFile;
    QVERIFY2(sandboxd.start(options), qPrintable(sandboxd.errorString()));
    QCOMPARE(sandboxd.token(), QStringLiteral("chosen-token-4f1d9a77c0e2"));
    // Not on the command line either.
    QVERIFY(!sandboxd.process().arguments().join(QLatin1Char(' ')).contains(sandboxd.token()));

    HttpTestClient client(sandboxd.baseUrl(), sandboxd.token());
    QCOMPARE(client.get(QStringLiteral("/api/sandbox/default")).status, 200);
    HttpTestClient wrong(sandboxd.baseUrl(), QStringLiteral("chosen-token"));
    QCOMPARE(wrong.get(QStringLiteral("/api/sandbox")).status, 401);
    const QString preview = client.get(QStringLiteral("/api/sandbox/default/ports/1/preview-url"))
                                .object()
                                .value(QStringLiteral("token"))
                                .toString();
    QVERIFY(sandboxd.stop());
    const QByteArray log = sandboxd.standardError();
    QVERIFY(!log.isEmpty());
    QVERIFY2(!log.contains("chosen-token-4f1d9a77c0e2"), log.constData());
    QVERIFY2(!log.contains(preview.toUtf8()), log.constData());
}

void TestSandboxd::printsExactlyOneListeningLine()
{
    SandboxdProcess sandboxd;
    QVERIFY2(sandboxd.start(), qPrintable(sandboxd.errorString()));
    QVERIFY(sandboxd.port() > 0);
    QVERIFY(sandboxd.stop());
    const QByteArray stdoutText = sandboxd.process().readAllStandardOutput();
    // start() consumed the line; nothing else was printed to stdout (logs go to stderr).
    QVERIFY2(stdoutText.isEmpty(), stdoutText.constData());
}

void TestSandboxd::explicitPortIsUsed()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    SandboxdProcess sandboxd;
    SandboxdProcess::Options options;
    options.port = port;
    QVERIFY2(sandboxd.start(options), qPrintable(sandboxd.errorString()));
    QCOMPARE(sandboxd.port(), port);

    // A second one on the same port cannot listen and says so.
    SandboxdProcess clash;
    QVERIFY(!clash.start(options));
    QVERIFY2(clash.errorString().contains(QStringLiteral("cannot listen")),
             qPrintable(clash.errorString()));
}

void TestSandboxd::defaultSandboxWhenNoneIsGiven()
{
    SandboxdProcess sandboxd;
    QVERIFY2(sandboxd.start(), qPrintable(sandboxd.errorString()));
    HttpTestClient client(sandboxd.baseUrl(), sandboxd.token());
    const QJsonArray items = client.get(QStringLiteral("/api/sandbox"))
                                 .object()
                                 .value(QStringLiteral("items"))
                                 .toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.at(0).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("default"));
    const QString workDir = client.get(QStringLiteral("/toolbox/default/work-dir"))
                                .object()
                                .value(QStringLiteral("dir"))
                                .toString();
    QVERIFY(QDir(workDir).exists());
    QVERIFY(sandboxd.stop());
    // The temporary directory goes with sandboxd.
    QVERIFY(!QDir(workDir).exists());
}

void TestSandboxd::stateFileSaysWhereItListens()
{
    SandboxdProcess sandboxd;
    SandboxdProcess::Options options;
    const QString stateFile = sandboxd.scratchDirectory() + QStringLiteral("/sandboxd.json");
    options.extraArguments = {QStringLiteral("--state-file"), stateFile};
    QVERIFY2(sandboxd.start(options), qPrintable(sandboxd.errorString()));

    QFile file(stateFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    const QJsonObject state = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(state.value(QStringLiteral("url")).toString(), sandboxd.baseUrl());
    QCOMPARE(state.value(QStringLiteral("pid")).toInteger(), sandboxd.process().processId());
    QVERIFY(!QJsonDocument(state).toJson().contains(sandboxd.token().toUtf8()));

    QVERIFY(sandboxd.stop());
    QVERIFY(!QFile::exists(stateFile));
}

void TestSandboxd::sigtermEndsSessionProcesses()
{
    SandboxdProcess sandboxd;
    QVERIFY2(sandboxd.start(), qPrintable(sandboxd.errorString()));
    HttpTestClient client(sandboxd.baseUrl() + QStringLiteral("/toolbox/default"),
                          sandboxd.token());
    QCOMPARE(client
                 .post(QStringLiteral("/process/session"),
                       {{QStringLiteral("sessionId"), QStringLiteral("s")}})
                 .status,
             201);
    const HttpResult started =
        client.post(QStringLiteral("/process/session/s/exec"),
                    {{QStringLiteral("command"),
                      QStringLiteral("sleep 300 >/dev/null 2>&1 </dev/null & echo $!")}});
    const qint64 pid =
        started.object().value(QStringLiteral("output")).toString().trimmed().toLongLong();
    QVERIFY(pid > 0);
    QVERIFY(QFile::exists(QStringLiteral("/proc/%1").arg(pid)));
    QVERIFY(sandboxd.stop());
    QVERIFY(QTest::qWaitFor(
        [&] {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                return true;
            const QByteArray fields = stat.readAll();
            return fields.mid(fields.lastIndexOf(')') + 2, 1) == "Z";
        },
        10000));
}

void TestSandboxd::badArgumentsAreRefused_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no token file") << QStringList{QStringLiteral("--port"), QStringLiteral("0")};
    QTest::newRow("bad port") << QStringList{QStringLiteral("--port"), QStringLiteral("70000"),
                                             QStringLiteral("--token-file"),
                                             QStringLiteral("/tmp/x")};
    QTest::newRow("bad sandbox") << QStringList{
        QStringLiteral("--token-file"), QStringLiteral("/tmp/x"), QStringLiteral("--sandbox"),
        QStringLiteral("nodir")};
    QTest::newRow("label for unknown sandbox")
        << QStringList{QStringLiteral("--token-file"), QStringLiteral("/tmp/x"),
                       QStringLiteral("--label"), QStringLiteral("ghost:a=b")};
}

void TestSandboxd::badArgumentsAreRefused()
{
    QFETCH(QStringList, arguments);
    QProcess process;
    process.start(SandboxdProcess::binaryPath(), arguments);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    QVERIFY(!process.readAllStandardError().isEmpty());
}

QTEST_GUILESS_MAIN(TestSandboxd)
#include "tst_sandboxd.moc"
