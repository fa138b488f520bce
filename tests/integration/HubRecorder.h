#pragma once

#include "app/engine/BuildHub.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSignalSpy>

#include <algorithm>
#include <functional>
#include <optional>

namespace vw::test {

// Everything a BuildHub announced, in order, with the checks the engine tests make: that the
// output's byte ranges follow each other (no gap, no overlap), which events and finishes came.
class HubRecorder : public QObject
{
    Q_OBJECT

public:
    explicit HubRecorder(engine::BuildHub *hub)
    {
        using engine::BuildHub;
        connect(hub, &BuildHub::buildCreated, this, [this](const Build &b) {
            created.append(b.id);
            emit recorded();
        });
        connect(hub, &BuildHub::buildChanged, this, [this](const Build &b) {
            changes.append(b);
            emit recorded();
        });
        connect(hub, &BuildHub::eventAdded, this, [this](const BuildEvent &e) {
            events.append(e);
            emit recorded();
        });
        connect(hub, &BuildHub::logAppended, this,
                [this](qint64 id, Phase, LogStream, const QString &text, qint64 from, qint64 to) {
                    QByteArray &log = logs[id];
                    const QByteArray bytes = text.toUtf8();
                    rangesContiguous &= from == log.size() && to - from == bytes.size();
                    log += bytes;
                    emit recorded();
                });
        connect(hub, &BuildHub::buildFinished, this, [this](const Build &b) {
            finished.append(b);
            emit recorded();
        });
    }

    // Runs the event loop until `condition` holds (re-checked on every announcement).
    bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 60'000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!condition()) {
            const qint64 left = timeoutMs - timer.elapsed();
            if (left <= 0)
                return false;
            QSignalSpy spy(this, &HubRecorder::recorded);
            spy.wait(int(left));
        }
        return true;
    }
    bool waitFinished(qint64 id, int timeoutMs = 60'000)
    {
        return waitUntil([this, id] { return finishedCount(id) > 0; }, timeoutMs);
    }

    QString logText(qint64 id) const { return QString::fromUtf8(logs.value(id)); }
    // The build as announced finished (the last time, should there be more).
    Build finishedBuild(qint64 id) const
    {
        for (auto it = finished.crbegin(); it != finished.crend(); ++it) {
            if (it->id == id)
                return *it;
        }
        return {};
    }
    int finishedCount(qint64 id) const
    {
        return int(std::count_if(finished.begin(), finished.end(),
                                 [id](const Build &b) { return b.id == id; }));
    }
    QList<qint64> finishOrder() const
    {
        QList<qint64> ids;
        for (const Build &b : finished)
            ids.append(b.id);
        return ids;
    }
    bool hasEvent(qint64 id, const QString &type, std::optional<Phase> phase = {}) const
    {
        return std::any_of(events.begin(), events.end(), [&](const BuildEvent &e) {
            return e.buildId == id && e.type == type && (!phase || e.phase == phase);
        });
    }
    // "type" or "type:phase" of each event of the build, in order.
    QStringList eventTypes(qint64 id) const
    {
        QStringList types;
        for (const BuildEvent &e : events) {
            if (e.buildId == id)
                types.append(e.phase ? e.type + u':' + phaseName(*e.phase) : e.type);
        }
        return types;
    }
    QList<qint64> eventIds(qint64 id) const
    {
        QList<qint64> ids;
        for (const BuildEvent &e : events) {
            if (e.buildId == id)
                ids.append(e.id);
        }
        return ids;
    }

    QList<qint64> created;
    QList<Build> changes;
    QList<BuildEvent> events;
    QHash<qint64, QByteArray> logs; // each build's live output as announced
    bool rangesContiguous = true;
    QList<Build> finished; // in the order announced

signals:
    void recorded();
};

} // namespace vw::test
