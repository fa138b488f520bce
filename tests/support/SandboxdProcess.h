#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace vw::test {

// Runs the real vaporwatch-sandboxd binary for a test, the way the app starts it: on a free port
// of 127.0.0.1, with a token file in a private temporary directory.
//
//     vw::test::SandboxdProcess sandboxd;
//     QVERIFY2(sandboxd.start({{"vw-test", projectDir}}), qPrintable(sandboxd.errorString()));
//     client.get(sandboxd.apiUrl() + "/sandbox/vw-test");   // Authorization: Bearer token()
//
// start() returns once sandboxd printed its "listening on http://127.0.0.1:PORT" line (or failed;
// errorString() then holds its stderr). The destructor stops it with SIGTERM (SIGKILL if it does
// not exit within 5 s), so no sandboxd or session shell outlives the test.
class SandboxdProcess
{
public:
    struct Sandbox
    {
        QString name;
        QString directory;
    };
    struct Options
    {
        // Sandboxes to serve; none → sandboxd's one "default" sandbox in a temporary directory.
        QList<Sandbox> sandboxes;
        // Extra arguments, e.g. {"--label", "web:team=core"}.
        QStringList extraArguments;
        // Token file to use; empty → a fresh path in the private temporary directory (sandboxd
        // creates it with a random token).
        QString tokenFile;
        quint16 port = 0;
        int startTimeoutMs = 15000;
    };

    SandboxdProcess();
    ~SandboxdProcess();
    SandboxdProcess(const SandboxdProcess &) = delete;
    SandboxdProcess &operator=(const SandboxdProcess &) = delete;

    bool start(const Options &options);
    bool start() { return start(Options{}); }
    // Stops sandboxd with SIGTERM and waits; true if it exited normally with status 0.
    bool stop(int timeoutMs = 5000);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    QString errorString() const { return m_error; }
    // What sandboxd wrote to stderr so far (its log), for failure messages.
    QByteArray standardError();

    quint16 port() const { return m_port; }
    // "http://127.0.0.1:PORT"
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    // "http://127.0.0.1:PORT/api", the Daytona API base URL
    QString apiUrl() const { return baseUrl() + QStringLiteral("/api"); }
    // "http://127.0.0.1:PORT/toolbox", the toolboxProxyUrl of every sandbox
    QString toolboxUrl() const { return baseUrl() + QStringLiteral("/toolbox"); }
    QString token() const { return m_token; }
    QString tokenFile() const { return m_tokenFile; }
    // A private temporary directory for the test's own files (removed with this object).
    QString scratchDirectory() const { return m_scratch.path(); }
    QProcess &process() { return m_process; }

    static QString binaryPath();

private:
    QTemporaryDir m_scratch;
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QString m_error;
    QString m_tokenFile;
    QString m_token;
    quint16 m_port = 0;
};

} // namespace vw::test
