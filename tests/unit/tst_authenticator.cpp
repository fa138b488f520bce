#include "app/sandboxd/ApiRequest.h"
#include "app/sandboxd/Authenticator.h"
#include "app/sandboxd/Sandbox.h"

#include <QTemporaryDir>
#include <QTest>

using vw::sandboxd::ApiRequest;
using vw::sandboxd::Authenticator;
using vw::sandboxd::Sandbox;
using Outcome = Authenticator::Outcome;

class TestAuthenticator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void checks_data();
    void checks();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;
    std::unique_ptr<Sandbox> m_other;
};

void TestAuthenticator::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_sandbox =
        std::make_unique<Sandbox>(QStringLiteral("one"), m_dir.filePath(QStringLiteral("one")),
                                  QMap<QString, QString>{}, m_dir.filePath(QStringLiteral("s")));
    m_other =
        std::make_unique<Sandbox>(QStringLiteral("two"), m_dir.filePath(QStringLiteral("two")),
                                  QMap<QString, QString>{}, m_dir.filePath(QStringLiteral("s")));
}

void TestAuthenticator::checks_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("toolboxOf"); // 0 main API, 1 own sandbox, 2 the other sandbox
    QTest::addColumn<Outcome>("outcome");

    QTest::newRow("bearer") << QByteArray("Authorization: Bearer api-token-123\r\n") << QString()
                            << 0 << Outcome::Granted;
    QTest::newRow("bearer, lower-case scheme")
        << QByteArray("Authorization: bearer api-token-123\r\n") << QString() << 1
        << Outcome::Granted;
    QTest::newRow("nothing") << QByteArray() << QString() << 0 << Outcome::Missing;
    QTest::newRow("wrong bearer") << QByteArray("Authorization: Bearer api-token-12\r\n")
                                  << QString() << 0 << Outcome::Invalid;
    QTest::newRow("basic scheme") << QByteArray("Authorization: Basic api-token-123\r\n")
                                  << QString() << 0 << Outcome::Invalid;
    QTest::newRow("preview header on toolbox")
        << QByteArray("X-Daytona-Preview-Token: PREVIEW\r\n") << QString() << 1 << Outcome::Granted;
    QTest::newRow("preview query on toolbox")
        << QByteArray() << QStringLiteral("DAYTONA_SANDBOX_AUTH_KEY=PREVIEW") << 1
        << Outcome::Granted;
    QTest::newRow("preview on main API")
        << QByteArray("X-Daytona-Preview-Token: PREVIEW\r\n") << QString() << 0 << Outcome::Invalid;
    QTest::newRow("preview of another sandbox")
        << QByteArray("X-Daytona-Preview-Token: PREVIEW\r\n") << QString() << 2 << Outcome::Invalid;
    QTest::newRow("wrong bearer, good preview")
        << QByteArray("Authorization: Bearer nope\r\nX-Daytona-Preview-Token: PREVIEW\r\n")
        << QString() << 1 << Outcome::Granted;
}

void TestAuthenticator::checks()
{
    QFETCH(QByteArray, headers);
    QFETCH(QString, query);
    QFETCH(int, toolboxOf);
    QFETCH(Outcome, outcome);
    headers.replace("PREVIEW", m_sandbox->authToken().toUtf8());
    query.replace(QStringLiteral("PREVIEW"), m_sandbox->authToken());
    const auto request =
        ApiRequest::fromRawHead("GET /x?" + query.toUtf8() + " HTTP/1.1\r\n" + headers);
    QVERIFY(request);
    const Sandbox *target = toolboxOf == 1   ? m_sandbox.get()
                            : toolboxOf == 2 ? m_other.get()
                                             : nullptr;
    QCOMPARE(Authenticator(QStringLiteral("api-token-123")).check(*request, target), outcome);
}

QTEST_GUILESS_MAIN(TestAuthenticator)
#include "tst_authenticator.moc"
