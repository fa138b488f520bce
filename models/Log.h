#pragma once

#include <QByteArray>
#include <QString>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

// Logging for every module: `vw::log::get("daytona")->info("…{}", value)`. All loggers share one
// redacting sink, so API keys, preview tokens and Authorization headers never reach a sink.
// Output goes to stderr (stdout belongs to the CLI's results and the MCP protocol).
namespace vw::log {

// The logger of a module, created on first use. Cheap to call; keep the pointer if hot.
std::shared_ptr<spdlog::logger> get(std::string_view module);

// An exact secret (API key, token) to mask from now on wherever it appears.
void registerSecret(const QString &secret);
void forgetSecret(const QString &secret);

// Extra sinks behind the redaction (log files, tests).
void addSink(spdlog::sink_ptr sink);
void removeSink(const spdlog::sink_ptr &sink);

// Level for all loggers; the initial level comes from VW_LOG_LEVEL (trace…off, default info).
void setLevel(spdlog::level::level_enum level);

// Routes qDebug/qWarning/… through the "qt" logger, so Qt's own messages are redacted too.
void installQtMessageHandler();

} // namespace vw::log

template<>
struct fmt::formatter<QString> : fmt::formatter<std::string_view>
{
    template<typename FormatContext>
    auto format(const QString &s, FormatContext &ctx) const
    {
        const QByteArray utf8 = s.toUtf8();
        return fmt::formatter<std::string_view>::format(
            std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())), ctx);
    }
};

template<>
struct fmt::formatter<QByteArray> : fmt::formatter<std::string_view>
{
    template<typename FormatContext>
    auto format(const QByteArray &b, FormatContext &ctx) const
    {
        return fmt::formatter<std::string_view>::format(
            std::string_view(b.constData(), static_cast<size_t>(b.size())), ctx);
    }
};
