#include "app/sandboxd/LogLineFramer.h"

namespace vw::sandboxd {

LogLineFramer::LogLineFramer(QByteArrayView marker, qsizetype maxLineBytes)
    : m_marker(marker.toByteArray())
    , m_maxLineBytes(maxLineBytes)
{
}

QByteArray LogLineFramer::feed(QByteArrayView data)
{
    QByteArray records;
    qsizetype start = 0;
    while (start < data.size()) {
        const qsizetype newline = data.indexOf('\n', start);
        if (newline < 0) {
            m_pending.append(data.sliced(start));
            break;
        }
        records.append(m_marker);
        records.append(m_pending);
        records.append(data.sliced(start, newline - start + 1));
        m_pending.clear();
        m_lineOpen = false;
        start = newline + 1;
    }
    if (m_pending.size() >= m_maxLineBytes) {
        records.append(m_marker);
        records.append(m_pending);
        m_pending.clear();
        m_lineOpen = true;
    }
    return records;
}

QByteArray LogLineFramer::finish()
{
    if (m_pending.isEmpty() && !m_lineOpen)
        return {};
    QByteArray record = m_marker + m_pending + '\n';
    m_pending.clear();
    m_lineOpen = false;
    return record;
}

} // namespace vw::sandboxd
