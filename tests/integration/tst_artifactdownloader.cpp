#include "AwaitJob.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/ArtifactDownloader.h"
#include "app/engine/ArtifactScanner.h"
#include "tests/support/SandboxdClientConfig.h"
#include "tests/support/SandboxdProcess.h"
#include "tests/support/TestFiles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>

using namespace vw;
using namespace vw::engine;
using vw::daytona::DaytonaClient;
using vw::daytona::DaytonaConfig;

using vw::test::filesBelow;
using vw::test::readFile;
using vw::test::writeFile;

namespace {

QByteArray patterned(qint64 size, char seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        bytes[i] = char((i * 31 + seed) % 251);
    return bytes;
}

// What a downloader reported, in order.
struct DownloadRecord
{
    explicit DownloadRecord(ArtifactDownloader *downloader)
        : progress(downloader, &ArtifactDownloader::progress)
        , downloaded(downloader, &ArtifactDownloader::fileDownloaded)
        , failed(downloader, &ArtifactDownloader::fileFailed)
        , finished(downloader, &ArtifactDownloader::finished)
    {
    }
    bool waitFinished() { return finished.size() > 0 || finished.wait(60'000); }
    // bytesDone never goes down and never passes bytesTotal.
    bool progressMonotonic() const
    {
        qint64 last = -1;
        for (const QList<QVariant> &call : progress) {
            const qint64 done = call.at(0).toLongLong();
            if (done < last || done > call.at(1).toLongLong())
                return false;
            last = done;
        }
        return true;
    }
    qint64 lastDone() const { return progress.isEmpty() ? -1 : progress.last().at(0).toLongLong(); }

    QSignalSpy progress;
    QSignalSpy downloaded;
    QSignalSpy failed;
    QSignalSpy finished;
};

// A TCP relay in front of a sandboxd that decides how much of the daemon's answers gets
// through. Needed because "the first progress signal" is no point in the transfer: Qt's network
// thread reads ahead without bound and hands the main thread whatever piled up in one readyRead,
// so on a loaded machine a 50 MB file can arrive whole (or be in the socket buffers, which a
// killed daemon still delivers) before the test sees a byte of it. limit() makes "in the middle
// of the file" a fixed byte count instead of a race.
//
// Until the first limit() it puts its own address in place of the daemon's in the answers, so
// that the toolbox URL the API hands out (the daemon's) leads through the relay too.
class ResponseLimiter
{
public:
    enum class AtLimit {
        Hold, // nothing more gets through until release(): a stalled link
        Cut,  // the connection ends there and no new one is accepted: a dropped link
    };

    ResponseLimiter()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server,
                         [this] { acceptPending(); });
    }

    // False if it cannot listen, or if its port has not as many digits as the daemon's (both
    // come from the ephemeral range, 5 digits): the rewritten answers keep their length.
    bool listen(quint16 upstreamPort)
    {
        m_upstreamPort = upstreamPort;
        if (!m_server.listen(QHostAddress::LocalHost))
            return false;
        m_daemonAddress = "127.0.0.1:" + QByteArray::number(upstreamPort);
        m_relayAddress = "127.0.0.1:" + QByteArray::number(m_server.serverPort());
        return m_daemonAddress.size() == m_relayAddress.size();
    }
    QString apiUrl() const
    {
        return QStringLiteral("http://127.0.0.1:%1/api").arg(m_server.serverPort());
    }

    // From now on, let `bytes` more bytes of answers through; then hold or cut, calling
    // `reached` once.
    void limit(qint64 bytes, AtLimit atLimit, std::function<void()> reached = {})
    {
        m_allowance = bytes;
        m_atLimit = atLimit;
        m_rewriting = false;
        m_reached = std::move(reached);
        m_limitReached = false;
    }
    // Lets everything through again (what was held, too).
    void release()
    {
        m_allowance = std::numeric_limits<qint64>::max();
        for (const Link &link : std::as_const(m_links))
            pump(link);
    }
    bool limitReached() const { return m_limitReached; }

private:
    struct Link
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> daemon;
        std::shared_ptr<QByteArray> heldBack; // the start of a daemon address split by TCP
    };

