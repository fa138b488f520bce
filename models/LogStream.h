#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace vw {

// The output stream a piece of log came from. Stored per log chunk, so stdout and stderr stay
// distinguishable in every log. Names: stdout, stderr.
enum class LogStream { Stdout, Stderr };

QString logStreamName(LogStream stream);
std::optional<LogStream> logStreamFromName(QStringView name);

} // namespace vw
