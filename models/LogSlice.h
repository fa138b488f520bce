#pragma once

#include "models/LogStream.h"
#include "models/Phase.h"

#include <QByteArray>
#include <QList>

namespace vw {

// A byte range of a LogSelection, as read from the store: the pieces in the order they arrived,
// each with its phase and stream, cut exactly to the requested range.
struct LogSlice
{
    struct Piece
    {
        Phase phase = Phase::Setup;
        LogStream stream = LogStream::Stdout;
        QByteArray data;
    };

    qint64 offset = 0;    // where the first piece starts in the selection
    qint64 totalSize = 0; // the selection's whole stored size at the time of the read
    QList<Piece> pieces;

    qint64 size() const
    {
        qint64 n = 0;
        for (const Piece &piece : pieces)
            n += piece.data.size();
        return n;
    }
    // The pieces' bytes joined (without stream information).
    QByteArray bytes() const
    {
        QByteArray all;
        all.reserve(size());
        for (const Piece &piece : pieces)
            all += piece.data;
        return all;
    }
    // Where the next read continues.
    qint64 end() const { return offset + size(); }
};

} // namespace vw
