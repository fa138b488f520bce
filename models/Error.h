#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace vw {

// The one error type of the core APIs: a machine-readable code, a message a user can read, and,
// where the error came from an HTTP answer, its status.
struct Error
{
    QString code;    // e.g. "NOT_FOUND", "NETWORK", "TIMEOUT", "INVALID_RESPONSE"
    QString message; // readable, never contains secrets
    int httpStatus = 0;

    QString toString() const
    {
        if (httpStatus > 0)
            return QStringLiteral("%1 (HTTP %2, %3)").arg(message).arg(httpStatus).arg(code);
        return code.isEmpty() ? message : QStringLiteral("%1 (%2)").arg(message, code);
    }
};

// A value or an Error. Deliberately small: has(), value(), error().
template<typename T>
class Result
{
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// For operations that return nothing but can fail.
struct Done
{};
using Status = Result<Done>;

} // namespace vw
