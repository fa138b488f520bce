#include "app/daytona/DaytonaConfig.h"

#include "models/Log.h"

#include <QCoreApplication>

namespace vw::daytona {

DaytonaConfig DaytonaConfig::withEnvironment(const QProcessEnvironment &env,
                                             QStringList *warnings) const
{
    DaytonaConfig config = *this;
    const QString envApiUrl = env.value(QStringLiteral("DAYTONA_API_URL")).trimmed();
    const QString serverUrl = env.value(QStringLiteral("DAYTONA_SERVER_URL")).trimmed();
    if (!envApiUrl.isEmpty()) {
        config.apiUrl = QUrl(envApiUrl);
    } else if (!serverUrl.isEmpty()) {
        config.apiUrl = QUrl(serverUrl);
        const QString warning = QCoreApplication::translate(
            "DaytonaConfig", "DAYTONA_SERVER_URL is deprecated; use DAYTONA_API_URL instead.");
        vw::log::get("daytona")->warn("{}", warning);
        if (warnings)
            warnings->append(warning);
    }
    const QString envApiKey = env.value(QStringLiteral("DAYTONA_API_KEY")).trimmed();
    if (!envApiKey.isEmpty())
        config.apiKey = envApiKey;
    const QString envTarget = env.value(QStringLiteral("DAYTONA_TARGET")).trimmed();
    if (!envTarget.isEmpty())
        config.target = envTarget;
    // A trailing slash would double up when paths are appended.
    QString path = config.apiUrl.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    config.apiUrl.setPath(path);
    config.registerSecrets();
    return config;
}

void DaytonaConfig::registerSecrets() const
{
    if (!apiKey.isEmpty())
        vw::log::registerSecret(apiKey);
}

} // namespace vw::daytona
