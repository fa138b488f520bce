#include "tests/support/CliRun.h"
#include "tests/support/DetachedSandboxd.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

namespace {

const QString kAppId = QStringLiteral("io.github.vaporwatch.Vaporwatch");
const QList<int> kIconSizes = {16, 22, 24, 32, 48, 64, 128, 256, 512};
const QStringList kPrograms = {QStringLiteral("vaporwatch"), QStringLiteral("vaporwatch-cli"),
                               QStringLiteral("vaporwatch-sandboxd")};

// A package's Depends/Recommends field as package names: "a (>= 1), b | c" → a, b, c.
QStringList packageNames(const QString &field)
{
    QStringList names;
    for (const QString &alternatives : field.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        for (QString name : alternatives.split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
            name = name.trimmed();
            const qsizetype cut = name.indexOf(QRegularExpression(QStringLiteral("[\\s(:]")));
            names.append(cut < 0 ? name : name.left(cut));
        }
    }
    return names;
}

} // namespace

// The Debian package as a user gets it: `cpack -G DEB` on this build tree, then its control
// fields, its file list, the desktop files validated by the desktop's own tools, the icons at
// their sizes, the manual pages rendered, and the programs run from the unpacked package (the
// CLI building the bundled sample project in the local sandbox it starts beside itself).
class tst_DebianPackage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void controlFields_data();
    void controlFields();
    void dependsNamesTheRunTimePieces_data();
    void dependsNamesTheRunTimePieces();
    void everyDependencyIsInstalledHere();
    void recommendsAKeychainAndNode();
    void installsWhereTheDesktopLooks_data();
    void installsWhereTheDesktopLooks();
    void installsNothingElse();
    void programsAreStrippedExecutables_data();
    void programsAreStrippedExecutables();
    void desktopFileValidates();
    void desktopFileNamesInstalledFiles();
    void metainfoValidates();
    void metainfoMatchesThePackage();
    void pngIconsHaveTheirSizes_data();
    void pngIconsHaveTheirSizes();
    void svgIconRenders();
    void manPagesRenderWithoutWarnings_data();
    void manPagesRenderWithoutWarnings();
    void manPagesDocumentEveryOption_data();
    void manPagesDocumentEveryOption();
    void programsRunFromThePackage_data();
    void programsRunFromThePackage();
    void packagedCliBuildsTheSampleProject();

private:
    // Runs `program` to its end (exit code -1 when it could not start, crashed or hung), by
    // default in this test's environment.
    static vw::test::CliRun
    run(const QString &program, const QStringList &arguments, int timeoutMs = 60'000,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());
    static QString tool(const QString &name);
    QString root(const QString &path) const { return m_root + path; }

    std::unique_ptr<QTemporaryDir> m_work;
    QString m_deb;
    QString m_root;      // the package extracted with dpkg-deb -x
    QStringList m_files; // paths in the package, "/usr/bin/vaporwatch", directories without
    QHash<QString, QString> m_modes; // path → "-rwxr-xr-x"
    QString m_home;                  // for the programs run from the package
};

vw::test::CliRun tst_DebianPackage::run(const QString &program, const QStringList &arguments,
                                        int timeoutMs, const QProcessEnvironment &environment)
{
    return vw::test::runCli(program, arguments, environment, timeoutMs);
}

QString tst_DebianPackage::tool(const QString &name)
{
    const QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        qWarning("%s is not installed (scripts/install-deps.sh --test installs it)",
                 qPrintable(name));
    return path;
}

