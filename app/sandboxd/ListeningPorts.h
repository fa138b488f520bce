#pragma once

#include <QByteArray>
#include <QList>

namespace vw::sandboxd {

// The TCP ports something listens on, read from the kernel's socket tables like the daemon's
// port detector (daytona-api.md §4). A local sandbox shares this machine's network, so these are
// the ports its preview links reach.
class ListeningPorts
{
public:
    // Sorted, without duplicates; from /proc/net/tcp and, because dev servers often listen on
    // "::" or "::1" only, /proc/net/tcp6.
    static QList<int> current();
    // The LISTEN (state 0A) entries of one /proc/net/tcp-format table.
    static QList<int> parse(const QByteArray &procNetTcp);
};

} // namespace vw::sandboxd
