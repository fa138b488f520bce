#include "app/automation/BuildApiJson.h"

#include <QJsonArray>
#include <QTest>

using vw::automation::BuildApiJson;

// The HTTP API's JSON: the original platform's snake_case names, the sandbox as workspace_id,
// log tails that start on a character and say when they are cut, and one error shape.
class TestBuildApiJson : public QObject
{
    Q_OBJECT

private slots:
    void buildHasTheOriginalsFields();
    void logTailsSayWhenTheyAreCut();
    void tailsStartOnACharacter_data();
    void tailsStartOnACharacter();
    void completeUtf8Length_data();
    void completeUtf8Length();
    void eventAndErrorShapes();
};

void TestBuildApiJson::buildHasTheOriginalsFields()
{
    vw::Build build;
    build.id = 7;
    build.projectId = 3;
    build.sandboxId = QStringLiteral("sb-1");
    build.status = vw::BuildStatus::Failed;
    build.phase = vw::Phase::Install;
    build.currentStep = QStringLiteral("Installing dependencies with npm");
    build.progress = 40;
    build.errorMessage = QStringLiteral("npm ERR! 404 Not Found");
    build.trigger = QStringLiteral("manual");
    build.daytonaSessionId = QStringLiteral("vaporwatch-build-7");
    build.metadata = {{QStringLiteral("ticket"), QStringLiteral("X-1")}};
    build.startedAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
    build.completedAt = build.startedAt.addMSecs(1500);
    build.durationMs = 1500;

    const QJsonObject json = BuildApiJson::build(build);
    for (const char *field : {"id", "project_id", "workspace_id", "status", "phase", "current_step",
                              "progress", "error_message", "daytona_session_id", "started_at",
                              "completed_at", "duration_ms", "metadata"})
        QVERIFY2(json.contains(QLatin1String(field)), field);
    QCOMPARE(json.value(QStringLiteral("id")).toInteger(), 7);
    QCOMPARE(json.value(QStringLiteral("project_id")).toInteger(), 3);
    QCOMPARE(json.value(QStringLiteral("workspace_id")).toString(), QStringLiteral("sb-1"));
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(json.value(QStringLiteral("phase")).toString(), QStringLiteral("install"));
    QCOMPARE(json.value(QStringLiteral("progress")).toInt(), 40);
    QCOMPARE(json.value(QStringLiteral("started_at")).toString(),
             QStringLiteral("2026-01-02T03:04:05.000Z"));
    QCOMPARE(json.value(QStringLiteral("duration_ms")).toInteger(), 1500);
    QCOMPARE(json.value(QStringLiteral("finished")).toBool(), true);
    // metadata.trigger as the client sent it, next to the rest of its metadata.
    const QJsonObject metadata = json.value(QStringLiteral("metadata")).toObject();
    QCOMPARE(metadata.value(QStringLiteral("trigger")).toString(), QStringLiteral("manual"));
    QCOMPARE(metadata.value(QStringLiteral("ticket")).toString(), QStringLiteral("X-1"));
    QVERIFY(!json.contains(QStringLiteral("sandbox_id")));
    QVERIFY(!json.contains(QStringLiteral("install_logs"))); // only with logs

    vw::Build running;
    running.id = 8;
    const QJsonObject open = BuildApiJson::build(running);
    QVERIFY(open.value(QStringLiteral("completed_at")).isNull());
    QVERIFY(open.value(QStringLiteral("duration_ms")).isNull());
    QVERIFY(open.value(QStringLiteral("error_message")).isNull());
    QCOMPARE(open.value(QStringLiteral("finished")).toBool(), false);
}

void TestBuildApiJson::logTailsSayWhenTheyAreCut()
{
    vw::Build build;
    build.id = 9;
    QList<BuildApiJson::LogTail> tails{
        {vw::LogKind::InstallLog, "added 3 packages\n", 0, 17},
        {vw::LogKind::BuildLog, "last line\n", 990, 1000},
        {vw::LogKind::LiveOutput, "", 0, 0},
    };
    const QJsonObject json = BuildApiJson::buildWithLogs(build, tails);
    QCOMPARE(json.value(QStringLiteral("install_logs")).toString(),
             QStringLiteral("added 3 packages\n"));
    QCOMPARE(json.value(QStringLiteral("install_logs_truncated")).toBool(), false);
    QCOMPARE(json.value(QStringLiteral("build_logs")).toString(), QStringLiteral("last line\n"));
    QCOMPARE(json.value(QStringLiteral("build_logs_truncated")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("live_output")).toString(), QString());
    const QJsonObject buildLog = json.value(QStringLiteral("logs"))
                                     .toObject()
                                     .value(QStringLiteral("build_logs"))
                                     .toObject();
    QCOMPARE(buildLog.value(QStringLiteral("size")).toInteger(), 1000);
    QCOMPARE(buildLog.value(QStringLiteral("offset")).toInteger(), 990);
    QCOMPARE(buildLog.value(QStringLiteral("truncated")).toBool(), true);
    QCOMPARE(buildLog.value(QStringLiteral("url")).toString(),
             QStringLiteral("/workspace/build/9/logs?phase=build"));
    QCOMPARE(json.value(QStringLiteral("logs"))
                 .toObject()
                 .value(QStringLiteral("live_output"))
                 .toObject()
                 .value(QStringLiteral("url"))
                 .toString(),
             QStringLiteral("/workspace/build/9/logs"));
}

