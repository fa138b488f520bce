#include "app/engine/ResumeOffsetTracker.h"

#include <algorithm>

namespace vw::engine {

void ResumeOffsetTracker::received(LogStream stream, qint64 startOffset, qint64 endOffset)
{
    if (endOffset > startOffset)
        m_segments[size_t(stream)].append({startOffset, endOffset});
}

qint64 ResumeOffsetTracker::safeOffset(qint64 endOffset, qint64 heldStdout, qint64 heldStderr)
{
    qint64 safe = endOffset;
    const std::array<qint64, 2> heldBytes{heldStdout, heldStderr};
    for (size_t s = 0; s < m_segments.size(); ++s) {
        QList<std::pair<qint64, qint64>> &segments = m_segments[s];
        qint64 held = heldBytes[s];
        qint64 heldStart = endOffset;
        qsizetype keepFrom = segments.size();
        for (qsizetype i = segments.size() - 1; i >= 0 && held > 0; --i) {
            const qint64 length = segments[i].second - segments[i].first;
            keepFrom = i;
            if (held <= length) {
                heldStart = segments[i].second - held;
                held = 0;
            } else {
                held -= length;
                heldStart = segments[i].first;
            }
        }
        segments.remove(0, keepFrom);
        safe = std::min(safe, heldStart);
    }
    return safe;
}

void ResumeOffsetTracker::reset()
{
    for (auto &segments : m_segments)
        segments.clear();
}

} // namespace vw::engine
