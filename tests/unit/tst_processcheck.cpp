#include "app/engine/ProcessCheck.h"

#include <QTest>

using vw::engine::ProcessCheck;
using vw::engine::ProcessCheckResult;
using vw::engine::ProcessProbe;

// How ProcessCheck combines the toolbox's port list and the probe's output into one answer.
class tst_ProcessCheck : public QObject
{
    Q_OBJECT

private slots:
    void evaluate_data();
    void evaluate();
    void holdersComeFromTheSocketTool();
    void invalidRequestsFail();
};

namespace {

ProcessProbe::Output probeWith(bool hasPs, const QString &socketTool)
{
    ProcessProbe::Output output;
    output.selfPid = 10;
    output.hasPs = hasPs;
    output.socketTool = socketTool;
    output.portAsked = true;
    if (hasPs)
        output.processes = {{200, 1, QStringLiteral("node"), QStringLiteral("node server.mjs")},
                            {201, 1, QStringLiteral("node"), QStringLiteral("node worker.js")},
                            {300, 1, QStringLiteral("nginx"), QStringLiteral("nginx: master")}};
    if (!socketTool.isEmpty())
        output.listeners = {{3000, 200, QStringLiteral("node")}};
    return output;
}

} // namespace

void tst_ProcessCheck::evaluate_data()
{
    QTest::addColumn<int>("port"); // 0: not asked
    QTest::addColumn<QString>("name");
    QTest::addColumn<QList<int>>("listening");
    QTest::addColumn<bool>("hasPs");
    QTest::addColumn<QString>("socketTool");
    QTest::addColumn<bool>("probeRan");
    QTest::addColumn<bool>("allFound");
    QTest::addColumn<bool>("incomplete");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("note"); // a part of the one note expected, or empty for none

    const QList<int> ports{22, 3000};
    QTest::newRow("port in use") << 3000 << "" << ports << true << "ss" << true << true << false
                                 << -1 << "";
    QTest::newRow("port free") << 4000 << "" << ports << true << "ss" << true << false << false
                               << -1 << "";
    QTest::newRow("process runs twice")
        << 0 << "node" << ports << true << "" << true << true << false << 2 << "";
    QTest::newRow("process not running")
        << 0 << "vite" << ports << true << "" << true << false << false << 0 << "";
    QTest::newRow("both found") << 3000 << "nginx" << ports << true << "ss" << true << true << false
                                << 1 << "";
    QTest::newRow("port found, process not")
        << 3000 << "vite" << ports << true << "ss" << true << false << false << 0 << "";
    QTest::newRow("ps missing, port still answered")
        << 3000 << "node" << ports << false << "ss" << true << false << true << -1
        << "ps is not installed in the sandbox; process names cannot be checked";
    QTest::newRow("ps missing, port free") << 4000 << "node" << ports << false << "ss" << true
                                           << false << true << -1 << "ps is not installed";
    QTest::newRow("no ss nor lsof") << 3000 << "" << ports << true << "" << true << true << false
                                    << -1 << "Neither ss nor lsof";
    QTest::newRow("probe failed, port answered") << 3000 << "node" << ports << false << "" << false
                                                 << false << true << -1 << "could not be read";
}

void tst_ProcessCheck::evaluate()
{
    QFETCH(int, port);
    QFETCH(QString, name);
    QFETCH(QList<int>, listening);
    QFETCH(bool, hasPs);
    QFETCH(QString, socketTool);
    QFETCH(bool, probeRan);
    QFETCH(bool, allFound);
    QFETCH(bool, incomplete);
    QFETCH(int, count);
    QFETCH(QString, note);

    ProcessCheck::Request request;
    request.sandbox = QStringLiteral("sb");
    if (port > 0)
        request.port = port;
    request.processName = name;
    const std::optional<ProcessProbe::Output> probe =
        probeRan ? std::optional(probeWith(hasPs, socketTool)) : std::nullopt;
    const ProcessCheckResult result = ProcessCheck::evaluate(
        request, listening, probe, probeRan ? QString() : QStringLiteral("HTTP 502"));

    QCOMPARE(result.allFound(), allFound);
    QCOMPARE(result.incomplete(), incomplete);
    QCOMPARE(result.port.has_value(), port > 0);
    if (port > 0)
        QCOMPARE(result.port->inUse, listening.contains(port));
    QCOMPARE(result.process.has_value(), !name.isEmpty());
    if (count >= 0) {
        QVERIFY(result.process->checked);
        QCOMPARE(result.process->count(), count);
    }
    if (note.isEmpty()) {
        QVERIFY2(result.notes.isEmpty(), qPrintable(result.notes.join(QLatin1Char('|'))));
    } else {
        QCOMPARE(result.notes.size(), 1);
        QVERIFY2(result.notes.first().contains(note), qPrintable(result.notes.first()));
    }
}

void tst_ProcessCheck::holdersComeFromTheSocketTool()
{
    ProcessCheck::Request request;
    request.port = 3000;
    const ProcessCheckResult withSs =
        ProcessCheck::evaluate(request, {3000}, probeWith(true, QStringLiteral("ss")));
    QVERIFY(withSs.port->holdersKnown);
    QCOMPARE(withSs.port->holders.size(), 1);
    QCOMPARE(withSs.port->holders.first().pid, 200);
    const ProcessCheckResult without = ProcessCheck::evaluate(request, {3000}, probeWith(true, {}));
    QVERIFY(!without.port->holdersKnown);
    QVERIFY(without.port->holders.isEmpty());
}

void tst_ProcessCheck::invalidRequestsFail()
{
    ProcessCheck check(nullptr);
    for (const auto &request : {ProcessCheck::Request{QStringLiteral("sb"), std::nullopt, {}},
                                ProcessCheck::Request{QStringLiteral("sb"), 0, {}},
                                ProcessCheck::Request{QStringLiteral("sb"), 70000, {}}}) {
        auto *job = check.check(request);
        QVERIFY(job->isFinished());
        QVERIFY(!job->ok());
    }
}

QTEST_GUILESS_MAIN(tst_ProcessCheck)
#include "tst_processcheck.moc"
