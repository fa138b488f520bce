#include "tests/support/PostgresServer.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>

#include <algorithm>

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace vw::test {
namespace {

struct Account
{
    uid_t uid = 0;
    gid_t gid = 0;
    bool valid = false;
};

// The account the server runs as: `postgres` when we are root, else ourselves.
Account serverAccount()
{
    if (geteuid() != 0)
        return Account{geteuid(), getegid(), false};
    const passwd *pw = getpwnam("postgres");
    if (!pw)
        return {};
    return Account{pw->pw_uid, pw->pw_gid, true};
}

// In the child between fork and exec: drop to the server account, then die with the parent.
// (The parent-death signal must be set after the user switch, which clears it.)
void prepareChild(QProcess &process, const Account &account)
{
    process.setChildProcessModifier([account] {
        if (account.valid) {
            if (setgroups(0, nullptr) != 0 || setgid(account.gid) != 0 || setuid(account.uid) != 0)
                _exit(126);
        }
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(125);
    });
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString randomPassword()
{
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    QString result;
    for (int i = 0; i < 24; ++i)
        result +=
            QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    return result;
}

} // namespace

PostgresServer::PostgresServer()
{
    m_dir.setAutoRemove(true);
}

PostgresServer::~PostgresServer()
{
    stop();
}

QString PostgresServer::binDirectory()
{
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator collator;
    collator.setNumericMode(true);
    std::sort(versions.begin(), versions.end(), collator);
    for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
        const QString bin = root.filePath(*it + QStringLiteral("/bin"));
        if (QFile::exists(bin + QStringLiteral("/initdb")) &&
            QFile::exists(bin + QStringLiteral("/postgres")))
            return bin;
    }
    return QString();
}

bool PostgresServer::runTool(const QString &program, const QStringList &arguments, int timeoutMs)
{
    QProcess tool;
    prepareChild(tool, serverAccount());
    tool.setWorkingDirectory(m_dir.path());
    tool.setProcessChannelMode(QProcess::MergedChannels);
    tool.start(program, arguments);
    if (!tool.waitForFinished(timeoutMs) || tool.exitStatus() != QProcess::NormalExit ||
        tool.exitCode() != 0) {
        m_error = QStringLiteral("%1 failed (exit %2): %3")
                      .arg(program)
                      .arg(tool.exitCode())
                      .arg(QString::fromLocal8Bit(tool.readAll()));
        tool.kill();
        tool.waitForFinished(2000);
        return false;
    }
    return true;
}

bool PostgresServer::start(int timeoutMs)
{
    const QString bin = binDirectory();
    if (bin.isEmpty()) {
        m_error =
            QStringLiteral("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; "
                           "scripts/install-deps.sh --test installs it)");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    const Account account = serverAccount();
    if (geteuid() == 0 && !account.valid) {
        m_error = QStringLiteral("running as root, but there is no `postgres` user to run as");
        return false;
    }
    if (account.valid &&
        chown(QFile::encodeName(m_dir.path()).constData(), account.uid, account.gid) != 0) {
        m_error = QStringLiteral("cannot hand %1 to the postgres user").arg(m_dir.path());
        return false;
    }

    const QString data = m_dir.filePath(QStringLiteral("data"));
    const QString pwfile = m_dir.filePath(QStringLiteral("superuser-password"));
    {
        QFile file(pwfile);
        if (!file.open(QIODevice::WriteOnly)) {
            m_error = QStringLiteral("cannot write %1").arg(pwfile);
            return false;
        }
        file.write(randomPassword().toUtf8() + '\n');
        file.close();
        if (account.valid &&
            chown(QFile::encodeName(pwfile).constData(), account.uid, account.gid) != 0) {
            m_error = QStringLiteral("cannot hand %1 to the postgres user").arg(pwfile);
            return false;
        }
    }
    // Local (unix socket) connections: trust, for the superuser's housekeeping; TCP: passwords.
    if (!runTool(bin + QStringLiteral("/initdb"),
                 {QStringLiteral("-D"), data, QStringLiteral("-U"), QStringLiteral("postgres"),
                  QStringLiteral("--pwfile=") + pwfile, QStringLiteral("--auth-local=trust"),
                  QStringLiteral("--auth-host=scram-sha-256"), QStringLiteral("-E"),
                  QStringLiteral("UTF8"), QStringLiteral("--locale=C"),
                  QStringLiteral("--no-sync")},
                 timeoutMs))
        return false;

    m_port = freePort();
    if (m_port == 0) {
        m_error = QStringLiteral("no free port");
        return false;
    }
    prepareChild(m_server, account);
    m_server.setWorkingDirectory(m_dir.path());
    m_server.setProcessChannelMode(QProcess::MergedChannels);
    m_server.start(bin + QStringLiteral("/postgres"),
                   {QStringLiteral("-D"), data, QStringLiteral("-p"), QString::number(m_port),
                    QStringLiteral("-k"), m_dir.path(), QStringLiteral("-c"),
                    QStringLiteral("listen_addresses=127.0.0.1"), QStringLiteral("-c"),
                    QStringLiteral("fsync=off"), QStringLiteral("-c"),
                    QStringLiteral("synchronous_commit=off"), QStringLiteral("-c"),
                    QStringLiteral("full_page_writes=off"), QStringLiteral("-c"),
                    QStringLiteral("max_connections=50")});
    if (!m_server.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("cannot start postgres: %1").arg(m_server.errorString());
        return false;
    }
    const bool ready = QTest::qWaitFor(
        [&] {
            m_log += m_server.readAll();
            return m_log.contains("ready to accept connections") ||
                   m_server.state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (!ready || !m_log.contains("ready to accept connections")) {
        m_error =
            QStringLiteral("postgres did not become ready: %1").arg(QString::fromLocal8Bit(m_log));
        stop();
        return false;
    }

    m_password = randomPassword();
    if (!execAsSuperuser(QStringLiteral("postgres"),
                         QStringLiteral("CREATE ROLE %1 LOGIN CREATEDB PASSWORD '%2'")
                             .arg(userName(), m_password))) {
        stop();
        return false;
    }
    return true;
}

bool PostgresServer::execAsSuperuser(const QString &database, const QString &sql)
{
    const QString connection = QStringLiteral("vw-test-pg-admin");
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(m_dir.path()); // the unix socket directory
        db.setPort(m_port);
        db.setUserName(QStringLiteral("postgres"));
        db.setDatabaseName(database);
        if (!db.open()) {
            m_error = QStringLiteral("cannot connect as superuser: %1").arg(db.lastError().text());
        } else {
            QSqlQuery query(db);
            ok = query.exec(sql);
            if (!ok)
                m_error = QStringLiteral("%1: %2").arg(sql, query.lastError().text());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

QString PostgresServer::createDatabase(const QString &name)
{
    if (!execAsSuperuser(QStringLiteral("postgres"),
                         QStringLiteral("CREATE DATABASE %1 OWNER %2").arg(name, userName())))
        return QString();
    return QStringLiteral("postgres://%1:%2@%3:%4/%5")
        .arg(userName(), m_password, host())
        .arg(m_port)
        .arg(name);
}

QByteArray PostgresServer::serverLog()
{
    m_log += m_server.readAll();
    return m_log;
}

void PostgresServer::stop()
{
    if (m_server.state() == QProcess::NotRunning)
        return;
    // SIGINT: fast shutdown (disconnects clients, no waiting for them).
    ::kill(pid_t(m_server.processId()), SIGINT);
    if (!m_server.waitForFinished(15000)) {
        m_server.kill();
        m_server.waitForFinished(5000);
    }
}

} // namespace vw::test
