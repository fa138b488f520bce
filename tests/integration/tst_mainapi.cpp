// The main API of vaporwatch-sandboxd (/api): list with paging and label filters, get by id and
// name, start/stop and their conflicts, preview links, the toolbox proxy URL and error shapes.
#include "tests/support/HttpTestClient.h"
#include "tests/support/SandboxdProcess.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>

using vw::test::HttpResult;
using vw::test::HttpTestClient;
using vw::test::SandboxdProcess;

class TestMainApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void listReturnsItemsWithRequiredFields();
    void listPagesWithCursor();
    void listFiltersByLabels_data();
    void listFiltersByLabels();
    void listRejectsBadQueries_data();
    void listRejectsBadQueries();
    void getFindsByIdAndName();
    void unknownSandboxIsNotFound();
    void unknownRouteIsNotFound();
    void sandboxIdIsStableForAName();
    void previewUrlPointsAtTheLocalPort();
    void previewUrlRejectsInvalidPorts_data();
    void previewUrlRejectsInvalidPorts();
    void toolboxProxyUrl();
    void startIsIdempotentOnAStartedSandbox();
    void stopThenStartCyclesThroughTheStates();
    void stopKillsSessionsAndConflictsWhileInProgress();

private:
    HttpResult waitForState(const QString &sandbox, const QString &state);

    QTemporaryDir m_dirs;
    SandboxdProcess m_sandboxd;
    std::unique_ptr<HttpTestClient> m_client;
};

void TestMainApi::initTestCase()
{
    QVERIFY(m_dirs.isValid());
    SandboxdProcess::Options options;
    for (const char *name : {"alpha", "beta", "gamma", "delta", "epsilon"})
        options.sandboxes.append({QLatin1String(name), m_dirs.filePath(QLatin1String(name))});
    options.extraArguments = {QStringLiteral("--label"), QStringLiteral("alpha:team=core"),
                              QStringLiteral("--label"), QStringLiteral("alpha:tier=gold"),
                              QStringLiteral("--label"), QStringLiteral("beta:team=core"),
                              QStringLiteral("--label"), QStringLiteral("gamma:team=web")};
    QVERIFY2(m_sandboxd.start(options), qPrintable(m_sandboxd.errorString()));
    m_client = std::make_unique<HttpTestClient>(m_sandboxd.apiUrl(), m_sandboxd.token());
}

HttpResult TestMainApi::waitForState(const QString &sandbox, const QString &state)
{
    HttpResult last;
    // The caller compares the state it gets back, so a timeout shows up as a mismatch.
    [[maybe_unused]] const bool reached = QTest::qWaitFor(
        [&] {
            last = m_client->get(QStringLiteral("/sandbox/") + sandbox);
            return last.object().value(QStringLiteral("state")).toString() == state;
        },
        15000);
    return last;
}

void TestMainApi::listReturnsItemsWithRequiredFields()
{
    const HttpResult list = m_client->get(QStringLiteral("/sandbox"));
    QCOMPARE(list.status, 200);
    const QJsonObject body = list.object();
    QVERIFY(body.contains(QStringLiteral("nextCursor")));
    QVERIFY(body.value(QStringLiteral("nextCursor")).isNull());
    const QJsonArray items = body.value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 5);
    QStringList names;
    for (const QJsonValue &value : items) {
        const QJsonObject item = value.toObject();
        for (const char *field : {"id", "organizationId", "name", "target", "cpu", "gpu", "memory",
                                  "disk", "labels", "public", "user", "toolboxProxyUrl", "state"})
            QVERIFY2(item.contains(QLatin1String(field)), field);
        QCOMPARE(item.value(QStringLiteral("toolboxProxyUrl")).toString(), m_sandboxd.toolboxUrl());
        QVERIFY(item.value(QStringLiteral("cpu")).isDouble());
        QVERIFY(item.value(QStringLiteral("labels")).isObject());
        names << item.value(QStringLiteral("name")).toString();
    }
    QCOMPARE(names,
             (QStringList{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("delta"),
                          QStringLiteral("epsilon"), QStringLiteral("gamma")}));
}

