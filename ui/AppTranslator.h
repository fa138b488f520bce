#pragma once

#include <QLocale>
#include <QStringList>
#include <QTranslator>

#include <optional>

namespace vw::ui {

// Puts the app in a language: Vaporwatch's own catalogue (built into the program under
// :/i18n) and Qt's (standard dialogs and buttons). English is the source language, so choosing
// it, or a language without a catalogue, installs nothing.
class AppTranslator
{
public:
    AppTranslator() = default;
    ~AppTranslator();
    AppTranslator(const AppTranslator &) = delete;
    AppTranslator &operator=(const AppTranslator &) = delete;

    // The languages with a catalogue of ours, as codes ("de", "fr"), besides English.
    static QStringList availableLanguages();
    // The language of the settings (empty: the system's) as the code it resolves to.
    static QString resolve(const QString &language);

    // Installs the catalogues for `language` (empty: the system's) on the application,
    // replacing what this translator installed before. Returns the code in use ("en" when
    // nothing was installed).
    QString install(const QString &language);

private:
    void uninstall();

    QTranslator m_qt;
    QTranslator m_app;
    bool m_installed = false;
    std::optional<QLocale> m_previousLocale; // the default locale before install() changed it
};

} // namespace vw::ui
