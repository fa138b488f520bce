#include "tests/support/TsCatalogue.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using vw::test::readTsCatalogue;
using vw::test::TsCatalogue;
using vw::test::TsMessage;

// The German and French catalogues against today's sources: lupdate (as the build's
// update_translations target runs it) into a copy of each catalogue, then every message must
// be translated — a string added or changed in the code without its translation fails here —
// and every translation must keep the source's placeholders and keyboard accelerator.
class tst_TranslationCatalogue : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyMessageIsTranslatedAfterLupdate_data();
    void everyMessageIsTranslatedAfterLupdate();
    void translationsKeepPlaceholdersAndAccelerators_data();
    void translationsKeepPlaceholdersAndAccelerators();

private:
    TsCatalogue updatedCopy(const QString &tsFile);
    QTemporaryDir m_dir;
};

namespace {

QStringList catalogueFiles()
{
    return QString::fromUtf8(VW_TRANSLATION_FILES).split(u'|', Qt::SkipEmptyParts);
}

QString where(const TsMessage &message)
{
    return QStringLiteral("%1: \"%2\"").arg(message.context, message.source);
}

// %1 … %99 and %n, each as often as it appears.
QStringList placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%(\\d{1,2}|n)"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    return found;
}

// A keyboard accelerator: "&" before a letter or digit ("&&" is a literal ampersand).
bool hasAccelerator(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("(^|[^&])&\\w"),
                                            QRegularExpression::UseUnicodePropertiesOption);
    return pattern.match(QString(text).remove(QStringLiteral("&&"))).hasMatch();
}

} // namespace

void tst_TranslationCatalogue::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(catalogueFiles().size() >= 2, VW_TRANSLATION_FILES);
    QVERIFY2(QFileInfo::exists(QStringLiteral(VW_LUPDATE)), VW_LUPDATE);
    QVERIFY2(QFileInfo::exists(QStringLiteral(VW_LUPDATE_PROJECT)), VW_LUPDATE_PROJECT);
}

TsCatalogue tst_TranslationCatalogue::updatedCopy(const QString &tsFile)
{
    const auto failed = [](const QString &why) { return TsCatalogue{{}, {}, why}; };
    const QString copy = m_dir.filePath(QFileInfo(tsFile).fileName());
    QFile::remove(copy);
    if (!QFile::copy(tsFile, copy))
        return failed(QStringLiteral("cannot copy %1").arg(tsFile));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);

    // The lupdate project the build's update_translations target uses (sources, include paths
    // to resolve namespaces), pointed at the copy.
    const QString projectFile = m_dir.filePath(QStringLiteral("project.json"));
    QProcess generate;
    generate.start(QStringLiteral(VW_CMAKE),
                   {QStringLiteral("-DIN_FILE=" VW_LUPDATE_PROJECT),
                    QStringLiteral("-DOUT_FILE=") + projectFile, QStringLiteral("-P"),
                    QStringLiteral(VW_LUPDATE_PROJECT_SCRIPT)});
    if (!generate.waitForFinished(60'000) || generate.exitCode() != 0)
        return failed(QStringLiteral("cannot generate the lupdate project: %1")
                          .arg(QString::fromUtf8(generate.readAllStandardError())));
    QFile file(projectFile);
    if (!file.open(QIODevice::ReadWrite))
        return failed(file.errorString());
    QJsonObject project = QJsonDocument::fromJson(file.readAll()).object();
    project.insert(QStringLiteral("translations"), QJsonArray{copy});
    file.resize(0);
    file.write(QJsonDocument(project).toJson());
    file.close();

    QProcess lupdate;
    lupdate.start(QStringLiteral(VW_LUPDATE),
                  {QStringLiteral("-project"), projectFile, QStringLiteral("-no-obsolete"),
                   QStringLiteral("-locations"), QStringLiteral("none")});
    if (!lupdate.waitForFinished(120'000) || lupdate.exitCode() != 0)
        return failed(QStringLiteral("lupdate failed: %1")
                          .arg(QString::fromUtf8(lupdate.readAllStandardError())));
    return readTsCatalogue(copy);
}

void tst_TranslationCatalogue::everyMessageIsTranslatedAfterLupdate_data()
{
    QTest::addColumn<QString>("tsFile");
    for (const QString &file : catalogueFiles())
        QTest::newRow(qPrintable(QFileInfo(file).fileName())) << file;
}

void tst_TranslationCatalogue::everyMessageIsTranslatedAfterLupdate()
{
    QFETCH(QString, tsFile);
    const TsCatalogue checkedIn = readTsCatalogue(tsFile);
    QVERIFY2(checkedIn.error.isEmpty(), qPrintable(checkedIn.error));
    const TsCatalogue updated = updatedCopy(tsFile);
    QVERIFY2(updated.error.isEmpty(), qPrintable(updated.error));
    QVERIFY(!updated.language.isEmpty());
    // The sources have strings to translate; an empty run would prove nothing.
    QVERIFY2(updated.messages.size() > 300, qPrintable(QString::number(updated.messages.size())));

    QStringList unfinished;
    for (const TsMessage &message : updated.messages) {
        const bool empty = message.translations.isEmpty() ||
                           std::any_of(message.translations.begin(), message.translations.end(),
                                       [](const QString &t) { return t.trimmed().isEmpty(); });
        if (!message.translationType.isEmpty() || empty)
            unfinished << where(message);
    }
    QVERIFY2(unfinished.isEmpty(),
             qPrintable(QStringLiteral("%1 unfinished in %2 after lupdate (run `cmake --build "
                                       "build --target update_translations` and translate):\n%3")
                            .arg(unfinished.size())
                            .arg(tsFile, unfinished.mid(0, 40).join(u'\n'))));
    // And the checked-in file is what lupdate makes of it (no stale entries kept around).
    QCOMPARE(checkedIn.messages.size(), updated.messages.size());
}

void tst_TranslationCatalogue::translationsKeepPlaceholdersAndAccelerators_data()
{
    everyMessageIsTranslatedAfterLupdate_data();
}

void tst_TranslationCatalogue::translationsKeepPlaceholdersAndAccelerators()
{
    QFETCH(QString, tsFile);
    const TsCatalogue catalogue = readTsCatalogue(tsFile);
    QVERIFY2(catalogue.error.isEmpty(), qPrintable(catalogue.error));
    QStringList wrong;
    for (const TsMessage &message : catalogue.messages) {
        for (const QString &translation : message.translations) {
            if (translation.isEmpty())
                continue; // reported by the test above
            QStringList expected = placeholders(message.source);
            QStringList actual = placeholders(translation);
            // A plural form may say "one" in words instead of %n.
            if (message.numerus) {
                expected.removeAll(QStringLiteral("%n"));
                actual.removeAll(QStringLiteral("%n"));
            }
            if (expected != actual)
                wrong << QStringLiteral("%1 → \"%2\": placeholders %3 vs %4")
                             .arg(where(message), translation, expected.join(u','),
                                  actual.join(u','));
            if (hasAccelerator(message.source) != hasAccelerator(translation))
                wrong << QStringLiteral("%1 → \"%2\": the & accelerator")
                             .arg(where(message), translation);
        }
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
}

QTEST_GUILESS_MAIN(tst_TranslationCatalogue)
#include "tst_translationcatalogue.moc"
