#include "models/LogStream.h"

namespace vw {

QString logStreamName(LogStream stream)
{
    return stream == LogStream::Stderr ? QStringLiteral("stderr") : QStringLiteral("stdout");
}

std::optional<LogStream> logStreamFromName(QStringView name)
{
    if (name == u"stdout")
        return LogStream::Stdout;
    if (name == u"stderr")
        return LogStream::Stderr;
    return std::nullopt;
}

} // namespace vw
