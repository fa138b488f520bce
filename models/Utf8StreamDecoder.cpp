#include "models/Utf8StreamDecoder.h"

namespace vw {
namespace {

// The number of bytes a sequence starting with `lead` has, or 0 if `lead` cannot start one.
int sequenceLength(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    return 0; // continuation byte or a byte that never occurs in UTF-8
}

bool isContinuation(unsigned char byte)
{
    return (byte & 0xC0) == 0x80;
}

} // namespace

qsizetype Utf8StreamDecoder::incompleteTailLength(QByteArrayView bytes)
{
    const qsizetype size = bytes.size();
    // A sequence is at most 4 bytes, so an incomplete one starts within the last 3.
    for (qsizetype back = 1; back <= 3 && back <= size; ++back) {
        const auto byte = static_cast<unsigned char>(bytes[size - back]);
        if (isContinuation(byte))
            continue;
        const int needed = sequenceLength(byte);
        // Complete, ASCII, or invalid: nothing to wait for (fromUtf8 replaces invalid bytes).
        return needed > back ? back : 0;
    }
    return 0;
}

QString Utf8StreamDecoder::decode(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return {};
    QByteArray data;
    QByteArrayView view = bytes;
    if (!m_pending.isEmpty()) {
        data = m_pending + bytes.toByteArray();
        m_pending.clear();
        view = data;
    }
    const qsizetype tail = incompleteTailLength(view);
    if (tail > 0)
        m_pending = view.last(tail).toByteArray();
    return QString::fromUtf8(view.first(view.size() - tail));
}

QString Utf8StreamDecoder::flush()
{
    // What is pending is always the start of one valid sequence that never completed: one
    // replacement character for it (Unicode's "maximal subpart" practice), not one per byte.
    if (m_pending.isEmpty())
        return {};
    m_pending.clear();
    return QString(QChar::ReplacementCharacter);
}

} // namespace vw