void TestMainApi::listPagesWithCursor()
{
    QStringList seen;
    QString cursor;
    int pages = 0;
    do {
        QString path = QStringLiteral("/sandbox?limit=2");
        if (!cursor.isEmpty())
            path +=
                QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
        const HttpResult page = m_client->get(path);
        QCOMPARE(page.status, 200);
        const QJsonArray items = page.object().value(QStringLiteral("items")).toArray();
        QVERIFY(items.size() <= 2);
        for (const QJsonValue &item : items)
            seen << item.toObject().value(QStringLiteral("name")).toString();
        const QJsonValue next = page.object().value(QStringLiteral("nextCursor"));
        cursor = next.isNull() ? QString() : next.toString();
        QVERIFY(++pages <= 3);
    } while (!cursor.isEmpty());
    QCOMPARE(pages, 3);
    QCOMPARE(seen,
             (QStringList{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("delta"),
                          QStringLiteral("epsilon"), QStringLiteral("gamma")}));
}

void TestMainApi::listFiltersByLabels_data()
{
    QTest::addColumn<QString>("labels");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("one label") << QStringLiteral(R"({"team":"core"})")
                               << QStringList{QStringLiteral("alpha"), QStringLiteral("beta")};
    QTest::newRow("two labels") << QStringLiteral(R"({"team":"core","tier":"gold"})")
                                << QStringList{QStringLiteral("alpha")};
    QTest::newRow("other value") << QStringLiteral(R"({"team":"web"})")
                                 << QStringList{QStringLiteral("gamma")};
    QTest::newRow("no match") << QStringLiteral(R"({"team":"none"})") << QStringList{};
    QTest::newRow("empty object") << QStringLiteral("{}")
                                  << QStringList{QStringLiteral("alpha"), QStringLiteral("beta"),
                                                 QStringLiteral("delta"), QStringLiteral("epsilon"),
                                                 QStringLiteral("gamma")};
}

void TestMainApi::listFiltersByLabels()
{
    QFETCH(QString, labels);
    QFETCH(QStringList, names);
    const HttpResult list = m_client->get(QStringLiteral("/sandbox?labels=") +
                                          QString::fromLatin1(QUrl::toPercentEncoding(labels)));
    QCOMPARE(list.status, 200);
    QStringList found;
    for (const QJsonValue &item : list.object().value(QStringLiteral("items")).toArray())
        found << item.toObject().value(QStringLiteral("name")).toString();
    QCOMPARE(found, names);
}

void TestMainApi::listRejectsBadQueries_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("limit 0") << QStringLiteral("limit=0");
    QTest::newRow("limit 201") << QStringLiteral("limit=201");
    QTest::newRow("limit text") << QStringLiteral("limit=many");
    QTest::newRow("labels not json") << QStringLiteral("labels=team%3Dcore");
    QTest::newRow("labels array") << QStringLiteral("labels=%5B1%5D");
    QTest::newRow("bad cursor") << QStringLiteral("cursor=%21%21");
}

void TestMainApi::listRejectsBadQueries()
{
    QFETCH(QString, query);
    const HttpResult list = m_client->get(QStringLiteral("/sandbox?") + query);
    QCOMPARE(list.status, 400);
    QCOMPARE(list.object().value(QStringLiteral("statusCode")).toInt(), 400);
    QCOMPARE(list.object().value(QStringLiteral("error")).toString(),
             QStringLiteral("Bad Request"));
}

void TestMainApi::getFindsByIdAndName()
{
    const HttpResult byName = m_client->get(QStringLiteral("/sandbox/beta"));
    QCOMPARE(byName.status, 200);
    const QJsonObject sandbox = byName.object();
    for (const char *field :
         {"id", "organizationId", "name", "user", "env", "labels", "public", "networkBlockAll",
          "target", "cpu", "gpu", "memory", "disk", "toolboxProxyUrl"})
        QVERIFY2(sandbox.contains(QLatin1String(field)), field);
    QCOMPARE(sandbox.value(QStringLiteral("state")).toString(), QStringLiteral("started"));
    QCOMPARE(
        sandbox.value(QStringLiteral("labels")).toObject().value(QStringLiteral("team")).toString(),
        QStringLiteral("core"));
    const QString id = sandbox.value(QStringLiteral("id")).toString();
    QVERIFY(!QUuid::fromString(id).isNull());

    const HttpResult byId = m_client->get(QStringLiteral("/sandbox/") + id);
    QCOMPARE(byId.status, 200);
    QCOMPARE(byId.object().value(QStringLiteral("name")).toString(), QStringLiteral("beta"));
}

