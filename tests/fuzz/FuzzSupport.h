#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringView>

#include <cstddef>
#include <cstdint>

// Shared by the fuzz targets (see CMakeLists.txt): each target is a libFuzzer entry point,
// LLVMFuzzerTestOneInput, that checks properties which must hold for every input.

namespace vw::fuzz {

// Ends the run as a failure: prints `what` and where, lets the driver save the input (see
// setFailureHook), then aborts.
[[noreturn]] void fail(const char *what, const char *file, int line);

// fail() for two values that differ, showing both (printable ASCII as is, the rest escaped).
[[noreturn]] void failEqual(const char *what, const QByteArray &actual, const QByteArray &expected,
                            const char *file, int line);
inline QByteArray shown(const QByteArray &bytes)
{
    return bytes;
}
inline QByteArray shown(const QString &text)
{
    return text.toUtf8();
}

// Called by fail() before it aborts (FuzzDriver saves the input that failed).
void setFailureHook(void (*hook)());

// An input cut into pieces, as data arrives from the network: the first byte chooses where
// (a seed for the piece lengths, 1 to 64 bytes, or one piece when it is 0); the rest is the data.
// Every property that compares pieces with the whole therefore sees many different cuts.
struct PiecewiseInput
{
    QByteArrayView data;
    QList<QByteArrayView> pieces;
};
PiecewiseInput piecewise(const std::uint8_t *bytes, std::size_t size);

// The same cuts in `text` (decoded from input.data): the pieces' lengths taken in characters, so
// a cut may fall inside a surrogate pair or an escape sequence, as between two network reads;
// what they leave over is one last piece.
QList<QStringView> textPieces(const PiecewiseInput &input, const QString &text);

} // namespace vw::fuzz

#define VW_FUZZ_CHECK(condition)                                                                   \
    do {                                                                                           \
        if (!(condition))                                                                          \
            ::vw::fuzz::fail(#condition, __FILE__, __LINE__);                                      \
    } while (false)

#define VW_FUZZ_CHECK_EQUAL(actual, expected)                                                      \
    do {                                                                                           \
        if (!((actual) == (expected)))                                                             \
            ::vw::fuzz::failEqual(#actual " == " #expected, ::vw::fuzz::shown(actual),             \
                                  ::vw::fuzz::shown(expected), __FILE__, __LINE__);                \
    } while (false)
