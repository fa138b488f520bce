#include "app/engine/AppSettings.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using vw::engine::AppSettings;

class tst_AppSettings : public QObject
{
    Q_OBJECT

private slots:
    void defaultsWhenEmpty();
    void roundTrip();
    void invalidValuesFallBack_data();
    void invalidValuesFallBack();
    void sharedFileIsTheAppsNotTheProgramsOwn();
    void daytonaConfigCarriesUrlTargetAndKey();
    void jsonExportImportRoundTripsWithoutSecrets();
    void jsonImportRejectsWhatIsNotSettings_data();
    void jsonImportRejectsWhatIsNotSettings();

private:
    QSettings settingsFile(const QString &name);
    QTemporaryDir m_dir;
};

QSettings tst_AppSettings::settingsFile(const QString &name)
{
    return QSettings(m_dir.filePath(name), QSettings::IniFormat);
}

void tst_AppSettings::defaultsWhenEmpty()
{
    QSettings settings(m_dir.filePath(QStringLiteral("empty.conf")), QSettings::IniFormat);
    QCOMPARE(AppSettings::load(settings), AppSettings());
    const AppSettings defaults;
    QCOMPARE(defaults.daytonaApiUrl, QUrl(QStringLiteral("https://app.daytona.io/api")));
    QVERIFY(!defaults.daytonaAccount);
    QCOMPARE(defaults.maxParallelBuilds, 2);
    QVERIFY(defaults.notifications.failed && defaults.notifications.fixed);
    // Every transition notifies except "started" (issue 4), and nothing is paused.
    QVERIFY(!defaults.notifications.started && defaults.notifications.succeeded);
    QVERIFY(defaults.notifications.stillFailing && !defaults.notifications.paused);
    // The app serves no HTTP API unless asked to; its port is the original platform's.
    QVERIFY(!defaults.httpApiEnabled);
    QCOMPARE(defaults.httpApiPort, 4000);
    // The system's language unless the user picks one.
    QVERIFY(defaults.language.isEmpty());
}

void tst_AppSettings::roundTrip()
{
    AppSettings s;
    s.daytonaApiUrl = QUrl(QStringLiteral("https://daytona.example.com/api"));
    s.daytonaTarget = QStringLiteral("eu");
    s.daytonaAccount = true;
    s.databaseUrl = QStringLiteral("postgres://team@db.example.com/builds");
    s.maxParallelBuilds = 5;
    s.notifications.started = true;
    s.notifications.stillFailing = false;
    s.notifications.paused = true;
    s.httpApiEnabled = true;
    s.httpApiPort = 4100;
    s.language = QStringLiteral("fr");
    {
        QSettings settings(m_dir.filePath(QStringLiteral("round.conf")), QSettings::IniFormat);
        s.save(settings);
    }
    QSettings reopened(m_dir.filePath(QStringLiteral("round.conf")), QSettings::IniFormat);
    QCOMPARE(AppSettings::load(reopened), s);
    // Nothing in the file looks like a secret: the key is in the keychain.
    for (const QString &key : reopened.allKeys())
        QVERIFY2(!key.contains(QStringLiteral("key"), Qt::CaseInsensitive) &&
                     !key.contains(QStringLiteral("token"), Qt::CaseInsensitive),
                 qPrintable(key));
}

void tst_AppSettings::invalidValuesFallBack_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("value");
    QTest::newRow("url not a url") << QStringLiteral("daytona/apiUrl") << QVariant(u"::nope"_qs);
    QTest::newRow("url without host")
        << QStringLiteral("daytona/apiUrl") << QVariant(u"https:///api"_qs);
    QTest::newRow("url other scheme")
        << QStringLiteral("daytona/apiUrl") << QVariant(u"ftp://daytona.example.com"_qs);
    QTest::newRow("parallel zero") << QStringLiteral("builds/maxParallel") << QVariant(0);
    QTest::newRow("parallel too many") << QStringLiteral("builds/maxParallel") << QVariant(17);
    QTest::newRow("parallel text") << QStringLiteral("builds/maxParallel") << QVariant(u"many"_qs);
    QTest::newRow("bool text") << QStringLiteral("notifications/failed") << QVariant(u"yes!"_qs);
    QTest::newRow("account text") << QStringLiteral("daytona/account") << QVariant(u"maybe"_qs);
    QTest::newRow("port zero") << QStringLiteral("httpApi/port") << QVariant(0);
    QTest::newRow("port too big") << QStringLiteral("httpApi/port") << QVariant(70000);
    QTest::newRow("port text") << QStringLiteral("httpApi/port") << QVariant(u"http"_qs);
    QTest::newRow("language path") << QStringLiteral("ui/language") << QVariant(u"../de"_qs);
    QTest::newRow("language name") << QStringLiteral("ui/language") << QVariant(u"German"_qs);
}

