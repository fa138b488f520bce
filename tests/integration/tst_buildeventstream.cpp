#include "AwaitJob.h"
#include "app/automation/BuildEventStream.h"
#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using vw::automation::BuildEventStream;

// The stream's merge of what is stored with what the hub announces, on a real SQLite store: the
// hub repeats events and output the stream has already read (they must not come twice),
// announces output whose beginning it never announced (read from the store, without a gap), and
// ends the build; a finished build streams what is stored and ends; an unknown one fails.
class tst_BuildEventStream : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void mergesStoredAndAnnouncedOnce();
    void fillsAGapFromTheStore();
    void finishedBuildEndsAfterWhatIsStored();
    void unknownBuildFails();

private:
    vw::Build runningBuild();
    vw::BuildEvent addEvent(const vw::Build &build, const QString &message);
    // Appends to the store (queued, like the engine does) and returns [from, to) of the bytes.
    QPair<qint64, qint64> appendLog(const vw::Build &build, vw::LogStream stream,
                                    const QByteArray &bytes);
    QList<qint64> eventIds(const QList<QJsonObject> &messages) const;
    QByteArray output(const QList<QJsonObject> &messages) const;

    QTemporaryDir m_dir;
    std::unique_ptr<vw::BuildStore> m_store;
    std::unique_ptr<vw::engine::BuildHub> m_hub;
    qint64 m_logSize = 0;
};

void tst_BuildEventStream::init()
{
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<vw::BuildStore>();
    m_hub = std::make_unique<vw::engine::BuildHub>();
    m_logSize = 0;
    const vw::Status opened = awaitJob(m_store->open(
        m_dir.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()))));
    QVERIFY2(opened.ok(), qPrintable(describe(opened)));
}

void tst_BuildEventStream::cleanup()
{
    m_store.reset();
    m_hub.reset();
}

vw::Build tst_BuildEventStream::runningBuild()
{
    const auto project =
        awaitJob(m_store->ensureProject(QStringLiteral("local"), QStringLiteral("/p/web")));
    vw::Build build;
    build.projectId = project.value().id;
    build.sandboxId = QStringLiteral("local");
    build.status = vw::BuildStatus::Running;
    build.phase = vw::Phase::Build;
    return awaitJob(m_store->createBuild(build)).value();
}

vw::BuildEvent tst_BuildEventStream::addEvent(const vw::Build &build, const QString &message)
{
    vw::BuildEvent event;
    event.buildId = build.id;
    event.type = vw::BuildEvent::Type::CommandStarted;
    event.message = message;
    return awaitJob(m_store->addEvent(event)).value();
}

QPair<qint64, qint64> tst_BuildEventStream::appendLog(const vw::Build &build, vw::LogStream stream,
                                                      const QByteArray &bytes)
{
    m_store->appendLog({build.id, vw::Phase::Build, stream, bytes});
    const qint64 from = m_logSize;
    m_logSize += bytes.size();
    return {from, m_logSize};
}

QList<qint64> tst_BuildEventStream::eventIds(const QList<QJsonObject> &messages) const
{
    QList<qint64> ids;
    for (const QJsonObject &message : messages) {
        if (message.value(QStringLiteral("type")).toString() == QLatin1String("event"))
            ids << message.value(QStringLiteral("event"))
                       .toObject()
                       .value(QStringLiteral("id"))
                       .toInteger();
    }
    return ids;
}

QByteArray tst_BuildEventStream::output(const QList<QJsonObject> &messages) const
{
    QByteArray bytes;
    for (const QJsonObject &message : messages) {
        if (message.value(QStringLiteral("type")).toString() != QLatin1String("log"))
            continue;
        if (message.value(QStringLiteral("offset")).toInteger() != bytes.size())
            return "(offset " +
                   QByteArray::number(message.value(QStringLiteral("offset")).toInteger()) +
                   " after " + QByteArray::number(bytes.size()) + " bytes)";
        bytes += message.value(QStringLiteral("text")).toString().toUtf8();
    }
    return bytes;
}

