#include "tests/support/CliRun.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kAppId = QStringLiteral("io.github.vaporwatch.Vaporwatch");
const QString kManifest =
    QStringLiteral(VW_SOURCE_DIR "/packaging/io.github.vaporwatch.Vaporwatch.yml");

QStringList strings(const QJsonValue &array)
{
    QStringList list;
    for (const QJsonValue &value : array.toArray())
        list.append(value.toString());
    return list;
}

} // namespace

// The Flatpak manifest, read by flatpak-builder itself (`--show-manifest` parses the YAML
// into its own model and prints it back as JSON, warning about every key or source type it
// does not know), then checked for what a build from this repository needs. Building it needs
// the KDE runtime from Flathub, which this machine cannot download.
class tst_FlatpakManifest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void flatpakBuilderReadsItWithoutWarnings();
    void identity_data();
    void identity();
    void idNamesTheDesktopFileMetainfoAndIcon();
    void finishArgs_data();
    void finishArgs();
    void modulesInBuildOrder();
    void dependenciesArePinnedBySha256();
    void vaporwatchBuildsFromThisRepository();

private:
    QJsonObject module(const QString &name) const;

    vw::test::CliRun m_shown;
    QJsonObject m_manifest;
};

void tst_FlatpakManifest::initTestCase()
{
    const QString flatpakBuilder =
        QStandardPaths::findExecutable(QStringLiteral("flatpak-builder"));
    QVERIFY2(!flatpakBuilder.isEmpty(),
             "flatpak-builder is not installed (scripts/install-deps.sh --test installs it)");
    // Run in a temporary directory: flatpak-builder creates its state directory
    // (.flatpak-builder) in the working directory, even just to show a manifest.
    QTemporaryDir workingDirectory;
    QVERIFY(workingDirectory.isValid());
    m_shown =
        vw::test::runCli(flatpakBuilder, {QStringLiteral("--show-manifest"), kManifest},
                         QProcessEnvironment::systemEnvironment(), 60'000, workingDirectory.path());
    QJsonParseError error;
    m_manifest = QJsonDocument::fromJson(m_shown.out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
}

void tst_FlatpakManifest::flatpakBuilderReadsItWithoutWarnings()
{
    QVERIFY2(m_shown.exitCode == 0, m_shown.err);
    QCOMPARE(QString::fromUtf8(m_shown.err), QString());
}

void tst_FlatpakManifest::identity_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");

    QTest::newRow("id") << "id" << kAppId;
    QTest::newRow("command") << "command"
                             << "vaporwatch";
    // Qt with QtHttpServer, QtWebSockets, QtSvg and QtCharts from the KDE runtime; QtWebEngine,
    // which that runtime lacks, from the base app built for the same runtime branch.
    QTest::newRow("runtime") << "runtime"
                             << "org.kde.Platform";
    QTest::newRow("sdk") << "sdk"
                         << "org.kde.Sdk";
    QTest::newRow("base") << "base"
                          << "io.qt.qtwebengine.BaseApp";
    QTest::newRow("base-version") << "base-version"
                                  << m_manifest.value(QStringLiteral("runtime-version")).toString();
}

void tst_FlatpakManifest::identity()
{
    QFETCH(QString, key);
    QFETCH(QString, expected);
    QVERIFY(!expected.isEmpty());
    QCOMPARE(m_manifest.value(key).toString(), expected);
}

void tst_FlatpakManifest::idNamesTheDesktopFileMetainfoAndIcon()
{
    // flatpak exports only files named after the app id.
    const QString id = m_manifest.value(QStringLiteral("id")).toString();
    QVERIFY(QFileInfo::exists(QStringLiteral(VW_SOURCE_DIR "/packaging/") + id +
                              QStringLiteral(".desktop")));
    QVERIFY(QFileInfo::exists(QStringLiteral(VW_SOURCE_DIR "/packaging/") + id +
                              QStringLiteral(".metainfo.xml")));
    QVERIFY(QFileInfo::exists(QStringLiteral(VW_BINARY_DIR "/packaging/icons/256x256/apps/") + id +
                              QStringLiteral(".png")));
    // The BaseApp's own files are removed from the app, as its documentation asks.
    QVERIFY(strings(m_manifest.value(QStringLiteral("cleanup-commands")))
                .contains(QStringLiteral("/app/cleanup-BaseApp.sh")));
}

void tst_FlatpakManifest::finishArgs_data()
{
    QTest::addColumn<QString>("argument");

    QTest::newRow("network") << "--share=network";
    QTest::newRow("ipc") << "--share=ipc";
    QTest::newRow("wayland") << "--socket=wayland";
    QTest::newRow("x11") << "--socket=fallback-x11";
    QTest::newRow("gpu") << "--device=dri";
    QTest::newRow("keychain") << "--talk-name=org.freedesktop.secrets";
    QTest::newRow("tray") << "--talk-name=org.kde.StatusNotifierWatcher";
    QTest::newRow("notifications") << "--talk-name=org.freedesktop.Notifications";
}

void tst_FlatpakManifest::finishArgs()
{
    QFETCH(QString, argument);
    const QStringList arguments = strings(m_manifest.value(QStringLiteral("finish-args")));
    QVERIFY2(arguments.contains(argument), qPrintable(arguments.join(QLatin1Char(' '))));
    // Nothing broader than the app needs: no whole home, host or session bus.
    for (const QString &broad :
         {QStringLiteral("--filesystem=home"), QStringLiteral("--filesystem=host"),
          QStringLiteral("--socket=session-bus")})
        QVERIFY2(!arguments.contains(broad), qPrintable(broad));
}

QJsonObject tst_FlatpakManifest::module(const QString &name) const
{
    for (const QJsonValue &value : m_manifest.value(QStringLiteral("modules")).toArray()) {
        if (value.toObject().value(QStringLiteral("name")).toString() == name)
            return value.toObject();
    }
    return {};
}

void tst_FlatpakManifest::modulesInBuildOrder()
{
    QStringList names;
    for (const QJsonValue &value : m_manifest.value(QStringLiteral("modules")).toArray())
        names.append(value.toObject().value(QStringLiteral("name")).toString());
    // The libraries Vaporwatch links that the runtime does not have, then Vaporwatch.
    QCOMPARE(names, QStringList({QStringLiteral("spdlog"), QStringLiteral("qtkeychain"),
                                 QStringLiteral("vaporwatch")}));
    for (const QString &name : std::as_const(names))
        QCOMPARE(module(name).value(QStringLiteral("buildsystem")).toString(),
                 QStringLiteral("cmake-ninja"));
    QVERIFY(strings(module(QStringLiteral("qtkeychain")).value(QStringLiteral("config-opts")))
                .contains(QStringLiteral("-DBUILD_WITH_QT6=ON")));
}

void tst_FlatpakManifest::dependenciesArePinnedBySha256()
{
    const QRegularExpression sha256(QStringLiteral("^[0-9a-f]{64}$"));
    for (const QString &name : {QStringLiteral("spdlog"), QStringLiteral("qtkeychain")}) {
        const QJsonArray sources = module(name).value(QStringLiteral("sources")).toArray();
        QCOMPARE(sources.size(), 1);
        const QJsonObject source = sources.first().toObject();
        QCOMPARE(source.value(QStringLiteral("type")).toString(), QStringLiteral("archive"));
        QVERIFY(source.value(QStringLiteral("url"))
                    .toString()
                    .startsWith(QStringLiteral("https://github.com/")));
        QVERIFY2(sha256.match(source.value(QStringLiteral("sha256")).toString()).hasMatch(),
                 qPrintable(name));
    }
}

void tst_FlatpakManifest::vaporwatchBuildsFromThisRepository()
{
    const QJsonObject vaporwatch = module(QStringLiteral("vaporwatch"));
    QVERIFY(strings(vaporwatch.value(QStringLiteral("config-opts")))
                .contains(QStringLiteral("-DVW_BUILD_TESTS=OFF")));
    const QJsonArray sources = vaporwatch.value(QStringLiteral("sources")).toArray();
    QCOMPARE(sources.size(), 1);
    const QJsonObject source = sources.first().toObject();
    QCOMPARE(source.value(QStringLiteral("type")).toString(), QStringLiteral("dir"));
    // A dir source is relative to the manifest: it must be the repository's root.
    const QString directory = QFileInfo(QFileInfo(kManifest).dir().filePath(
                                            source.value(QStringLiteral("path")).toString()))
                                  .canonicalFilePath();
    QCOMPARE(directory, QFileInfo(QStringLiteral(VW_SOURCE_DIR)).canonicalFilePath());
    QVERIFY(QFileInfo::exists(directory + QStringLiteral("/CMakeLists.txt")));
}

QTEST_GUILESS_MAIN(tst_FlatpakManifest)
#include "tst_flatpakmanifest.moc"
