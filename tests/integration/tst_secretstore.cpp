#include "app/engine/SecretStore.h"

#include "tests/integration/AwaitJob.h"

#include <QDateTime>
#include <QFile>
#include <QSettings>
#include <QTest>

using vw::engine::SecretStore;

// The real keychain: registered twice with CTest — once through tests/support/with-keyring.sh
// (a throwaway GNOME Keyring on a private session bus; VW_EXPECT_KEYCHAIN=available) and once
// with no session bus at all (VW_EXPECT_KEYCHAIN=unavailable), where every call must fail with
// a clear message and nothing may be written anywhere else.
class tst_SecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void writeReadRemove();
    void readOrCreateMakesOnceThenReads();
    void unavailableKeychainFailsClearly();

private:
    bool m_available = false;
};

void tst_SecretStore::initTestCase()
{
    const QByteArray expect = qgetenv("VW_EXPECT_KEYCHAIN");
    QVERIFY2(expect == "available" || expect == "unavailable",
             "run through CTest: VW_EXPECT_KEYCHAIN says which keychain to expect");
    m_available = expect == "available";
}

void tst_SecretStore::writeReadRemove()
{
    if (!m_available)
        QSKIP("no keychain in this run");
    SecretStore store(QStringLiteral("io.github.vaporwatch.Vaporwatch.test"));
    const QString key = QStringLiteral("daytona-api-key");
    auto missing = awaitJob(store.read(key));
    QVERIFY2(missing.ok(), qPrintable(describe(missing)));
    QVERIFY(!missing.value().has_value());

    const QString secret =
        QStringLiteral("dtn_secret-Ä-%1").arg(QDateTime::currentMSecsSinceEpoch());
    auto written = awaitJob(store.write(key, secret));
    QVERIFY2(written.ok(), qPrintable(describe(written)));
    // Another store object (another process would do the same) reads it back.
    SecretStore other(QStringLiteral("io.github.vaporwatch.Vaporwatch.test"));
    auto read = awaitJob(other.read(key));
    QVERIFY2(read.ok(), qPrintable(describe(read)));
    QCOMPARE(read.value(), std::optional<QString>(secret));
    // A different service does not see it.
    SecretStore unrelated(QStringLiteral("io.github.vaporwatch.Other"));
    auto unrelatedRead = awaitJob(unrelated.read(key));
    QVERIFY(unrelatedRead.ok());
    QVERIFY(!unrelatedRead.value().has_value());

    auto overwritten = awaitJob(store.write(key, QStringLiteral("second")));
    QVERIFY(overwritten.ok());
    QCOMPARE(awaitJob(store.read(key)).value(), std::optional<QString>(QStringLiteral("second")));

    auto removed = awaitJob(store.remove(key));
    QVERIFY2(removed.ok(), qPrintable(describe(removed)));
    QVERIFY(!awaitJob(store.read(key)).value().has_value());
    // Removing what is not there is fine.
    QVERIFY(awaitJob(store.remove(key)).ok());
}

void tst_SecretStore::readOrCreateMakesOnceThenReads()
{
    if (!m_available)
        QSKIP("no keychain in this run");
    SecretStore store(QStringLiteral("io.github.vaporwatch.Vaporwatch.test"));
    const QString key = QStringLiteral("http-api-token");
    QVERIFY(awaitJob(store.remove(key)).ok());
    int made = 0;
    const auto make = [&made] {
        ++made;
        return QStringLiteral("token-%1").arg(made);
    };
    auto first = awaitJob(store.readOrCreate(key, make));
    QVERIFY2(first.ok(), qPrintable(describe(first)));
    QCOMPARE(first.value(), QStringLiteral("token-1"));
    // Stored: the next call (in any process) reads it instead of making another.
    SecretStore other(QStringLiteral("io.github.vaporwatch.Vaporwatch.test"));
    QCOMPARE(awaitJob(other.readOrCreate(key, make)).value(), QStringLiteral("token-1"));
    QCOMPARE(made, 1);
    QVERIFY(awaitJob(store.remove(key)).ok());
}

void tst_SecretStore::unavailableKeychainFailsClearly()
{
    if (m_available)
        QSKIP("a keychain runs in this run");
    SecretStore store(QStringLiteral("io.github.vaporwatch.Vaporwatch.test"));
    auto written = awaitJob(store.write(QStringLiteral("k"), QStringLiteral("never-stored")));
    QVERIFY(!written.ok());
    QVERIFY2(written.error().code == QStringLiteral("KEYCHAIN_UNAVAILABLE"),
             qPrintable(written.error().toString()));
    QVERIFY2(written.error().message.contains(QStringLiteral("No keychain is available")),
             qPrintable(written.error().message));
    auto read = awaitJob(store.read(QStringLiteral("k")));
    QVERIFY(!read.ok());
    QCOMPARE(read.error().code, QStringLiteral("KEYCHAIN_UNAVAILABLE"));
    auto created = awaitJob(
        store.readOrCreate(QStringLiteral("k"), [] { return QStringLiteral("never-stored"); }));
    QCOMPARE(created.error().code, QStringLiteral("KEYCHAIN_UNAVAILABLE"));
    // No plaintext fallback: QtKeychain's would be a QSettings file of this application.
    QSettings fallback;
    QVERIFY(!fallback.allKeys().join(u' ').contains(QStringLiteral("never-stored")));
    QVERIFY2(!QFile::exists(fallback.fileName()), qPrintable(fallback.fileName()));
}

QTEST_GUILESS_MAIN(tst_SecretStore)
#include "tst_secretstore.moc"
