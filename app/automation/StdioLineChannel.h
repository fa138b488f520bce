#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

namespace vw::automation {

// Newline-delimited messages over a pair of file descriptors (the MCP stdio transport: the
// client writes requests to our stdin and reads replies from our stdout). Reads without blocking
// the event loop; a line longer than kMaxLineBytes is dropped whole and reported, so one bad
// message neither exhausts memory nor desynchronises the stream.
class StdioLineChannel : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype kMaxLineBytes = 16 * 1024 * 1024;

    StdioLineChannel(int readFd, int writeFd, QObject *parent = nullptr);
    ~StdioLineChannel() override;

    // Writes `line` and a line end, completely (blocking for a slow reader, as a pipe does).
    bool writeLine(const QByteArray &line);

signals:
    void lineReceived(const QByteArray &line);
    void lineTooLong(qsizetype bytes);
    // End of input (the client closed our stdin) or a read error.
    void closed();

private:
    void readAvailable();

    int m_readFd;
    int m_writeFd;
    int m_readFlags = 0;
    QSocketNotifier *m_notifier;
    QByteArray m_buffer;
    qsizetype m_discarding = -1; // bytes of an over-long line dropped so far; -1: not dropping
};

} // namespace vw::automation
