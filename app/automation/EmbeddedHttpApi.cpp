#include "app/automation/EmbeddedHttpApi.h"

#include "app/automation/HttpApiServer.h"
#include "app/engine/AppSettings.h"
#include "app/engine/SecretStore.h"
#include "models/RandomToken.h"

namespace vw::automation {

EmbeddedHttpApi::EmbeddedHttpApi(engine::EngineSession *session, int port, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    auto *secrets = new engine::SecretStore(engine::SecretStore::kService, this);
    secrets->readOrCreate(engine::SecretStore::kHttpApiToken, [] { return RandomToken::hex256(); })
        ->onResult(this, [this, secrets, port](const Result<QString> &token) {
            secrets->deleteLater();
            if (!token) {
                emit failed(tr("The HTTP API needs the keychain for its token: %1")
                                .arg(token.error().message));
                return;
            }
            auto *server = new HttpApiServer(m_session, token.value(), this);
            const Result<quint16> bound = server->listen(QHostAddress::LocalHost, quint16(port));
            if (!bound) {
                delete server;
                emit failed(tr("The HTTP API could not listen on 127.0.0.1:%1: %2")
                                .arg(port)
                                .arg(bound.error().message));
                return;
            }
            m_server = server;
            emit listening(m_server->baseUrl());
        });
}

EmbeddedHttpApi::~EmbeddedHttpApi() = default;

QString EmbeddedHttpApi::baseUrl() const
{
    return m_server ? m_server->baseUrl() : QString();
}

std::unique_ptr<QObject> EmbeddedHttpApi::serviceFor(engine::EngineSession *session,
                                                     const engine::AppSettings &settings,
                                                     std::function<void(const QString &)> report)
{
    if (!settings.httpApiEnabled)
        return nullptr;
    auto api = std::make_unique<EmbeddedHttpApi>(session, settings.httpApiPort);
    connect(api.get(), &EmbeddedHttpApi::listening, api.get(), [report](const QString &url) {
        report(tr("The HTTP API and the cctray feed are at %1 (token in the keychain)").arg(url));
    });
    connect(api.get(), &EmbeddedHttpApi::failed, api.get(), report);
    return api;
}

} // namespace vw::automation
