#include "app/engine/ProcessProbe.h"

#include <QCoreApplication>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>

using vw::engine::ProcessProbe;
using Process = ProcessProbe::Process;
using Listener = ProcessProbe::Listener;

Q_DECLARE_METATYPE(QList<ProcessProbe::Process>)
Q_DECLARE_METATYPE(QList<ProcessProbe::Listener>)

// The parsers of what `ps`, `ss` and `lsof` print in a sandbox, and the probe's sections.
class tst_ProcessProbe : public QObject
{
    Q_OBJECT

private slots:
    void parsePsArgs_data();
    void parsePsArgs();
    void parsePsNames();
    void parseSs_data();
    void parseSs();
    void parseLsof_data();
    void parseLsof();
    void matchesName_data();
    void matchesName();
    void parseLeavesTheProbeOutAndMergesNames();
    void parseReportsMissingTools();
    void scriptAsksOnlyForWhatIsNeeded();
    void scriptRunsInBash();
};

void tst_ProcessProbe::parsePsArgs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<Process>>("expected");

    QTest::newRow("procps") << QStringLiteral("    1     0 /sbin/init splash\n"
                                              " 4242     1 node server.mjs --port 3000\n")
                            << QList<Process>{
                                   {1, 0, {}, QStringLiteral("/sbin/init splash")},
                                   {4242, 1, {}, QStringLiteral("node server.mjs --port 3000")}};
    QTest::newRow("busybox header") << QStringLiteral("PID   PPID  COMMAND\n    7     1 sh\n")
                                    << QList<Process>{{7, 1, {}, QStringLiteral("sh")}};
    QTest::newRow("empty args (kernel thread)") << QStringLiteral("   2     0 \n   3     2\n")
                                                << QList<Process>{{2, 0, {}, {}}, {3, 2, {}, {}}};
    QTest::newRow("spaces kept inside args")
        << QStringLiteral("10 1 npm run dev   --  x\n")
        << QList<Process>{{10, 1, {}, QStringLiteral("npm run dev   --  x")}};
    QTest::newRow("noise and CRLF") << QStringLiteral("ps: warning\r\n12 1 vi\r\n\n")
                                    << QList<Process>{{12, 1, {}, QStringLiteral("vi")}};
    QTest::newRow("empty") << QString() << QList<Process>{};
    QTest::newRow("one number only") << QStringLiteral("42\n") << QList<Process>{};
}

void tst_ProcessProbe::parsePsArgs()
{
    QFETCH(QString, text);
    QFETCH(QList<Process>, expected);
    QCOMPARE(ProcessProbe::parsePsArgs(text), expected);
}

void tst_ProcessProbe::parsePsNames()
{
    const auto names = ProcessProbe::parsePsNames(
        QStringLiteral("  PID COMMAND\n    1 systemd\n 4242 npm run dev\n   9 \nx 5\n"));
    QCOMPARE(names.size(), 3);
    QCOMPARE(names.at(0), (QPair<qint64, QString>(1, QStringLiteral("systemd"))));
    QCOMPARE(names.at(1), (QPair<qint64, QString>(4242, QStringLiteral("npm run dev"))));
    QCOMPARE(names.at(2), (QPair<qint64, QString>(9, QString())));
}

void tst_ProcessProbe::parseSs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("port");
    QTest::addColumn<QList<Listener>>("expected");

    const QString table =
        QStringLiteral("State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n"
                       "LISTEN 0      511        127.0.0.1:3000       0.0.0.0:*     "
                       "users:((\"node\",pid=1234,fd=21))\n"
                       "LISTEN 0      4096            [::]:8080          [::]:*\n"
                       "LISTEN 0      128    127.0.0.1%lo:5173       0.0.0.0:*     "
                       "users:((\"vite\",pid=77,fd=3),(\"vite\",pid=78,fd=3))\n"
                       "LISTEN 0      511                *:3000             *:*     "
                       "users:((\"node\",pid=1234,fd=22))\n");
    QTest::newRow("one port, v4 and v6 collapse")
        << table << 3000 << QList<Listener>{{3000, 1234, QStringLiteral("node")}};
    QTest::newRow("no process column (another user's socket)")
        << table << 8080 << QList<Listener>{{8080, 0, {}}};
    QTest::newRow("interface suffix, two processes")
        << table << 5173
        << QList<Listener>{{5173, 77, QStringLiteral("vite")}, {5173, 78, QStringLiteral("vite")}};
    QTest::newRow("port not listed") << table << 4200 << QList<Listener>{};
    QTest::newRow("every port") << table << 0
                                << QList<Listener>{{3000, 1234, QStringLiteral("node")},
                                                   {8080, 0, {}},
                                                   {5173, 77, QStringLiteral("vite")},
                                                   {5173, 78, QStringLiteral("vite")}};
    QTest::newRow("without the State column")
        << QStringLiteral("Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
                          "0      511    0.0.0.0:3000        0.0.0.0:*\n")
        << 3000 << QList<Listener>{{3000, 0, {}}};
    QTest::newRow("a name with a quote")
        << QStringLiteral(
               "LISTEN 0 5 127.0.0.1:3000 0.0.0.0:* users:((\"my \\\"srv\",pid=5,fd=1))\n")
        << 3000 << QList<Listener>{{3000, 5, QStringLiteral("my \\\"srv")}};
    QTest::newRow("garbage") << QStringLiteral("Cannot open netlink socket\n:\n") << 3000
                             << QList<Listener>{};
}

