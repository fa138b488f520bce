#include "models/Log.h"

#include "models/RedactingSink.h"

#include <QtGlobal>

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace vw::log {
namespace {

struct Registry
{
    std::shared_ptr<Redactor> redactor = std::make_shared<Redactor>();
    std::shared_ptr<RedactingSink> sink = std::make_shared<RedactingSink>(redactor);
    spdlog::level::level_enum level = spdlog::level::info;

    Registry()
    {
        sink->addSink(std::make_shared<spdlog::sinks::stderr_sink_mt>());
        sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
        const QByteArray env = qgetenv("VW_LOG_LEVEL");
        if (!env.isEmpty())
            level = spdlog::level::from_str(env.toLower().toStdString());
    }
};

Registry &registry()
{
    static Registry r;
    return r;
}

std::mutex &creationMutex()
{
    static std::mutex m;
    return m;
}

} // namespace

std::shared_ptr<spdlog::logger> get(std::string_view module)
{
    const std::string name(module);
    std::lock_guard lock(creationMutex());
    if (auto existing = spdlog::get(name))
        return existing;
    auto logger = std::make_shared<spdlog::logger>(name, registry().sink);
    logger->set_level(registry().level);
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    return logger;
}

void registerSecret(const QString &secret) { registry().redactor->addSecret(secret); }

void forgetSecret(const QString &secret) { registry().redactor->removeSecret(secret); }

void addSink(spdlog::sink_ptr sink)
{
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l [%n] %v");
    registry().sink->addSink(std::move(sink));
}

void removeSink(const spdlog::sink_ptr &sink) { registry().sink->removeSink(sink); }

void setLevel(spdlog::level::level_enum level)
{
    std::lock_guard lock(creationMutex());
    registry().level = level;
    spdlog::apply_all([level](const std::shared_ptr<spdlog::logger> &l) { l->set_level(level); });
}

void installQtMessageHandler()
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &, const QString &msg) {
        static const auto qtLogger = get("qt");
        switch (type) {
        case QtDebugMsg:
            qtLogger->debug("{}", msg);
            break;
        case QtInfoMsg:
            qtLogger->info("{}", msg);
            break;
        case QtWarningMsg:
            qtLogger->warn("{}", msg);
            break;
        case QtCriticalMsg:
        case QtFatalMsg:
            qtLogger->error("{}", msg);
            break;
        }
    });
}

} // namespace vw::log
