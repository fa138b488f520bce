#include "ui/SettingsDialog.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/SecretStore.h"
#include "models/DatabaseUrl.h"
#include "ui/AppTranslator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QVBoxLayout>

namespace vw::ui {

using engine::AppSettings;
using engine::SecretStore;

namespace {

QLabel *wrappingLabel(QWidget *parent, const QString &text = {})
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// A language in its own words ("Deutsch", "Français"): what its speakers look for.
QString languageName(const QString &code)
{
    if (code == u"en") // not "American English": the app's English is the source text
        return QStringLiteral("English");
    const QString name = QLocale(code).nativeLanguageName();
    return name.isEmpty() ? code : name.left(1).toUpper() + name.mid(1);
}

} // namespace

SettingsDialog::SettingsDialog(const AppSettings &settings, SecretStore *secrets, QWidget *parent)
    : QDialog(parent)
    , m_initial(settings)
    , m_secrets(secrets)
{
    setWindowTitle(tr("Vaporwatch Settings"));
    setMinimumWidth(520);

    // Daytona
    auto *daytonaBox = new QGroupBox(tr("Daytona"), this);
    m_account = new QCheckBox(tr("Use a &Daytona account (otherwise the local sandbox)"), this);
    m_account->setToolTip(tr("Without an account, builds run in the embedded local sandbox on "
                             "this machine."));
    m_apiUrl = new QLineEdit(this);
    m_apiUrl->setAccessibleName(tr("Daytona API URL"));
    m_apiUrl->setPlaceholderText(daytona::DaytonaConfig::kDefaultApiUrl);
    m_apiKey = new QLineEdit(this);
    m_apiKey->setAccessibleName(tr("Daytona API key"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setToolTip(tr("Kept in the system keychain, never in a settings file."));
    m_removeKey = new QPushButton(tr("&Remove key"), this);
    m_removeKey->setToolTip(tr("Delete the stored API key from the keychain."));
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_apiKey, 1);
    keyRow->addWidget(m_removeKey);
    m_keychainLabel = wrappingLabel(this);
    m_target = new QLineEdit(this);
    m_target->setAccessibleName(tr("Target region"));
    m_target->setPlaceholderText(tr("the organisation's default (e.g. us, eu)"));
    m_testButton = new QPushButton(tr("&Test connection"), this);
    m_testButton->setToolTip(tr("List the sandboxes with this URL and key."));
    m_connectionLabel = wrappingLabel(this);
    m_connectionLabel->setAccessibleName(tr("Connection test result"));
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_connectionLabel, 1);
    auto *daytonaForm = new QFormLayout;
    daytonaForm->addRow(m_account);
    daytonaForm->addRow(tr("API &URL:"), m_apiUrl);
    auto *keyLabel = new QLabel(tr("API &key:"), this);
    keyLabel->setBuddy(m_apiKey); // a layout as the field gets no buddy by itself
    daytonaForm->addRow(keyLabel, keyRow);
    daytonaForm->addRow(QString(), m_keychainLabel);
    daytonaForm->addRow(tr("Target &region:"), m_target);
    daytonaForm->addRow(testRow);
    daytonaBox->setLayout(daytonaForm);

    // Builds
    auto *buildsBox = new QGroupBox(tr("Builds"), this);
    m_database = new QLineEdit(this);
    m_database->setAccessibleName(tr("Database"));
    m_database->setPlaceholderText(DatabaseUrl::defaultSqlitePath());
    m_database->setToolTip(tr("A SQLite file, or a postgres://user@host/database URL to share the "
                              "history with a team. Vaporwatch switches to it when you press OK."));
    m_parallel = new QSpinBox(this);
    m_parallel->setRange(1, AppSettings::kMaxParallelLimit);
    m_parallel->setAccessibleName(tr("Parallel builds"));
    m_parallel->setToolTip(tr("Builds in different sandboxes run at once up to this limit; the "
                              "rest wait as queued."));
    auto *buildsForm = new QFormLayout;
    buildsForm->addRow(tr("Data&base:"), m_database);
    buildsForm->addRow(tr("&Parallel builds:"), m_parallel);
    buildsBox->setLayout(buildsForm);

    // Agents and scripts
    auto *apiBox = new QGroupBox(tr("Agents and scripts"), this);
    m_httpApi = new QCheckBox(tr("Serve the build &HTTP API and cctray feed on 127.0.0.1"), this);
    m_httpApi->setAccessibleName(tr("Serve the HTTP API"));
    m_httpApi->setToolTip(tr("The original platform's /workspace/build endpoints, a live stream "
                             "of each build and /cctray.xml for CCMenu and BuildNotify, with "
                             "a bearer token kept in the keychain"));
    m_httpApiPort = new QSpinBox(this);
    m_httpApiPort->setRange(1, 65535);
    m_httpApiPort->setAccessibleName(tr("HTTP API port"));
    connect(m_httpApi, &QCheckBox::toggled, m_httpApiPort, &QWidget::setEnabled);
    auto *apiForm = new QFormLayout;
    apiForm->addRow(m_httpApi);
    apiForm->addRow(tr("P&ort:"), m_httpApiPort);
    apiBox->setLayout(apiForm);

    // Language
    auto *languageBox = new QGroupBox(tr("Language"), this);
    m_language = new QComboBox(this);
    m_language->setAccessibleName(tr("Language"));
    m_language->addItem(
        tr("System default (%1)").arg(languageName(AppTranslator::resolve(QString()))), QString());
    m_language->addItem(languageName(QStringLiteral("en")), QStringLiteral("en"));
    for (const QString &code : AppTranslator::availableLanguages())
        m_language->addItem(languageName(code), code);
    auto *languageForm = new QFormLayout;
    languageForm->addRow(tr("&Language:"), m_language);
    languageForm->addRow(QString(), wrappingLabel(this, tr("Takes effect when Vaporwatch starts "
                                                           "again.")));
    languageBox->setLayout(languageForm);

    // Notifications
    auto *notifyBox = new QGroupBox(tr("Notify when a build"), this);
    m_notifyStarted = new QCheckBox(tr("&starts"), this);
    m_notifyFailed = new QCheckBox(tr("&fails (broken)"), this);
    m_notifyFixed = new QCheckBox(tr("succeeds after a failure (fi&xed)"), this);
    m_notifyStillFailing = new QCheckBox(tr("fails again (still fai&ling)"), this);
    m_notifySucceeded = new QCheckBox(tr("succeeds a&gain"), this);
    auto *notifyLayout = new QVBoxLayout;
    for (QCheckBox *box :
         {m_notifyStarted, m_notifyFailed, m_notifyFixed, m_notifyStillFailing, m_notifySucceeded})
        notifyLayout->addWidget(box);
    notifyBox->setLayout(notifyLayout);

    m_problemLabel = wrappingLabel(this);
    m_problemLabel->setStyleSheet(QStringLiteral("color: palette(highlighted-text); "
                                                 "background: #b3261e; padding: 4px;"));
    m_problemLabel->hide();
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *exportButton = m_buttons->addButton(tr("E&xport…"), QDialogButtonBox::ActionRole);
    exportButton->setToolTip(tr("Save these settings as a JSON file, without the API key or "
                                "passwords, to use them on another machine"));
    QPushButton *importButton = m_buttons->addButton(tr("&Import…"), QDialogButtonBox::ActionRole);
    importButton->setToolTip(tr("Fill the dialog from an exported settings file"));
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Settings"), QStringLiteral("vaporwatch-settings.json"),
            tr("Settings (*.json)"));
        if (!path.isEmpty())
            exportTo(path);
    });
    connect(importButton, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Import Settings"), {}, tr("Settings (*.json)"));
        if (!path.isEmpty())
            importFrom(path);
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(daytonaBox);
    layout->addWidget(buildsBox);
    layout->addWidget(apiBox);
    layout->addWidget(languageBox);
    layout->addWidget(notifyBox);
    layout->addWidget(m_problemLabel);
    layout->addWidget(m_buttons);

    connect(m_account, &QCheckBox::toggled, this, &SettingsDialog::updateAccountWidgets);
    connect(m_testButton, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    connect(m_removeKey, &QPushButton::clicked, this, &SettingsDialog::removeKey);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    showSettings(settings);
    checkKeychain();
}

void SettingsDialog::showSettings(const AppSettings &settings)
{
    m_account->setChecked(settings.daytonaAccount);
    m_apiUrl->setText(settings.daytonaApiUrl.toString());
    m_target->setText(settings.daytonaTarget);
    m_database->setText(settings.databaseUrl);
    m_parallel->setValue(settings.maxParallelBuilds);
    m_httpApi->setChecked(settings.httpApiEnabled);
    m_httpApiPort->setValue(settings.httpApiPort);
    m_httpApiPort->setEnabled(settings.httpApiEnabled);
    m_notifyStarted->setChecked(settings.notifications.started);
    m_notifyFailed->setChecked(settings.notifications.failed);
    m_notifyFixed->setChecked(settings.notifications.fixed);
    m_notifyStillFailing->setChecked(settings.notifications.stillFailing);
    m_notifySucceeded->setChecked(settings.notifications.succeeded);
    int language = m_language->findData(settings.language);
    if (language < 0) { // a language without a catalogue here (from another machine's export)
        m_language->addItem(settings.language, settings.language);
        language = m_language->count() - 1;
    }
    m_language->setCurrentIndex(language);
    updateAccountWidgets();
}

bool SettingsDialog::exportTo(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(settings().toJson()).toJson()) < 0 || !file.commit()) {
        showProblem(tr("The settings were not exported to %1: %2").arg(path, file.errorString()));
        return false;
    }
    showProblem({});
    return true;
}

