#include "ui/AppTranslator.h"

#include "app/engine/EngineSession.h"
#include "models/BuildStore.h"
#include "tests/integration/AwaitJob.h"
#include "tests/support/DetachedSandboxd.h"
#include "tests/support/TsCatalogue.h"
#include "ui/BuildStatus.h"
#include "ui/MainWindow.h"
#include "ui/PhaseTimeline.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QToolBar>

using vw::engine::EngineSession;
using vw::ui::AppTranslator;

// The app in German and French: which catalogues exist, how a setting or the system's language
// picks one, and the main window with every tab after a real build, in each language, with no
// English left in what it shows.
class tst_AppTranslator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void catalogues();
    void resolvesTheLanguage_data();
    void resolvesTheLanguage();
    void installTranslatesAndUninstalls();
    void mainViewsShowNoEnglish_data();
    void mainViewsShowNoEnglish();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<EngineSession> m_session;
};

namespace {

// English sources that a catalogue translates differently, as patterns (placeholders match
// anything), without accelerators. A text shown that matches one was left in English.
struct EnglishSources
{
    QSet<QString> exact;
    QList<QRegularExpression> patterns;
};

QString withoutAccelerator(QString text)
{
    static const QRegularExpression accelerator(QStringLiteral("&(?=[^&\\s])"));
    return text.remove(accelerator).replace(QStringLiteral("&&"), QStringLiteral("&"));
}

EnglishSources englishSources(const QString &language)
{
    EnglishSources sources;
    const vw::test::TsCatalogue catalogue = vw::test::readTsCatalogue(
        QStringLiteral(VW_SOURCE_DIR "/translations/vaporwatch_%1.ts").arg(language));
    for (const vw::test::TsMessage &message : catalogue.messages) {
        if (message.translations.contains(message.source))
            continue; // the same in both languages ("OK", "Status", "Build" in German)
        const QString source = withoutAccelerator(message.source);
        if (!source.contains(u'%')) {
            sources.exact.insert(source);
            continue;
        }
        QString pattern = QRegularExpression::escape(source);
        pattern.replace(QRegularExpression(QStringLiteral("%(\\d{1,2}|n)")), QStringLiteral(".*"));
        // Only patterns with words of their own ("%1 · %2" says nothing).
        if (QString(source)
                .remove(QRegularExpression(QStringLiteral("%(\\d{1,2}|n)")))
                .count(QRegularExpression(QStringLiteral("[A-Za-z]{3,}"))) > 0)
            sources.patterns << QRegularExpression(QStringLiteral("^") + pattern +
                                                   QStringLiteral("$"));
    }
    return sources;
}

// English words that German and French never use, as a net for text that is not in the
// catalogues at all (a string the code forgot to pass through tr()).
bool hasEnglishWords(const QString &text)
{
    static const QRegularExpression words(QStringLiteral(
        "\\b(the|and|of|with|from|this|that|your|yet|has|been|into|when|which|"
        "running|failed|succeeded|cancelled|queued|open|started|stopped|complete|success|"
        "finished|exited|skipped|"
        "show|start|settings|history|preview|search|refresh)\\b"));
    return words.match(text).hasMatch();
}

QString plain(const QString &text)
{
    if (!Qt::mightBeRichText(text))
        return text;
    QTextDocument document;
    document.setHtml(text);
    return document.toPlainText();
}

// What a user sees of a widget tree: labels, buttons, group titles, tabs, placeholders, combo
// items, column headers, tooltips and the window's actions.
QStringList visibleTexts(QWidget *root)
{
    QStringList texts;
    const auto add = [&texts](const QString &text) {
        const QString shown = withoutAccelerator(plain(text)).trimmed();
        if (!shown.isEmpty())
            texts << shown;
    };
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *widget : widgets) {
        if (!widget->isVisibleTo(root) && widget != root)
            continue;
        add(widget->toolTip());
        if (auto *label = qobject_cast<QLabel *>(widget))
            add(label->text());
        else if (auto *button = qobject_cast<QAbstractButton *>(widget))
            add(button->text());
        else if (auto *group = qobject_cast<QGroupBox *>(widget))
            add(group->title());
        else if (auto *edit = qobject_cast<QLineEdit *>(widget))
            add(edit->placeholderText());
        else if (auto *combo = qobject_cast<QComboBox *>(widget)) {
            for (int i = 0; i < combo->count(); ++i)
                add(combo->itemText(i));
        } else if (auto *tabs = qobject_cast<QTabWidget *>(widget)) {
            for (int i = 0; i < tabs->count(); ++i) {
                add(tabs->tabText(i));
                add(tabs->tabToolTip(i));
            }
        } else if (auto *timeline = qobject_cast<vw::ui::PhaseTimeline *>(widget)) {
            for (vw::Phase phase : vw::allPhases()) // painted; the tooltips say the same
                add(timeline->toolTipFor(phase));
        } else if (auto *view = qobject_cast<QAbstractItemView *>(widget); view && view->model()) {
            for (int c = 0; c < view->model()->columnCount(); ++c)
                add(view->model()->headerData(c, Qt::Horizontal).toString());
        }
        for (QAction *action : widget->actions()) {
            add(action->text());
            add(action->toolTip());
            if (action->menu())
                for (QAction *item : action->menu()->actions())
                    add(item->text());
        }
    }
    return texts;
}

} // namespace

void tst_AppTranslator::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

