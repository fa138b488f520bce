#include "models/RandomToken.h"
#include "models/TokenFile.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using vw::RandomToken;
using vw::TokenFile;

class TestTokenFile : public QObject
{
    Q_OBJECT

private slots:
    void createsAPrivateRandomToken();
    void readsAnExistingToken();
    void refusesAnEmptyFile();
    void previewTokensLookLikeDaytonas();
};

void TestTokenFile::createsAPrivateRandomToken()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("token"));
    const auto created = TokenFile::loadOrCreate(path);
    QVERIFY(created.ok());
    QCOMPARE(created.value().size(), 64);
    struct stat status
    {
    };
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &status), 0);
    QCOMPARE(status.st_mode & 07777, mode_t(0600));
    // The same token next time; another file gets another one.
    QCOMPARE(TokenFile::loadOrCreate(path).value(), created.value());
    QVERIFY(TokenFile::loadOrCreate(dir.filePath(QStringLiteral("other"))).value() !=
            created.value());
}

void TestTokenFile::readsAnExistingToken()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("token")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("  my-token \n");
    file.close();
    QCOMPARE(TokenFile::loadOrCreate(file.fileName()).value(), QStringLiteral("my-token"));
}

void TestTokenFile::refusesAnEmptyFile()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("token")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(!TokenFile::loadOrCreate(file.fileName()).ok());
    QVERIFY(!TokenFile::loadOrCreate(dir.filePath(QStringLiteral("no/such/dir/token"))).ok());
}

void TestTokenFile::previewTokensLookLikeDaytonas()
{
    static const QRegularExpression shape(QStringLiteral("^[a-z0-9]{32}$"));
    const QString a = RandomToken::lowercaseAlphanumeric();
    QVERIFY(shape.match(a).hasMatch());
    QVERIFY(a != RandomToken::lowercaseAlphanumeric());
}

QTEST_GUILESS_MAIN(TestTokenFile)
#include "tst_tokenfile.moc"
