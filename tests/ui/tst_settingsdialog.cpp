#include "ui/SettingsDialog.h"

#include "app/engine/SecretStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/SandboxdProcess.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using vw::engine::AppSettings;
using vw::engine::SecretStore;
using vw::ui::SettingsDialog;

// The Settings dialog against the real keychain (a throwaway GNOME Keyring; registered a second
// time without any keychain, VW_EXPECT_KEYCHAIN says which) and a real sandboxd for "Test
// connection".
class tst_SettingsDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void showsTheSettingsAndReturnsTheEditedOnes();
    void languageChoice();
    void exportThenImportCarriesTheSettingsWithoutSecrets();
    void testConnectionListsTheSandboxesOrShowsTheError();
    void acceptStoresTheKeyInTheKeychainOnly();
    void invalidInputKeepsTheDialogOpen_data();
    void invalidInputKeepsTheDialogOpen();
    void withoutKeychainTheKeyCannotBeEnteredAndSaysWhy();

private:
    template<typename T>
    static T *child(const SettingsDialog &dialog, const QString &accessibleName);
    static QPushButton *button(const SettingsDialog &dialog, const QString &text);
    static void waitForKeychain(SettingsDialog &dialog);

    bool m_keychain = false;
    vw::test::SandboxdProcess m_sandboxd;
    SecretStore m_secrets{QStringLiteral("io.github.vaporwatch.Vaporwatch")};
};

template<typename T>
T *tst_SettingsDialog::child(const SettingsDialog &dialog, const QString &accessibleName)
{
    for (T *widget : dialog.findChildren<T *>()) {
        if (widget->accessibleName() == accessibleName)
            return widget;
    }
    return nullptr;
}

QPushButton *tst_SettingsDialog::button(const SettingsDialog &dialog, const QString &text)
{
    for (QPushButton *b : dialog.findChildren<QPushButton *>()) {
        if (b->text().remove(u'&') == text)
            return b;
    }
    return nullptr;
}