bool SettingsDialog::importFrom(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showProblem(tr("%1 cannot be read: %2").arg(path, file.errorString()));
        return false;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(1024 * 1024), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        showProblem(tr("%1 is not a settings file: %2").arg(path, error.errorString()));
        return false;
    }
    const Result<AppSettings> imported = AppSettings::fromJson(document.object());
    if (!imported) {
        showProblem(imported.error().message);
        return false;
    }
    // Into the dialog, not yet saved: OK keeps them, Cancel drops them.
    showSettings(imported.value());
    showProblem({});
    return true;
}

SettingsDialog::~SettingsDialog() = default;

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_initial;
    s.daytonaAccount = m_account->isChecked();
    const QString url = m_apiUrl->text().trimmed();
    s.daytonaApiUrl = QUrl(url.isEmpty() ? daytona::DaytonaConfig::kDefaultApiUrl : url);
    s.daytonaTarget = m_target->text().trimmed();
    s.databaseUrl = m_database->text().trimmed();
    s.maxParallelBuilds = m_parallel->value();
    s.notifications.started = m_notifyStarted->isChecked();
    s.notifications.failed = m_notifyFailed->isChecked();
    s.notifications.fixed = m_notifyFixed->isChecked();
    s.notifications.stillFailing = m_notifyStillFailing->isChecked();
    s.notifications.succeeded = m_notifySucceeded->isChecked();
    s.httpApiEnabled = m_httpApi->isChecked();
    s.httpApiPort = m_httpApiPort->value();
    s.language = m_language->currentData().toString();
    return s;
}

