#include "app/engine/DevServer.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using vw::engine::DevServer;

// DevServer's pure parts: session names, the launch command and the default commands (the
// lifecycle against a real sandboxd is in tests/integration/tst_sandboxtools).
class tst_DevServer : public QObject
{
    Q_OBJECT

private slots:
    void sessionName_data();
    void sessionName();
    void longNamesStayDistinct();
    void launchCommandRoundTrips_data();
    void launchCommandRoundTrips();
    void launchCommandRunsInBash();
    void foreignCommandsHaveNoPort();
    void defaultCommandFor_data();
    void defaultCommandFor();
};

void tst_DevServer::sessionName_data()
{
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << "sample"
                           << "vaporwatch-dev-sample";
    QTest::newRow("nested") << "apps/web"
                            << "vaporwatch-dev-apps-web";
    QTest::newRow("dot slash and trailing slash") << "./apps/web/"
                                                  << "vaporwatch-dev-apps-web";
    QTest::newRow("absolute") << "/home/daytona/my app"
                              << "vaporwatch-dev-home-daytona-my-app";
    QTest::newRow("dots and underscores kept") << "site_v1.2"
                                               << "vaporwatch-dev-site_v1.2";
    QTest::newRow("unicode and symbols") << "café/ünï?"
                                         << "vaporwatch-dev-caf-n";
    QTest::newRow("current directory") << "."
                                       << "vaporwatch-dev-root";
    QTest::newRow("root") << "/"
                          << "vaporwatch-dev-root";
    QTest::newRow("parent") << "../web"
                            << "vaporwatch-dev-web";
}

void tst_DevServer::sessionName()
{
    QFETCH(QString, directory);
    QFETCH(QString, expected);
    QCOMPARE(DevServer::sessionName(directory), expected);
}

void tst_DevServer::longNamesStayDistinct()
{
    const QString a = QStringLiteral("a").repeated(100) + QStringLiteral("/web");
    const QString b = QStringLiteral("b").repeated(100) + QStringLiteral("/web");
    QVERIFY(DevServer::sessionName(a) != DevServer::sessionName(b));
    QVERIFY(DevServer::sessionName(a).endsWith(DevServer::sessionName(a).right(9)));
    QVERIFY(DevServer::sessionName(a).size() <= DevServer::kSessionPrefix.size() + 64);
    QCOMPARE(DevServer::sessionName(a), DevServer::sessionName(a)); // deterministic
}

void tst_DevServer::launchCommandRoundTrips_data()
{
    QTest::addColumn<QString>("directory");
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("port");

    QTest::newRow("npm") << "sample"
                         << "npm run dev" << 3000;
    QTest::newRow("quotes in the directory") << "it's here"
                                             << "make serve" << 8080;
    QTest::newRow("compound command") << "web"
                                      << "npm run build && npm start; echo done" << 80;
    QTest::newRow("multi-line command") << "web"
                                        << "export A=1\nnode server.js" << 5173;
}

void tst_DevServer::launchCommandRoundTrips()
{
    QFETCH(QString, directory);
    QFETCH(QString, command);
    QFETCH(int, port);
    const QString launch = DevServer::launchCommand(directory, command, port);
    QCOMPARE(DevServer::portOfLaunch(launch), port);
    QCOMPARE(DevServer::commandOfLaunch(launch), command);
}

void tst_DevServer::launchCommandRunsInBash()
{
    // In the project directory (quoted), with PORT exported, the whole compound command.
    QTemporaryDir root;
    QVERIFY(QDir(root.path()).mkdir(QStringLiteral("it's here")));
    QProcess bash;
    bash.setWorkingDirectory(root.path());
    bash.start(
        QStringLiteral("bash"),
        {QStringLiteral("-c"),
         DevServer::launchCommand(QStringLiteral("it's here"),
                                  QStringLiteral("echo \"$PORT\"; basename \"$PWD\""), 4321)});
    QVERIFY(bash.waitForFinished(10'000));
    QCOMPARE(bash.readAllStandardOutput(), QByteArray("4321\nit's here\n"));
    QCOMPARE(bash.exitCode(), 0);

    // A missing directory fails before the command runs.
    bash.start(QStringLiteral("bash"),
               {QStringLiteral("-c"), DevServer::launchCommand(QStringLiteral("nowhere"),
                                                               QStringLiteral("echo ran"), 1)});
    QVERIFY(bash.waitForFinished(10'000));
    QCOMPARE(bash.readAllStandardOutput(), QByteArray());
    QVERIFY(bash.exitCode() != 0);
}

void tst_DevServer::foreignCommandsHaveNoPort()
{
    QCOMPARE(DevServer::portOfLaunch(QStringLiteral("npm run dev")), 0);
    QCOMPARE(DevServer::commandOfLaunch(QStringLiteral("npm run dev")),
             QStringLiteral("npm run dev"));
}

void tst_DevServer::defaultCommandFor_data()
{
    QTest::addColumn<QString>("stack");
    QTest::addColumn<QString>("packageManager");
    QTest::addColumn<QString>("expected");

    QTest::newRow("npm") << "node"
                         << "npm"
                         << "npm run dev";
    QTest::newRow("pnpm") << "node"
                          << "pnpm"
                          << "pnpm run dev";
    QTest::newRow("yarn") << "node"
                          << "yarn"
                          << "yarn run dev";
    QTest::newRow("bun") << "node"
                         << "bun"
                         << "bun run dev";
    QTest::newRow("node, manager unknown") << "node"
                                           << ""
                                           << "npm run dev";
    QTest::newRow("python: must be given") << "python"
                                           << "pip"
                                           << "";
    QTest::newRow("unknown") << "unknown"
                             << ""
                             << "";
}

void tst_DevServer::defaultCommandFor()
{
    QFETCH(QString, stack);
    QFETCH(QString, packageManager);
    QFETCH(QString, expected);
    QCOMPARE(DevServer::defaultCommandFor(stack, packageManager), expected);
}

QTEST_GUILESS_MAIN(tst_DevServer)
#include "tst_devserver.moc"
