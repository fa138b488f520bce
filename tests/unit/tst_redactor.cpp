#include "models/Redactor.h"

#include <QTest>

using vw::Redactor;

class tst_Redactor : public QObject
{
    Q_OBJECT

private slots:
    void redactsKnownShapes_data();
    void redactsKnownShapes();
    void redactsRegisteredSecretsAnywhere();
    void ignoresTooShortSecrets();
    void leavesOrdinaryTextAlone_data();
    void leavesOrdinaryTextAlone();
};

void tst_Redactor::redactsKnownShapes_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("mustKeep");

    QTest::newRow("authorization header")
        << "GET /api/sandbox Authorization: Bearer dtn_abc123secret" << "dtn_abc123secret"
        << "Authorization: ";
    QTest::newRow("lowercase header") << "authorization: Basic QWxhZGRpbjpvcGVu"
                                      << "QWxhZGRpbjpvcGVu" << "authorization: ";
    QTest::newRow("bearer in prose") << "sent bearer tok-9f8e7d6c5b to the proxy" << "tok-9f8e7d6c5b"
                                     << "to the proxy";
    QTest::newRow("preview token header") << "X-Daytona-Preview-Token: vgk2hq0x7j1a" << "vgk2hq0x7j1a"
                                          << "X-Daytona-Preview-Token";
    QTest::newRow("preview token in query")
        << "wss://h/logs?follow=true&DAYTONA_SANDBOX_AUTH_KEY=abcdefgh12&x=1" << "abcdefgh12" << "&x=1";
    QTest::newRow("env assignment") << "DAYTONA_API_KEY=dtn_0123456789 vaporwatch" << "dtn_0123456789"
                                    << "vaporwatch";
    QTest::newRow("json api key") << R"({"apiKey": "k3y-value-999", "url": "x"})" << "k3y-value-999"
                                  << R"("url": "x")";
    QTest::newRow("json token") << R"({"sandboxId":"s1","url":"http://u","token":"ab12cd34ef56"})"
                                << "ab12cd34ef56" << R"("sandboxId":"s1")";
}

void tst_Redactor::redactsKnownShapes()
{
    QFETCH(QString, input);
    QFETCH(QString, secret);
    QFETCH(QString, mustKeep);
    const QString out = Redactor().redact(input);
    QVERIFY2(!out.contains(secret), qPrintable(out));
    QVERIFY2(out.contains(Redactor::kMask), qPrintable(out));
    QVERIFY2(out.contains(mustKeep), qPrintable(out));
}

void tst_Redactor::redactsRegisteredSecretsAnywhere()
{
    Redactor r;
    r.addSecret(QStringLiteral("s3cr3t-value"));
    const QString out = r.redact(QStringLiteral("prefix s3cr3t-value and again s3cr3t-value."));
    QCOMPARE(out, QStringLiteral("prefix [REDACTED] and again [REDACTED]."));
    r.removeSecret(QStringLiteral("s3cr3t-value"));
    QCOMPARE(r.redact(QStringLiteral("s3cr3t-value")), QStringLiteral("s3cr3t-value"));
}

void tst_Redactor::ignoresTooShortSecrets()
{
    Redactor r;
    r.addSecret(QStringLiteral("a"));
    QCOMPARE(r.redact(QStringLiteral("a banana")), QStringLiteral("a banana"));
}

void tst_Redactor::leavesOrdinaryTextAlone_data()
{
    QTest::addColumn<QString>("input");
    QTest::newRow("build line") << "npm ERR! 404 Not Found - GET https://registry.npmjs.org/x";
    QTest::newRow("phase") << "phase install started at 2026-11-24T10:00:00Z (exit code 0)";
    QTest::newRow("tokenizer word") << "the tokenizer module compiled";
}

void tst_Redactor::leavesOrdinaryTextAlone()
{
    QFETCH(QString, input);
    QCOMPARE(Redactor().redact(input), input);
}

QTEST_APPLESS_MAIN(tst_Redactor)
#include "tst_redactor.moc"
