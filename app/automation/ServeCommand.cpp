#include "app/automation/ServeCommand.h"

#include "app/automation/HttpApiServer.h"
#include "app/automation/InterruptWatcher.h"
#include "app/engine/SecretStore.h"
#include "models/Log.h"
#include "models/RandomToken.h"
#include "models/TokenFile.h"

#include <QCommandLineParser>
#include <QTextStream>

using vw::automation::HttpApiServer;

ServeCommand::~ServeCommand() = default;

bool ServeCommand::start(const QStringList &arguments)
{
    const QString usage =
        tr("usage: vaporwatch-cli serve [--port N] [--bind ADDRESS] [--token-file FILE]");
    QCommandLineParser parser;
    const QCommandLineOption portOption(
        QStringLiteral("port"), tr("The port (default 4000; 0 picks a free one)."), tr("N"));
    const QCommandLineOption bindOption(
        QStringLiteral("bind"), tr("The address to listen on (default 127.0.0.1)."), tr("ADDRESS"));
    const QCommandLineOption tokenOption(
        QStringLiteral("token-file"),
        tr("Read the API token from FILE, or create FILE (mode 0600) with a new one."), tr("FILE"));
    parser.addOptions({portOption, bindOption, tokenOption});
    if (!parse(parser, arguments))
        return false;
    if (!parser.positionalArguments().isEmpty()) {
        printError(usage);
        return false;
    }
    if (parser.isSet(portOption)) {
        bool ok = false;
        const uint port = parser.value(portOption).toUInt(&ok);
        if (!ok || port > 65535) {
            printError(tr("--port must be a number from 0 to 65535"));
            return false;
        }
        m_port = quint16(port);
    }
    if (parser.isSet(bindOption)) {
        if (!m_address.setAddress(parser.value(bindOption))) {
            printError(tr("--bind must be an IP address, e.g. 127.0.0.1"));
            return false;
        }
        if (!m_address.isLoopback())
            QTextStream(stderr)
                << tr("warning: %1 is reachable from other machines; the API speaks plain HTTP, "
                      "so the token can be read on the way")
                       .arg(m_address.toString())
                << Qt::endl;
    }
    m_tokenFile = parser.value(tokenOption);
    m_interrupts = new InterruptWatcher(this);
    connect(m_interrupts, &InterruptWatcher::interrupted, this, [this] { finish(0); });
    loadToken([this](const QString &token) {
        openStore([this, token] { connectEngine([this, token] { serve(token); }); });
    });
    return true;
}

void ServeCommand::loadToken(std::function<void(const QString &)> then)
{
    if (!m_tokenFile.isEmpty()) {
        const vw::Result<QString> token = vw::TokenFile::loadOrCreate(m_tokenFile);
        if (!token)
            return fail(token.error().message);
        then(token.value());
        return;
    }
    auto *secrets = new vw::engine::SecretStore(vw::engine::SecretStore::kService, this);
    secrets
        ->readOrCreate(vw::engine::SecretStore::kHttpApiToken,
                       [] { return vw::RandomToken::hex256(); })
        ->onResult(this, [this, then](const vw::Result<QString> &token) {
            if (token)
                return then(token.value());
            fail(tr("cannot keep the API token in the keychain (%1); pass --token-file FILE to "
                    "keep it in a file instead")
                     .arg(token.error().message));
        });
}

void ServeCommand::serve(const QString &token)
{
    m_server = new HttpApiServer(session(), token, this);
    const vw::Result<quint16> port = m_server->listen(m_address, m_port);
    if (!port)
        return fail(port.error().message);
    QTextStream out(stdout);
    // The address as bound (0.0.0.0 stays visible as such), with the port actually listened on.
    const QString host = m_address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(m_address.toString())
                             : m_address.toString();
    out << tr("listening on http://%1:%2").arg(host).arg(port.value()) << Qt::endl;
    QTextStream(stderr) << (m_tokenFile.isEmpty()
                                ? tr("The API token is in the keychain (%1, key %2).")
                                      .arg(vw::engine::SecretStore::kService,
                                           vw::engine::SecretStore::kHttpApiToken)
                                : tr("The API token is in %1.").arg(m_tokenFile))
                        << Qt::endl;
    vw::log::get("http")->info("HTTP API listening on {}", m_server->baseUrl().toStdString());
}
