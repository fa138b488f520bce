#include "ui/AppTranslator.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>

namespace vw::ui {

namespace {

const QString kCatalogueDirectory = QStringLiteral(":/i18n");
const QString kCataloguePrefix = QStringLiteral("vaporwatch_");

} // namespace

AppTranslator::~AppTranslator()
{
    uninstall();
}

QStringList AppTranslator::availableLanguages()
{
    QStringList codes;
    const QStringList files =
        QDir(kCatalogueDirectory)
            .entryList({kCataloguePrefix + QStringLiteral("*.qm")}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        codes << file.mid(kCataloguePrefix.size()).chopped(3);
    return codes;
}

QString AppTranslator::resolve(const QString &language)
{
    const QStringList available = availableLanguages();
    // The system's preferred languages in order ("de-CH", "fr", …); the first we have wins.
    const QStringList wanted =
        language.isEmpty() ? QLocale::system().uiLanguages() : QStringList{language};
    for (QString code : wanted) {
        code.replace(u'-', u'_');
        if (code == u"C" || code.startsWith(u"en"))
            return QStringLiteral("en");
        if (available.contains(code))
            return code;
        const QString base = code.section(u'_', 0, 0);
        if (available.contains(base))
            return base;
    }
    return QStringLiteral("en");
}

QString AppTranslator::install(const QString &language)
{
    uninstall();
    const QString code = resolve(language);
    if (code == u"en")
        return code;
    if (!m_app.load(kCataloguePrefix + code, kCatalogueDirectory))
        return QStringLiteral("en");
    QCoreApplication::installTranslator(&m_app);
    // Dates, numbers and month names in charts follow the language too, when it was chosen
    // rather than taken from the system (whose locale already says how to write them).
    if (!language.isEmpty() && QLocale().language() != QLocale(code).language()) {
        m_previousLocale = QLocale();
        QLocale::setDefault(QLocale(code));
    }
    // Qt's own strings (QDialogButtonBox, QFileDialog, …); absent without qt6-translations-l10n.
    if (m_qt.load(QStringLiteral("qtbase_") + code,
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&m_qt);
    m_installed = true;
    return code;
}

void AppTranslator::uninstall()
{
    if (!m_installed)
        return;
    QCoreApplication::removeTranslator(&m_app);
    QCoreApplication::removeTranslator(&m_qt);
    if (m_previousLocale) {
        QLocale::setDefault(*m_previousLocale);
        m_previousLocale.reset();
    }
    m_installed = false;
}

} // namespace vw::ui
