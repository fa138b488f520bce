#include "FuzzSupport.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace vw::fuzz {

namespace {
void (*failureHook)() = nullptr;
}

void setFailureHook(void (*hook)())
{
    failureHook = hook;
}

void fail(const char *what, const char *file, int line)
{
    std::fprintf(stderr, "fuzz: property failed: %s (%s:%d)\n", what, file, line);
    if (failureHook)
        failureHook();
    std::abort();
}

namespace {
QByteArray escaped(const QByteArray &bytes)
{
    QByteArray text;
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\')
            text += c;
        else
            text += "\\x" + QByteArray::number(byte, 16).rightJustified(2, '0');
    }
    return text;
}
} // namespace

void failEqual(const char *what, const QByteArray &actual, const QByteArray &expected,
               const char *file, int line)
{
    std::fprintf(stderr, "fuzz: actual   \"%s\"\nfuzz: expected \"%s\"\n",
                 escaped(actual).constData(), escaped(expected).constData());
    fail(what, file, line);
}

PiecewiseInput piecewise(const std::uint8_t *bytes, std::size_t size)
{
    PiecewiseInput input;
    if (size == 0)
        return input;
    const char *data = reinterpret_cast<const char *>(bytes) + 1;
    input.data = QByteArrayView(data, qsizetype(size - 1));
    std::uint32_t state = bytes[0];
    qsizetype at = 0;
    while (at < input.data.size()) {
        qsizetype length = input.data.size() - at;
        if (bytes[0] != 0) {
            state = state * 1103515245u + 12345u; // a small LCG: the cut depends on byte 0 only
            length = std::min<qsizetype>(length, 1 + (state >> 16) % 64);
        }
        input.pieces.append(input.data.sliced(at, length));
        at += length;
    }
    return input;
}

QList<QStringView> textPieces(const PiecewiseInput &input, const QString &text)
{
    QList<QStringView> pieces;
    qsizetype at = 0;
    for (QByteArrayView piece : input.pieces) {
        if (at >= text.size())
            break;
        const qsizetype length = std::min(piece.size(), text.size() - at);
        pieces.append(QStringView(text).sliced(at, length));
        at += length;
    }
    if (at < text.size())
        pieces.append(QStringView(text).sliced(at));
    return pieces;
}

} // namespace vw::fuzz
