#include "app/engine/StoreChangeRelay.h"

#include "app/engine/BuildHub.h"
#include "models/BuildQuery.h"
#include "models/BuildStore.h"
#include "models/Log.h"
#include "models/Utf8StreamDecoder.h"

#include <QMap>
#include <QScopeGuard>

#include <algorithm>
#include <memory>

namespace vw::engine {

StoreChangeRelay::StoreChangeRelay(BuildStore *store, BuildHub *hub, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hub(hub)
{
    if (store)
        connect(store, &BuildStore::externalChange, this, &StoreChangeRelay::onExternalChange);
    watchEngine();
}

// What the engine of this process announces moves the marks, so the relay never repeats it.
void StoreChangeRelay::watchEngine()
{
    if (!m_hub)
        return;
    connect(m_hub, &BuildHub::buildCreated, this, [this](const Build &build) {
        if (!m_relaying)
            engineTouched(build.id);
    });
    connect(m_hub, &BuildHub::buildChanged, this, [this](const Build &build) {
        if (!m_relaying)
            engineTouched(build.id);
    });
    connect(m_hub, &BuildHub::eventAdded, this, [this](const BuildEvent &event) {
        if (m_relaying)
            return;
        Tracked &tracked = engineTouched(event.buildId);
        tracked.lastEventId = std::max(tracked.lastEventId, event.id);
        tracked.sawFinishedEvent |= event.type == BuildEvent::Type::Finished;
    });
    connect(m_hub, &BuildHub::logAppended, this,
            [this](qint64 buildId, Phase, LogStream, const QString &, qint64, qint64 to) {
                if (m_relaying)
                    return;
                Tracked &tracked = engineTouched(buildId);
                tracked.liveAnnounced = std::max(tracked.liveAnnounced, to);
            });
    connect(m_hub, &BuildHub::buildFinished, this, [this](const Build &build) {
        if (m_relaying)
            return;
        Tracked &tracked = engineTouched(build.id);
        tracked.finishedOnHub = true;
        tracked.engineFollows = false;
    });
}

StoreChangeRelay::Tracked &StoreChangeRelay::engineTouched(qint64 buildId)
{
    Tracked &tracked = m_builds[buildId];
    tracked.engineFollows = true;
    tracked.engineStamp = ++m_stamp;
    return tracked;
}

StatusJob *StoreChangeRelay::start()
{
    auto *job = new StatusJob(this);
    if (!m_store || m_started || m_running) {
        job->fail(Error{QStringLiteral("INVALID_STATE"),
                        tr("The relay has no store or has been started already."), 0});
        return job;
    }
    m_running = true;
    m_updatedCursor = QDateTime::currentDateTimeUtc();
    const auto done = [this, job](const std::optional<Error> &error) {
        m_started = true;
        m_running = false;
        if (error)
            job->fail(*error);
        else
            job->succeed(Done{});
        // Changes that arrived while the starting point was read.
        if (m_pendingFull || !m_pendingBuilds.isEmpty())
            catchUp();
    };
    m_store->unfinishedBuilds()->onResult(this, [this, done](const Result<QList<Build>> &open) {
        if (!open) {
            done(open.error());
            return;
        }
        BuildQuery query;
        query.updatedAfter = m_updatedCursor.addMSecs(-kUpdatedAtMarginMs);
        query.limit = 0;
        m_store->builds(query)->onResult(this, [this, done, open = open.value()](
                                                   const Result<BuildPage> &recent) {
            QMap<qint64, Build> seen;
            for (const Build &build : open)
                seen.insert(build.id, build);
            if (recent) {
                for (const Build &build : recent.value().builds)
                    seen.insert(build.id, build);
            }
            auto left = std::make_shared<int>(1);
            const auto oneDone = [done, left] {
                if (--*left == 0)
                    done(std::nullopt);
            };
            for (const Build &build : std::as_const(seen)) {
                if (m_builds.contains(build.id))
                    continue; // the engine has announced it meanwhile
                Tracked &tracked = m_builds[build.id];
                tracked.finishedOnHub = build.isFinished();
                if (tracked.finishedOnHub)
                    continue;
                tracked.lastRow = build.toJson();
                // Announced from here on: only events and output stored after now.
                *left += 2;
                const qint64 id = build.id;
                m_store->events(id)->onResult(
                    this, [this, id, oneDone](const Result<QList<BuildEvent>> &events) {
                        if (events && !events.value().isEmpty()) {
                            Tracked &t = m_builds[id];
                            t.lastEventId = std::max(t.lastEventId, events.value().constLast().id);
                        }
                        oneDone();
                    });
                m_store->logSizes(id)->onResult(
                    this, [this, id, oneDone](const Result<LogSizes> &sizes) {
                        if (sizes) {
                            Tracked &t = m_builds[id];
                            t.liveAnnounced = std::max(t.liveAnnounced, sizes.value().total());
                        }
                        oneDone();
                    });
            }
            oneDone();
        });
    });
    return job;
}

void StoreChangeRelay::onExternalChange(const StoreChange &change)
{
    switch (change.kind) {
    case StoreChange::Kind::Unknown:
        m_pendingFull = true;
        break;
    case StoreChange::Kind::Build:
    case StoreChange::Kind::Event:
    case StoreChange::Kind::Log:
        m_pendingBuilds.insert(change.buildId);
        break;
    case StoreChange::Kind::Project:
        return; // projects are not announced on the hub
    }
    // A catch-up in flight takes the rest with one more round when it ends.
    if (m_started && !m_running)
        catchUp();
}

void StoreChangeRelay::catchUp()
{
    if (!m_store)
        return;
    m_running = true;
    const bool full = std::exchange(m_pendingFull, false);
    const QSet<qint64> named = std::exchange(m_pendingBuilds, {});
    const quint64 stamp = m_stamp;
    if (!full) {
        QList<qint64> ids(named.cbegin(), named.cend());
        std::sort(ids.begin(), ids.end());
        readBuilds(ids, stamp);
        return;
    }
    BuildQuery query;
    query.updatedAfter = m_updatedCursor.addMSecs(-kUpdatedAtMarginMs);
    query.limit = 0;
    m_store->builds(query)->onResult(this, [this, named, stamp](const Result<BuildPage> &page) {
        QSet<qint64> ids = named;
        if (page) {
            for (const Build &build : page.value().builds) {
                ids.insert(build.id);
                if (build.updatedAt > m_updatedCursor)
                    m_updatedCursor = build.updatedAt;
            }
        } else {
            log::get("engine")->warn("reading the builds changed by other processes failed: {}",
                                     page.error().toString());
        }
        // Events and output do not touch a build's row: look at every build still going on.
        for (auto it = m_builds.cbegin(); it != m_builds.cend(); ++it) {
            if (!it->finishedOnHub && !it->engineFollows)
                ids.insert(it.key());
        }
        QList<qint64> sorted(ids.cbegin(), ids.cend());
        std::sort(sorted.begin(), sorted.end());
        readBuilds(sorted, stamp);
    });
}

void StoreChangeRelay::readBuilds(const QList<qint64> &ids, quint64 stampAtRead)
{
    if (ids.isEmpty() || !m_store) {
        endCatchUp();
        return;
    }
    auto readings = std::make_shared<QMap<qint64, Reading>>();
    auto left = std::make_shared<qsizetype>(ids.size());
    for (qint64 id : ids) {
        (*readings)[id];
        const auto oneDone = [this, readings, left, id, stampAtRead] {
            if (--(*readings)[id].waiting > 0 || --*left > 0)
                return;
            for (auto it = readings->cbegin(); it != readings->cend(); ++it)
                relay(it.key(), it.value(), stampAtRead);
            endCatchUp();
        };
        const Tracked tracked = m_builds.value(id);
        // Posted in this order, so the events are at least as new as the row and the output at
        // least as new as the events (the engine stores the output before the `finished` event).
        m_store->build(id)->onResult(this, [readings, id, oneDone](const Result<Build> &row) {
            if (row)
                (*readings)[id].row = row.value();
            oneDone();
        });
        m_store->events(id, tracked.lastEventId)
            ->onResult(this, [readings, id, oneDone](const Result<QList<BuildEvent>> &events) {
                if (events) {
                    (*readings)[id].events = events.value();
                    (*readings)[id].eventsOk = true;
                }
                oneDone();
            });
        m_store->readLog(id, LogSelection{}, tracked.liveAnnounced, -1)
            ->onResult(this, [readings, id, oneDone](const Result<LogSlice> &slice) {
                if (slice)
                    (*readings)[id].log = slice.value();
                oneDone();
            });
    }
}

void StoreChangeRelay::relay(qint64 id, const Reading &reading, quint64 stampAtRead)
{
    if (!reading.row || !m_hub)
        return; // deleted meanwhile, or unreadable now (the next change retries)
    const Build &row = *reading.row;
    const bool isNew = !m_builds.contains(id);
    Tracked &tracked = m_builds[id];
    // The lease went to another process after the engine's last word on the build (a row read
    // before that word proves nothing): from here on the relay announces it.
    if (tracked.engineFollows && !row.leaseOwner.isEmpty() && row.leaseOwner != m_ownLeaseOwner &&
        tracked.engineStamp <= stampAtRead)
        tracked.engineFollows = false;
    if (tracked.engineFollows || tracked.finishedOnHub)
        return;

    QList<BuildEvent> fresh;
    bool finishedEvent = tracked.sawFinishedEvent;
    for (const BuildEvent &event : reading.events) {
        if (event.id <= tracked.lastEventId)
            continue;
        fresh.append(event);
        finishedEvent |= event.type == BuildEvent::Type::Finished;
    }
    std::sort(fresh.begin(), fresh.end(),
              [](const BuildEvent &a, const BuildEvent &b) { return a.id < b.id; });
    // The engine writes the final row, then the output's last batch, then the `finished` event:
    // with both seen, nothing of the build is left to come.
    const bool complete = row.isFinished() && finishedEvent && reading.eventsOk && reading.log;

    m_relaying = true;
    auto endRelaying = qScopeGuard([this] { m_relaying = false; });
    const QJsonObject json = row.toJson();
    if (isNew) {
        tracked.lastRow = json;
        m_hub->announceCreated(row);
    } else if (json != tracked.lastRow) {
        tracked.lastRow = json;
        m_hub->announceChanged(row);
    }
    if (reading.log)
        relayLog(id, tracked, *reading.log, complete);
    for (const BuildEvent &event : std::as_const(fresh)) {
        tracked.lastEventId = event.id;
        tracked.sawFinishedEvent |= event.type == BuildEvent::Type::Finished;
        m_hub->announceEvent(event);
    }
    if (complete) {
        tracked.finishedOnHub = true;
        tracked.lastRow = {}; // never compared again: keeps what is tracked per build small
        m_hub->announceFinished(row);
    } else if (tracked.sawFinishedEvent) {
        // The row (or the output) was read just before the build's last writes: read again.
        m_pendingBuilds.insert(id);
    }
}

void StoreChangeRelay::relayLog(qint64 id, Tracked &tracked, const LogSlice &slice, bool complete)
{
    struct Run
    {
        Phase phase;
        LogStream stream;
        qint64 from;
        QByteArray data;
    };
    QList<Run> runs;
    qint64 position = slice.offset;
    for (const LogSlice::Piece &piece : slice.pieces) {
        qint64 from = position;
        position += piece.data.size();
        if (position <= tracked.liveAnnounced)
            continue; // the hub has it already
        QByteArray data = piece.data;
        if (from < tracked.liveAnnounced) {
            data = data.mid(tracked.liveAnnounced - from);
            from = tracked.liveAnnounced;
        }
        if (!runs.isEmpty() && runs.last().phase == piece.phase &&
            runs.last().stream == piece.stream &&
            runs.last().from + runs.last().data.size() == from) {
            runs.last().data += data;
        } else {
            runs.append(Run{piece.phase, piece.stream, from, data});
        }
    }
    // A character whose last bytes are not stored yet waits for them (read again next time).
    if (!complete && !runs.isEmpty()) {
        runs.last().data.chop(Utf8StreamDecoder::incompleteTailLength(runs.last().data));
        if (runs.last().data.isEmpty())
            runs.removeLast();
    }
    for (const Run &run : std::as_const(runs)) {
        if (run.from != tracked.liveAnnounced)
            break; // never leave a gap on the hub
        const qint64 to = run.from + run.data.size();
        tracked.liveAnnounced = to;
        m_hub->announceLog(id, run.phase, run.stream, QString::fromUtf8(run.data), run.from, to);
    }
}

void StoreChangeRelay::endCatchUp()
{
    m_running = false;
    ++m_catchUps;
    emit caughtUp();
    if (m_started && (m_pendingFull || !m_pendingBuilds.isEmpty()))
        catchUp();
}

} // namespace vw::engine