void tst_SettingsDialog::waitForKeychain(SettingsDialog &dialog)
{
    QSignalSpy checked(&dialog, &SettingsDialog::keychainChecked);
    QVERIFY(checked.wait(15'000));
}

void tst_SettingsDialog::initTestCase()
{
    const QByteArray expect = qgetenv("VW_EXPECT_KEYCHAIN");
    QVERIFY2(expect == "available" || expect == "unavailable", "run through CTest");
    m_keychain = expect == "available";
    QVERIFY2(m_sandboxd.start(), qPrintable(m_sandboxd.errorString()));
}

void tst_SettingsDialog::init()
{
    if (m_keychain)
        QVERIFY(awaitJob(m_secrets.remove(SecretStore::kDaytonaApiKey)).ok());
}

void tst_SettingsDialog::showsTheSettingsAndReturnsTheEditedOnes()
{
    AppSettings initial;
    initial.daytonaApiUrl = QUrl(m_sandboxd.apiUrl());
    initial.daytonaTarget = QStringLiteral("eu");
    initial.maxParallelBuilds = 3;
    SettingsDialog dialog(initial, &m_secrets);
    waitForKeychain(dialog);
    QCOMPARE(dialog.settings(), initial);

    child<QSpinBox>(dialog, QStringLiteral("Parallel builds"))->setValue(6);
    child<QLineEdit>(dialog, QStringLiteral("Target region"))->setText(QStringLiteral(" us "));
    QSpinBox *port = child<QSpinBox>(dialog, QStringLiteral("HTTP API port"));
    QVERIFY(!port->isEnabled()); // until the API is switched on
    child<QCheckBox>(dialog, QStringLiteral("Serve the HTTP API"))->setChecked(true);
    QVERIFY(port->isEnabled());
    port->setValue(4100);
    AppSettings expected = initial;
    expected.maxParallelBuilds = 6;
    expected.daytonaTarget = QStringLiteral("us");
    expected.httpApiEnabled = true;
    expected.httpApiPort = 4100;
    QCOMPARE(dialog.settings(), expected);
    // Without an account the Daytona fields are off.
    QVERIFY(!child<QLineEdit>(dialog, QStringLiteral("Daytona API URL"))->isEnabled());
}

void tst_SettingsDialog::languageChoice()
{
    AppSettings initial;
    SettingsDialog dialog(initial, &m_secrets);
    waitForKeychain(dialog);
    auto *language = child<QComboBox>(dialog, QStringLiteral("Language"));
    // The system's language first, then English and each catalogue in its own name.
    QCOMPARE(language->currentIndex(), 0);
    QVERIFY(dialog.settings().language.isEmpty());
    const int german = language->findText(QStringLiteral("Deutsch"));
    QVERIFY2(german > 0, "German is offered");
    QVERIFY(language->findText(QStringLiteral("Français")) > 0);
    QVERIFY(language->findText(QStringLiteral("English")) > 0);
    language->setCurrentIndex(german);
    QCOMPARE(dialog.settings().language, QStringLiteral("de"));

    // A language from another machine's settings without a catalogue here stays as it was.
    initial.language = QStringLiteral("pt_BR");
    SettingsDialog other(initial, &m_secrets);
    waitForKeychain(other);
    QCOMPARE(other.settings().language, QStringLiteral("pt_BR"));
}

void tst_SettingsDialog::exportThenImportCarriesTheSettingsWithoutSecrets()
{
    QTemporaryDir dir;
    AppSettings mine;
    mine.daytonaAccount = true;
    mine.daytonaApiUrl = QUrl(m_sandboxd.apiUrl());
    mine.daytonaTarget = QStringLiteral("eu");
    mine.maxParallelBuilds = 5;
    mine.notifications.started = true;
    mine.httpApiEnabled = true;
    mine.httpApiPort = 4300;
    SettingsDialog source(mine, &m_secrets);
    waitForKeychain(source);
    child<QLineEdit>(source, QStringLiteral("Daytona API key"))
        ->setText(QStringLiteral("dtn_typed"));
    const QString path = dir.filePath(QStringLiteral("settings.json"));
    QVERIFY(source.exportTo(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(!file.readAll().contains("dtn_typed"), "the key typed into the dialog stays out");

    // Another machine: the defaults, then the file fills the dialog (saved only with OK).
    SettingsDialog target(AppSettings(), &m_secrets);
    waitForKeychain(target);
    QVERIFY(target.importFrom(path));
    QCOMPARE(target.settings(), mine);

    // A file that is not settings changes nothing and says why.
    const QString other = dir.filePath(QStringLiteral("package.json"));
    QFile package(other);
    QVERIFY(package.open(QIODevice::WriteOnly));
    package.write(R"({"name": "web", "version": "1.0.0"})");
    package.close();
    SettingsDialog untouched(AppSettings(), &m_secrets);
    waitForKeychain(untouched);
    QVERIFY(!untouched.importFrom(other));
    QCOMPARE(untouched.settings(), AppSettings());
    QVERIFY(!untouched.importFrom(dir.filePath(QStringLiteral("missing.json"))));
}

void tst_SettingsDialog::testConnectionListsTheSandboxesOrShowsTheError()
{
    AppSettings initial;
    initial.daytonaAccount = true;
    initial.daytonaApiUrl = QUrl(m_sandboxd.apiUrl());
    SettingsDialog dialog(initial, &m_secrets);
    waitForKeychain(dialog);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    if (m_keychain) {
        child<QLineEdit>(dialog, QStringLiteral("Daytona API key"))->setText(m_sandboxd.token());
        QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
        QTest::mouseClick(button(dialog, QStringLiteral("Test connection")), Qt::LeftButton);
        QVERIFY(tested.wait(15'000));
        QCOMPARE(tested.first().first().toBool(), true);
        QCOMPARE(dialog.connectionResult(),
                 QStringLiteral("Connected; sandboxes found: 1 (default)"));

        const QString dir = QStringLiteral(VW_BINARY_DIR "/screenshots");
        QDir().mkpath(dir);
        QVERIFY(dialog.grab().save(dir + QStringLiteral("/settings.png")));

        child<QLineEdit>(dialog, QStringLiteral("Daytona API key"))
            ->setText(QStringLiteral("wrong"));
        tested.clear();
        QTest::mouseClick(button(dialog, QStringLiteral("Test connection")), Qt::LeftButton);
        QVERIFY(tested.wait(15'000));
        QCOMPARE(tested.first().first().toBool(), false);
        QVERIFY2(dialog.connectionResult().contains(
                     QStringLiteral("the API key or token was not accepted")),
                 qPrintable(dialog.connectionResult()));
        QVERIFY(!dialog.connectionResult().contains(QStringLiteral("wrong")));
    }
    // An unreachable server is an error too, not a hang.
    child<QLineEdit>(dialog, QStringLiteral("Daytona API URL"))
        ->setText(QStringLiteral("http://127.0.0.1:9/api"));
    child<QLineEdit>(dialog, QStringLiteral("Daytona API key"))->setText(QStringLiteral("k"));
    if (!m_keychain) // the key field is disabled: nothing to test with
        return;
    QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
    QTest::mouseClick(button(dialog, QStringLiteral("Test connection")), Qt::LeftButton);
    QVERIFY(tested.wait(20'000));
    QCOMPARE(tested.first().first().toBool(), false);
    QVERIFY(dialog.connectionResult().startsWith(QStringLiteral("Failed: ")));
}

void tst_SettingsDialog::acceptStoresTheKeyInTheKeychainOnly()
{
    if (!m_keychain)
        QSKIP("needs a keychain");
    AppSettings initial;
    initial.daytonaAccount = true;
    initial.daytonaApiUrl = QUrl(m_sandboxd.apiUrl());
    SettingsDialog dialog(initial, &m_secrets);
    waitForKeychain(dialog);
    QVERIFY(dialog.keychainStatus().contains(QStringLiteral("No API key is stored yet")));
    child<QLineEdit>(dialog, QStringLiteral("Daytona API key"))->setText(QStringLiteral("dtn_new"));
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.accept();
    QVERIFY(accepted.wait(15'000));
    QCOMPARE(awaitJob(m_secrets.read(SecretStore::kDaytonaApiKey)).value(),
             std::optional<QString>(QStringLiteral("dtn_new")));
    QCOMPARE(dialog.settings(), initial); // the key is not a setting

    // Opened again: the key is known to be there, not shown; Remove key deletes it.
    SettingsDialog again(initial, &m_secrets);
    waitForKeychain(again);
    QVERIFY(again.keychainStatus().contains(QStringLiteral("An API key is stored")));
    QCOMPARE(child<QLineEdit>(again, QStringLiteral("Daytona API key"))->text(), QString());
    QPushButton *remove = button(again, QStringLiteral("Remove key"));
    QVERIFY(remove->isEnabled());
    remove->click();
    QTRY_VERIFY(again.keychainStatus().contains(QStringLiteral("removed")));
    QVERIFY(!awaitJob(m_secrets.read(SecretStore::kDaytonaApiKey)).value().has_value());
}

void tst_SettingsDialog::invalidInputKeepsTheDialogOpen_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("problem");
    QTest::newRow("url") << QStringLiteral("ftp://x") << QString()
                         << QStringLiteral("must be an http(s) URL");
    QTest::newRow("database scheme")
        << QString() << QStringLiteral("mysql://h/db") << QStringLiteral("mysql");
    QTest::newRow("database password") << QString() << QStringLiteral("postgres://u:secret@h/db")
                                       << QStringLiteral("Leave the database password out");
}

void tst_SettingsDialog::invalidInputKeepsTheDialogOpen()
{
    QFETCH(QString, url);
    QFETCH(QString, database);
    QFETCH(QString, problem);
    AppSettings initial;
    initial.daytonaAccount = !url.isEmpty();
    SettingsDialog dialog(initial, &m_secrets);
    waitForKeychain(dialog);
    dialog.show();
    if (!url.isEmpty()) {
        child<QLineEdit>(dialog, QStringLiteral("Daytona API URL"))->setText(url);
        if (m_keychain)
            child<QLineEdit>(dialog, QStringLiteral("Daytona API key"))
                ->setText(QStringLiteral("k"));
    }
    child<QLineEdit>(dialog, QStringLiteral("Database"))->setText(database);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.accept();
    QCOMPARE(accepted.count(), 0);
    QVERIFY(dialog.isVisible());
    bool shown = false;
    for (const QLabel *label : dialog.findChildren<QLabel *>())
        shown |= label->isVisible() && label->text().contains(problem, Qt::CaseInsensitive);
    QVERIFY2(shown, qPrintable(problem));
}

void tst_SettingsDialog::withoutKeychainTheKeyCannotBeEnteredAndSaysWhy()
{
    if (m_keychain)
        QSKIP("a keychain runs in this run");
    AppSettings initial;
    initial.daytonaAccount = true;
    initial.daytonaApiUrl = QUrl(m_sandboxd.apiUrl());
    SettingsDialog dialog(initial, &m_secrets);
    waitForKeychain(dialog);
    QVERIFY(!child<QLineEdit>(dialog, QStringLiteral("Daytona API key"))->isEnabled());
    QVERIFY2(dialog.keychainStatus().contains(QStringLiteral("No keychain is available")) &&
                 dialog.keychainStatus().contains(QStringLiteral("DAYTONA_API_KEY")),
             qPrintable(dialog.keychainStatus()));
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.accept();
    QCOMPARE(accepted.count(), 0);
}

QTEST_MAIN(tst_SettingsDialog)
#include "tst_settingsdialog.moc"
