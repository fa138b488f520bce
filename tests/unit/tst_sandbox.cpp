#include "app/sandboxd/Sandbox.h"
#include "app/sandboxd/ShellSession.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using vw::sandboxd::Sandbox;
using State = Sandbox::State;
using Transition = Sandbox::Transition;

class TestSandbox : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void idIsDerivedFromTheName();
    void startOnAStartedSandboxChangesNothing();
    void stopAndStartGoThroughTheirStates();
    void stopEndsEverySession();
    void sessionsAreUniqueAndEntrypointIsReserved();
    void dtoCarriesTheRequiredFields();

private:
    std::unique_ptr<Sandbox> makeSandbox(const QString &name);
    static bool waitForState(Sandbox &sandbox, State state);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSandbox::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
}

std::unique_ptr<Sandbox> TestSandbox::makeSandbox(const QString &name)
{
    return std::make_unique<Sandbox>(
        name, m_dir->filePath(name),
        QMap<QString, QString>{{QStringLiteral("team"), QStringLiteral("core")}},
        m_dir->filePath(QStringLiteral("scratch")));
}

bool TestSandbox::waitForState(Sandbox &sandbox, State state)
{
    QSignalSpy changed(&sandbox, &Sandbox::stateChanged);
    return sandbox.state() == state ||
           QTest::qWaitFor([&] { return sandbox.state() == state; }, 10000);
}

void TestSandbox::idIsDerivedFromTheName()
{
    const auto a = makeSandbox(QStringLiteral("web"));
    const auto b = makeSandbox(QStringLiteral("web"));
    const auto c = makeSandbox(QStringLiteral("api"));
    QCOMPARE(a->id(), b->id());
    QVERIFY(a->id() != c->id());
    QCOMPARE(QUuid::fromString(a->id()).version(), QUuid::Sha1);
    QCOMPARE(a->id(), Sandbox::idForName(QStringLiteral("web")).toString(QUuid::WithoutBraces));
}

void TestSandbox::startOnAStartedSandboxChangesNothing()
{
    const auto sandbox = makeSandbox(QStringLiteral("s"));
    QCOMPARE(sandbox->state(), State::Started);
    const QString token = sandbox->authToken();
    QCOMPARE(sandbox->start(), Transition::Accepted);
    QCOMPARE(sandbox->state(), State::Started);
    QCOMPARE(sandbox->authToken(), token);
}

void TestSandbox::stopAndStartGoThroughTheirStates()
{
    const auto sandbox = makeSandbox(QStringLiteral("s"));
    const QString firstToken = sandbox->authToken();
    QSignalSpy changed(sandbox.get(), &Sandbox::stateChanged);

    QCOMPARE(sandbox->stop(false), Transition::Accepted);
    QCOMPARE(sandbox->state(), State::Stopping);
    // A transition in progress refuses others (HTTP 409).
    QCOMPARE(sandbox->start(), Transition::InProgress);
    QCOMPARE(sandbox->stop(true), Transition::InProgress);
    QVERIFY(waitForState(*sandbox, State::Stopped));
    // Not stoppable any more (HTTP 400).
    QCOMPARE(sandbox->stop(false), Transition::InvalidState);

    QCOMPARE(sandbox->start(), Transition::Accepted);
    QCOMPARE(sandbox->state(), State::Starting);
    QCOMPARE(sandbox->stop(false), Transition::InProgress);
    QCOMPARE(sandbox->start(), Transition::InProgress);
    QVERIFY(waitForState(*sandbox, State::Started));
    // The preview token is new after a restart.
    QVERIFY(sandbox->authToken() != firstToken);
    QCOMPARE(changed.size(), 4);
}

void TestSandbox::stopEndsEverySession()
{
    const auto sandbox = makeSandbox(QStringLiteral("s"));
    QCOMPARE(sandbox->createSession(QStringLiteral("busy")), Sandbox::SessionError::None);
    auto *session = sandbox->session(QStringLiteral("busy"));
    auto command = session->execute(QStringLiteral("sleep 300"));
    QVERIFY(command.ok());
    QSignalSpy finished(command.value().get(), &vw::sandboxd::SessionCommand::finished);

    QCOMPARE(sandbox->stop(true), Transition::Accepted);
    QVERIFY(sandbox->sessions().isEmpty());
    QVERIFY(waitForState(*sandbox, State::Stopped));
    QVERIFY(finished.size() == 1 || finished.wait(10000));
    QCOMPARE(command.value()->exitCode(), std::optional<int>(128 + 9));
}

void TestSandbox::sessionsAreUniqueAndEntrypointIsReserved()
{
    const auto sandbox = makeSandbox(QStringLiteral("s"));
    QCOMPARE(sandbox->createSession(QStringLiteral("a")), Sandbox::SessionError::None);
    QCOMPARE(sandbox->createSession(QStringLiteral("a")), Sandbox::SessionError::Exists);
    QCOMPARE(sandbox->createSession(QStringLiteral("entrypoint")), Sandbox::SessionError::Reserved);
    QVERIFY(sandbox->session(QStringLiteral("a")));
    QVERIFY(sandbox->deleteSession(QStringLiteral("a")));
    QVERIFY(!sandbox->session(QStringLiteral("a")));
    QVERIFY(!sandbox->deleteSession(QStringLiteral("a")));
}

void TestSandbox::dtoCarriesTheRequiredFields()
{
    const auto sandbox = makeSandbox(QStringLiteral("s"));
    const QJsonObject full = sandbox->toJson(QStringLiteral("http://127.0.0.1:1/toolbox"), false);
    for (const char *field :
         {"id", "organizationId", "name", "user", "env", "labels", "public", "networkBlockAll",
          "target", "cpu", "gpu", "memory", "disk", "toolboxProxyUrl"})
        QVERIFY2(full.contains(QLatin1String(field)), field);
    QCOMPARE(full.value(QStringLiteral("toolboxProxyUrl")).toString(),
             QStringLiteral("http://127.0.0.1:1/toolbox"));
    QCOMPARE(
        full.value(QStringLiteral("labels")).toObject().value(QStringLiteral("team")).toString(),
        QStringLiteral("core"));
    const QJsonObject item = sandbox->toJson(QStringLiteral("http://x/toolbox"), true);
    for (const char *field : {"id", "organizationId", "name", "target", "cpu", "gpu", "memory",
                              "disk", "labels", "public", "user", "toolboxProxyUrl"})
        QVERIFY2(item.contains(QLatin1String(field)), field);
    QVERIFY(!item.contains(QStringLiteral("env")));
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
