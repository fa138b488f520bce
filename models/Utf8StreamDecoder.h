#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace vw {

// Decodes UTF-8 that arrives in pieces without ever splitting a multi-byte character: an
// incomplete sequence at the end of a piece is kept (at most 3 bytes) and decoded together with
// the next piece. Invalid bytes become U+FFFD, as QString::fromUtf8 does.
//
// QStringDecoder keeps the same kind of state but offers no way to flush an incomplete tail at
// the end of a stream; this class can, and it can tell how many bytes it is holding.
class Utf8StreamDecoder
{
public:
    QString decode(QByteArrayView bytes);
    // Ends the stream: an incomplete sequence still pending becomes one U+FFFD; then resets.
    QString flush();
    qsizetype pendingBytes() const { return m_pending.size(); }

    // Length of the trailing bytes of `bytes` that form the start of a valid but incomplete
    // UTF-8 sequence (0–3).
    static qsizetype incompleteTailLength(QByteArrayView bytes);

private:
    QByteArray m_pending;
};

} // namespace vw
