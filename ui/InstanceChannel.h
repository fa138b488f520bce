#pragma once

#include <QObject>
#include <QString>

#include <optional>

class QLocalServer;

namespace vw::ui {

// One Vaporwatch window per user: the first `vaporwatch` listens on a local socket in the
// user's runtime directory; a later one hands its request over ("show the window", or "open
// build ID") and exits. A socket left by a crashed instance is replaced.
class InstanceChannel : public QObject
{
    Q_OBJECT

public:
    explicit InstanceChannel(QObject *parent = nullptr);
    ~InstanceChannel() override;

    // $XDG_RUNTIME_DIR/vaporwatch.socket (the runtime location Qt finds for this user).
    static QString socketPath();

    // Hands the request to a running instance; false when none answers (then listen()).
    // `buildId` empty: just show its window.
    bool sendToRunning(std::optional<qint64> buildId, int timeoutMs = 2000);
    // Becomes the instance others hand their requests to; false (with a warning logged) when
    // the socket cannot be made, or another instance holds it without answering.
    bool listen();

signals:
    void showRequested();
    void buildRequested(qint64 buildId);

private:
    void readRequest();

    QLocalServer *m_server = nullptr;
};

} // namespace vw::ui