void tst_DebianPackage::initTestCase()
{
    for (const char *name :
         {"dpkg-deb", "dpkg", "desktop-file-validate", "appstreamcli", "man", "readelf"})
        QVERIFY2(!tool(QString::fromLatin1(name)).isEmpty(), name);
    m_work = std::make_unique<QTemporaryDir>();
    QVERIFY(m_work->isValid());

    // The real packaging step, as the README tells users to run it.
    const vw::test::CliRun cpack =
        run(QStringLiteral(VW_CPACK_COMMAND),
            {QStringLiteral("--config"), QStringLiteral(VW_BINARY_DIR "/CPackConfig.cmake"),
             QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), m_work->path()},
            540'000);
    QVERIFY2(cpack.exitCode == 0, cpack.out + cpack.err);

    const QStringList debs = QDir(m_work->path()).entryList({QStringLiteral("*.deb")});
    QCOMPARE(debs.size(), 1);
    const vw::test::CliRun arch =
        run(QStringLiteral("dpkg"), {QStringLiteral("--print-architecture")});
    QCOMPARE(debs.first(),
             QStringLiteral("vaporwatch_0.1.0_%1.deb").arg(QString::fromUtf8(arch.out.trimmed())));
    m_deb = m_work->filePath(debs.first());

    const vw::test::CliRun contents =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-c"), m_deb});
    QCOMPARE(contents.exitCode, 0);
    // "-rwxr-xr-x root/root 12345 2026-11-24 12:00 ./usr/bin/vaporwatch"
    for (const QByteArray &line : contents.out.split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 6 || fields.at(0).startsWith('d'))
            continue;
        const QString path = QString::fromUtf8(fields.at(5)).mid(1); // "./usr" → "/usr"
        m_files.append(path);
        m_modes.insert(path, QString::fromUtf8(fields.at(0)));
    }
    QVERIFY(!m_files.isEmpty());

    m_root = m_work->filePath(QStringLiteral("root"));
    const vw::test::CliRun extract =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, m_root});
    QVERIFY2(extract.exitCode == 0, extract.err);
    m_home = m_work->filePath(QStringLiteral("home"));
    QVERIFY(QDir().mkpath(m_home));
}

void tst_DebianPackage::cleanupTestCase()
{
    if (!m_home.isEmpty())
        vw::test::stopDetachedSandboxd(vw::test::privateHomeSandboxDirectory(m_home));
}

void tst_DebianPackage::controlFields_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected"); // a regular expression matching the whole value

    QTest::newRow("Package") << "Package"
                             << "vaporwatch";
    QTest::newRow("Version") << "Version"
                             << "0.1\\.0";
    QTest::newRow("Section") << "Section"
                             << "devel";
    QTest::newRow("Priority") << "Priority"
                              << "optional";
    QTest::newRow("Maintainer") << "Maintainer"
                                << ".+ <[^@ ]+@[^@ ]+>";
    QTest::newRow("Homepage") << "Homepage"
                              << "https://\\S+";
    // The summary line, then the extended description indented by one space.
    QTest::newRow("Description")
        << "Description"
        << "Watch and drive builds inside Daytona sandboxes\\n( \\S.*\\n?)+";
}

void tst_DebianPackage::controlFields()
{
    QFETCH(QString, field);
    QFETCH(QString, expected);
    const vw::test::CliRun value =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, field});
    QCOMPARE(value.exitCode, 0);
    const QString text = QString::fromUtf8(value.out).trimmed();
    QVERIFY2(QRegularExpression(QRegularExpression::anchoredPattern(expected),
                                QRegularExpression::DotMatchesEverythingOption)
                 .match(text)
                 .hasMatch(),
             qPrintable(text));
}

void tst_DebianPackage::dependsNamesTheRunTimePieces_data()
{
    QTest::addColumn<QString>("package");

    // Found by dpkg-shlibdeps from the programs' libraries.
    QTest::newRow("QtCore") << "libqt6core6";
    QTest::newRow("QtWidgets") << "libqt6widgets6";
    QTest::newRow("QtWebEngineWidgets") << "libqt6webenginewidgets6";
    QTest::newRow("QtHttpServer") << "libqt6httpserver6";
    QTest::newRow("QtWebSockets") << "libqt6websockets6";
    QTest::newRow("QtSql") << "libqt6sql6";
    QTest::newRow("QtKeychain") << "libqt6keychain1";
    QTest::newRow("libc") << "libc6";
    // Loaded at run time, named by hand.
    QTest::newRow("SQLite driver") << "libqt6sql6-sqlite";
    QTest::newRow("PostgreSQL driver") << "libqt6sql6-psql";
    QTest::newRow("platform plugins") << "qt6-qpa-plugins";
    QTest::newRow("SVG plugins") << "libqt6svg6";
}

void tst_DebianPackage::dependsNamesTheRunTimePieces()
{
    QFETCH(QString, package);
    const vw::test::CliRun depends =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")});
    QVERIFY2(packageNames(QString::fromUtf8(depends.out)).contains(package), depends.out);
}

