#include "app/automation/HttpApiAuth.h"

#include <QTest>

using vw::automation::HttpApiAuth;

Q_DECLARE_METATYPE(HttpApiAuth::Outcome)

// Who gets into the HTTP API: the token as a Bearer credential, or as the password of Basic auth
// (for cctray monitors that only speak Basic); nothing else.
class TestHttpApiAuth : public QObject
{
    Q_OBJECT

private slots:
    void outcomes_data();
    void outcomes();
    void noTokenLetsNobodyIn();
};

void TestHttpApiAuth::outcomes_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<HttpApiAuth::Outcome>("outcome");
    using O = HttpApiAuth::Outcome;

    QTest::newRow("bearer") << QByteArray("Bearer s3cret") << O::Granted;
    QTest::newRow("scheme in any case") << QByteArray("bEARER s3cret") << O::Granted;
    QTest::newRow("extra spaces") << QByteArray("  Bearer   s3cret ") << O::Granted;
    QTest::newRow("no header") << QByteArray() << O::Missing;
    QTest::newRow("blank header") << QByteArray("   ") << O::Missing;
    QTest::newRow("wrong token") << QByteArray("Bearer s3cre") << O::Invalid;
    QTest::newRow("longer token") << QByteArray("Bearer s3cretx") << O::Invalid;
    QTest::newRow("bearer without token") << QByteArray("Bearer") << O::Invalid;
    QTest::newRow("token without scheme") << QByteArray("s3cret") << O::WrongScheme;
    QTest::newRow("digest") << QByteArray("Digest username=\"a\"") << O::WrongScheme;
    QTest::newRow("basic, token as password")
        << QByteArray("Basic " + QByteArray("ccmenu:s3cret").toBase64()) << O::Granted;
    QTest::newRow("basic, empty user")
        << QByteArray("Basic " + QByteArray(":s3cret").toBase64()) << O::Granted;
    QTest::newRow("basic, token as user")
        << QByteArray("Basic " + QByteArray("s3cret:").toBase64()) << O::Invalid;
    QTest::newRow("basic, no colon")
        << QByteArray("Basic " + QByteArray("s3cret").toBase64()) << O::Invalid;
    QTest::newRow("basic, not base64") << QByteArray("Basic !!!") << O::Invalid;
}

void TestHttpApiAuth::outcomes()
{
    QFETCH(QByteArray, header);
    QFETCH(HttpApiAuth::Outcome, outcome);
    QCOMPARE(HttpApiAuth("s3cret").check(header), outcome);
}

void TestHttpApiAuth::noTokenLetsNobodyIn()
{
    const HttpApiAuth auth{QByteArray()};
    QCOMPARE(auth.check("Bearer "), HttpApiAuth::Outcome::Invalid);
    QCOMPARE(auth.check("Basic " + QByteArray("a:").toBase64()), HttpApiAuth::Outcome::Invalid);
}

QTEST_GUILESS_MAIN(TestHttpApiAuth)
#include "tst_httpapiauth.moc"
