#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

namespace vw::engine {
class EngineSession;
struct AppSettings;
} // namespace vw::engine

namespace vw::automation {

class HttpApiServer;

// The HTTP API and cctray feed inside the app (Settings → "Serve the build HTTP API"): on
// 127.0.0.1 at the settings' port, with the bearer token from the keychain — made on first use
// and shared with `vaporwatch-cli serve` without --token-file.
class EmbeddedHttpApi : public QObject
{
    Q_OBJECT

public:
    EmbeddedHttpApi(engine::EngineSession *session, int port, QObject *parent = nullptr);
    ~EmbeddedHttpApi() override;

    // For ui::AppController::setSessionService: the API when the settings enable it (else
    // null), reporting where it listens or why it could not start.
    static std::unique_ptr<QObject> serviceFor(engine::EngineSession *session,
                                               const engine::AppSettings &settings,
                                               std::function<void(const QString &)> report);

    bool isListening() const { return m_server != nullptr; }
    QString baseUrl() const;

signals:
    void listening(const QString &baseUrl);
    void failed(const QString &message);

private:
    engine::EngineSession *m_session;
    HttpApiServer *m_server = nullptr;
};

} // namespace vw::automation
