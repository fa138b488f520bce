#pragma once

#include "app/engine/PreviewLocator.h"
#include "models/AsyncJob.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

class StackDetector;

// A project's dev server as it runs in the sandbox.
struct DevServerState
{
    QString sandbox;
    QString projectDirectory;
    QString sessionId;
    QString commandId; // the running command; empty when the session has none
    QString command;   // the dev server command as given (without the launch wrapper)
    int port = 0;      // 0 when not known
    bool running = false;
    bool alreadyRunning = false; // start() found it running and started nothing
    PreviewInfo preview;         // filled by start() once ready
};

// A project's dev server in its own Daytona session (the original platform's run_dev_server):
// start, wait until its port listens, health, stop. The session's name is derived from the
// project directory (sessionName()), so every Vaporwatch process — CLI, GUI, MCP — finds the
// same server, and a session outlives the process that started it.
//
// The server runs as `cd -- DIR && export PORT=N && { COMMAND }` in that session (a relative
// DIR resolves against the sandbox's working directory, as builds do). Stopping deletes the
// session, which ends every process it started.
class DevServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString sandbox;
        QString projectDirectory;
        QString command; // empty: the stack's default (defaultCommand())
        int port = kDefaultPort;
        int readyTimeoutMs = 60'000;
        int pollIntervalMs = 250;
    };

    static constexpr int kDefaultPort = 3000;
    static inline const QString kSessionPrefix = QStringLiteral("vaporwatch-dev-");

    explicit DevServer(daytona::DaytonaClient *client, QObject *parent = nullptr);
    // Unfinished jobs end with the CANCELED error.
    ~DevServer() override;

    // "vaporwatch-dev-<project directory with every other character than letters, digits, '.',
    // '_' and '-' as '-'>", e.g. "vaporwatch-dev-apps-web" for "./apps/web/".
    static QString sessionName(const QString &projectDirectory);
    // What runs in the session.
    static QString launchCommand(const QString &projectDirectory, const QString &command, int port);
    // The port and the command back from launchCommand()'s text (port 0 when it is not ours).
    static int portOfLaunch(const QString &launch);
    static QString commandOfLaunch(const QString &launch);
    // The dev command of a stack ("npm run dev", "pnpm run dev", …); empty when there is none.
    static QString defaultCommandFor(const QString &stack, const QString &packageManager);

    // The project's dev server as it is now; fails with NOT_RUNNING when it has no session.
    AsyncJobOf<DevServerState> *find(const QString &sandbox, const QString &projectDirectory);
    // Starts it and waits until its port listens, then reports its preview (link and health).
    // When it already runs nothing is started (alreadyRunning). Fails with PORT_IN_USE (another
    // process listens on the port), NO_DEFAULT_COMMAND, EXITED (the command ended before its
    // port listened; the message ends with its last output lines) or TIMEOUT; after EXITED and
    // TIMEOUT the session is removed.
    AsyncJobOf<DevServerState> *start(const Options &options);
    // Deletes the session and waits (up to 10 s) until the port is free. Fails with NOT_RUNNING
    // when no dev server runs (a session left by one that exited is removed all the same).
    AsyncJobOf<DevServerState> *stop(const QString &sandbox, const QString &projectDirectory);

    PreviewLocator *previewLocator() const { return m_locator; }

private:
    struct StartState;
    template<typename T>
    AsyncJobOf<T> *track(AsyncJobOf<T> *job);
    void launch(const std::shared_ptr<StartState> &state);
    void poll(const std::shared_ptr<StartState> &state);
    void finishWithPreview(const std::shared_ptr<StartState> &state, int port);
    void failWithOutput(const std::shared_ptr<StartState> &state, const QString &code,
                        const QString &message);

    QPointer<daytona::DaytonaClient> m_client;
    PreviewLocator *m_locator = nullptr;
    StackDetector *m_detector = nullptr;
    QList<QPointer<AsyncJob>> m_jobs;
};

} // namespace vw::engine