void tst_ProcessProbe::parseSs()
{
    QFETCH(QString, text);
    QFETCH(int, port);
    QFETCH(QList<Listener>, expected);
    QCOMPARE(ProcessProbe::parseSs(text, port), expected);
}

void tst_ProcessProbe::parseLsof_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("port");
    QTest::addColumn<QList<Listener>>("expected");

    QTest::newRow("one process, two sockets")
        << QStringLiteral("p1234\ncnode\nf21\nn127.0.0.1:3000\nf22\nn[::1]:3000\n") << 3000
        << QList<Listener>{{3000, 1234, QStringLiteral("node")}};
    QTest::newRow("two processes")
        << QStringLiteral("p1\ncnginx\nf6\nn*:80\np2\ncnginx\nf6\nn*:80\n") << 80
        << QList<Listener>{{80, 1, QStringLiteral("nginx")}, {80, 2, QStringLiteral("nginx")}};
    QTest::newRow("other port filtered")
        << QStringLiteral("p1\ncx\nn*:81\n") << 80 << QList<Listener>{};
    QTest::newRow("address without port")
        << QStringLiteral("p1\ncx\nnlocalhost\n") << 0 << QList<Listener>{};
    QTest::newRow("empty") << QString() << 80 << QList<Listener>{};
}

void tst_ProcessProbe::parseLsof()
{
    QFETCH(QString, text);
    QFETCH(int, port);
    QFETCH(QList<Listener>, expected);
    QCOMPARE(ProcessProbe::parseLsof(text, port), expected);
}

void tst_ProcessProbe::matchesName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("commandLine");
    QTest::addColumn<QString>("searched");
    QTest::addColumn<bool>("matches");

    QTest::newRow("command name") << "node"
                                  << "node server.mjs"
                                  << "node" << true;
    QTest::newRow("program path") << ""
                                  << "/usr/bin/python3 app.py"
                                  << "python3" << true;
    QTest::newRow("interpreted script") << "node"
                                        << "node /srv/server.mjs"
                                        << "server.mjs" << true;
    QTest::newRow("npm's title") << "npm run dev"
                                 << "npm run dev"
                                 << "npm" << true;
    QTest::newRow("not an option's value") << "vaporwatch-cli"
                                           << "vaporwatch-cli check_process --name node"
                                           << "node" << false;
    QTest::newRow("not later arguments") << "sleep"
                                         << "sleep 30 40"
                                         << "40" << false;
    QTest::newRow("the first argument is taken for a script") << "sleep"
                                                              << "sleep 30"
                                                              << "30" << true;
    QTest::newRow("no substring") << "nodejs"
                                  << "nodejs x"
                                  << "node" << false;
    QTest::newRow("case matters") << "Node"
                                  << "Node"
                                  << "node" << false;
    QTest::newRow("long name cut to 15 by the kernel") << "vaporwatch-sand"
                                                       << ""
                                                       << "vaporwatch-sandboxd" << true;
    QTest::newRow("empty name") << "x"
                                << "x"
                                << "" << false;
}

void tst_ProcessProbe::matchesName()
{
    QFETCH(QString, name);
    QFETCH(QString, commandLine);
    QFETCH(QString, searched);
    QFETCH(bool, matches);
    QCOMPARE(ProcessProbe::matchesName(Process{1, 0, name, commandLine}, searched), matches);
}

