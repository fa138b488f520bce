#include "tests/support/SandboxdProcess.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// vaporwatch-sandboxd must work with the official Daytona TypeScript SDK: this runs the SDK's
// own calls (tests/integration/sdk/sdk_test.mjs) against a real sandboxd. The SDK is installed
// once into the build tree by the sdk_npm_install CTest fixture.
class tst_SdkCompatibility : public QObject
{
    Q_OBJECT

private slots:
    void officialTypeScriptSdkDrivesSandboxd();
};

void tst_SdkCompatibility::officialTypeScriptSdkDrivesSandboxd()
{
    const QString sdkDir = QStringLiteral(VW_SDK_TEST_DIR);
    QVERIFY2(QFile::exists(sdkDir + QStringLiteral("/node_modules/@daytonaio/sdk/package.json")),
             "the Daytona SDK is not installed; run the sdk_npm_install test first");

    QTemporaryDir project;
    QVERIFY(project.isValid());
    vw::test::SandboxdProcess sandboxd;
    vw::test::SandboxdProcess::Options options;
    options.sandboxes = {{QStringLiteral("sdk-test"), project.path()}};
    QVERIFY2(sandboxd.start(options), qPrintable(sandboxd.errorString()));

    QProcess node;
    node.setWorkingDirectory(sdkDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VW_SANDBOXD_URL"), sandboxd.baseUrl());
    env.insert(QStringLiteral("VW_SANDBOXD_TOKEN"), sandboxd.token()); // environment, not argv
    env.insert(QStringLiteral("VW_SANDBOX_NAME"), QStringLiteral("sdk-test"));
    node.setProcessEnvironment(env);
    node.start(QStringLiteral(VW_NODE_EXECUTABLE), {QStringLiteral("sdk_test.mjs")});
    QVERIFY2(node.waitForStarted(), qPrintable(node.errorString()));
    QVERIFY(node.waitForFinished(90000));

    const QByteArray output = node.readAllStandardOutput() + node.readAllStandardError();
    const auto failure = [&] {
        return QByteArray(output + "\n--- sandboxd log ---\n" + sandboxd.standardError());
    };
    QVERIFY2(node.exitStatus() == QProcess::NormalExit, failure().constData());
    QVERIFY2(node.exitCode() == 0, failure().constData());
    QVERIFY2(output.contains(" 0 failed"), failure().constData());
    QVERIFY2(!output.contains("not ok"), failure().constData());
}

QTEST_GUILESS_MAIN(tst_SdkCompatibility)
#include "tst_sdkcompatibility.moc"
