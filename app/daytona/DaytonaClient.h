#pragma once

#include "app/daytona/ApiTransport.h"
#include "app/daytona/CommandLogFollower.h"
#include "app/daytona/DaytonaConfig.h"
#include "app/daytona/DaytonaTypes.h"
#include "models/AsyncJob.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

class QIODevice;

namespace vw::daytona {

struct SandboxListOptions
{
    int limit = 0; // 0: the server's default (100)
    QString cursor;
    QString namePrefix;
    QMap<QString, QString> labels;
};

// The Daytona API as asynchronous C++ calls: sandboxes on the main API, and sessions, commands,
// ports and files on a sandbox's toolbox. Every call returns a job whose finished() always fires
// (see vw::AsyncJob); nothing blocks the event loop.
//
// `sandbox` arguments take a sandbox id or name. The toolbox address of a sandbox is looked up
// once and cached: the Sandbox DTO's toolboxProxyUrl (v0.148+), else
// GET /sandbox/{id}/toolbox-proxy-url (v0.132+), else the legacy {api}/toolbox/{id}/toolbox.
class DaytonaClient : public QObject
{
    Q_OBJECT

public:
    explicit DaytonaClient(DaytonaConfig config, QObject *parent = nullptr);
    ~DaytonaClient() override;

    const DaytonaConfig &config() const { return m_transport->config(); }
    ApiTransport *transport() const { return m_transport; }

    // Sandboxes (main API).
    AsyncJobOf<SandboxPage> *listSandboxes(const SandboxListOptions &options = {});
    AsyncJobOf<QList<Sandbox>> *listAllSandboxes(const SandboxListOptions &options = {});
    AsyncJobOf<Sandbox> *getSandbox(const QString &sandbox);
    AsyncJobOf<Sandbox> *startSandbox(const QString &sandbox);
    AsyncJobOf<Sandbox> *stopSandbox(const QString &sandbox, bool force = false);
    // Polls like the SDKs: every 100 ms, after 5 s growing ×1.1 up to 1 s; fails on state
    // "error"/"build_failed" and after timeoutMs (TIMEOUT).
    AsyncJobOf<Sandbox> *waitUntilStarted(const QString &sandbox, int timeoutMs = 60'000);
    AsyncJobOf<PreviewLink> *previewLink(const QString &sandbox, int port);
    AsyncJobOf<QUrl> *toolboxBaseUrl(const QString &sandbox);

    // Sessions and commands (toolbox).
    StatusJob *createSession(const QString &sandbox, const QString &sessionId);
    AsyncJobOf<QList<Session>> *listSessions(const QString &sandbox);
    AsyncJobOf<Session> *getSession(const QString &sandbox, const QString &sessionId);
    StatusJob *deleteSession(const QString &sandbox, const QString &sessionId);
    // Runs a command in the session's shell and waits for it (no client-side limit beyond
    // the config's longRequestTimeoutMs of silence). Never retried.
    AsyncJobOf<ExecResult> *exec(const QString &sandbox, const QString &sessionId,
                                 const QString &command);
    // Starts a command and returns its id at once; follow it with followCommandLogs().
    AsyncJobOf<QString> *execAsync(const QString &sandbox, const QString &sessionId,
                                   const QString &command);
    AsyncJobOf<Command> *commandStatus(const QString &sandbox, const QString &sessionId,
                                       const QString &commandId);
    AsyncJobOf<CommandLogs> *commandLogs(const QString &sandbox, const QString &sessionId,
                                         const QString &commandId);
    // One-shot POST /process/execute (stdout and stderr combined). HTTP 408 when the
    // server-side timeout fires.
    AsyncJobOf<ExecuteResult> *execute(const QString &sandbox, const ExecuteRequest &request);
    // Follows a command's output live until it exits; see CommandLogFollower.
    CommandLogFollower *followCommandLogs(const QString &sandbox, const QString &sessionId,
                                          const QString &commandId,
                                          const CommandLogFollower::Options &options = {});

    // Ports and files (toolbox).
    AsyncJobOf<QList<int>> *listPorts(const QString &sandbox);
    AsyncJobOf<bool> *isPortInUse(const QString &sandbox, int port);
    // The entries of a directory (GET /files?path=…); relative paths resolve on the server.
    AsyncJobOf<QList<FileInfo>> *listFiles(const QString &sandbox, const QString &remotePath);
    // Streams the file into `sink` as it arrives; the value is the number of bytes written.
    AsyncJobOf<qint64> *downloadFile(const QString &sandbox, const QString &remotePath,
                                     QIODevice *sink);
    // Into a local file, replaced atomically only when the whole download succeeded.
    AsyncJobOf<qint64> *downloadFile(const QString &sandbox, const QString &remotePath,
                                     const QString &localPath);

private:
    template<typename T>
    using Parser = std::function<Result<T>(const HttpResponse &)>;

    template<typename T>
    AsyncJobOf<T> *track(AsyncJobOf<T> *job);
    template<typename T>
    AsyncJobOf<T> *apiCall(HttpCall call, Parser<T> parse);
    template<typename T>
    AsyncJobOf<T> *toolboxCall(const QString &sandbox,
                               std::function<HttpCall(const QUrl &)> makeCall, Parser<T> parse);
    template<typename T>
    void complete(AsyncJobOf<HttpResponse> *http, QPointer<AsyncJobOf<T>> job, Parser<T> parse);

    struct WaitState;
    void pollUntilStarted(const std::shared_ptr<WaitState> &state);
    struct ListAllState;
    void fetchNextPage(const std::shared_ptr<ListAllState> &state);

    ApiTransport *m_transport = nullptr;
    QHash<QString, QUrl> m_toolboxBases; // by sandbox id and by name
    QList<QPointer<AsyncJob>> m_jobs;
};

} // namespace vw::daytona
