#pragma once

#include "models/AsyncJob.h"
#include "models/LogSelection.h"
#include "models/LogSlice.h"

#include <QObject>
#include <QPointer>

namespace vw {
class BuildStore;
}

namespace vw::engine {

// Reads the last lines of a stored log without loading the whole log: it reads backwards in
// chunks from the end until it has seen enough line ends, then returns the slice from the start
// of the first wanted line to the end (the slice's offset is where those lines start, end() is
// where a follower continues). A last line without '\n' counts as a line.
class LogTailReader : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kChunkBytes = 64 * 1024;

    // `lines` <= 0: the whole selection. The job finishes with the slice; it deletes the reader.
    static AsyncJobOf<LogSlice> *read(BuildStore *store, qint64 buildId,
                                      const LogSelection &selection, int lines);

private:
    LogTailReader(BuildStore *store, qint64 buildId, const LogSelection &selection, int lines);
    void readChunkBefore(qint64 end);
    void readFrom(qint64 offset);

    QPointer<BuildStore> m_store;
    qint64 m_buildId;
    LogSelection m_selection;
    int m_linesWanted;
    int m_lineEndsSeen = 0;
    qint64 m_size = -1; // the selection's size when the reading began
    AsyncJobOf<LogSlice> *m_job;
};

} // namespace vw::engine
