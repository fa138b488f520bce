#pragma once

#include "app/automation/StoreCommand.h"

#include <QHostAddress>

class InterruptWatcher;
namespace vw::automation {
class HttpApiServer;
}

// `vaporwatch-cli serve [--port N] [--bind ADDRESS] [--token-file FILE]`: the build HTTP API
// (HttpApiServer: the original platform's endpoints, the live stream, byte-range logs and the
// cctray feed) on the same engine as the app, until SIGINT or SIGTERM. Prints
// `listening on http://ADDRESS:PORT` when ready (port 0 picks a free one).
//
// The token: with --token-file read from that file, or created there (mode 0600); otherwise
// from the keychain (created and stored there on first use). It is never printed or logged.
class ServeCommand : public StoreCommand
{
    Q_OBJECT

public:
    static constexpr quint16 kDefaultPort = 4000;

    using StoreCommand::StoreCommand;
    ~ServeCommand() override;

    bool start(const QStringList &arguments) override;

private:
    void loadToken(std::function<void(const QString &token)> then);
    void serve(const QString &token);

    QHostAddress m_address = QHostAddress::LocalHost;
    quint16 m_port = kDefaultPort;
    QString m_tokenFile;
    vw::automation::HttpApiServer *m_server = nullptr;
    InterruptWatcher *m_interrupts = nullptr;
};
