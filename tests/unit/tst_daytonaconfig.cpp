#include "app/daytona/DaytonaConfig.h"

#include "models/Log.h"

#include <QTest>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

using vw::daytona::DaytonaConfig;

class tst_DaytonaConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaultsToTheCloud();
    void environmentOverridesSettings();
    void deprecatedServerUrlWarns();
    void apiUrlWinsOverServerUrl();
    void keyNeverReachesTheLog();
};

void tst_DaytonaConfig::defaultsToTheCloud()
{
    const DaytonaConfig config = DaytonaConfig().withEnvironment(QProcessEnvironment());
    QCOMPARE(config.apiUrl, QUrl(QStringLiteral("https://app.daytona.io/api")));
    QVERIFY(!config.hasApiKey());
}

void tst_DaytonaConfig::environmentOverridesSettings()
{
    DaytonaConfig fromSettings;
    fromSettings.apiUrl = QUrl(QStringLiteral("https://daytona.example.com/api"));
    fromSettings.apiKey = QStringLiteral("settings-key-123456");
    QProcessEnvironment env;
    env.insert(QStringLiteral("DAYTONA_API_URL"), QStringLiteral("http://127.0.0.1:3000/api/"));
    env.insert(QStringLiteral("DAYTONA_API_KEY"), QStringLiteral("env-key-abcdef"));
    env.insert(QStringLiteral("DAYTONA_TARGET"), QStringLiteral("eu"));
    QStringList warnings;
    const DaytonaConfig config = fromSettings.withEnvironment(env, &warnings);
    QCOMPARE(config.apiUrl, QUrl(QStringLiteral("http://127.0.0.1:3000/api")));
    QCOMPARE(config.apiKey, QStringLiteral("env-key-abcdef"));
    QCOMPARE(config.target, QStringLiteral("eu"));
    QVERIFY(warnings.isEmpty());

    // Unset variables leave the settings alone.
    const DaytonaConfig untouched = fromSettings.withEnvironment(QProcessEnvironment());
    QCOMPARE(untouched.apiKey, QStringLiteral("settings-key-123456"));
    QCOMPARE(untouched.apiUrl, QUrl(QStringLiteral("https://daytona.example.com/api")));
}

void tst_DaytonaConfig::deprecatedServerUrlWarns()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("DAYTONA_SERVER_URL"), QStringLiteral("http://old.example/api"));
    QStringList warnings;
    const DaytonaConfig config = DaytonaConfig().withEnvironment(env, &warnings);
    QCOMPARE(config.apiUrl, QUrl(QStringLiteral("http://old.example/api")));
    QCOMPARE(warnings.size(), 1);
    QVERIFY(warnings.first().contains(QStringLiteral("DAYTONA_API_URL")));
}

void tst_DaytonaConfig::apiUrlWinsOverServerUrl()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("DAYTONA_SERVER_URL"), QStringLiteral("http://old.example/api"));
    env.insert(QStringLiteral("DAYTONA_API_URL"), QStringLiteral("http://new.example/api"));
    QStringList warnings;
    const DaytonaConfig config = DaytonaConfig().withEnvironment(env, &warnings);
    QCOMPARE(config.apiUrl, QUrl(QStringLiteral("http://new.example/api")));
    QVERIFY(warnings.isEmpty());
}

void tst_DaytonaConfig::keyNeverReachesTheLog()
{
    std::ostringstream captured;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured, true);
    vw::log::addSink(sink);
    QProcessEnvironment env;
    env.insert(QStringLiteral("DAYTONA_API_KEY"), QStringLiteral("dtn_secret_from_env_42"));
    const DaytonaConfig config = DaytonaConfig().withEnvironment(env);
    vw::log::get("daytona")->warn("using key {}", config.apiKey);
    vw::log::removeSink(sink);
    const QString text = QString::fromStdString(captured.str());
    QVERIFY(text.contains(QStringLiteral("using key")));
    QVERIFY2(!text.contains(QStringLiteral("dtn_secret_from_env_42")), qPrintable(text));
}

QTEST_GUILESS_MAIN(tst_DaytonaConfig)
#include "tst_daytonaconfig.moc"
