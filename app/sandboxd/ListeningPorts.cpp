#include "app/sandboxd/ListeningPorts.h"

#include <QFile>

#include <algorithm>

namespace vw::sandboxd {

QList<int> ListeningPorts::parse(const QByteArray &procNetTcp)
{
    QList<int> ports;
    const QList<QByteArray> lines = procNetTcp.split('\n');
    // The first line is the column header: "sl local_address rem_address st …".
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines.at(i).simplified().split(' ');
        if (fields.size() < 4 || fields.at(3) != "0A")
            continue;
        const QByteArray &local = fields.at(1);
        const qsizetype colon = local.lastIndexOf(':');
        bool ok = false;
        const int port = local.mid(colon + 1).toInt(&ok, 16);
        if (colon > 0 && ok && port > 0)
            ports.append(port);
    }
    return ports;
}

QList<int> ListeningPorts::current()
{
    QList<int> ports;
    for (const char *table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        QFile file(QString::fromLatin1(table));
        if (file.open(QIODevice::ReadOnly))
            ports += parse(file.readAll());
    }
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    return ports;
}

} // namespace vw::sandboxd