void TestBuildApiJson::tailsStartOnACharacter_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<QByteArray>("tail");
    QTest::addColumn<qint64>("tailOffset");

    const QByteArray euro = "\xe2\x82\xac"; // €, three bytes
    QTest::newRow("from the start")
        << QByteArray("abc") << qint64(0) << QByteArray("abc") << qint64(0);
    QTest::newRow("cut on a character")
        << QByteArray(euro + "x") << qint64(10) << QByteArray(euro + "x") << qint64(10);
    QTest::newRow("cut inside a character")
        << QByteArray(euro.mid(1) + "x") << qint64(11) << QByteArray("x") << qint64(13);
    QTest::newRow("one continuation byte")
        << QByteArray(euro.mid(2) + "ok") << qint64(12) << QByteArray("ok") << qint64(13);
}

void TestBuildApiJson::tailsStartOnACharacter()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, offset);
    QFETCH(QByteArray, tail);
    QFETCH(qint64, tailOffset);
    vw::LogSlice slice;
    slice.offset = offset;
    slice.totalSize = offset + bytes.size();
    slice.pieces.append({vw::Phase::Build, vw::LogStream::Stdout, bytes});
    const BuildApiJson::LogTail cut = BuildApiJson::tail(vw::LogKind::BuildLog, slice);
    QCOMPARE(cut.bytes, tail);
    QCOMPARE(cut.offset, tailOffset);
    QCOMPARE(cut.size, slice.totalSize);
}

void TestBuildApiJson::completeUtf8Length_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("length");

    QTest::newRow("ascii") << QByteArray("abc") << 3;
    QTest::newRow("empty") << QByteArray() << 0;
    QTest::newRow("whole euro") << QByteArray("a\xe2\x82\xac") << 4;
    QTest::newRow("euro missing one byte") << QByteArray("a\xe2\x82") << 1;
    QTest::newRow("euro missing two bytes") << QByteArray("a\xe2") << 1;
    QTest::newRow("four-byte emoji, three there") << QByteArray("ab\xf0\x9f\x98") << 2;
    QTest::newRow("four-byte emoji whole") << QByteArray("ab\xf0\x9f\x98\x80") << 6;
}

void TestBuildApiJson::completeUtf8Length()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, length);
    QCOMPARE(BuildApiJson::completeUtf8Length(bytes), qsizetype(length));
}

void TestBuildApiJson::eventAndErrorShapes()
{
    vw::BuildEvent event;
    event.id = 4;
    event.buildId = 7;
    event.type = vw::BuildEvent::Type::PhaseStarted;
    event.phase = vw::Phase::Install;
    event.message = QStringLiteral("Install started");
    event.createdAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
    const QJsonObject json = BuildApiJson::event(event);
    QStringList keys = json.keys();
    QCOMPARE(keys, (QStringList{"build_id", "created_at", "event_type", "id", "message", "metadata",
                                "phase"}));
    QCOMPARE(json.value(QStringLiteral("event_type")).toString(), QStringLiteral("phase_started"));
    QCOMPARE(json.value(QStringLiteral("phase")).toString(), QStringLiteral("install"));

    const QJsonObject error = BuildApiJson::error(404, QStringLiteral("There is no build 9"));
    QCOMPARE(error.keys(), QStringList{QStringLiteral("error")});
    QCOMPARE(
        error.value(QStringLiteral("error")).toObject().value(QStringLiteral("status")).toInt(),
        404);
    QCOMPARE(
        error.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
        QStringLiteral("There is no build 9"));
}

QTEST_GUILESS_MAIN(TestBuildApiJson)
#include "tst_buildapijson.moc"
