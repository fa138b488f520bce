#include "app/automation/EmbeddedHttpApi.h"

#include "app/engine/AppSettings.h"
#include "app/engine/EngineSession.h"
#include "app/engine/SecretStore.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/DetachedSandboxd.h"
#include "tests/support/HttpTestClient.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using vw::automation::EmbeddedHttpApi;
using vw::engine::EngineSession;
using vw::engine::SecretStore;

// The app's own HTTP API (Settings → "Serve the build HTTP API"): a real session on the embedded
// local sandbox, the token in the real keychain (a throwaway GNOME Keyring) — and, in a second
// run, no keychain at all, which must stop it with a clear message.
class tst_EmbeddedHttpApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void servesWithTheKeychainsToken();
    void onlyWhenTheSettingsSaySo();
    void aTakenPortIsReported();
    void withoutKeychainItSaysWhy();

private:
    static int freePort();
    bool m_keychain = false;
    QTemporaryDir m_dir;
    std::unique_ptr<EngineSession> m_session;
};

int tst_EmbeddedHttpApi::freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    return probe.serverPort();
}

void tst_EmbeddedHttpApi::initTestCase()
{
    const QByteArray expect = qgetenv("VW_EXPECT_KEYCHAIN");
    QVERIFY2(expect == "available" || expect == "unavailable",
             "run through CTest: VW_EXPECT_KEYCHAIN says which keychain to expect");
    m_keychain = expect == "available";
    QVERIFY(m_dir.isValid());
    EngineSession::Options options;
    options.databaseUrl = m_dir.filePath(QStringLiteral("builds.sqlite"));
    options.localSandboxDirectory = m_dir.filePath(QStringLiteral("local-sandbox"));
    for (const char *name : {"DAYTONA_API_KEY", "DAYTONA_API_URL", "DAYTONA_SERVER_URL"})
        options.environment.remove(QString::fromLatin1(name));
    m_session = std::make_unique<EngineSession>(options);
    QVERIFY(awaitJob(m_session->openStore()).ok());
    const auto started = awaitJob(m_session->startEngine(), 60'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    QVERIFY(awaitJob(m_session->store()->ensureProject(QStringLiteral("local"),
                                                       QStringLiteral("sample"),
                                                       QStringLiteral("Sample project")))
                .ok());
}

void tst_EmbeddedHttpApi::cleanupTestCase()
{
    m_session.reset();
    vw::test::stopDetachedSandboxd(m_dir.filePath(QStringLiteral("local-sandbox")));
}

void tst_EmbeddedHttpApi::servesWithTheKeychainsToken()
{
    if (!m_keychain)
        QSKIP("no keychain in this run");
    const int port = freePort();
    EmbeddedHttpApi api(m_session.get(), port);
    QSignalSpy listening(&api, &EmbeddedHttpApi::listening);
    QSignalSpy failed(&api, &EmbeddedHttpApi::failed);
    QTRY_COMPARE_WITH_TIMEOUT(listening.count() + failed.count(), 1, 20'000);
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(listening.first().first().toString(), QStringLiteral("http://127.0.0.1:%1").arg(port));

    // The token was made on first use and kept in the keychain, where `serve` finds it too.
    SecretStore secrets;
    const auto token = awaitJob(secrets.read(SecretStore::kHttpApiToken));
    QVERIFY(token.ok() && token.value() && token.value()->size() == 64);
    vw::test::HttpTestClient client(api.baseUrl(), *token.value());
    const vw::test::HttpResult feed = client.get(QStringLiteral("/cctray.xml"));
    QCOMPARE(feed.status, 200);
    QVERIFY2(feed.body.contains("<Projects") && feed.body.contains("Sample project"),
             feed.body.constData());
    client.setToken(QStringLiteral("not-the-token"));
    QCOMPARE(client.get(QStringLiteral("/cctray.xml")).status, 401);

    // A second API (the next start) uses the same token.
    EmbeddedHttpApi again(m_session.get(), freePort());
    QSignalSpy againListening(&again, &EmbeddedHttpApi::listening);
    QTRY_COMPARE_WITH_TIMEOUT(againListening.count(), 1, 20'000);
    vw::test::HttpTestClient second(again.baseUrl(), *token.value());
    QCOMPARE(second.get(QStringLiteral("/cctray.xml")).status, 200);
}

void tst_EmbeddedHttpApi::onlyWhenTheSettingsSaySo()
{
    vw::engine::AppSettings settings;
    QStringList reports;
    const auto report = [&reports](const QString &text) { reports << text; };
    QVERIFY(!EmbeddedHttpApi::serviceFor(m_session.get(), settings, report));
    settings.httpApiEnabled = true;
    settings.httpApiPort = freePort();
    std::unique_ptr<QObject> service =
        EmbeddedHttpApi::serviceFor(m_session.get(), settings, report);
    QVERIFY(service);
    QTRY_COMPARE_WITH_TIMEOUT(reports.size(), 1, 20'000);
    const QString expected = m_keychain
                                 ? QStringLiteral("http://127.0.0.1:%1").arg(settings.httpApiPort)
                                 : QStringLiteral("keychain");
    QVERIFY2(reports.first().contains(expected), qPrintable(reports.first()));
}

void tst_EmbeddedHttpApi::aTakenPortIsReported()
{
    if (!m_keychain)
        QSKIP("no keychain in this run: the token fails first");
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost));
    EmbeddedHttpApi api(m_session.get(), taken.serverPort());
    QSignalSpy failed(&api, &EmbeddedHttpApi::failed);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20'000);
    QVERIFY2(failed.first().first().toString().contains(QString::number(taken.serverPort())),
             qPrintable(failed.first().first().toString()));
    QVERIFY(!api.isListening());
}

void tst_EmbeddedHttpApi::withoutKeychainItSaysWhy()
{
    if (m_keychain)
        QSKIP("a keychain runs in this run");
    EmbeddedHttpApi api(m_session.get(), freePort());
    QSignalSpy failed(&api, &EmbeddedHttpApi::failed);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20'000);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("keychain")),
             qPrintable(failed.first().first().toString()));
    QVERIFY(!api.isListening());
}

QTEST_GUILESS_MAIN(tst_EmbeddedHttpApi)
#include "tst_embeddedhttpapi.moc"
