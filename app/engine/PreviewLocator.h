#pragma once

#include "app/daytona/DaytonaTypes.h"
#include "models/AsyncJob.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;

namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

// One HTTP GET of a preview URL.
struct PreviewHealth
{
    QUrl url;
    int httpStatus = 0;    // 0: no HTTP answer (see error)
    qint64 latencyMs = -1; // until the answer's headers; -1 without an answer
    QString error;         // the network error when there was no answer

    bool answered() const { return httpStatus > 0; }
    // Answered with a status below 500 (a 404 is a running server; a 502 is a proxy without one).
    bool healthy() const { return httpStatus > 0 && httpStatus < 500; }
    // "HTTP 200, 12 ms" or "connection refused", for people.
    QString summary() const;
};

// Where a sandbox's dev server can be seen and whether it answers.
struct PreviewInfo
{
    QString sandbox;
    int port = 0;
    bool detected = false;     // the port was found by detection, not given
    bool listening = false;    // the toolbox lists the port as listening
    daytona::PreviewLink link; // its token is secret (registered with the log redactor)
    PreviewHealth health;
};

// Finds a sandbox's dev server and checks it: the preview link of a port (given, or the first of
// the candidate ports the toolbox lists as listening) and a health check — an HTTP GET of the
// link with the preview token in X-Daytona-Preview-Token.
class PreviewLocator : public QObject
{
    Q_OBJECT

public:
    // The ports dev servers usual listen on, in the order detection tries them: Next/CRA/Express,
    // Vite, webpack/generic, Angular, Django/generic Python, Flask, plain HTTP.
    static inline const QList<int> kCandidatePorts = {3000, 5173, 8080, 4200, 8000, 5000, 80};
    static constexpr int kHealthTimeoutMs = 10'000;

    explicit PreviewLocator(daytona::DaytonaClient *client, QObject *parent = nullptr);
    // Unfinished jobs end with the CANCELED error.
    ~PreviewLocator() override;

    // For tests and special setups; default kCandidatePorts.
    void setCandidatePorts(const QList<int> &ports) { m_candidates = ports; }
    QList<int> candidatePorts() const { return m_candidates; }

    // The first candidate that is listening; nullopt when none is.
    static std::optional<int> pickPort(const QList<int> &listening,
                                       const QList<int> &candidates = kCandidatePorts);

    // The first listening candidate port; fails with NO_DEV_SERVER when none listens.
    AsyncJobOf<int> *detectPort(const QString &sandbox);
    // The GET; always succeeds (a failed request is a health with an error).
    AsyncJobOf<PreviewHealth> *checkHealth(const daytona::PreviewLink &link,
                                           int timeoutMs = kHealthTimeoutMs);
    // Port (given or detected), listening state, link and health in one.
    AsyncJobOf<PreviewInfo> *locate(const QString &sandbox, std::optional<int> port = {});

private:
    template<typename T>
    AsyncJobOf<T> *track(AsyncJobOf<T> *job);

    QPointer<daytona::DaytonaClient> m_client;
    QNetworkAccessManager *m_network = nullptr;
    QList<int> m_candidates = kCandidatePorts;
    QList<QPointer<AsyncJob>> m_jobs;
};

} // namespace vw::engine