void tst_AppTranslator::cleanupTestCase()
{
    m_session.reset();
    vw::test::stopDetachedSandboxd(m_dir.filePath(QStringLiteral("local-sandbox")));
}

void tst_AppTranslator::catalogues()
{
    const QStringList languages = AppTranslator::availableLanguages();
    QVERIFY2(languages.contains(QStringLiteral("de")) && languages.contains(QStringLiteral("fr")),
             qPrintable(languages.join(u',')));
    QVERIFY(!languages.contains(QStringLiteral("en"))); // the source language needs none
}

void tst_AppTranslator::resolvesTheLanguage_data()
{
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QString>("resolved");
    QTest::newRow("German") << "de"
                            << "de";
    QTest::newRow("French") << "fr"
                            << "fr";
    QTest::newRow("Swiss German") << "de_CH"
                                  << "de";
    QTest::newRow("Canadian French, BCP 47") << "fr-CA"
                                             << "fr";
    QTest::newRow("English") << "en"
                             << "en";
    QTest::newRow("British English") << "en_GB"
                                     << "en";
    QTest::newRow("no catalogue") << "pt_BR"
                                  << "en";
}

void tst_AppTranslator::resolvesTheLanguage()
{
    QFETCH(QString, setting);
    QFETCH(QString, resolved);
    QCOMPARE(AppTranslator::resolve(setting), resolved);
}

void tst_AppTranslator::installTranslatesAndUninstalls()
{
    const QString source = QStringLiteral("History");
    const QLocale::Language systemLanguage = QLocale().language();
    const auto shown = [&source] {
        return QCoreApplication::translate("vw::MainWindow", source.toUtf8().constData());
    };
    {
        AppTranslator translator;
        QCOMPARE(translator.install(QStringLiteral("de")), QStringLiteral("de"));
        // Chosen rather than the system's: dates and numbers follow it too.
        QCOMPARE(QLocale().language(), QLocale::German);
        const QString german = shown();
        QVERIFY2(german != source, qPrintable(german));
        QCOMPARE(translator.install(QStringLiteral("fr")), QStringLiteral("fr"));
        QVERIFY(shown() != source && shown() != german);
        QCOMPARE(translator.install(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(shown(), source);
        QCOMPARE(QLocale().language(), systemLanguage);
        translator.install(QStringLiteral("de"));
    }
    QCOMPARE(shown(), source); // gone with the translator
    QCOMPARE(QLocale().language(), systemLanguage);
}

void tst_AppTranslator::mainViewsShowNoEnglish_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("de") << "de";
    QTest::newRow("fr") << "fr";
}

void tst_AppTranslator::mainViewsShowNoEnglish()
{
    QFETCH(QString, language);
    AppTranslator translator;
    QCOMPARE(translator.install(language), language);
    const EnglishSources english = englishSources(language);
    QVERIFY(english.exact.size() > 100);

    // A session of its own per language, so what the engine wrote (events, errors) is in it.
    EngineSession::Options options;
    options.databaseUrl = m_dir.filePath(language + QStringLiteral(".sqlite"));
    options.localSandboxDirectory = m_dir.filePath(QStringLiteral("local-sandbox"));
    for (const char *name : {"DAYTONA_API_KEY", "DAYTONA_API_URL", "DAYTONA_SERVER_URL"})
        options.environment.remove(QString::fromLatin1(name));
    m_session = std::make_unique<EngineSession>(options);
    auto window = std::make_unique<vw::MainWindow>(m_session.get());
    window->resize(1280, 800);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QVERIFY(awaitJob(m_session->openStore()).ok());
    window->storeOpened();
    const auto started = awaitJob(m_session->startEngine(), 60'000);
    QVERIFY2(started.ok(), qPrintable(describe(started)));
    window->engineStarted();

    // A real build to the end, so the Build tab shows phases, events and figures.
    QSignalSpy completed(window->buildStatus(), &vw::ui::BuildStatus::completed);
    QTRY_VERIFY(window->startBuildAction()->isEnabled());
    window->startBuildAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(completed.count(), 1, 120'000);

    const QString screenshots = QStringLiteral(VW_BINARY_DIR "/screenshots");
    QDir().mkpath(screenshots);
    auto *tabs = window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    QStringList offenders;
    for (int tab = 0; tab < tabs->count(); ++tab) {
        tabs->setCurrentIndex(tab);
        QTest::qWait(300); // the tab's first query answers (history, analytics)
        QVERIFY(window->grab().save(
            QStringLiteral("%1/mainwindow-%2-tab%3.png").arg(screenshots, language).arg(tab)));
        QStringList texts = visibleTexts(window.get());
        for (QAction *action : window->menuBar()->actions()) {
            texts << withoutAccelerator(action->text());
            for (QAction *item : action->menu() ? action->menu()->actions() : QList<QAction *>{})
                texts << withoutAccelerator(item->text()) << item->toolTip();
        }
        for (const QString &text : std::as_const(texts)) {
            bool isEnglish = english.exact.contains(text) || hasEnglishWords(text);
            for (const QRegularExpression &pattern : english.patterns)
                isEnglish = isEnglish || pattern.match(text).hasMatch();
            if (isEnglish)
                offenders << QStringLiteral("tab %1: \"%2\"").arg(tabs->tabText(tab), text);
        }
    }
    offenders.removeDuplicates();
    QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(u'\n')));
    window.reset();
    m_session.reset();
}

QTEST_MAIN(tst_AppTranslator)
#include "tst_apptranslator.moc"
