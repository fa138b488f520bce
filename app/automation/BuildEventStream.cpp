#include "app/automation/BuildEventStream.h"

#include "app/automation/BuildApiJson.h"
#include "app/engine/BuildHub.h"
#include "models/BuildStore.h"
#include "models/Log.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vw::automation {

BuildEventStream::BuildEventStream(BuildStore *store, engine::BuildHub *hub, qint64 buildId,
                                   QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hub(hub)
    , m_buildId(buildId)
{
}

BuildEventStream::~BuildEventStream() = default;

void BuildEventStream::start()
{
    // Listen first: whatever happens while the stored part is read waits in the queue.
    connect(m_hub, &engine::BuildHub::buildChanged, this, [this](const Build &build) {
        if (build.id == m_buildId)
            enqueue(Item{Item::Kind::BuildState, build, {}, {}, {}, {}, 0});
    });
    connect(m_hub, &engine::BuildHub::eventAdded, this, [this](const BuildEvent &event) {
        if (event.buildId == m_buildId)
            enqueue(Item{Item::Kind::Event, {}, event, {}, {}, {}, 0});
    });
    connect(m_hub, &engine::BuildHub::logAppended, this,
            [this](qint64 buildId, Phase phase, LogStream stream, const QString &text, qint64 from,
                   qint64) {
                if (buildId == m_buildId)
                    enqueue(Item{Item::Kind::Log, {}, {}, phase, stream, text.toUtf8(), from});
            });
    connect(m_hub, &engine::BuildHub::buildFinished, this, [this](const Build &build) {
        if (build.id == m_buildId)
            enqueue(Item{Item::Kind::End, build, {}, {}, {}, {}, 0});
    });
    // Output this process has queued for the store is written before the store is read.
    m_store->flush()->onResult(this, [this](const Status &) {
        m_store->build(m_buildId)->onResult(this, [this](const Result<Build> &build) {
            if (!build) {
                if (build.error().code == QLatin1String("NOT_FOUND"))
                    fail(404, tr("There is no build %1").arg(m_buildId));
                else
                    fail(500, build.error().message);
                return;
            }
            sendBuild("build", build.value());
            loadEvents(build.value());
        });
    });
}

void BuildEventStream::loadEvents(const Build &build)
{
    m_store->events(m_buildId)->onResult(
        this, [this, build](const Result<QList<BuildEvent>> &events) {
            if (!events) {
                fail(500, events.error().message);
                return;
            }
            for (const BuildEvent &event : events.value())
                sendEvent(event);
            if (build.isFinished()) // stored as finished: nothing more will be announced
                m_queue.append(Item{Item::Kind::End, build, {}, {}, {}, {}, 0});
            loadLog(0, -1);
        });
}

// Reads the stored output in pages from `offset` up to `end` (-1: the size at the first read).
void BuildEventStream::loadLog(qint64 offset, qint64 end)
{
    m_store->readLog(m_buildId, LogSelection{}, offset, kPageBytes)
        ->onResult(this, [this, end](const Result<LogSlice> &slice) {
            if (!slice) {
                fail(500, slice.error().message);
                return;
            }
            const qint64 until = end < 0 ? slice.value().totalSize : end;
            const qint64 before = m_logEnd;
            sendPieces(slice.value().pieces, slice.value().end() < until);
            if (m_logEnd < until && m_logEnd > before)
                loadLog(m_logEnd, until);
            else
                finishLoading();
        });
}

void BuildEventStream::finishLoading()
{
    m_busy = false;
    pump();
}

void BuildEventStream::enqueue(Item item)
{
    if (m_done)
        return;
    m_queue.append(std::move(item));
    pump();
}

void BuildEventStream::pump()
{
    while (!m_busy && !m_done && !m_queue.isEmpty()) {
        Item item = m_queue.takeFirst();
        switch (item.kind) {
        case Item::Kind::BuildState:
            sendBuild("build", item.build);
            break;
        case Item::Kind::Event:
            sendEvent(item.event);
            break;
        case Item::Kind::Log: {
            const qint64 to = item.from + item.bytes.size();
            if (to <= m_logEnd)
                break; // sent already (read from the store)
            if (item.from > m_logEnd) {
                // Output is missing before this piece: read it from the store first.
                const qint64 from = item.from;
                m_queue.prepend(std::move(item));
                catchUp(from);
                return;
            }
            sendLog(item.phase, item.stream, item.bytes.mid(m_logEnd - item.from));
            break;
        }
        case Item::Kind::End:
            sendBuild("end", item.build);
            m_done = true;
            m_queue.clear();
            if (m_hub)
                disconnect(m_hub, nullptr, this, nullptr);
            emit finished();
            return;
        }
    }
}

void BuildEventStream::catchUp(qint64 until)
{
    m_busy = true;
    m_store->flush()->onResult(this, [this, until](const Status &) {
        m_store->readLog(m_buildId, LogSelection{}, m_logEnd, until - m_logEnd)
            ->onResult(this, [this, until](const Result<LogSlice> &slice) {
                if (slice)
                    sendPieces(slice.value().pieces, false);
                if (m_logEnd < until) {
                    // The store does not have it (a failed write): go on after the hole rather
                    // than wait forever; the offsets show the client where it is.
                    log::get("http")->warn("build {}: output {}-{} is missing from the store",
                                           m_buildId, m_logEnd, until);
                    m_logEnd = until;
                }
                m_busy = false;
                pump();
            });
    });
}

void BuildEventStream::sendBuild(const char *type, const Build &build)
{
    // A change announced while the stored build was read can be older than what was sent.
    if (qstrcmp(type, "build") == 0 && build.updatedAt.isValid() && m_lastUpdate.isValid() &&
        build.updatedAt < m_lastUpdate)
        return;
    if (build.updatedAt.isValid())
        m_lastUpdate = build.updatedAt;
    const QJsonObject json{{QStringLiteral("type"), QString::fromLatin1(type)},
                           {QStringLiteral("build"), BuildApiJson::build(build)}};
    emit message(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

void BuildEventStream::sendEvent(const BuildEvent &event)
{
    if (event.id != 0 && event.id <= m_lastEventId)
        return;
    m_lastEventId = std::max(m_lastEventId, event.id);
    const QJsonObject json{{QStringLiteral("type"), QStringLiteral("event")},
                           {QStringLiteral("event"), BuildApiJson::event(event)}};
    emit message(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

void BuildEventStream::sendPieces(const QList<LogSlice::Piece> &pieces, bool morePages)
{
    // The store keeps output in chunks that may cut a character in two: neighbouring pieces of
    // one phase and stream are joined before they become text.
    QList<LogSlice::Piece> joined;
    for (const LogSlice::Piece &piece : pieces) {
        if (!joined.isEmpty() && joined.last().phase == piece.phase &&
            joined.last().stream == piece.stream)
            joined.last().data += piece.data;
        else
            joined.append(piece);
    }
    if (morePages && !joined.isEmpty()) {
        // A character cut at the page's end is sent with the next page.
        QByteArray &last = joined.last().data;
        last.truncate(BuildApiJson::completeUtf8Length(last));
    }
    for (const LogSlice::Piece &piece : joined)
        sendLog(piece.phase, piece.stream, piece.data);
}

void BuildEventStream::sendLog(Phase phase, LogStream stream, const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    const QJsonObject json{{QStringLiteral("type"), QStringLiteral("log")},
                           {QStringLiteral("offset"), m_logEnd},
                           {QStringLiteral("phase"), phaseName(phase)},
                           {QStringLiteral("stream"), logStreamName(stream)},
                           {QStringLiteral("text"), QString::fromUtf8(bytes)}};
    m_logEnd += bytes.size();
    emit message(QJsonDocument(json).toJson(QJsonDocument::Compact));
}

void BuildEventStream::fail(int status, const QString &message)
{
    m_done = true;
    m_queue.clear();
    if (m_hub)
        disconnect(m_hub, nullptr, this, nullptr);
    emit failed(status, message);
}

} // namespace vw::automation