    void acceptPending()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            auto *daemon = new QTcpSocket(client);
            // A small buffer, so that what is held back stays in the daemon's send queue.
            daemon->setReadBufferSize(64 * 1024);
            const Link link{client, daemon, std::make_shared<QByteArray>()};
            m_links.append(link);
            QObject::connect(daemon, &QTcpSocket::connected, client, [link] {
                link.daemon->write(link.client->readAll());
                QObject::connect(link.client, &QTcpSocket::readyRead, link.daemon,
                                 [link] { link.daemon->write(link.client->readAll()); });
            });
            QObject::connect(daemon, &QTcpSocket::readyRead, client, [this, link] { pump(link); });
            QObject::connect(daemon, &QTcpSocket::disconnected, client, [this, link] {
                pump(link);
                if (link.daemon->bytesAvailable() == 0)
                    link.client->disconnectFromHost();
            });
            QObject::connect(daemon, &QTcpSocket::errorOccurred, client,
                             [link](QAbstractSocket::SocketError error) {
                                 if (error != QAbstractSocket::RemoteHostClosedError)
                                     link.client->abort();
                             });
            QObject::connect(client, &QTcpSocket::disconnected, client,
                             [client] { client->deleteLater(); });
            daemon->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
        }
    }

    void pump(const Link &link)
    {
        if (!link.client || !link.daemon)
            return;
        if (m_rewriting) {
            QByteArray answer = *link.heldBack + link.daemon->readAll();
            answer.replace(m_daemonAddress, m_relayAddress);
            link.heldBack->clear();
            for (qsizetype keep = std::min(answer.size(), m_daemonAddress.size() - 1); keep > 0;
                 --keep) {
                if (m_daemonAddress.startsWith(answer.right(keep))) {
                    *link.heldBack = answer.right(keep);
                    answer.chop(keep);
                    break;
                }
            }
            link.client->write(answer);
            return;
        }
        if (!link.heldBack->isEmpty()) {
            link.client->write(*link.heldBack); // it was no address after all
            link.heldBack->clear();
        }
        while (m_allowance > 0 && link.daemon->bytesAvailable() > 0) {
            const QByteArray piece = link.daemon->read(std::min<qint64>(m_allowance, 64 * 1024));
            link.client->write(piece);
            m_allowance -= piece.size();
        }
        if (m_allowance > 0 || m_limitReached || link.daemon->bytesAvailable() == 0)
            return;
        m_limitReached = true;
        if (m_atLimit == AtLimit::Cut) {
            m_server.close();
            link.daemon->abort();
            link.client->disconnectFromHost(); // after what was let through is written
        }
        if (m_reached)
            m_reached();
    }

    QTcpServer m_server;
    quint16 m_upstreamPort = 0;
    QList<Link> m_links;
    qint64 m_allowance = std::numeric_limits<qint64>::max();
    AtLimit m_atLimit = AtLimit::Hold;
    std::function<void()> m_reached;
    bool m_limitReached = false;
    bool m_rewriting = true;
    QByteArray m_daemonAddress;
    QByteArray m_relayAddress;
};

} // namespace

// ArtifactDownloader against a real vaporwatch-sandboxd: byte-identical copies, progress,
// cancel without leftovers, and clear errors for files that went away or a dropped connection.
class tst_ArtifactDownloader : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void chosenFilesArriveByteIdentical();
    void wholeDirectoryArrivesByteIdentical();
    void cancelMidwayLeavesNoPartialFile();
    void fileDeletedInTheSandboxFailsClearlyAndOthersArrive();
    void droppedConnectionFailsEachFileAndLeavesNothing();
    void refusesABadStart();

private:
    ArtifactListing listOutput(DaytonaClient *client, const QString &sandbox,
                               const QString &project);

    std::unique_ptr<test::SandboxdProcess> m_sandboxd;
    std::unique_ptr<DaytonaClient> m_client;
    QString m_root;
    const QString m_sandbox = QStringLiteral("vw-download");
    QHash<QString, QByteArray> m_contents; // of app/dist, by relative path
};

