#include "AwaitJob.h"
#include "app/daytona/DaytonaClient.h"
#include "app/engine/LocalSandbox.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using vw::engine::LocalSandbox;

// The embedded default against the real vaporwatch-sandboxd: started detached on first use,
// reused by the next process, restarted when it is gone.
class tst_LocalSandbox : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void startsASandboxWithTheSampleProject();
    void secondUserReusesTheRunningServer();
    void restartsAServerThatIsGone();

private:
    qint64 statePid() const;
    void verifyReachable(const vw::daytona::DaytonaConfig &config);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_LocalSandbox::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY2(!LocalSandbox::sandboxdProgram().isEmpty(), "vaporwatch-sandboxd not found");
}

void tst_LocalSandbox::cleanup()
{
    // The server is detached by design: the test ends it itself.
    if (const qint64 pid = statePid(); pid > 0) {
        ::kill(static_cast<pid_t>(pid), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(!LocalSandbox::processRunning(pid), 10000);
    }
    m_dir.reset();
}

qint64 tst_LocalSandbox::statePid() const
{
    QFile file(m_dir->path() + QStringLiteral("/sandboxd.json"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return QJsonDocument::fromJson(file.readAll())
        .object()
        .value(QStringLiteral("pid"))
        .toInteger();
}

void tst_LocalSandbox::verifyReachable(const vw::daytona::DaytonaConfig &config)
{
    vw::daytona::DaytonaClient client(config);
    const auto sandbox = awaitJob(client.getSandbox(LocalSandbox::kSandboxName));
    QVERIFY2(sandbox.ok(), qPrintable(describe(sandbox)));
    QCOMPARE(sandbox.value().state, QStringLiteral("started"));
}

void tst_LocalSandbox::startsASandboxWithTheSampleProject()
{
    LocalSandbox local(m_dir->path());
    const auto config = awaitJob(local.ensureRunning());
    QVERIFY2(config.ok(), qPrintable(describe(config)));
    QVERIFY(config.value().apiUrl.toString().startsWith(QStringLiteral("http://127.0.0.1:")));
    verifyReachable(config.value());

    QVERIFY(QFile::exists(local.sampleProjectDirectory() + QStringLiteral("/package.json")));
    QVERIFY(QFile::exists(local.sampleProjectDirectory() + QStringLiteral("/build.mjs")));
    QVERIFY(
        QFileInfo(local.sampleProjectDirectory() + QStringLiteral("/package.json")).isWritable());
    QFile token(m_dir->path() + QStringLiteral("/token"));
    QCOMPARE(token.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    QVERIFY(statePid() > 0);
}

void tst_LocalSandbox::secondUserReusesTheRunningServer()
{
    LocalSandbox first(m_dir->path());
    const auto a = awaitJob(first.ensureRunning());
    QVERIFY2(a.ok(), qPrintable(describe(a)));
    const qint64 pid = statePid();

    LocalSandbox second(m_dir->path()); // e.g. the CLI while the app runs
    const auto b = awaitJob(second.ensureRunning());
    QVERIFY2(b.ok(), qPrintable(describe(b)));
    QCOMPARE(b.value().apiUrl, a.value().apiUrl);
    QCOMPARE(b.value().apiKey, a.value().apiKey);
    QCOMPARE(statePid(), pid);
}

void tst_LocalSandbox::restartsAServerThatIsGone()
{
    LocalSandbox local(m_dir->path());
    const auto a = awaitJob(local.ensureRunning());
    QVERIFY2(a.ok(), qPrintable(describe(a)));
    const qint64 oldPid = statePid();
    ::kill(static_cast<pid_t>(oldPid), SIGKILL); // crashed: the state file is left behind
    QTRY_VERIFY_WITH_TIMEOUT(!LocalSandbox::processRunning(oldPid), 10000);

    const auto b = awaitJob(local.ensureRunning());
    QVERIFY2(b.ok(), qPrintable(describe(b)));
    QVERIFY(statePid() != oldPid);
    QCOMPARE(b.value().apiKey, a.value().apiKey); // same token file
    verifyReachable(b.value());
}

QTEST_GUILESS_MAIN(tst_LocalSandbox)
#include "tst_localsandbox.moc"