QString SettingsDialog::connectionResult() const
{
    return m_connectionLabel->text();
}

QString SettingsDialog::keychainStatus() const
{
    return m_keychainLabel->text();
}

void SettingsDialog::checkKeychain()
{
    m_keychainLabel->setText(tr("Reading the keychain…"));
    m_secrets->read(SecretStore::kDaytonaApiKey)
        ->onResult(this, [this](const Result<std::optional<QString>> &key) {
            m_keychainAvailable = key.ok();
            if (!key) {
                m_storedKey.reset();
                m_keychainLabel->setText(
                    tr("%1\nThe API key cannot be stored here; set DAYTONA_API_KEY in the "
                       "environment instead.")
                        .arg(key.error().message));
            } else {
                m_storedKey = key.value();
                m_keychainLabel->setText(m_storedKey ? tr("An API key is stored in the keychain.")
                                                     : tr("No API key is stored yet."));
            }
            updateAccountWidgets();
            emit keychainChecked();
        });
}

void SettingsDialog::updateAccountWidgets()
{
    const bool account = m_account->isChecked();
    for (QWidget *w : std::initializer_list<QWidget *>{m_apiUrl, m_target, m_testButton})
        w->setEnabled(account);
    m_apiKey->setEnabled(account && m_keychainAvailable);
    m_removeKey->setEnabled(account && m_keychainAvailable && m_storedKey.has_value());
    m_apiKey->setPlaceholderText(m_storedKey ? tr("stored in the keychain — type to replace")
                                             : tr("dtn_…"));
}

