#pragma once

#include "app/engine/DriverEvent.h"

#include <QList>
#include <QString>
#include <QStringView>

namespace vw::engine {

// Splits the demultiplexed text of one output stream of a build driver (stdout or stderr) into
// the driver's events and the user's output, as the text arrives.
//
// - feed() takes the text in pieces of any size: a marker split across pieces (even inside
//   "ESC ]") is held back until it is complete, so it is never half-shown as output.
// - A marker is recognised anywhere in a line (output without a final newline is followed by the
//   next marker on the same line); the line break right after a marker (LF or CR LF) belongs to
//   the marker and is dropped with it.
// - Anything that is not a complete, valid marker of this build's nonce — another nonce, none,
//   an unknown kind, a missing key, a marker broken by a line break, one longer than
//   kMaxMarkerLength — is user output, byte for byte.
// - Pieces come back in stream order: the output before a marker, the marker's event, the output
//   after it; adjacent output is merged, empty output never returned.
//
// One instance per stream and build; finish() releases what is held back (as output) at the end.
//
// The driver writes each marker on stdout and on stderr (DriverEvent.h), so each stream can be
// cut into phases on its own. Take the events from the stdout parser; the stderr parser's events
// are the same (same seq) and only mark the phase boundaries within stderr. Where the streams
// cannot be told apart (the daemon's combined mode) one parser sees both copies: an event whose
// seq is not above the last one seen is a copy.
class MarkerParser
{
public:
    struct Piece
    {
        enum class Type { Output, Event };
        Type type = Type::Output;
        QString text;      // Output
        DriverEvent event; // Event

        bool isEvent() const { return type == Type::Event; }
        friend bool operator==(const Piece &, const Piece &) = default;
    };

    // A marker is at most this long (from ESC to its terminator); longer text is output.
    static constexpr qsizetype kMaxMarkerLength = 2048;

    explicit MarkerParser(QString nonce);

    QString nonce() const { return m_nonce; }

    QList<Piece> feed(QStringView text);
    // Releases held-back text as output and resets the parser for reuse.
    QList<Piece> finish();

    // Characters held back because they may be the start of a marker (or the CR of the line
    // break after one).
    qsizetype heldBack() const { return m_pending.size(); }

    // Convenience for complete texts: every event, and all output concatenated.
    struct Parsed
    {
        QList<DriverEvent> events;
        QString output;
    };
    static Parsed parseAll(QStringView text, const QString &nonce);

private:
    void appendOutput(QList<Piece> &pieces, QStringView text);
    void process(QList<Piece> &pieces);

    QString m_nonce;
    QString m_prefix; // "\x1b]7771;"
    QString m_pending;
    bool m_swallowLineBreak = false;
};

} // namespace vw::engine
