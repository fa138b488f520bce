#pragma once

#include <QMetaType>
#include <QString>

#include <optional>

namespace vw {

// A change another process (or another connection) made to the build store, as BuildStore
// reports it (BuildStore::externalChange). With PostgreSQL each write announces itself over
// LISTEN/NOTIFY, so the kind and ids are exact; SQLite has no such channel, so a change there
// is reported as Kind::Unknown ("something was committed: read what is new").
struct StoreChange
{
    enum class Kind { Unknown, Project, Build, Event, Log };

    Kind kind = Kind::Unknown;
    qint64 projectId = 0; // Project, Build
    qint64 buildId = 0;   // Build, Event, Log
    qint64 eventId = 0;   // Event

    // The NOTIFY payload, e.g. "build 12 3" (build 12 of project 3), "event 12 345", "log 12",
    // "project 3".
    QString toPayload() const;
    static std::optional<StoreChange> fromPayload(const QString &payload);

    friend bool operator==(const StoreChange &, const StoreChange &) = default;
};

} // namespace vw

Q_DECLARE_METATYPE(vw::StoreChange)