void tst_BuildEventStream::mergesStoredAndAnnouncedOnce()
{
    vw::Build build = runningBuild();
    const vw::BuildEvent first = addEvent(build, QStringLiteral("one"));
    const vw::BuildEvent second = addEvent(build, QStringLiteral("two"));
    const auto hello = appendLog(build, vw::LogStream::Stdout, "hello \xc3\xbc\n");
    const auto warn = appendLog(build, vw::LogStream::Stderr, "warning\n");

    BuildEventStream stream(m_store.get(), m_hub.get(), build.id);
    QList<QJsonObject> messages;
    connect(&stream, &BuildEventStream::message, this, [&messages](const QByteArray &json) {
        messages.append(QJsonDocument::fromJson(json).object());
    });
    QSignalSpy finished(&stream, &BuildEventStream::finished);
    stream.start();
    // While the stored part is read, the hub repeats what is stored — and a piece that overlaps
    // the stored output's end.
    m_hub->announceEvent(first);
    m_hub->announceEvent(second);
    m_hub->announceLog(build.id, vw::Phase::Build, vw::LogStream::Stdout,
                       QString::fromUtf8("hello \xc3\xbc\n"), hello.first, hello.second);
    const auto more = appendLog(build, vw::LogStream::Stdout, "more\n");
    m_hub->announceLog(build.id, vw::Phase::Build, vw::LogStream::Stderr,
                       QStringLiteral("warning\nmore\n"), warn.first, more.second);
    // Then new things.
    const vw::BuildEvent third = addEvent(build, QStringLiteral("three"));
    m_hub->announceEvent(third);
    m_hub->announceEvent(third);
    build.status = vw::BuildStatus::Success;
    build.phase = vw::Phase::Complete;
    build = awaitJob(m_store->updateBuild(build)).value();
    m_hub->announceChanged(build);
    m_hub->announceFinished(build);
    // Announced after the end: not sent. (Not stored: the stream may still be reading the stored
    // events, and an event stored by then is history it rightly sends.)
    vw::BuildEvent late = third;
    late.id = third.id + 1000;
    late.message = QStringLiteral("after the end");
    m_hub->announceEvent(late);

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10'000);
    QCOMPARE(eventIds(messages), (QList<qint64>{first.id, second.id, third.id}));
    QCOMPARE(output(messages), QByteArray("hello \xc3\xbc\nwarning\nmore\n"));
    QCOMPARE(messages.first().value(QStringLiteral("type")).toString(), QStringLiteral("build"));
    QCOMPARE(messages.last().value(QStringLiteral("type")).toString(), QStringLiteral("end"));
    QCOMPARE(messages.last()
                 .value(QStringLiteral("build"))
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toString(),
             QStringLiteral("success"));
    // The stream's stdout/stderr labels follow the stored pieces.
    QStringList streams;
    for (const QJsonObject &message : messages) {
        if (message.value(QStringLiteral("type")).toString() == QLatin1String("log"))
            streams << message.value(QStringLiteral("stream")).toString();
    }
    QCOMPARE(streams.first(), QStringLiteral("stdout"));
    QVERIFY(streams.contains(QStringLiteral("stderr")));
}

void tst_BuildEventStream::fillsAGapFromTheStore()
{
    vw::Build build = runningBuild();
    appendLog(build, vw::LogStream::Stdout, "stored\n");
    BuildEventStream stream(m_store.get(), m_hub.get(), build.id);
    QList<QJsonObject> messages;
    connect(&stream, &BuildEventStream::message, this, [&messages](const QByteArray &json) {
        messages.append(QJsonDocument::fromJson(json).object());
    });
    QSignalSpy finished(&stream, &BuildEventStream::finished);
    stream.start();
    QVERIFY(QTest::qWaitFor([&] { return output(messages) == "stored\n"; }, 10'000));

    // Output the hub never announced (another process wrote it), then a piece after it.
    appendLog(build, vw::LogStream::Stdout, "unannounced\n");
    const auto later = appendLog(build, vw::LogStream::Stdout, "announced\n");
    m_hub->announceLog(build.id, vw::Phase::Build, vw::LogStream::Stdout,
                       QStringLiteral("announced\n"), later.first, later.second);
    build.status = vw::BuildStatus::Failed;
    m_hub->announceFinished(awaitJob(m_store->updateBuild(build)).value());

    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10'000);
    QCOMPARE(output(messages), QByteArray("stored\nunannounced\nannounced\n"));
}

void tst_BuildEventStream::finishedBuildEndsAfterWhatIsStored()
{
    vw::Build build = runningBuild();
    const vw::BuildEvent only = addEvent(build, QStringLiteral("only"));
    QByteArray big;
    for (int i = 0; i < 40'000; ++i) // more than one page of the store, with é across pages
        big += "line " + QByteArray::number(i) + " \xc3\xa9\n";
    appendLog(build, vw::LogStream::Stdout, big);
    build.status = vw::BuildStatus::Success;
    awaitJob(m_store->updateBuild(build));

    BuildEventStream stream(m_store.get(), m_hub.get(), build.id);
    QList<QJsonObject> messages;
    connect(&stream, &BuildEventStream::message, this, [&messages](const QByteArray &json) {
        messages.append(QJsonDocument::fromJson(json).object());
    });
    QSignalSpy finished(&stream, &BuildEventStream::finished);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20'000);
    QVERIFY(big.size() > 2 * BuildEventStream::kPageBytes);
    QCOMPARE(eventIds(messages), QList<qint64>{only.id});
    QCOMPARE(output(messages), big);
    QCOMPARE(messages.last().value(QStringLiteral("type")).toString(), QStringLiteral("end"));
}

void tst_BuildEventStream::unknownBuildFails()
{
    BuildEventStream stream(m_store.get(), m_hub.get(), 4242);
    QSignalSpy failed(&stream, &BuildEventStream::failed);
    QSignalSpy message(&stream, &BuildEventStream::message);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10'000);
    QCOMPARE(failed.first().at(0).toInt(), 404);
    QCOMPARE(message.count(), 0);
}

QTEST_GUILESS_MAIN(tst_BuildEventStream)
#include "tst_buildeventstream.moc"
