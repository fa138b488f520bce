#include "ui/InstanceChannel.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <future>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using vw::ui::InstanceChannel;

// The single-instance handover between two Vaporwatch processes, on a real local socket in a
// private runtime directory. The second "process" runs on a thread of its own: it blocks until
// the first has answered, as a second `vaporwatch` does.
class tst_InstanceChannel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void withoutAnInstanceNothingAnswers();
    void aSecondStartHandsItsRequestOver_data();
    void aSecondStartHandsItsRequestOver();
    void aCrashedInstancesSocketIsReplaced();
    void aLiveInstancesSocketIsNotTaken();

private:
    QTemporaryDir m_runtime;
};

void tst_InstanceChannel::initTestCase()
{
    QVERIFY(m_runtime.isValid());
    QFile::setPermissions(m_runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", m_runtime.path().toUtf8());
    QCOMPARE(InstanceChannel::socketPath(),
             m_runtime.filePath(QStringLiteral("vaporwatch.socket")));
}

void tst_InstanceChannel::init()
{
    QFile::remove(InstanceChannel::socketPath());
}

void tst_InstanceChannel::withoutAnInstanceNothingAnswers()
{
    InstanceChannel second;
    QVERIFY(!second.sendToRunning(std::nullopt, 500));
}

void tst_InstanceChannel::aSecondStartHandsItsRequestOver_data()
{
    QTest::addColumn<qint64>("build"); // 0: none
    QTest::newRow("show the window") << qint64(0);
    QTest::newRow("open a build") << qint64(42);
}

void tst_InstanceChannel::aSecondStartHandsItsRequestOver()
{
    QFETCH(qint64, build);
    InstanceChannel first;
    QVERIFY(first.listen());
    QSignalSpy shown(&first, &InstanceChannel::showRequested);
    QSignalSpy opened(&first, &InstanceChannel::buildRequested);
    std::future<bool> handedOver = std::async(std::launch::async, [build] {
        InstanceChannel second;
        return second.sendToRunning(build ? std::optional<qint64>(build) : std::nullopt);
    });
    QTRY_VERIFY(handedOver.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
    QVERIFY(handedOver.get());
    QCOMPARE(shown.count(), 1);
    QCOMPARE(opened.count(), build ? 1 : 0);
    if (build)
        QCOMPARE(opened.first().first().toLongLong(), build);
}

void tst_InstanceChannel::aCrashedInstancesSocketIsReplaced()
{
    // A socket file nobody listens on, as a killed instance leaves it.
    const QByteArray path = QFile::encodeName(InstanceChannel::socketPath());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    qstrncpy(address.sun_path, path.constData(), sizeof address.sun_path);
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    ::close(fd);
    QVERIFY(QFile::exists(InstanceChannel::socketPath()));

    InstanceChannel next;
    QVERIFY(!next.sendToRunning(std::nullopt, 500));
    QVERIFY(next.listen());
    QSignalSpy shown(&next, &InstanceChannel::showRequested);
    std::future<bool> handedOver = std::async(std::launch::async, [] {
        InstanceChannel another;
        return another.sendToRunning(std::nullopt);
    });
    QTRY_VERIFY(handedOver.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
    QVERIFY(handedOver.get());
    QCOMPARE(shown.count(), 1);
}

void tst_InstanceChannel::aLiveInstancesSocketIsNotTaken()
{
    InstanceChannel running;
    QVERIFY(running.listen());
    // Another start that gave up waiting (a busy machine) must not steal the socket.
    InstanceChannel impatient;
    QVERIFY(!impatient.listen());
    QSignalSpy shown(&running, &InstanceChannel::showRequested);
    std::future<bool> handedOver = std::async(std::launch::async, [] {
        InstanceChannel another;
        return another.sendToRunning(std::nullopt);
    });
    QTRY_VERIFY(handedOver.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
    QVERIFY(handedOver.get());
    QCOMPARE(shown.count(), 1);
}

QTEST_GUILESS_MAIN(tst_InstanceChannel)
#include "tst_instancechannel.moc"
