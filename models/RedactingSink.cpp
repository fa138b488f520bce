#include "models/RedactingSink.h"

#include <QString>

#include <algorithm>

namespace vw {

RedactingSink::RedactingSink(std::shared_ptr<const Redactor> redactor)
    : m_redactor(std::move(redactor))
{}

void RedactingSink::addSink(spdlog::sink_ptr added)
{
    std::lock_guard lock(mutex_);
    m_sinks.push_back(std::move(added));
}

void RedactingSink::removeSink(const spdlog::sink_ptr &removed)
{
    std::lock_guard lock(mutex_);
    m_sinks.erase(std::remove(m_sinks.begin(), m_sinks.end(), removed), m_sinks.end());
}

void RedactingSink::sink_it_(const spdlog::details::log_msg &msg)
{
    const QString original =
        QString::fromUtf8(msg.payload.data(), static_cast<qsizetype>(msg.payload.size()));
    const std::string redacted = m_redactor->redact(original).toStdString();
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(redacted.data(), redacted.size());
    for (const auto &target : m_sinks) {
        if (target->should_log(copy.level))
            target->log(copy);
    }
}

void RedactingSink::flush_()
{
    for (const auto &target : m_sinks)
        target->flush();
}

void RedactingSink::set_pattern_(const std::string &pattern)
{
    for (const auto &target : m_sinks)
        target->set_pattern(pattern);
}

void RedactingSink::set_formatter_(std::unique_ptr<spdlog::formatter> formatter)
{
    for (const auto &target : m_sinks)
        target->set_formatter(formatter->clone());
}

} // namespace vw
