#include "app/engine/AppSettings.h"

#include "models/Version.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSettings>

#include <cmath>

namespace vw::engine {

namespace {

constexpr const char *kSettingsFormat = "vaporwatch-settings-1";
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
const QString kLanguage = QStringLiteral("ui/language");

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
    const QString language = settings.value(kLanguage).toString().trimmed();
    if (isLanguageCode(language))
        s.language = language;
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
    settings.setValue(kLanguage, language);
}

bool AppSettings::isLanguageCode(const QString &code)
{
    static const QRegularExpression pattern(QStringLiteral("^([a-z]{2,3}(_[A-Z]{2})?)?$"));
    return pattern.match(code).hasMatch();
}

QJsonObject AppSettings::toJson() const
{
    QUrl database(databaseUrl);
    if (database.scheme().startsWith(u"postgres") && !database.password().isEmpty())
        database.setPassword({});
    return {
        {QStringLiteral("format"), QString::fromLatin1(kSettingsFormat)},
        {QStringLiteral("daytona"),
         QJsonObject{{QStringLiteral("apiUrl"), daytonaApiUrl.toString()},
                     {QStringLiteral("target"), daytonaTarget},
                     {QStringLiteral("account"), daytonaAccount}}},
        {QStringLiteral("database"),
         QJsonObject{{QStringLiteral("url"), database.scheme().startsWith(u"postgres")
                                                 ? database.toString()
                                                 : databaseUrl}}},
        {QStringLiteral("builds"), QJsonObject{{QStringLiteral("maxParallel"), maxParallelBuilds}}},
        {QStringLiteral("notifications"),
         QJsonObject{{QStringLiteral("started"), notifications.started},
                     {QStringLiteral("failed"), notifications.failed},
                     {QStringLiteral("fixed"), notifications.fixed},
                     {QStringLiteral("stillFailing"), notifications.stillFailing},
                     {QStringLiteral("succeeded"), notifications.succeeded},
                     {QStringLiteral("paused"), notifications.paused}}},
        {QStringLiteral("httpApi"), QJsonObject{{QStringLiteral("enabled"), httpApiEnabled},
                                                {QStringLiteral("port"), httpApiPort}}},
        {QStringLiteral("ui"), QJsonObject{{QStringLiteral("language"), language}}},
    };
}

Result<AppSettings> AppSettings::fromJson(const QJsonObject &json)
{
    const auto invalid = [](const QString &what) {
        return Error{QStringLiteral("INVALID_SETTINGS"), what};
    };
    if (json.value(QStringLiteral("format")).toString() != QLatin1String(kSettingsFormat))
        return invalid(
            QCoreApplication::translate(
                "AppSettings", "This is not a Vaporwatch settings file (its \"format\" is not %1).")
                .arg(QString::fromLatin1(kSettingsFormat)));
    AppSettings s;
    QString problem;
    const auto group = [&json](const char *name) {
        return json.value(QLatin1String(name)).toObject();
    };
    const auto boolean = [&problem](const QJsonObject &object, const char *section, const char *key,
                                    bool &into) {
        const QJsonValue value = object.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        if (!value.isBool())
            problem = QStringLiteral("%1.%2").arg(QLatin1String(section), QLatin1String(key));
        else
            into = value.toBool();
    };
    const auto number = [&problem](const QJsonObject &object, const char *section, const char *key,
                                   int low, int high, int &into) {
        const QJsonValue value = object.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        const double d = value.toDouble(-1);
        if (!value.isDouble() || d != std::floor(d) || d < low || d > high)
            problem = QStringLiteral("%1.%2").arg(QLatin1String(section), QLatin1String(key));
        else
            into = int(d);
    };
    const QJsonObject daytona = group("daytona");
    if (daytona.contains(QStringLiteral("apiUrl"))) {
        const QUrl url(daytona.value(QStringLiteral("apiUrl")).toString().trimmed(),
                       QUrl::StrictMode);
        if (url.isValid() && (url.scheme() == u"https" || url.scheme() == u"http") &&
            !url.host().isEmpty())
            s.daytonaApiUrl = url;
        else
            problem = QStringLiteral("daytona.apiUrl");
    }
    s.daytonaTarget = daytona.value(QStringLiteral("target")).toString().trimmed();
    boolean(daytona, "daytona", "account", s.daytonaAccount);
    s.databaseUrl = group("database").value(QStringLiteral("url")).toString().trimmed();
    number(group("builds"), "builds", "maxParallel", 1, kMaxParallelLimit, s.maxParallelBuilds);
    const QJsonObject notify = group("notifications");
    boolean(notify, "notifications", "started", s.notifications.started);
    boolean(notify, "notifications", "failed", s.notifications.failed);
    boolean(notify, "notifications", "fixed", s.notifications.fixed);
    boolean(notify, "notifications", "stillFailing", s.notifications.stillFailing);
    boolean(notify, "notifications", "succeeded", s.notifications.succeeded);
    boolean(notify, "notifications", "paused", s.notifications.paused);
    boolean(group("httpApi"), "httpApi", "enabled", s.httpApiEnabled);
    number(group("httpApi"), "httpApi", "port", 1, 65535, s.httpApiPort);
    const QJsonValue language = group("ui").value(QStringLiteral("language"));
    if (!language.isUndefined()) {
        if (language.isString() && isLanguageCode(language.toString()))
            s.language = language.toString();
        else
            problem = QStringLiteral("ui.language");
    }
    if (!problem.isEmpty())
        return invalid(
            QCoreApplication::translate("AppSettings", "The settings file has an invalid %1.")
                .arg(problem));
    return s;
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
