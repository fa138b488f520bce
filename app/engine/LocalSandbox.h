#pragma once

#include "app/daytona/DaytonaConfig.h"
#include "models/AsyncJob.h"

#include <QObject>
#include <QString>

class QNetworkAccessManager;

namespace vw::engine {

// The embedded default: this user's own vaporwatch-sandboxd, so Vaporwatch works with no Daytona
// account. One sandboxd per user, shared by the app and the CLI and started detached, so a build
// keeps running when every Vaporwatch process is gone and the next one can re-attach to it.
//
// Its files live in one private directory (mode 0700): the bearer token (`token`, 0600), the
// state file sandboxd writes when ready (`sandboxd.json`: url and pid, no secret), its log
// (`sandboxd.log`) and the sandbox's projects (`projects/sample`, the bundled sample project,
// copied there on first use).
class LocalSandbox : public QObject
{
    Q_OBJECT

public:
    static inline const QString kSandboxName = QStringLiteral("local");
    static inline const QString kSampleProject = QStringLiteral("sample");

    // `directory` empty: defaultDirectory().
    explicit LocalSandbox(QString directory = {}, QObject *parent = nullptr);

    // <GenericDataLocation>/Vaporwatch/vaporwatch/local-sandbox, the same for every program
    static QString defaultDirectory();
    QString directory() const { return m_directory; }
    QString projectsDirectory() const;
    QString sampleProjectDirectory() const;

    // Reuses the running sandboxd, or starts one; finishes with the config to reach it (API URL
    // and token). Fails with a readable error when sandboxd cannot be found or does not start.
    AsyncJobOf<daytona::DaytonaConfig> *ensureRunning();

    // Where the sandboxd binary is looked for: next to this program, then on PATH.
    static QString sandboxdProgram();
    // Whether the process runs (a zombie does not).
    static bool processRunning(qint64 pid);

private:
    void probe(const QString &url, const QString &token, std::function<void(bool reachable)> done);
    void start(AsyncJobOf<daytona::DaytonaConfig> *job);
    void waitForState(AsyncJobOf<daytona::DaytonaConfig> *job, qint64 pid, int attemptsLeft);
    Status prepareDirectory();
    QString readToken() const;
    QString readStateUrl(qint64 *pid = nullptr) const;
    daytona::DaytonaConfig configFor(const QString &url, const QString &token) const;

    QString m_directory;
    QNetworkAccessManager *m_network;
};

} // namespace vw::engine
