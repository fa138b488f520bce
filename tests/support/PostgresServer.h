#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace vw::test {

// A throwaway PostgreSQL server for one test executable, so tests touch no shared server:
//
//     vw::test::PostgresServer pg;
//     QVERIFY2(pg.start(), qPrintable(pg.errorString()));
//     const QString url = pg.createDatabase("t1");   // postgres://vw_test:…@127.0.0.1:PORT/t1
//
// start() runs Debian's initdb (the newest /usr/lib/postgresql/<version>/bin) into a private
// temporary directory and starts `postgres` on a free port of 127.0.0.1, with its unix socket in
// that directory and durability off (fsync) for speed. Run as root, both run as the `postgres`
// user (initdb refuses root) — the child switches user itself and asks the kernel to kill it
// when the test process dies, so not even a crashed test leaves a server behind. A login role
// with a password (scram-sha-256 over TCP) owns the databases that createDatabase() makes. The
// destructor stops the server (fast shutdown) and removes the directory.
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    bool start(int timeoutMs = 30000);
    void stop();
    bool isRunning() const { return m_server.state() != QProcess::NotRunning; }
    QString errorString() const { return m_error; }

    // Creates a database owned by userName(); returns its URL (empty on failure, see
    // errorString()). Names: lowercase letters, digits and '_'.
    QString createDatabase(const QString &name);
    // Runs one SQL statement as the superuser in `database` (over the unix socket);
    // false + errorString() on failure.
    bool execAsSuperuser(const QString &database, const QString &sql);

    quint16 port() const { return m_port; }
    QString host() const { return QStringLiteral("127.0.0.1"); }
    QString userName() const { return QStringLiteral("vw_test"); }
    QString password() const { return m_password; }
    QString socketDirectory() const { return m_dir.path(); }
    // The server's own log so far (for failure messages).
    QByteArray serverLog();

    // /usr/lib/postgresql/<newest>/bin, or empty when PostgreSQL is not installed.
    static QString binDirectory();

private:
    bool runTool(const QString &program, const QStringList &arguments, int timeoutMs);

    QTemporaryDir m_dir;
    QProcess m_server;
    QByteArray m_log;
    QString m_error;
    QString m_password;
    quint16 m_port = 0;
};

} // namespace vw::test
