#pragma once

#include "app/engine/AppSettings.h"

#include <QDialog>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace vw::daytona {
class DaytonaClient;
}
namespace vw::engine {
class SecretStore;
}

namespace vw::ui {

// Settings: the Daytona account (API URL, API key, target region), the database, the parallel
// build limit and which build transitions notify.
//
// The API key is never shown or written to the settings: the field stays empty, its placeholder
// says whether the keychain holds one; typing a new key replaces it when the dialog is accepted,
// "Remove key" deletes it. "Test connection" lists the sandboxes with the entered URL and key
// (or the stored key) or shows the server's error. Without a keychain the key field is disabled
// with a message that says why and what to do (DAYTONA_API_KEY) — never a plaintext fallback.
//
// Accepting validates (URL, database URL), stores a changed key in the keychain first, and only
// closes when that worked; settings() then holds the values to save.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const engine::AppSettings &settings, engine::SecretStore *secrets,
                   QWidget *parent = nullptr);
    ~SettingsDialog() override;

    engine::AppSettings settings() const;
    // The text of the connection test's result and of the keychain status (for tests, too).
    QString connectionResult() const;
    QString keychainStatus() const;
    // Whether the Daytona API key in the keychain was replaced or removed while the dialog was
    // open (a connection using it must be made again).
    bool keyChanged() const { return m_keyChanged; }

    void accept() override;

    // Settings as a JSON file without secrets (AppSettings::toJson), and back into the dialog
    // (not saved until OK). False after showing why in the dialog.
    bool exportTo(const QString &path);
    bool importFrom(const QString &path);

signals:
    // Finished the keychain read of the stored key (whether there is one, or that it failed).
    void keychainChecked();
    // The connection test answered (successfully or not).
    void connectionTested(bool ok);

private:
    void showSettings(const engine::AppSettings &settings);
    void checkKeychain();
    void testConnection();
    void removeKey();
    void updateAccountWidgets();
    void showProblem(const QString &message);
    std::optional<QString> validate() const;

    engine::AppSettings m_initial;
    engine::SecretStore *m_secrets;
    std::optional<QString> m_storedKey; // read from the keychain when the dialog opened
    bool m_keyChanged = false;
    bool m_keychainAvailable = false;
    std::unique_ptr<daytona::DaytonaClient> m_testClient;

    QCheckBox *m_account;
    QLineEdit *m_apiUrl;
    QLineEdit *m_apiKey;
    QPushButton *m_removeKey;
    QLabel *m_keychainLabel;
    QLineEdit *m_target;
    QPushButton *m_testButton;
    QLabel *m_connectionLabel;
    QLineEdit *m_database;
    QSpinBox *m_parallel;
    QCheckBox *m_httpApi;
    QSpinBox *m_httpApiPort;
    QComboBox *m_language;
    QCheckBox *m_notifyStarted;
    QCheckBox *m_notifyFailed;
    QCheckBox *m_notifyFixed;
    QCheckBox *m_notifyStillFailing;
    QCheckBox *m_notifySucceeded;
    QLabel *m_problemLabel;
    QDialogButtonBox *m_buttons;
};

} // namespace vw::ui
