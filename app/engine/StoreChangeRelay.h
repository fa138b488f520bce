#pragma once

#include "models/AsyncJob.h"
#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/LogSlice.h"
#include "models/StoreChange.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <optional>

namespace vw {
class BuildStore;
}

namespace vw::engine {

class BuildHub;

// Brings the builds of other processes onto this process's BuildHub: it listens to
// BuildStore::externalChange, reads only what is new and announces it with the signals the engine
// uses for its own builds — buildCreated (a build not seen before), buildChanged, eventAdded
// (every stored event once, in id order), logAppended (only the new bytes of the live output,
// never a UTF-8 character cut in two) and buildFinished once.
//
// No doubles with the engine: the relay watches the hub, and whatever the engine announces moves
// its marks (last event id, live-output size, finished). A build the engine follows (it announced
// the build and has not finished it) is left to the engine until its stored lease shows another
// owner than setOwnLeaseOwner() (the lease changed hands); the relay then continues exactly where
// the engine stopped.
//
// Reading: PostgreSQL names the build that changed, so only that one is read; SQLite only says
// "something changed" (Kind::Unknown), so the relay reads the builds updated since the last look
// (with a margin for commits that were slower than their timestamp, deduplicated) and the events
// and output of every build still in progress. Changes that arrive while a catch-up is being
// read lead to exactly one more catch-up after it.
//
// Limits: a build is announced finished once its final row and its `finished` event are both
// stored (the engine writes the event last), so a build whose process died between the two is
// never announced finished. One small entry per build seen stays for the relay's lifetime (a
// finished build may reappear in a SQLite catch-up window and must not count as new).
class StoreChangeRelay : public QObject
{
    Q_OBJECT

public:
    // How far back a SQLite catch-up looks before the newest update it has already seen.
    static constexpr qint64 kUpdatedAtMarginMs = 2000;

    StoreChangeRelay(BuildStore *store, BuildHub *hub, QObject *parent = nullptr);

    // The lease owner of this process's BuildManager (BuildManager::leaseOwner()).
    void setOwnLeaseOwner(const QString &owner) { m_ownLeaseOwner = owner; }

    // Takes the store's present state as the starting point (unfinished and recently updated
    // builds count as seen, up to their current events and output) and relays from then on.
    StatusJob *start();

    // Catch-ups completed so far (each one is one round of reads).
    int catchUpCount() const { return m_catchUps; }

signals:
    // After every catch-up, once everything it read has been announced.
    void caughtUp();

private:
    struct Tracked
    {
        QJsonObject lastRow;      // the stored form last announced (Build::toJson)
        qint64 lastEventId = 0;   // the newest event on the hub
        qint64 liveAnnounced = 0; // bytes of the live output on the hub
        bool finishedOnHub = false;
        bool sawFinishedEvent = false;
        bool engineFollows = false; // the engine announces this build itself
        quint64 engineStamp = 0;    // m_stamp at the engine's last announcement of it
    };
    struct Reading
    {
        std::optional<Build> row;
        QList<BuildEvent> events;
        std::optional<LogSlice> log;
        bool eventsOk = false;
        int waiting = 3;
    };

    void onExternalChange(const StoreChange &change);
    void catchUp();
    void readBuilds(const QList<qint64> &ids, quint64 stampAtRead);
    void relay(qint64 id, const Reading &reading, quint64 stampAtRead);
    void relayLog(qint64 id, Tracked &tracked, const LogSlice &slice, bool complete);
    void endCatchUp();
    void watchEngine();
    Tracked &engineTouched(qint64 buildId);

    QPointer<BuildStore> m_store;
    QPointer<BuildHub> m_hub;
    QString m_ownLeaseOwner;
    QHash<qint64, Tracked> m_builds;
    QDateTime m_updatedCursor; // the newest Build::updatedAt seen (SQLite catch-ups)
    bool m_started = false;
    bool m_running = false;       // a catch-up (or the start) is reading
    bool m_relaying = false;      // the hub's signals now come from this relay
    bool m_pendingFull = false;   // read everything new (Kind::Unknown)
    QSet<qint64> m_pendingBuilds; // read these builds (exact changes)
    quint64 m_stamp = 0;          // counts the engine's announcements
    int m_catchUps = 0;
};

} // namespace vw::engine
