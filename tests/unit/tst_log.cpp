#include "models/Log.h"

#include <QTest>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

// Proves the whole logging path (module logger → redacting sink → real sink) never lets a key
// through, whichever way it is logged.
class tst_Log : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void sameLoggerPerModule();
    void registeredKeyNeverReachesASink();
    void authorizationHeaderIsMasked();
    void qtMessagesAreRedactedToo();
    void levelsApply();

private:
    std::ostringstream m_captured;
    spdlog::sink_ptr m_sink;
    QString captured() const { return QString::fromStdString(m_captured.str()); }
};

void tst_Log::init()
{
    m_captured.str({});
    m_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(m_captured, true);
    vw::log::addSink(m_sink);
    vw::log::setLevel(spdlog::level::trace);
}

void tst_Log::cleanup()
{
    vw::log::removeSink(m_sink);
    vw::log::setLevel(spdlog::level::info);
}

void tst_Log::sameLoggerPerModule()
{
    auto a = vw::log::get("daytona");
    QCOMPARE(a.get(), vw::log::get("daytona").get());
    QVERIFY(a.get() != vw::log::get("engine").get());
    a->info("hello from {}", QStringLiteral("daytona"));
    QVERIFY(captured().contains(QStringLiteral("[daytona] hello from daytona")));
}

void tst_Log::registeredKeyNeverReachesASink()
{
    const QString key = QStringLiteral("dtn_5f0c2b9e7a41d3");
    vw::log::registerSecret(key);
    auto logger = vw::log::get("daytona");
    logger->info("configured with key {}", key);
    logger->warn("request failed: {}", QStringLiteral("key=%1 rejected").arg(key));
    logger->error("{}", key.toUtf8());
    QVERIFY(!captured().isEmpty());
    QVERIFY2(!captured().contains(key), qPrintable(captured()));
    QCOMPARE(captured().count(QStringLiteral("[REDACTED]")), 3);
    vw::log::forgetSecret(key);
}

void tst_Log::authorizationHeaderIsMasked()
{
    vw::log::get("http")->debug("> Authorization: Bearer unregistered-token-77");
    QVERIFY2(!captured().contains(QStringLiteral("unregistered-token-77")), qPrintable(captured()));
    QVERIFY(captured().contains(QStringLiteral("Authorization: [REDACTED]")));
}

void tst_Log::qtMessagesAreRedactedToo()
{
    vw::log::installQtMessageHandler();
    qWarning("proxy said X-Daytona-Preview-Token: pv0123456789abcd");
    qInstallMessageHandler(nullptr);
    QVERIFY(captured().contains(QStringLiteral("[qt]")));
    QVERIFY2(!captured().contains(QStringLiteral("pv0123456789abcd")), qPrintable(captured()));
}

void tst_Log::levelsApply()
{
    vw::log::setLevel(spdlog::level::warn);
    vw::log::get("engine")->info("quiet");
    vw::log::get("engine")->warn("loud");
    QVERIFY(!captured().contains(QStringLiteral("quiet")));
    QVERIFY(captured().contains(QStringLiteral("loud")));
}

QTEST_APPLESS_MAIN(tst_Log)
#include "tst_log.moc"
