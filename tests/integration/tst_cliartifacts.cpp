#include "models/BuildRepository.h"
#include "tests/support/CliRun.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vw;

using vw::test::readFile;
using vw::test::writeFile;

namespace {

} // namespace

// `vaporwatch-cli artifacts BUILD_ID [--download DIR]` against a real sandboxd and a real SQLite
// database: the listing (made on first use and stored), the download, and the refusals.
class tst_CliArtifacts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void listsTheArtifactsAndStoresThem();
    void downloadsIntoTheDirectory();
    void buildThatFailedHasNoArtifacts();
    void wrongUsageExitsWithTwo_data();
    void wrongUsageExitsWithTwo();

private:
    qint64 storeBuild(BuildStatus status);
    test::CliRun cli(const QStringList &arguments);

    std::unique_ptr<test::SandboxdProcess> m_sandboxd;
    QTemporaryDir m_home;
    QString m_root;
    QString m_db;
    const QString m_sandbox = QStringLiteral("vw-cli-artifacts");
};

void tst_CliArtifacts::initTestCase()
{
    m_sandboxd = std::make_unique<test::SandboxdProcess>();
    m_root = m_sandboxd->scratchDirectory() + QStringLiteral("/sandbox");
    QVERIFY(writeFile(m_root + QStringLiteral("/app/dist/index.html"), "<h1>hi</h1>\n"));
    QVERIFY(writeFile(m_root + QStringLiteral("/app/dist/js/main.js"), QByteArray(5000, 'm')));
    QVERIFY2(m_sandboxd->start({{{m_sandbox, m_root}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd->errorString()));
    m_db = m_home.filePath(QStringLiteral("builds.sqlite"));
}

void tst_CliArtifacts::cleanupTestCase()
{
    m_sandboxd.reset();
}

qint64 tst_CliArtifacts::storeBuild(BuildStatus status)
{
    BuildRepository repository;
    if (!repository.open(DatabaseUrl::sqlite(m_db)))
        return 0;
    auto project = repository.ensureProject(m_sandbox, m_root + QStringLiteral("/app"));
    if (!project)
        return 0;
    Build build;
    build.projectId = project.value().id;
    build.sandboxId = m_sandbox;
    build.status = status;
    build.phase = Phase::Complete;
    build.stack = QStringLiteral("node-npm");
    auto stored = repository.createBuild(build);
    return stored ? stored.value().id : 0;
}

test::CliRun tst_CliArtifacts::cli(const QStringList &arguments)
{
    QProcessEnvironment env = test::privateHomeEnvironment(m_home.path());
    env.insert(QStringLiteral("DAYTONA_API_URL"), m_sandboxd->apiUrl());
    env.insert(QStringLiteral("DAYTONA_API_KEY"), m_sandboxd->token());
    return test::runCli(QStringLiteral(VW_CLI_BINARY),
                        QStringList{QStringLiteral("--db"), m_db} + arguments, env);
}

void tst_CliArtifacts::listsTheArtifactsAndStoresThem()
{
    const qint64 id = storeBuild(BuildStatus::Success);
    QVERIFY(id > 0);
    const test::CliRun run = cli({QStringLiteral("artifacts"), QString::number(id)});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QStringList lines = QString::fromUtf8(run.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines,
             QStringList({QStringLiteral("build %1: %2/app/dist").arg(id).arg(m_root),
                          QStringLiteral("index.html\t12"), QStringLiteral("js/main.js\t5000"),
                          QStringLiteral("2 file(s), 5012 bytes")}));
    // Stored: the next run reads it without the sandbox (which now holds something else).
    BuildRepository repository;
    QVERIFY(repository.open(DatabaseUrl::sqlite(m_db)));
    const auto stored = repository.artifacts(id);
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->files.size(), 2);
    const test::CliRun json = cli({QStringLiteral("artifacts"), QStringLiteral("--build"),
                                   QString::number(id), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    QVERIFY2(json.out.contains("\"total_bytes\": 5012"), json.out.constData());
}

void tst_CliArtifacts::downloadsIntoTheDirectory()
{
    const qint64 id = storeBuild(BuildStatus::Success);
    QVERIFY(id > 0);
    QTemporaryDir target;
    const test::CliRun run = cli({QStringLiteral("artifacts"), QString::number(id),
                                  QStringLiteral("--download"), target.path()});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("downloaded " + target.filePath("js/main.js").toUtf8()),
             run.out.constData());
    QCOMPARE(readFile(target.filePath(QStringLiteral("index.html"))), QByteArray("<h1>hi</h1>\n"));
    QCOMPARE(readFile(target.filePath(QStringLiteral("js/main.js"))), QByteArray(5000, 'm'));
}

void tst_CliArtifacts::buildThatFailedHasNoArtifacts()
{
    const qint64 id = storeBuild(BuildStatus::Failed);
    QVERIFY(id > 0);
    const test::CliRun run = cli({QStringLiteral("artifacts"), QString::number(id)});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("only a successful build has artifacts"), run.err.constData());
    const test::CliRun unknown = cli({QStringLiteral("artifacts"), QStringLiteral("9999")});
    QCOMPARE(unknown.exitCode, 1);
}

void tst_CliArtifacts::wrongUsageExitsWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no build") << QStringList{QStringLiteral("artifacts")};
    QTest::newRow("not a number") << QStringList{QStringLiteral("artifacts"), QStringLiteral("x")};
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("artifacts"), QStringLiteral("1"), QStringLiteral("--nope")};
}

void tst_CliArtifacts::wrongUsageExitsWithTwo()
{
    QFETCH(QStringList, arguments);
    QCOMPARE(cli(arguments).exitCode, 2);
}

QTEST_GUILESS_MAIN(tst_CliArtifacts)
#include "tst_cliartifacts.moc"
