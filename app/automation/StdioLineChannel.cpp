#include "app/automation/StdioLineChannel.h"

#include <QSocketNotifier>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace vw::automation {

StdioLineChannel::StdioLineChannel(int readFd, int writeFd, QObject *parent)
    : QObject(parent)
    , m_readFd(readFd)
    , m_writeFd(writeFd)
    , m_notifier(new QSocketNotifier(readFd, QSocketNotifier::Read, this))
{
    m_readFlags = ::fcntl(m_readFd, F_GETFL);
    ::fcntl(m_readFd, F_SETFL, m_readFlags | O_NONBLOCK);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdioLineChannel::readAvailable);
}

StdioLineChannel::~StdioLineChannel()
{
    // The descriptor may be a terminal shared with the shell, which expects blocking reads.
    ::fcntl(m_readFd, F_SETFL, m_readFlags);
}

void StdioLineChannel::readAvailable()
{
    char chunk[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(m_readFd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            m_notifier->setEnabled(false);
            if (m_discarding < 0 && !m_buffer.trimmed().isEmpty())
                emit lineReceived(m_buffer); // a last message without its line end
            m_buffer.clear();
            emit closed();
            return;
        }
        qsizetype start = 0;
        for (qsizetype i = 0; i < n; ++i) {
            if (chunk[i] != '\n')
                continue;
            if (m_discarding >= 0) {
                emit lineTooLong(m_discarding + i - start);
                m_discarding = -1;
            } else {
                m_buffer.append(chunk + start, i - start);
                if (m_buffer.endsWith('\r'))
                    m_buffer.chop(1);
                if (!m_buffer.trimmed().isEmpty())
                    emit lineReceived(m_buffer);
                m_buffer.clear();
            }
            start = i + 1;
        }
        if (m_discarding >= 0) {
            m_discarding += n - start;
        } else {
            m_buffer.append(chunk + start, n - start);
            if (m_buffer.size() > kMaxLineBytes) {
                m_discarding = m_buffer.size();
                m_buffer.clear();
            }
        }
    }
}

bool StdioLineChannel::writeLine(const QByteArray &line)
{
    QByteArray data = line;
    data.append('\n');
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(m_writeFd, data.constData() + written, data.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // Stdout shares the non-blocking flag when it is the same terminal as stdin.
            pollfd writable{m_writeFd, POLLOUT, 0};
            ::poll(&writable, 1, -1);
            continue;
        }
        if (n < 0)
            return false;
        written += n;
    }
    return true;
}

} // namespace vw::automation
