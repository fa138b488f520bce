#include "app/engine/ArtifactLocator.h"

#include <QTest>

using vw::engine::ArtifactLocator;

// Where ArtifactScanner looks for a build's output: per stack, with the project's configured
// directory winning and the detected one first.
class tst_ArtifactLocator : public QObject
{
    Q_OBJECT

private slots:
    void candidates_data();
    void candidates();
    void normalized_data();
    void normalized();
};

void tst_ArtifactLocator::candidates_data()
{
    QTest::addColumn<QString>("stack");
    QTest::addColumn<QString>("configured");
    QTest::addColumn<QString>("detected");
    QTest::addColumn<QStringList>("expected");

    const QStringList node{"dist", "build", "out", ".next", ".output"};
    QTest::newRow("node-npm") << "node-npm"
                              << ""
                              << "" << node;
    QTest::newRow("node-pnpm, detected dist is not doubled") << "node-pnpm"
                                                             << ""
                                                             << "dist" << node;
    QTest::newRow("node, Next detected goes first")
        << "node-yarn"
        << ""
        << ".next" << QStringList{".next", "dist", "build", "out", ".output"};
    QTest::newRow("node, configured wins alone") << "node-npm"
                                                 << "public"
                                                 << "dist" << QStringList{"public"};
    QTest::newRow("python-uv") << "python-uv"
                               << ""
                               << "dist" << QStringList{"dist"};
    QTest::newRow("python-pip") << "python-pip"
                                << ""
                                << "" << QStringList{"dist"};
    QTest::newRow("rust-cargo") << "rust-cargo"
                                << ""
                                << "" << QStringList{"target/release", "target/debug"};
    QTest::newRow("go") << "go"
                        << ""
                        << "bin" << QStringList{"bin"};
    QTest::newRow("maven") << "maven"
                           << ""
                           << "target" << QStringList{"target"};
    QTest::newRow("gradle") << "gradle"
                            << ""
                            << "build" << QStringList{"build", "build/libs", "build/distributions"};
    QTest::newRow("gradle without detection")
        << "gradle"
        << ""
        << "" << QStringList{"build/libs", "build/distributions", "build"};
    QTest::newRow("ruby-bundler") << "ruby-bundler"
                                  << ""
                                  << "" << QStringList{"pkg"};
    QTest::newRow("php has none") << "php-composer"
                                  << ""
                                  << "" << QStringList{};
    QTest::newRow("php, configured") << "php-composer"
                                     << "public/build"
                                     << "" << QStringList{"public/build"};
    const QStringList generic{"dist", "build", "out", "bin", "target"};
    QTest::newRow("make") << "make"
                          << ""
                          << "" << generic;
    QTest::newRow("custom") << "custom"
                            << ""
                            << "" << generic;
    QTest::newRow("unknown") << "unknown"
                             << ""
                             << "" << generic;
    QTest::newRow("not detected yet") << ""
                                      << ""
                                      << "" << generic;
    QTest::newRow("stack name case") << "Rust-Cargo"
                                     << ""
                                     << "" << QStringList{"target/release", "target/debug"};
    QTest::newRow("configured is cleaned") << "node-npm"
                                           << "./dist/web/"
                                           << "" << QStringList{"dist/web"};
    QTest::newRow("configured absolute path is kept") << "make"
                                                      << "/srv/out//x"
                                                      << "" << QStringList{"/srv/out/x"};
    QTest::newRow("configured outside the project is ignored")
        << "rust-cargo"
        << "../elsewhere"
        << "" << QStringList{"target/release", "target/debug"};
    QTest::newRow("blank configured is ignored") << "go"
                                                 << "   "
                                                 << "" << QStringList{"bin"};
}

void tst_ArtifactLocator::candidates()
{
    QFETCH(QString, stack);
    QFETCH(QString, configured);
    QFETCH(QString, detected);
    QFETCH(QStringList, expected);
    QCOMPARE(ArtifactLocator::candidates(stack, configured, detected), expected);
}

void tst_ArtifactLocator::normalized_data()
{
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << "dist"
                           << "dist";
    QTest::newRow("dot slash and trailing slash") << "./target/release/"
                                                  << "target/release";
    QTest::newRow("inner dot-dot that stays inside") << "build/../dist"
                                                     << "dist";
    QTest::newRow("parent") << ".."
                            << "";
    QTest::newRow("leaves the project") << "dist/../../x"
                                        << "";
    QTest::newRow("the project itself") << "."
                                        << "";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("absolute") << "/opt/out/"
                              << "/opt/out";
}

void tst_ArtifactLocator::normalized()
{
    QFETCH(QString, directory);
    QFETCH(QString, expected);
    QCOMPARE(ArtifactLocator::normalized(directory), expected);
}

QTEST_APPLESS_MAIN(tst_ArtifactLocator)
#include "tst_artifactlocator.moc"
