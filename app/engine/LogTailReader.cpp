#include "app/engine/LogTailReader.h"

#include "models/BuildStore.h"

namespace vw::engine {

AsyncJobOf<LogSlice> *LogTailReader::read(BuildStore *store, qint64 buildId,
                                          const LogSelection &selection, int lines)
{
    auto *reader = new LogTailReader(store, buildId, selection, lines);
    AsyncJobOf<LogSlice> *job = reader->m_job;
    connect(job, &AsyncJob::finished, reader, &QObject::deleteLater);
    if (lines <= 0)
        reader->readFrom(0);
    else
        reader->readChunkBefore(-1);
    return job;
}

LogTailReader::LogTailReader(BuildStore *store, qint64 buildId, const LogSelection &selection,
                             int lines)
    : m_store(store)
    , m_buildId(buildId)
    , m_selection(selection)
    , m_linesWanted(lines)
    , m_job(new AsyncJobOf<LogSlice>)
{
}

// `end` < 0: the end of the log (the first chunk also tells the log's size).
void LogTailReader::readChunkBefore(qint64 end)
{
    if (!m_store) {
        m_job->fail(Error{QStringLiteral("STORE_CLOSED"), QStringLiteral("the store is gone")});
        return;
    }
    const auto readChunk = [this](qint64 chunkEnd) {
        const qint64 start = qMax<qint64>(0, chunkEnd - kChunkBytes);
        m_store->readLog(m_buildId, m_selection, start, chunkEnd - start)
            ->onResult(this, [this, start](const Result<LogSlice> &slice) {
                if (!slice) {
                    m_job->fail(slice.error());
                    return;
                }
                const QByteArray bytes = slice.value().bytes();
                // Walk back over the chunk's line ends; the log's very last byte being '\n'
                // ends the last line rather than starting an empty one.
                for (qsizetype i = bytes.size() - 1; i >= 0; --i) {
                    if (bytes.at(i) != '\n' || start + i == m_size - 1)
                        continue;
                    if (++m_lineEndsSeen == m_linesWanted) {
                        readFrom(start + i + 1);
                        return;
                    }
                }
                if (start == 0)
                    readFrom(0);
                else
                    readChunkBefore(start);
            });
    };
    if (end >= 0) {
        readChunk(end);
        return;
    }
    m_store->logSizes(m_buildId)->onResult(this, [this, readChunk](const Result<LogSizes> &sizes) {
        if (!sizes) {
            m_job->fail(sizes.error());
            return;
        }
        m_size = sizes.value().size(m_selection);
        readChunk(m_size);
    });
}

void LogTailReader::readFrom(qint64 offset)
{
    m_store->readLog(m_buildId, m_selection, offset, m_size < 0 ? -1 : m_size - offset)
        ->onResult(this, [this](const Result<LogSlice> &slice) {
            if (slice)
                m_job->succeed(slice.value());
            else
                m_job->fail(slice.error());
        });
}

} // namespace vw::engine