void tst_DebianPackage::everyDependencyIsInstalledHere()
{
    // The machine that built and runs the programs has every run-time dependency: so each
    // name is a real package (or one an installed package provides, like libspdlog1.10-fmt9)
    // of this Debian release, and `apt install` of the package here needs nothing else.
    const vw::test::CliRun installed = run(
        QStringLiteral("dpkg-query"),
        {QStringLiteral("-W"), QStringLiteral("-f=${db:Status-Abbrev}|${Package}|${Provides}\\n")});
    QCOMPARE(installed.exitCode, 0);
    QSet<QString> available;
    for (const QByteArray &line : installed.out.split('\n')) {
        const QList<QByteArray> fields = line.split('|');
        if (fields.size() != 3 || !fields.at(0).startsWith("ii"))
            continue;
        available.insert(QString::fromUtf8(fields.at(1)));
        for (const QString &provided : packageNames(QString::fromUtf8(fields.at(2))))
            available.insert(provided);
    }
    const vw::test::CliRun depends =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")});
    const QStringList groups =
        QString::fromUtf8(depends.out).split(QLatin1Char(','), Qt::SkipEmptyParts);
    QVERIFY(groups.size() >= 10);
    for (const QString &group : groups) {
        const QStringList alternatives = packageNames(group);
        QVERIFY2(std::any_of(alternatives.begin(), alternatives.end(),
                             [&](const QString &name) { return available.contains(name); }),
                 qPrintable(group.trimmed()));
    }
}