void tst_ProcessProbe::parseLeavesTheProbeOutAndMergesNames()
{
    const ProcessProbe::Output output = ProcessProbe::parse(
        QStringLiteral("@@vw-probe self 100\n"
                       "@@vw-probe ps-args\n"
                       "    1     0 init\n"
                       "  100    90 bash\n"
                       "  101   100 ps -eo pid=,ppid=,args=\n"
                       "  200     1 node server.mjs\n"
                       "@@vw-probe ps-names\n"
                       "    1 init\n  200 node\n"
                       "@@vw-probe port 3000\n"
                       "@@vw-probe ss\n"
                       "LISTEN 0 511 127.0.0.1:3000 0.0.0.0:* users:((\"node\",pid=200,fd=1))\n"
                       "LISTEN 0 511 127.0.0.1:9999 0.0.0.0:* users:((\"x\",pid=1,fd=1))\n"
                       "@@vw-probe end\n"));
    QCOMPARE(output.selfPid, 100);
    QVERIFY(output.hasPs);
    QCOMPARE(output.processes,
             (QList<Process>{{1, 0, QStringLiteral("init"), QStringLiteral("init")},
                             {200, 1, QStringLiteral("node"), QStringLiteral("node server.mjs")}}));
    QCOMPARE(output.socketTool, QStringLiteral("ss"));
    QVERIFY(output.portAsked);
    QCOMPARE(output.listeners, (QList<Listener>{{3000, 200, QStringLiteral("node")}}));
}

void tst_ProcessProbe::parseReportsMissingTools()
{
    const ProcessProbe::Output output = ProcessProbe::parse(
        QStringLiteral("@@vw-probe self 5\n@@vw-probe missing ps\n@@vw-probe port 80\n"
                       "@@vw-probe missing socket-tool\n@@vw-probe end\n"));
    QVERIFY(!output.hasPs);
    QVERIFY(output.processes.isEmpty());
    QVERIFY(output.socketTool.isEmpty());
    QVERIFY(output.portAsked);

    // Nothing at all (the command could not run): no tools, nothing found.
    const ProcessProbe::Output nothing = ProcessProbe::parse(QString());
    QVERIFY(!nothing.hasPs);
    QCOMPARE(nothing.selfPid, 0);
}

void tst_ProcessProbe::scriptAsksOnlyForWhatIsNeeded()
{
    const QString both = ProcessProbe::script(true, 3000);
    QVERIFY(both.contains(QStringLiteral("ps -eo")));
    QVERIFY(both.contains(QStringLiteral("ss -ltnp")));
    QVERIFY(both.contains(QStringLiteral("-iTCP:3000")));
    QVERIFY(!ProcessProbe::script(false, 80).contains(QStringLiteral("ps -eo")));
    QVERIFY(!ProcessProbe::script(true, std::nullopt).contains(QStringLiteral("ss -ltnp")));
}

void tst_ProcessProbe::scriptRunsInBash()
{
    // The real script, the real tools of this machine: its own shell is left out, and what it
    // prints parses.
    QProcess bash;
    bash.start(QStringLiteral("bash"), {QStringLiteral("-c"), ProcessProbe::script(true, 1)});
    QVERIFY(bash.waitForStarted(10'000));
    const qint64 bashPid = bash.processId();
    QVERIFY(bash.waitForFinished(30'000));
    const ProcessProbe::Output output =
        ProcessProbe::parse(QString::fromUtf8(bash.readAllStandardOutput()));
    QCOMPARE(output.selfPid, bashPid);
    QVERIFY(output.portAsked);
    if (QStandardPaths::findExecutable(QStringLiteral("ps")).isEmpty())
        QSKIP("ps is not installed here");
    QVERIFY(output.hasPs);
    QVERIFY(output.processes.size() > 1);
    for (const Process &process : output.processes) {
        QVERIFY(process.pid != output.selfPid);
        QVERIFY(process.parentPid != output.selfPid);
    }
    const bool self =
        std::any_of(output.processes.cbegin(), output.processes.cend(),
                    [](const Process &p) { return p.pid == QCoreApplication::applicationPid(); });
    QVERIFY2(self, "this test's own process is in the table");
}

QTEST_GUILESS_MAIN(tst_ProcessProbe)
#include "tst_processprobe.moc"
