#include "app/engine/AppSettings.h"

#include "models/Version.h"

#include <QSettings>

namespace vw::engine {

namespace {

const QString kApiUrl = QStringLiteral("daytona/apiUrl");
const QString kTarget = QStringLiteral("daytona/target");
const QString kAccount = QStringLiteral("daytona/account");
const QString kDatabase = QStringLiteral("database/url");
const QString kParallel = QStringLiteral("builds/maxParallel");
const QString kNotifyStarted = QStringLiteral("notifications/started");
const QString kNotifyFailed = QStringLiteral("notifications/failed");
const QString kNotifyFixed = QStringLiteral("notifications/fixed");
const QString kNotifyStillFailing = QStringLiteral("notifications/stillFailing");
const QString kNotifySucceeded = QStringLiteral("notifications/succeeded");
const QString kNotifyPaused = QStringLiteral("notifications/paused");
const QString kHttpApiEnabled = QStringLiteral("httpApi/enabled");
const QString kHttpApiPort = QStringLiteral("httpApi/port");

bool boolValue(const QSettings &settings, const QString &key, bool fallback)
{
    const QVariant value = settings.value(key);
    if (!value.isValid())
        return fallback;
    const QString text = value.toString().trimmed().toLower();
    if (text == u"true" || text == u"1")
        return true;
    if (text == u"false" || text == u"0")
        return false;
    return fallback;
}

} // namespace

std::unique_ptr<QSettings> AppSettings::openDefault()
{
    return std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope,
                                       QString::fromLatin1(kOrganization),
                                       QStringLiteral("vaporwatch"));
}

AppSettings AppSettings::load(const QSettings &settings)
{
    AppSettings s;
    const QUrl url(settings.value(kApiUrl).toString().trimmed(), QUrl::StrictMode);
    if (url.isValid() && (url.scheme() == u"https" || url.scheme() == u"http") &&
        !url.host().isEmpty())
        s.daytonaApiUrl = url;
    s.daytonaTarget = settings.value(kTarget).toString().trimmed();
    s.daytonaAccount = boolValue(settings, kAccount, false);
    s.databaseUrl = settings.value(kDatabase).toString().trimmed();
    bool ok = false;
    const int parallel = settings.value(kParallel).toInt(&ok);
    if (ok && parallel >= 1 && parallel <= kMaxParallelLimit)
        s.maxParallelBuilds = parallel;
    const NotificationSettings defaults;
    s.notifications.started = boolValue(settings, kNotifyStarted, defaults.started);
    s.notifications.failed = boolValue(settings, kNotifyFailed, defaults.failed);
    s.notifications.fixed = boolValue(settings, kNotifyFixed, defaults.fixed);
    s.notifications.stillFailing = boolValue(settings, kNotifyStillFailing, defaults.stillFailing);
    s.notifications.succeeded = boolValue(settings, kNotifySucceeded, defaults.succeeded);
    s.notifications.paused = boolValue(settings, kNotifyPaused, defaults.paused);
    s.httpApiEnabled = boolValue(settings, kHttpApiEnabled, false);
    const int port = settings.value(kHttpApiPort).toInt(&ok);
    if (ok && port >= 1 && port <= 65535)
        s.httpApiPort = port;
    return s;
}

void AppSettings::save(QSettings &settings) const
{
    settings.setValue(kApiUrl, daytonaApiUrl.toString());
    settings.setValue(kTarget, daytonaTarget);
    settings.setValue(kAccount, daytonaAccount);
    settings.setValue(kDatabase, databaseUrl);
    settings.setValue(kParallel, maxParallelBuilds);
    settings.setValue(kNotifyStarted, notifications.started);
    settings.setValue(kNotifyFailed, notifications.failed);
    settings.setValue(kNotifyFixed, notifications.fixed);
    settings.setValue(kNotifyStillFailing, notifications.stillFailing);
    settings.setValue(kNotifySucceeded, notifications.succeeded);
    settings.setValue(kNotifyPaused, notifications.paused);
    settings.setValue(kHttpApiEnabled, httpApiEnabled);
    settings.setValue(kHttpApiPort, httpApiPort);
}

daytona::DaytonaConfig AppSettings::daytonaConfig(const QString &apiKey) const
{
    daytona::DaytonaConfig config;
    config.apiUrl = daytonaApiUrl;
    config.target = daytonaTarget;
    config.apiKey = apiKey;
    config.registerSecrets();
    return config;
}

} // namespace vw::engine