void tst_AppSettings::invalidValuesFallBack()
{
    QFETCH(QString, key);
    QFETCH(QVariant, value);
    QSettings settings(m_dir.filePath(QStringLiteral("bad.conf")), QSettings::IniFormat);
    settings.clear();
    settings.setValue(key, value);
    QCOMPARE(AppSettings::load(settings), AppSettings());
}

void tst_AppSettings::sharedFileIsTheAppsNotTheProgramsOwn()
{
    // The CLI is "vaporwatch-cli", the app "vaporwatch": both read the app's file.
    QCoreApplication::setApplicationName(QStringLiteral("vaporwatch-cli"));
    const auto settings = AppSettings::openDefault();
    QVERIFY2(settings->fileName().endsWith(QStringLiteral("/Vaporwatch/vaporwatch.conf")),
             qPrintable(settings->fileName()));
}

void tst_AppSettings::daytonaConfigCarriesUrlTargetAndKey()
{
    AppSettings s;
    s.daytonaApiUrl = QUrl(QStringLiteral("http://127.0.0.1:9/api"));
    s.daytonaTarget = QStringLiteral("us");
    const auto config = s.daytonaConfig(QStringLiteral("k-123"));
    QCOMPARE(config.apiUrl, s.daytonaApiUrl);
    QCOMPARE(config.target, QStringLiteral("us"));
    QCOMPARE(config.apiKey, QStringLiteral("k-123"));
}

void tst_AppSettings::jsonExportImportRoundTripsWithoutSecrets()
{
    AppSettings s;
    s.daytonaApiUrl = QUrl(QStringLiteral("https://daytona.example.com/api"));
    s.daytonaTarget = QStringLiteral("eu");
    s.daytonaAccount = true;
    s.databaseUrl = QStringLiteral("postgres://team@db.example.com/builds");
    s.maxParallelBuilds = 7;
    s.notifications.started = true;
    s.notifications.fixed = false;
    s.httpApiEnabled = true;
    s.httpApiPort = 4321;
    s.language = QStringLiteral("de");
    const QByteArray document = QJsonDocument(s.toJson()).toJson();
    const auto back = AppSettings::fromJson(QJsonDocument::fromJson(document).object());
    QVERIFY(back.ok());
    QCOMPARE(back.value(), s);

    // A password someone put into the database URL stays on this machine.
    s.databaseUrl = QStringLiteral("postgres://team:s3cret-pw@db.example.com/builds");
    const QByteArray withPassword = QJsonDocument(s.toJson()).toJson();
    QVERIFY2(!withPassword.contains("s3cret-pw"), withPassword.constData());
    QCOMPARE(
        AppSettings::fromJson(QJsonDocument::fromJson(withPassword).object()).value().databaseUrl,
        QStringLiteral("postgres://team@db.example.com/builds"));
    // Only the format is needed: the rest keeps its defaults.
    const auto minimal = AppSettings::fromJson(
        QJsonObject{{QStringLiteral("format"), s.toJson().value(QStringLiteral("format"))}});
    QVERIFY(minimal.ok());
    QCOMPARE(minimal.value(), AppSettings());
}

void tst_AppSettings::jsonImportRejectsWhatIsNotSettings_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("named");
    const QByteArray format = R"("format": "vaporwatch-settings-1")";
    QTest::newRow("another file") << QByteArray(R"({"name": "package"})") << "not a Vaporwatch";
    QTest::newRow("url") << "{" + format + R"(, "daytona": {"apiUrl": "ftp://x"}})"
                         << "daytona.apiUrl";
    QTest::newRow("account not bool") << "{" + format + R"(, "daytona": {"account": "yes"}})"
                                      << "daytona.account";
    QTest::newRow("parallel too many") << "{" + format + R"(, "builds": {"maxParallel": 99}})"
                                       << "builds.maxParallel";
    QTest::newRow("parallel fraction") << "{" + format + R"(, "builds": {"maxParallel": 2.5}})"
                                       << "builds.maxParallel";
    QTest::newRow("port") << "{" + format + R"(, "httpApi": {"port": 0}})"
                          << "httpApi.port";
    QTest::newRow("notify") << "{" + format + R"(, "notifications": {"paused": 1}})"
                            << "notifications.paused";
    QTest::newRow("language") << "{" + format + R"(, "ui": {"language": "de/../x"}})"
                              << "ui.language";
    QTest::newRow("language not text") << "{" + format + R"(, "ui": {"language": 49}})"
                                       << "ui.language";
}

void tst_AppSettings::jsonImportRejectsWhatIsNotSettings()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, named);
    QJsonParseError error;
    const QJsonObject json = QJsonDocument::fromJson(document, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    const auto imported = AppSettings::fromJson(json);
    QVERIFY(!imported.ok());
    QVERIFY2(imported.error().message.contains(named), qPrintable(imported.error().message));
}

QTEST_GUILESS_MAIN(tst_AppSettings)
#include "tst_appsettings.moc"
