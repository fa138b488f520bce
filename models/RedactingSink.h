#pragma once

#include "models/Redactor.h"

#include <spdlog/sinks/base_sink.h>

#include <memory>
#include <mutex>
#include <vector>

namespace vw {

// The sink every logger writes to. It masks secrets in the message text and only then hands the
// message on to the real sinks (console, files, test capture), so no sink ever sees a secret.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    explicit RedactingSink(std::shared_ptr<const Redactor> redactor);

    void addSink(spdlog::sink_ptr added);
    void removeSink(const spdlog::sink_ptr &removed);

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override;
    void flush_() override;
    void set_pattern_(const std::string &pattern) override;
    void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override;

private:
    std::shared_ptr<const Redactor> m_redactor;
    std::vector<spdlog::sink_ptr> m_sinks;
};

} // namespace vw
