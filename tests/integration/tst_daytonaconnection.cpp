#include "app/engine/SecretStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/CliRun.h"
#include "tests/support/SandboxdProcess.h"

#include <QDir>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using vw::engine::SecretStore;

// How vaporwatch-cli finds its Daytona account when DAYTONA_API_KEY is not set: the app's
// settings file (URL, account) and the API key in the keychain — the real keychain, a throwaway
// GNOME Keyring this test runs beside (tests/support/with-keyring.sh), shared with the CLI.
class tst_DaytonaConnection : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void accountFromSettingsAndKeychain();
    void accountWithoutKeyInTheKeychainSaysWhatToDo();
    void environmentKeyWinsOverTheAccount();

private:
    using Run = vw::test::CliRun;
    Run cli(const QStringList &arguments, const QString &apiKey = {});
    void writeSettings(bool account);

    vw::test::SandboxdProcess m_sandboxd;
    QTemporaryDir m_home;
    SecretStore m_secrets;
};

void tst_DaytonaConnection::initTestCase()
{
    QVERIFY(m_home.isValid());
    QVERIFY2(m_sandboxd.start(), qPrintable(m_sandboxd.errorString()));
}

void tst_DaytonaConnection::init()
{
    QVERIFY(awaitJob(m_secrets.remove(SecretStore::kDaytonaApiKey)).ok());
}

void tst_DaytonaConnection::writeSettings(bool account)
{
    const QString dir = m_home.path() + QStringLiteral("/config/Vaporwatch");
    QVERIFY(QDir().mkpath(dir));
    QSettings settings(dir + QStringLiteral("/vaporwatch.conf"), QSettings::IniFormat);
    settings.setValue(QStringLiteral("daytona/apiUrl"), m_sandboxd.apiUrl());
    settings.setValue(QStringLiteral("daytona/account"), account);
}

tst_DaytonaConnection::Run tst_DaytonaConnection::cli(const QStringList &arguments,
                                                      const QString &apiKey)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
    env.remove(QStringLiteral("DAYTONA_API_URL"));
    env.remove(QStringLiteral("DAYTONA_SERVER_URL"));
    if (apiKey.isEmpty())
        env.remove(QStringLiteral("DAYTONA_API_KEY"));
    else
        env.insert(QStringLiteral("DAYTONA_API_KEY"), apiKey);
    return vw::test::runCli(QStringLiteral(VW_CLI_BINARY), arguments, env, 60'000);
}

void tst_DaytonaConnection::accountFromSettingsAndKeychain()
{
    writeSettings(true);
    QVERIFY(awaitJob(m_secrets.write(SecretStore::kDaytonaApiKey, m_sandboxd.token())).ok());
    const Run run = cli({QStringLiteral("sandbox"), QStringLiteral("list")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("\tdefault\tstarted\n"), run.out.constData());
    QVERIFY(!run.err.contains(m_sandboxd.token().toUtf8()));
}

void tst_DaytonaConnection::accountWithoutKeyInTheKeychainSaysWhatToDo()
{
    writeSettings(true);
    const Run run = cli({QStringLiteral("sandbox"), QStringLiteral("list")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("the keychain holds no API key: add it in the app's Settings or "
                              "set DAYTONA_API_KEY"),
             run.err.constData());
}

void tst_DaytonaConnection::environmentKeyWinsOverTheAccount()
{
    writeSettings(true);
    QVERIFY(awaitJob(m_secrets.write(SecretStore::kDaytonaApiKey, QStringLiteral("stale"))).ok());
    // The settings' URL, the environment's key.
    const Run run = cli({QStringLiteral("sandbox"), QStringLiteral("list")}, m_sandboxd.token());
    QVERIFY2(run.exitCode == 0, run.err.constData());
    // Without the account and without a key, the CLI would use the local sandbox instead:
    // the wrong stored key proves the keychain was read when no environment key is set.
    const Run stale = cli({QStringLiteral("sandbox"), QStringLiteral("list")});
    QCOMPARE(stale.exitCode, 1);
    QVERIFY2(stale.err.contains("API key or token was not accepted"), stale.err.constData());
}

QTEST_GUILESS_MAIN(tst_DaytonaConnection)
#include "tst_daytonaconnection.moc"
