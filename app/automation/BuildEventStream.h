#pragma once

#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/LogSlice.h"
#include "models/LogStream.h"
#include "models/Phase.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>

namespace vw {
class BuildStore;
}
namespace vw::engine {
class BuildHub;
}

namespace vw::automation {

// Everything that happens to one build, each thing exactly once and in order, as JSON messages
// (one compact object each) for /workspace/build/{id}/stream:
//   {"type": "build", "build": {…}}             first, then on every change
//   {"type": "event", "event": {…}}             every event, by ascending id
//   {"type": "log", "offset": O, "phase": "install", "stream": "stdout", "text": "…"}
//                                               the build's live output: `text` is the bytes
//                                               [O, O + its UTF-8 length) of live_output, the
//                                               pieces back to back from 0 without gap or overlap
//   {"type": "end", "build": {…}}               last, once the build has finished
// First what is stored (the build, its events, its output read in pages), then live from the
// BuildHub. The hub is listened to from the start and what it announces meanwhile is held, then
// merged: events by id (those already sent are dropped), output by byte range (the part already
// sent is cut off; output missing before an announced piece is read from the store first).
class BuildEventStream : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kPageBytes = 256 * 1024;

    BuildEventStream(BuildStore *store, engine::BuildHub *hub, qint64 buildId,
                     QObject *parent = nullptr);
    ~BuildEventStream() override;

    void start();
    qint64 buildId() const { return m_buildId; }

signals:
    void message(const QByteArray &json);
    // The build could not be streamed (404: no such build; 500: the store failed). Nothing
    // follows.
    void failed(int status, const QString &message);
    // After the "end" message.
    void finished();

private:
    struct Item
    {
        enum class Kind { BuildState, Event, Log, End } kind = Kind::BuildState;
        Build build;
        BuildEvent event;
        Phase phase = Phase::Setup;
        LogStream stream = LogStream::Stdout;
        QByteArray bytes;
        qint64 from = 0;
    };

    void loadEvents(const Build &build);
    void loadLog(qint64 offset, qint64 end);
    void finishLoading();
    void enqueue(Item item);
    void pump();
    void catchUp(qint64 until);
    void sendBuild(const char *type, const Build &build);
    void sendEvent(const BuildEvent &event);
    void sendPieces(const QList<LogSlice::Piece> &pieces, bool morePages);
    void sendLog(Phase phase, LogStream stream, const QByteArray &bytes);
    void fail(int status, const QString &message);

    QPointer<BuildStore> m_store;
    QPointer<engine::BuildHub> m_hub;
    qint64 m_buildId;
    QList<Item> m_queue;
    bool m_busy = true; // loading or catching up: what arrives waits in m_queue
    bool m_done = false;
    qint64 m_lastEventId = 0;
    qint64 m_logEnd = 0;    // bytes of live output sent
    QDateTime m_lastUpdate; // updated_at of the newest build state sent
};

} // namespace vw::automation