void SettingsDialog::testConnection()
{
    const QString typed = m_apiKey->text().trimmed();
    const QString key = typed.isEmpty() ? m_storedKey.value_or(QString()) : typed;
    if (key.isEmpty()) {
        m_connectionLabel->setText(tr("Enter an API key first."));
        emit connectionTested(false);
        return;
    }
    AppSettings s = settings();
    if (!s.daytonaApiUrl.isValid() || s.daytonaApiUrl.host().isEmpty()) {
        m_connectionLabel->setText(tr("The API URL is not valid."));
        emit connectionTested(false);
        return;
    }
    m_testButton->setEnabled(false);
    m_connectionLabel->setText(tr("Connecting…"));
    daytona::DaytonaConfig config = s.daytonaConfig(key);
    config.maxRetries = 0; // answer now; the user can press the button again
    config.requestTimeoutMs = 15'000;
    m_testClient = std::make_unique<daytona::DaytonaClient>(config);
    m_testClient->listSandboxes()->onResult(this, [this](const Result<daytona::SandboxPage> &page) {
        m_testButton->setEnabled(m_account->isChecked());
        if (!page) {
            m_connectionLabel->setText(tr("Failed: %1").arg(page.error().toString()));
            emit connectionTested(false);
            return;
        }
        QStringList names;
        for (const daytona::Sandbox &sandbox : page.value().items)
            names.append(sandbox.name.isEmpty() ? sandbox.id : sandbox.name);
        const int shown = 5;
        QString list = QStringList(names.mid(0, shown)).join(QStringLiteral(", "));
        if (names.size() > shown)
            list += tr(", …");
        m_connectionLabel->setText(
            tr("Connected; sandboxes found: %n", nullptr, int(names.size())) +
            (names.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(list)));
        emit connectionTested(true);
    });
}

void SettingsDialog::removeKey()
{
    m_removeKey->setEnabled(false);
    m_secrets->remove(SecretStore::kDaytonaApiKey)->onResult(this, [this](const Status &removed) {
        if (!removed) {
            showProblem(removed.error().message);
        } else {
            m_storedKey.reset();
            m_keyChanged = true;
            m_keychainLabel->setText(tr("The API key was removed from the keychain."));
        }
        updateAccountWidgets();
    });
}

std::optional<QString> SettingsDialog::validate() const
{
    const AppSettings s = settings();
    if (s.daytonaAccount) {
        if (!s.daytonaApiUrl.isValid() || s.daytonaApiUrl.host().isEmpty() ||
            (s.daytonaApiUrl.scheme() != u"https" && s.daytonaApiUrl.scheme() != u"http"))
            return tr("The API URL must be an http(s) URL, e.g. %1.")
                .arg(daytona::DaytonaConfig::kDefaultApiUrl);
        if (!m_keychainAvailable && m_apiKey->text().trimmed().isEmpty() && !m_storedKey)
            return tr("A Daytona account needs an API key, and no keychain is available to keep "
                      "it: set DAYTONA_API_KEY in the environment, or use the local sandbox.");
        if (m_keychainAvailable && m_apiKey->text().trimmed().isEmpty() && !m_storedKey)
            return tr("Enter the Daytona API key (or use the local sandbox).");
    }
    if (!s.databaseUrl.isEmpty()) {
        const Result<DatabaseUrl> url = DatabaseUrl::parse(s.databaseUrl);
        if (!url)
            return url.error().message;
        if (!url.value().password().isEmpty())
            return tr("Leave the database password out of the URL (it would be stored in the "
                      "settings file): PostgreSQL reads it from ~/.pgpass or PGPASSWORD.");
    }
    return std::nullopt;
}

void SettingsDialog::showProblem(const QString &message)
{
    m_problemLabel->setText(message);
    m_problemLabel->setVisible(!message.isEmpty());
}

void SettingsDialog::accept()
{
    if (const std::optional<QString> problem = validate()) {
        showProblem(*problem);
        return;
    }
    const QString newKey = m_apiKey->text().trimmed();
    if (!m_account->isChecked() || newKey.isEmpty()) {
        showProblem({});
        QDialog::accept();
        return;
    }
    m_buttons->setEnabled(false);
    m_secrets->write(SecretStore::kDaytonaApiKey, newKey)
        ->onResult(this, [this, newKey](const Status &written) {
            m_buttons->setEnabled(true);
            if (!written) {
                showProblem(tr("The API key was not saved: %1").arg(written.error().message));
                return;
            }
            m_storedKey = newKey;
            m_keyChanged = true;
            m_apiKey->clear();
            showProblem({});
            QDialog::accept();
        });
}

} // namespace vw::ui