void TestMainApi::unknownSandboxIsNotFound()
{
    const HttpResult missing = m_client->get(QStringLiteral("/sandbox/nobody"));
    QCOMPARE(missing.status, 404);
    const QJsonObject body = missing.object();
    QCOMPARE(body.value(QStringLiteral("statusCode")).toInt(), 404);
    QCOMPARE(body.value(QStringLiteral("error")).toString(), QStringLiteral("Not Found"));
    QCOMPARE(body.value(QStringLiteral("message")).toString(),
             QStringLiteral("Sandbox with ID or name nobody not found"));
    QCOMPARE(body.value(QStringLiteral("path")).toString(), QStringLiteral("/api/sandbox/nobody"));
    QVERIFY(
        QDateTime::fromString(body.value(QStringLiteral("timestamp")).toString(), Qt::ISODateWithMs)
            .isValid());
    QCOMPARE(m_client->post(QStringLiteral("/sandbox/nobody/start"), {}).status, 404);
}

void TestMainApi::unknownRouteIsNotFound()
{
    const HttpResult missing = m_client->get(QStringLiteral("/no/such/route"));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.object().value(QStringLiteral("message")).toString(),
             QStringLiteral("Cannot GET /api/no/such/route"));
}

void TestMainApi::sandboxIdIsStableForAName()
{
    const QString id = m_client->get(QStringLiteral("/sandbox/alpha"))
                           .object()
                           .value(QStringLiteral("id"))
                           .toString();
    // A second sandboxd serving a sandbox of the same name gives it the same id.
    SandboxdProcess other;
    QVERIFY2(other.start({{{QStringLiteral("alpha"), m_dirs.filePath(QStringLiteral("other"))}},
                          {},
                          {},
                          0,
                          15000}),
             qPrintable(other.errorString()));
    HttpTestClient otherClient(other.apiUrl(), other.token());
    QCOMPARE(otherClient.get(QStringLiteral("/sandbox/alpha"))
                 .object()
                 .value(QStringLiteral("id"))
                 .toString(),
             id);
    QVERIFY(other.stop());
}

void TestMainApi::previewUrlPointsAtTheLocalPort()
{
    const QString id = m_client->get(QStringLiteral("/sandbox/alpha"))
                           .object()
                           .value(QStringLiteral("id"))
                           .toString();
    const HttpResult preview =
        m_client->get(QStringLiteral("/sandbox/alpha/ports/3000/preview-url"));
    QCOMPARE(preview.status, 200);
    const QJsonObject link = preview.object();
    QCOMPARE(link.value(QStringLiteral("sandboxId")).toString(), id);
    QCOMPARE(link.value(QStringLiteral("url")).toString(), QStringLiteral("http://127.0.0.1:3000"));
    const QString token = link.value(QStringLiteral("token")).toString();
    QCOMPARE(token.size(), 32);
    for (const QChar c : token)
        QVERIFY(c.isDigit() || (c >= QLatin1Char('a') && c <= QLatin1Char('z')));
    // The same token for every port of the sandbox.
    QCOMPARE(m_client->get(QStringLiteral("/sandbox/alpha/ports/1/preview-url"))
                 .object()
                 .value(QStringLiteral("token"))
                 .toString(),
             token);
}

void TestMainApi::previewUrlRejectsInvalidPorts_data()
{
    QTest::addColumn<QString>("port");
    QTest::newRow("zero") << QStringLiteral("0");
    QTest::newRow("too big") << QStringLiteral("65536");
    QTest::newRow("negative") << QStringLiteral("-1");
    QTest::newRow("text") << QStringLiteral("http");
}

void TestMainApi::previewUrlRejectsInvalidPorts()
{
    QFETCH(QString, port);
    const HttpResult preview =
        m_client->get(QStringLiteral("/sandbox/alpha/ports/%1/preview-url").arg(port));
    QCOMPARE(preview.status, 400);
    QCOMPARE(preview.object().value(QStringLiteral("message")).toString(),
             QStringLiteral("Invalid port"));
}

void TestMainApi::toolboxProxyUrl()
{
    const HttpResult url = m_client->get(QStringLiteral("/sandbox/alpha/toolbox-proxy-url"));
    QCOMPARE(url.status, 200);
    QCOMPARE(url.object().value(QStringLiteral("url")).toString(), m_sandboxd.toolboxUrl());
}

void TestMainApi::startIsIdempotentOnAStartedSandbox()
{
    const QString token = m_client->get(QStringLiteral("/sandbox/beta/ports/1/preview-url"))
                              .object()
                              .value(QStringLiteral("token"))
                              .toString();
    const HttpResult started = m_client->post(QStringLiteral("/sandbox/beta/start"), {});
    QCOMPARE(started.status, 200);
    QCOMPARE(started.object().value(QStringLiteral("state")).toString(), QStringLiteral("started"));
    // Unchanged: the preview token is the same.
    QCOMPARE(m_client->get(QStringLiteral("/sandbox/beta/ports/1/preview-url"))
                 .object()
                 .value(QStringLiteral("token"))
                 .toString(),
             token);
}