void tst_ArtifactDownloader::initTestCase()
{
    m_sandboxd = std::make_unique<test::SandboxdProcess>();
    m_root = m_sandboxd->scratchDirectory() + QStringLiteral("/sandbox");
    m_contents = {
        {QStringLiteral("index.html"), QByteArray("<!doctype html><title>app</title>\n")},
        {QStringLiteral("assets/app.js"), patterned(300'000, 'a')},
        {QStringLiteral("assets/fonts/inter.woff2"), patterned(70'001, 'f')},
        {QStringLiteral("empty.txt"), QByteArray()},
    };
    for (auto it = m_contents.cbegin(); it != m_contents.cend(); ++it)
        QVERIFY(writeFile(m_root + QStringLiteral("/app/dist/") + it.key(), it.value()));
    QVERIFY(writeFile(m_root + QStringLiteral("/big/dist/image.iso"),
                      patterned(50 * 1024 * 1024, 'b')));
    QVERIFY(writeFile(m_root + QStringLiteral("/big/dist/readme.txt"), "after the image\n"));
    QVERIFY2(m_sandboxd->start({{{m_sandbox, m_root}}, {}, {}, 0, 15000}),
             qPrintable(m_sandboxd->errorString()));
    m_client = std::make_unique<DaytonaClient>(vw::test::clientConfigFor(*m_sandboxd, 50));
}

void tst_ArtifactDownloader::cleanupTestCase()
{
    m_client.reset();
    m_sandboxd.reset();
}

ArtifactListing tst_ArtifactDownloader::listOutput(DaytonaClient *client, const QString &sandbox,
                                                   const QString &project)
{
    ArtifactScanner scanner(client, nullptr, nullptr);
    const auto listed = awaitJob(scanner.list(sandbox, project, {QStringLiteral("dist")}));
    return listed ? listed.value() : ArtifactListing{};
}

void tst_ArtifactDownloader::chosenFilesArriveByteIdentical()
{
    const ArtifactListing listing =
        listOutput(m_client.get(), m_sandbox, m_root + QStringLiteral("/app"));
    QCOMPARE(listing.files.size(), 4);
    QTemporaryDir target;
    ArtifactDownloader downloader(m_client.get());
    DownloadRecord record(&downloader);
    const QStringList chosen{QStringLiteral("assets/fonts/inter.woff2"),
                             QStringLiteral("index.html")};
    QVERIFY(downloader.start(m_sandbox, listing, chosen, target.path()));
    QVERIFY(downloader.isRunning());
    QVERIFY(record.waitFinished());
    QCOMPARE(record.finished.at(0).at(0).toBool(), true);
    QVERIFY(!downloader.isRunning());

    QCOMPARE(filesBelow(target.path()), QStringList({QStringLiteral("assets/fonts/inter.woff2"),
                                                     QStringLiteral("index.html")}));
    for (const QString &path : chosen)
        QCOMPARE(readFile(target.filePath(path)), m_contents.value(path));
    QCOMPARE(downloader.downloaded(), chosen);
    QCOMPARE(record.downloaded.size(), 2);
    QCOMPARE(record.downloaded.at(1).at(1).toString(),
             target.filePath(QStringLiteral("index.html")));
    const qint64 total = 70'001 + m_contents.value(QStringLiteral("index.html")).size();
    QCOMPARE(downloader.bytesTotal(), total);
    QVERIFY(record.progressMonotonic());
    QCOMPARE(record.lastDone(), total);
    QVERIFY(record.failed.isEmpty());
}

void tst_ArtifactDownloader::wholeDirectoryArrivesByteIdentical()
{
    const ArtifactListing listing =
        listOutput(m_client.get(), m_sandbox, m_root + QStringLiteral("/app"));
    QTemporaryDir target;
    // An older copy of a file is replaced.
    QVERIFY(writeFile(target.filePath(QStringLiteral("index.html")), "stale"));
    ArtifactDownloader downloader(m_client.get());
    DownloadRecord record(&downloader);
    QVERIFY(downloader.start(m_sandbox, listing, {}, target.path()));
    QVERIFY(record.waitFinished());
    QVERIFY2(record.finished.at(0).at(0).toBool(),
             qPrintable(record.finished.at(0).at(1).toString()));

    QStringList expected = m_contents.keys();
    expected.sort();
    QCOMPARE(filesBelow(target.path()), expected);
    for (const QString &path : expected)
        QCOMPARE(readFile(target.filePath(path)), m_contents.value(path));
    QVERIFY(record.progressMonotonic());
    QCOMPARE(record.lastDone(), listing.totalBytes());
    // Progress inside the larger file, not only between files.
    QVERIFY(record.progress.size() > listing.files.size() + 1);
}

void tst_ArtifactDownloader::cancelMidwayLeavesNoPartialFile()
{
    // The daemon's answer stalls after 1 MiB, so the image is certainly unfinished when the
    // first progress inside it cancels the download.
    ResponseLimiter link;
    QVERIFY(link.listen(m_sandboxd->port()));
    DaytonaConfig config;
    config.apiUrl = QUrl(link.apiUrl());
    config.apiKey = m_sandboxd->token();
    config.initialRetryDelayMs = 50;
    DaytonaClient client(config);
    const ArtifactListing listing = listOutput(&client, m_sandbox, m_root + QStringLiteral("/big"));
    QCOMPARE(listing.files.size(), 2);
    QTemporaryDir target;
    ArtifactDownloader downloader(&client);
    DownloadRecord record(&downloader);
    qint64 doneAtCancel = -1;
    connect(&downloader, &ArtifactDownloader::progress, &downloader,
            [&](qint64 done, qint64 total, const QString &path) {
                if (doneAtCancel < 0 && done > 0 && done < total &&
                    path == QStringLiteral("image.iso")) {
                    doneAtCancel = done;
                    downloader.cancel();
                }
            });
    link.limit(1024 * 1024, ResponseLimiter::AtLimit::Hold);
    QVERIFY(downloader.start(m_sandbox, listing, {}, target.path()));
    QVERIFY(record.waitFinished());
    QVERIFY(doneAtCancel > 0);
    QVERIFY2(doneAtCancel < 1024 * 1024, qPrintable(QString::number(doneAtCancel)));
    QCOMPARE(record.finished.size(), 1);
    QCOMPARE(record.finished.at(0).at(0).toBool(), false);
    QVERIFY(downloader.wasCanceled());
    QVERIFY(!downloader.isRunning());
    QVERIFY(downloader.downloaded().isEmpty());
    // Nothing of the big file, not even its temporary file, and not the next file either — also
    // once the rest of the aborted transfer came in and had time to end.
    QCOMPARE(filesBelow(target.path()), QStringList());
    link.release();
    QTest::qWait(500);
    QCOMPARE(filesBelow(target.path()), QStringList());
    QCOMPARE(record.finished.size(), 1);

    // The same downloader works again afterwards.
    QVERIFY(downloader.start(m_sandbox, listing, {QStringLiteral("readme.txt")}, target.path()));
    QVERIFY(record.finished.wait(30'000));
    QCOMPARE(record.finished.at(1).at(0).toBool(), true);
    QCOMPARE(filesBelow(target.path()), QStringList({QStringLiteral("readme.txt")}));
}

void tst_ArtifactDownloader::fileDeletedInTheSandboxFailsClearlyAndOthersArrive()
{
    const QString project = m_root + QStringLiteral("/vanishing");
    QVERIFY(writeFile(project + QStringLiteral("/dist/a.txt"), "first"));
    QVERIFY(writeFile(project + QStringLiteral("/dist/b.txt"), "second, removed"));
    QVERIFY(writeFile(project + QStringLiteral("/dist/c.txt"), "third"));
    const ArtifactListing listing = listOutput(m_client.get(), m_sandbox, project);
    QCOMPARE(listing.files.size(), 3);
    QVERIFY(QFile::remove(project + QStringLiteral("/dist/b.txt")));

    QTemporaryDir target;
    ArtifactDownloader downloader(m_client.get());
    DownloadRecord record(&downloader);
    QVERIFY(downloader.start(m_sandbox, listing, {}, target.path()));
    QVERIFY(record.waitFinished());
    QCOMPARE(record.finished.at(0).at(0).toBool(), false);
    const QString message = record.finished.at(0).at(1).toString();
    QVERIFY2(message.contains(QStringLiteral("1 file")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("b.txt")), qPrintable(message));

    QCOMPARE(record.failed.size(), 1);
    QCOMPARE(record.failed.at(0).at(0).toString(), QStringLiteral("b.txt"));
    const Error error = record.failed.at(0).at(1).value<Error>();
    QCOMPARE(error.httpStatus, 404);
    QVERIFY2(error.message.contains(QStringLiteral("b.txt")) &&
                 error.message.contains(QStringLiteral("no longer in the sandbox")),
             qPrintable(error.message));
    QCOMPARE(downloader.failures().size(), 1);
    QCOMPARE(filesBelow(target.path()),
             QStringList({QStringLiteral("a.txt"), QStringLiteral("c.txt")}));
    QCOMPARE(readFile(target.filePath(QStringLiteral("a.txt"))), QByteArray("first"));
    QCOMPARE(readFile(target.filePath(QStringLiteral("c.txt"))), QByteArray("third"));
    QVERIFY(record.progressMonotonic());
    QCOMPARE(record.lastDone(), listing.totalBytes());
}

void tst_ArtifactDownloader::droppedConnectionFailsEachFileAndLeavesNothing()
{
    // A sandboxd of its own, killed in the middle of the big file.
    test::SandboxdProcess doomed;
    QVERIFY2(doomed.start({{{m_sandbox, m_root}}, {}, {}, 0, 15000}),
             qPrintable(doomed.errorString()));
    // The connection ends 1 MiB into the image's answer, and the daemon dies with it.
    ResponseLimiter link;
    QVERIFY(link.listen(doomed.port()));
    DaytonaConfig config;
    config.apiUrl = QUrl(link.apiUrl());
    config.apiKey = doomed.token();
    config.initialRetryDelayMs = 10;
    config.maxRetries = 1;
    DaytonaClient client(config);
    const ArtifactListing listing = listOutput(&client, m_sandbox, m_root + QStringLiteral("/big"));
    QCOMPARE(listing.files.size(), 2);

    QTemporaryDir target;
    ArtifactDownloader downloader(&client);
    DownloadRecord record(&downloader);
    link.limit(1024 * 1024, ResponseLimiter::AtLimit::Cut, [&doomed] { doomed.process().kill(); });
    QVERIFY(downloader.start(m_sandbox, listing, {}, target.path()));
    QVERIFY(record.waitFinished());
    QVERIFY(link.limitReached());
    // Part of the image had arrived (and was written) before the connection dropped.
    QVERIFY(std::any_of(record.progress.cbegin(), record.progress.cend(),
                        [](const QList<QVariant> &call) {
                            return call.at(2).toString() == QStringLiteral("image.iso") &&
                                   call.at(0).toLongLong() > 0;
                        }));
    QCOMPARE(record.finished.at(0).at(0).toBool(), false);
    QCOMPARE(record.failed.size(), 2);
    QCOMPARE(record.failed.at(0).at(0).toString(), QStringLiteral("image.iso"));
    const Error error = record.failed.at(0).at(1).value<Error>();
    QVERIFY2(error.message.startsWith(QStringLiteral("Cannot download image.iso: ")),
             qPrintable(error.message));
    QCOMPARE(error.httpStatus, 0);
    QCOMPARE(error.code, QStringLiteral("CONNECTION_LOST"));
    QVERIFY2(error.message.contains(QStringLiteral("connection to the sandbox was lost")),
             qPrintable(error.message));
    QCOMPARE(filesBelow(target.path()), QStringList());
    QVERIFY(record.progressMonotonic());
    QCOMPARE(record.lastDone(), listing.totalBytes());
}

void tst_ArtifactDownloader::refusesABadStart()
{
    ArtifactDownloader downloader(m_client.get());
    QTemporaryDir target;
    ArtifactListing none;
    none.reason = ArtifactListing::kNoOutputDirectory;
    QVERIFY(!downloader.start(m_sandbox, none, {}, target.path()));
    QVERIFY(!downloader.isRunning());

    // Paths that are not listed, or would leave the folder, fail one by one.
    const ArtifactListing listing =
        listOutput(m_client.get(), m_sandbox, m_root + QStringLiteral("/app"));
    ArtifactListing hostile = listing;
    hostile.files.append(BuildArtifact{QStringLiteral("../escape.txt"), 5, {}});
    DownloadRecord record(&downloader);
    QVERIFY(downloader.start(m_sandbox, hostile,
                             {QStringLiteral("../escape.txt"), QStringLiteral("missing.txt"),
                              QStringLiteral("index.html")},
                             target.path()));
    // A second start while one runs is refused.
    QVERIFY(!downloader.start(m_sandbox, listing, {}, target.path()));
    QVERIFY(record.waitFinished());
    QCOMPARE(record.failed.size(), 2);
    QCOMPARE(record.failed.at(0).at(1).value<Error>().code, QStringLiteral("UNSAFE_PATH"));
    QCOMPARE(record.failed.at(1).at(1).value<Error>().code, QStringLiteral("NOT_LISTED"));
    QCOMPARE(filesBelow(target.path()), QStringList({QStringLiteral("index.html")}));
    QVERIFY(!QFileInfo::exists(QFileInfo(target.path()).dir().filePath("escape.txt")));
}

QTEST_GUILESS_MAIN(tst_ArtifactDownloader)
#include "tst_artifactdownloader.moc"