void tst_DebianPackage::recommendsAKeychainAndNode()
{
    const vw::test::CliRun recommends = run(
        QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Recommends")});
    const QStringList names = packageNames(QString::fromUtf8(recommends.out));
    QVERIFY2(names.contains(QStringLiteral("gnome-keyring")), recommends.out);
    QVERIFY2(names.contains(QStringLiteral("nodejs")), recommends.out);
}

void tst_DebianPackage::installsWhereTheDesktopLooks_data()
{
    QTest::addColumn<QString>("path");

    for (const QString &program : kPrograms) {
        QTest::addRow("%s", qPrintable(program)) << QStringLiteral("/usr/bin/") + program;
        QTest::addRow("%s.1", qPrintable(program))
            << QStringLiteral("/usr/share/man/man1/%1.1.gz").arg(program);
    }
    QTest::newRow("desktop file") << "/usr/share/applications/" + kAppId + ".desktop";
    QTest::newRow("metainfo") << "/usr/share/metainfo/" + kAppId + ".metainfo.xml";
    QTest::newRow("svg icon") << "/usr/share/icons/hicolor/scalable/apps/" + kAppId + ".svg";
    for (int size : kIconSizes)
        QTest::addRow("%dx%d icon", size, size)
            << QStringLiteral("/usr/share/icons/hicolor/%1x%1/apps/%2.png").arg(size).arg(kAppId);
    QTest::newRow("copyright") << "/usr/share/doc/vaporwatch/copyright";
}

void tst_DebianPackage::installsWhereTheDesktopLooks()
{
    QFETCH(QString, path);
    QVERIFY2(m_files.contains(path), qPrintable(m_files.join(QLatin1Char('\n'))));
    QVERIFY(QFileInfo(root(path)).isFile());
    QCOMPARE(m_modes.value(path).left(4), path.startsWith(QStringLiteral("/usr/bin/"))
                                              ? QStringLiteral("-rwx")
                                              : QStringLiteral("-rw-"));
}

void tst_DebianPackage::installsNothingElse()
{
    // No helper tool, static library, header or CMake file of the build leaks into the package.
    const QRegularExpression allowed(QRegularExpression::anchoredPattern(
        QStringLiteral("/usr/bin/vaporwatch(-cli|-sandboxd)?"
                       "|/usr/share/applications/%1\\.desktop"
                       "|/usr/share/metainfo/%1\\.metainfo\\.xml"
                       "|/usr/share/icons/hicolor/(scalable|\\d+x\\d+)/apps/%1\\.(svg|png)"
                       "|/usr/share/man/man1/vaporwatch(-cli|-sandboxd)?\\.1\\.gz"
                       "|/usr/share/doc/vaporwatch/copyright")
            .arg(QRegularExpression::escape(kAppId))));
    for (const QString &path : std::as_const(m_files))
        QVERIFY2(allowed.match(path).hasMatch(), qPrintable(path));
    // The executables, the man pages, desktop file, metainfo, copyright and every icon.
    QCOMPARE(m_files.size(), 3 + 3 + 1 + 1 + 1 + 1 + kIconSizes.size());
}

void tst_DebianPackage::programsAreStrippedExecutables_data()
{
    QTest::addColumn<QString>("program");
    for (const QString &program : kPrograms)
        QTest::addRow("%s", qPrintable(program)) << program;
}

void tst_DebianPackage::programsAreStrippedExecutables()
{
    QFETCH(QString, program);
    const vw::test::CliRun sections =
        run(QStringLiteral("readelf"), {QStringLiteral("-S"), QStringLiteral("-W"),
                                        root(QStringLiteral("/usr/bin/") + program)});
    QCOMPARE(sections.exitCode, 0);
    QVERIFY(sections.out.contains(".text"));
    QVERIFY2(!sections.out.contains(".symtab"), "not stripped: has a symbol table");
    QVERIFY2(!sections.out.contains(".debug_info"), "not stripped: has debug information");
}

void tst_DebianPackage::desktopFileValidates()
{
    const vw::test::CliRun validate = run(
        QStringLiteral("desktop-file-validate"),
        {root(QStringLiteral("/usr/share/applications/") + kAppId + QStringLiteral(".desktop"))});
    // desktop-file-validate prints errors, warnings and hints alike; a clean file prints nothing.
    QVERIFY2(validate.exitCode == 0, validate.out + validate.err);
    QCOMPARE(validate.out + validate.err, QByteArray());
}

void tst_DebianPackage::desktopFileNamesInstalledFiles()
{
    QFile desktop(
        root(QStringLiteral("/usr/share/applications/") + kAppId + QStringLiteral(".desktop")));
    QVERIFY(desktop.open(QIODevice::ReadOnly | QIODevice::Text));
    QHash<QString, QString> entry;
    for (const QByteArray &line : desktop.readAll().split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            entry.insert(QString::fromUtf8(line.left(equals)),
                         QString::fromUtf8(line.mid(equals + 1)));
    }
    // Exec and TryExec name a program of the package, found on PATH (/usr/bin).
    QCOMPARE(entry.value(QStringLiteral("Exec")).section(QLatin1Char(' '), 0, 0),
             QStringLiteral("vaporwatch"));
    QCOMPARE(entry.value(QStringLiteral("TryExec")), QStringLiteral("vaporwatch"));
    // Icon names the installed icons (without extension, as the icon theme spec wants).
    QCOMPARE(entry.value(QStringLiteral("Icon")), kAppId);
    // The window's WM_CLASS is the program name: docks group the window under this launcher.
    QCOMPARE(entry.value(QStringLiteral("StartupWMClass")), QStringLiteral("vaporwatch"));
}

void tst_DebianPackage::metainfoValidates()
{
    // Without --pedantic: pedantic hints (e.g. that the reverse-DNS id has capitals, which the
    // desktop-file id convention of Flathub and GNOME wants) are advice, not defects. Errors
    // (E:) and warnings (W:) fail, as does a non-zero exit.
    const vw::test::CliRun validate = run(
        QStringLiteral("appstreamcli"),
        {QStringLiteral("validate"), QStringLiteral("--no-net"), QStringLiteral("--no-color"),
         root(QStringLiteral("/usr/share/metainfo/") + kAppId + QStringLiteral(".metainfo.xml"))});
    const QByteArray output = validate.out + validate.err;
    QVERIFY2(validate.exitCode == 0, output);
    QVERIFY2(output.contains("Validation was successful"), output);
    for (const QByteArray &line : output.split('\n'))
        QVERIFY2(!line.startsWith("E:") && !line.startsWith("W:"), line);
}

void tst_DebianPackage::metainfoMatchesThePackage()
{
    QFile file(
        root(QStringLiteral("/usr/share/metainfo/") + kAppId + QStringLiteral(".metainfo.xml")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString xml = QString::fromUtf8(file.readAll());
    QVERIFY(xml.contains(QStringLiteral("<id>") + kAppId + QStringLiteral("</id>")));
    QVERIFY(xml.contains(QStringLiteral("<launchable type=\"desktop-id\">") + kAppId +
                         QStringLiteral(".desktop</launchable>")));
    QVERIFY(xml.contains(QStringLiteral("<release version=\"0.1.0\"")));
    // Every binary it says the package provides is in the package.
    const QRegularExpression binary(QStringLiteral("<binary>([^<]+)</binary>"));
    QStringList provided;
    for (const QRegularExpressionMatch &match : binary.globalMatch(xml))
        provided.append(match.captured(1));
    QCOMPARE(provided, kPrograms);
    for (const QString &program : std::as_const(provided))
        QVERIFY(m_files.contains(QStringLiteral("/usr/bin/") + program));
}

void tst_DebianPackage::pngIconsHaveTheirSizes_data()
{
    QTest::addColumn<int>("size");
    for (int size : kIconSizes)
        QTest::addRow("%dx%d", size, size) << size;
}

void tst_DebianPackage::pngIconsHaveTheirSizes()
{
    QFETCH(int, size);
    const QString path =
        root(QStringLiteral("/usr/share/icons/hicolor/%1x%1/apps/%2.png").arg(size).arg(kAppId));
    QImage icon;
    QVERIFY(icon.load(path, "PNG"));
    QCOMPARE(icon.size(), QSize(size, size));
    QVERIFY(icon.hasAlphaChannel());
    // The rounded square: transparent in the corner, opaque in the middle.
    QCOMPARE(qAlpha(icon.pixel(0, 0)), 0);
    QCOMPARE(qAlpha(icon.pixel(size / 2, size / 2)), 255);
}

void tst_DebianPackage::svgIconRenders()
{
    QSvgRenderer renderer(root(QStringLiteral("/usr/share/icons/hicolor/scalable/apps/") + kAppId +
                               QStringLiteral(".svg")));
    QVERIFY(renderer.isValid());
    QCOMPARE(renderer.defaultSize(), QSize(128, 128));
}

void tst_DebianPackage::manPagesRenderWithoutWarnings_data()
{
    QTest::addColumn<QString>("program");
    for (const QString &program : kPrograms)
        QTest::addRow("%s", qPrintable(program)) << program;
}

void tst_DebianPackage::manPagesRenderWithoutWarnings()
{
    QFETCH(QString, program);
    const QString page = root(QStringLiteral("/usr/share/man/man1/%1.1.gz").arg(program));

    // Compressed with gzip -n: no file name or time stamp in the header (reproducible).
    QFile compressed(page);
    QVERIFY(compressed.open(QIODevice::ReadOnly));
    const QByteArray header = compressed.read(10);
    QCOMPARE(header.left(2), QByteArray("\x1f\x8b"));
    QCOMPARE(header.at(3) & 0x08, 0);                // FNAME flag
    QCOMPARE(header.mid(4, 4), QByteArray(4, '\0')); // MTIME

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MANWIDTH"), QStringLiteral("80"));
    env.insert(QStringLiteral("MANPAGER"), QStringLiteral("cat"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    const vw::test::CliRun man =
        run(QStringLiteral("man"), {QStringLiteral("--warnings"), QStringLiteral("-l"), page},
            60'000, env);
    QVERIFY2(man.exitCode == 0, man.err);
    QCOMPARE(QString::fromUtf8(man.err), QString()); // groff's warnings go to stderr
    const QString text = QString::fromUtf8(man.out);
    QVERIFY(text.startsWith(program.toUpper() + QStringLiteral("(1)")));
    QVERIFY(text.contains(QRegularExpression(QStringLiteral("\nNAME\n\\s+") +
                                             QRegularExpression::escape(program) +
                                             QStringLiteral("\\s+-\\s"))));
    for (const QString &section :
         {QStringLiteral("SYNOPSIS"), QStringLiteral("DESCRIPTION"), QStringLiteral("OPTIONS"),
          QStringLiteral("ENVIRONMENT"), QStringLiteral("FILES"), QStringLiteral("SEE ALSO")})
        QVERIFY2(text.contains(QLatin1Char('\n') + section + QLatin1Char('\n')),
                 qPrintable(section));
}

void tst_DebianPackage::manPagesDocumentEveryOption_data()
{
    QTest::addColumn<QString>("program");
    for (const QString &program : kPrograms)
        QTest::addRow("%s", qPrintable(program)) << program;
}

void tst_DebianPackage::manPagesDocumentEveryOption()
{
    // The manual pages are written by hand: every option (and every command of the CLI) that
    // the program's own --help names must be in its manual page, so the two cannot drift apart.
    QFETCH(QString, program);
    QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const vw::test::CliRun help =
        run(root(QStringLiteral("/usr/bin/") + program), {QStringLiteral("--help")}, 60'000, env);
    QCOMPARE(help.exitCode, 0);
    const QString helpText = QString::fromUtf8(help.out);

    env.insert(QStringLiteral("MANWIDTH"), QStringLiteral("80"));
    env.insert(QStringLiteral("MANPAGER"), QStringLiteral("cat"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    const vw::test::CliRun man = run(
        QStringLiteral("man"),
        {QStringLiteral("-l"), root(QStringLiteral("/usr/share/man/man1/%1.1.gz").arg(program))},
        60'000, env);
    QCOMPARE(man.exitCode, 0);
    const QString manText = QString::fromUtf8(man.out);

    QStringList named;
    for (const QRegularExpressionMatch &option :
         QRegularExpression(QStringLiteral("--[a-z][a-z-]*")).globalMatch(helpText))
        named.append(option.captured());
    // The CLI's commands: the indented words that start its usage lines ("  start_build [...").
    for (const QRegularExpressionMatch &command :
         QRegularExpression(QStringLiteral("^  ([a-z_]+)(?= |$)"),
                            QRegularExpression::MultilineOption)
             .globalMatch(helpText))
        named.append(command.captured(1));
    QVERIFY(named.contains(QStringLiteral("--help")));
    named.removeDuplicates();
    for (const QString &name : std::as_const(named))
        QVERIFY2(manText.contains(name), qPrintable(name));
}

void tst_DebianPackage::programsRunFromThePackage_data()
{
    QTest::addColumn<QString>("program");
    for (const QString &program : kPrograms)
        QTest::addRow("%s", qPrintable(program)) << program;
}

void tst_DebianPackage::programsRunFromThePackage()
{
    QFETCH(QString, program);
    // The system's Qt and libraries, as after `apt install`: no LD_LIBRARY_PATH, no RPATH into
    // the build tree (that would have been removed on installation anyway).
    QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home);
    env.remove(QStringLiteral("LD_LIBRARY_PATH"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const vw::test::CliRun version = run(root(QStringLiteral("/usr/bin/") + program),
                                         {QStringLiteral("--version")}, 60'000, env);
    QVERIFY2(version.exitCode == 0, version.err);
    QCOMPARE(version.out.trimmed(), program.toUtf8() + " 0.1.0");

    const vw::test::CliRun readelf =
        run(QStringLiteral("readelf"),
            {QStringLiteral("-d"), root(QStringLiteral("/usr/bin/") + program)});
    QVERIFY2(!readelf.out.contains(VW_BINARY_DIR), "RPATH into the build tree");
}

void tst_DebianPackage::packagedCliBuildsTheSampleProject()
{
    if (QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty())
        QSKIP("npm is not installed");
    // The bundled sample project is embedded in the programs: with no Daytona account, the
    // packaged CLI starts the packaged sandboxd beside it and builds the sample there.
    const QProcessEnvironment env = vw::test::privateHomeEnvironment(m_home);
    const vw::test::CliRun build =
        run(root(QStringLiteral("/usr/bin/vaporwatch-cli")),
            {QStringLiteral("start_build"), QStringLiteral("--follow")}, 240'000, env);
    QVERIFY2(build.exitCode == 0, build.out + build.err);
    QVERIFY2(build.out.contains("built 2 files into dist/"), build.out);

    const QString sandbox = vw::test::privateHomeSandboxDirectory(m_home);
    QVERIFY(QFileInfo::exists(sandbox + QStringLiteral("/projects/sample/dist/index.html")));
    // It was the packaged sandboxd that ran it, found next to the packaged CLI.
    QFile state(sandbox + QStringLiteral("/sandboxd.json"));
    QVERIFY(state.open(QIODevice::ReadOnly));
    const qint64 pid =
        QJsonDocument::fromJson(state.readAll()).object().value(QStringLiteral("pid")).toInteger();
    QVERIFY(pid > 0);
    QCOMPARE(QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget(),
             QFileInfo(root(QStringLiteral("/usr/bin/vaporwatch-sandboxd"))).canonicalFilePath());
}

QTEST_GUILESS_MAIN(tst_DebianPackage)
#include "tst_debianpackage.moc"