void TestMainApi::stopThenStartCyclesThroughTheStates()
{
    const QString tokenBefore = m_client->get(QStringLiteral("/sandbox/delta/ports/1/preview-url"))
                                    .object()
                                    .value(QStringLiteral("token"))
                                    .toString();
    const HttpResult stopping = m_client->post(QStringLiteral("/sandbox/delta/stop"), {});
    QCOMPARE(stopping.status, 200);
    QCOMPARE(stopping.object().value(QStringLiteral("state")).toString(),
             QStringLiteral("stopping"));
    QCOMPARE(waitForState(QStringLiteral("delta"), QStringLiteral("stopped"))
                 .object()
                 .value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("stopped"));

    // A stopped sandbox's toolbox fails like the runner's proxy does.
    HttpTestClient toolbox(m_sandboxd.baseUrl(), m_sandboxd.token());
    const HttpResult refused = toolbox.get(QStringLiteral("/toolbox/delta/process/session"));
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.object()
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QStringLiteral("Is the Sandbox started?")),
             refused.body.constData());
    // Stopping again is not allowed.
    QCOMPARE(m_client->post(QStringLiteral("/sandbox/delta/stop"), {}).status, 400);

    const HttpResult starting = m_client->post(QStringLiteral("/sandbox/delta/start"), {});
    QCOMPARE(starting.status, 200);
    QCOMPARE(starting.object().value(QStringLiteral("state")).toString(),
             QStringLiteral("starting"));
    QCOMPARE(waitForState(QStringLiteral("delta"), QStringLiteral("started"))
                 .object()
                 .value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("started"));
    // A restart gives a new preview token.
    const QString tokenAfter = m_client->get(QStringLiteral("/sandbox/delta/ports/1/preview-url"))
                                   .object()
                                   .value(QStringLiteral("token"))
                                   .toString();
    QVERIFY(tokenAfter != tokenBefore);
    QCOMPARE(toolbox.get(QStringLiteral("/toolbox/delta/process/session")).status, 200);
}

void TestMainApi::stopKillsSessionsAndConflictsWhileInProgress()
{
    HttpTestClient toolbox(m_sandboxd.baseUrl() + QStringLiteral("/toolbox/epsilon"),
                           m_sandboxd.token());
    QCOMPARE(toolbox
                 .post(QStringLiteral("/process/session"),
                       {{QStringLiteral("sessionId"), QStringLiteral("stubborn")}})
                 .status,
             201);
    // A session that ignores SIGTERM keeps the stop in progress until the grace period ends;
    // it reports its process group (the session shell's pid).
    const HttpResult started =
        toolbox.post(QStringLiteral("/process/session/stubborn/exec"),
                     {{QStringLiteral("command"), QStringLiteral("trap '' TERM; echo $$")}});
    QCOMPARE(started.status, 200);
    const qint64 group =
        started.object().value(QStringLiteral("output")).toString().trimmed().toLongLong();
    QVERIFY(group > 0);

    const HttpResult stopping = m_client->post(QStringLiteral("/sandbox/epsilon/stop"), {});
    QCOMPARE(stopping.object().value(QStringLiteral("state")).toString(),
             QStringLiteral("stopping"));
    const HttpResult conflict = m_client->post(QStringLiteral("/sandbox/epsilon/start"), {});
    QCOMPARE(conflict.status, 409);
    QCOMPARE(conflict.object().value(QStringLiteral("message")).toString(),
             QStringLiteral("Sandbox state change in progress"));
    QCOMPARE(m_client->post(QStringLiteral("/sandbox/epsilon/stop"), {}).status, 409);

    // Ending the stubborn group lets the stop finish; the sessions are gone afterwards.
    QCOMPARE(::kill(-pid_t(group), SIGKILL), 0);
    QCOMPARE(waitForState(QStringLiteral("epsilon"), QStringLiteral("stopped"))
                 .object()
                 .value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("stopped"));
    QCOMPARE(m_client->post(QStringLiteral("/sandbox/epsilon/start"), {}).status, 200);
    waitForState(QStringLiteral("epsilon"), QStringLiteral("started"));
    QCOMPARE(toolbox.get(QStringLiteral("/process/session/stubborn")).status, 404);
}

QTEST_GUILESS_MAIN(TestMainApi)
#include "tst_mainapi.moc"
