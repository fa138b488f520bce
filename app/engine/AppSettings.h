#pragma once

#include "app/daytona/DaytonaConfig.h"
#include "models/Error.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <memory>

class QSettings;

namespace vw::engine {

// Which build transitions notify (the tray monitors' vocabulary: started, broken, fixed, still
// failing, succeeded).
struct NotificationSettings
{
    bool started = false;
    bool failed = true;       // broken: a failure after a success (or the first build)
    bool fixed = true;        // a success after a failure
    bool stillFailing = true; // a failure after a failure
    bool succeeded = true;    // a success after a success
    bool paused = false;      // "pause notifications": silences all of the above

    friend bool operator==(const NotificationSettings &, const NotificationSettings &) = default;
};

// The user's settings, shared by the app and the CLI: one file (QSettings, native format:
// ~/.config/Vaporwatch/vaporwatch.conf on Linux), whatever program reads it. No secret is ever
// stored here — the Daytona API key lives in the keychain (SecretStore); `daytonaAccount` only
// records that one was stored there.
struct AppSettings
{
    static constexpr int kMaxParallelLimit = 16;

    QUrl daytonaApiUrl = QUrl(daytona::DaytonaConfig::kDefaultApiUrl);
    QString daytonaTarget;       // empty: the organisation's default region
    bool daytonaAccount = false; // a Daytona API key is in the keychain; false: local sandbox
    QString databaseUrl;         // empty: the default SQLite file
    int maxParallelBuilds = 2;   // 1 … kMaxParallelLimit
    NotificationSettings notifications;
    // The HTTP API and cctray feed inside the app, on 127.0.0.1 (its bearer token is in the
    // keychain, like `vaporwatch-cli serve`'s without --token-file).
    bool httpApiEnabled = false;
    int httpApiPort = 4000; // 1 … 65535
    // The app's language: empty for the system's, else a catalogue's code ("en", "de", "fr").
    // Read when the app starts.
    QString language;

    // Whether `code` looks like a language code the settings accept ("de", "pt_BR"); empty too.
    static bool isLanguageCode(const QString &code);

    // The settings file every Vaporwatch program uses (not the program's own name).
    static std::unique_ptr<QSettings> openDefault();
    // Unknown or invalid values fall back to the defaults (a broken file never stops the app).
    static AppSettings load(const QSettings &settings);
    void save(QSettings &settings) const;

    // Every setting as a JSON document, to take to another machine or user — without secrets:
    // keys are in the keychain anyway, and a password in a database URL is left out.
    QJsonObject toJson() const;
    // Settings from toJson()'s document: what it leaves out keeps its default; a document of
    // another kind or an invalid value fails with a message that names it.
    static Result<AppSettings> fromJson(const QJsonObject &json);

    // The Daytona config these settings describe, with `apiKey` (from the keychain).
    daytona::DaytonaConfig daytonaConfig(const QString &apiKey) const;

    friend bool operator==(const AppSettings &, const AppSettings &) = default;
};

} // namespace vw::engine
