#include "app/engine/LocalSandbox.h"

#include "models/Log.h"
#include "models/Version.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>

namespace vw::engine {
namespace {

constexpr int kStatePollMs = 50;
constexpr int kStartAttempts = 200; // 10 s
constexpr int kProbeTimeoutMs = 2000;

const QString kSampleResource = QStringLiteral(":/vaporwatch/sample-project");

} // namespace

// A detached server is not our child: once it exits it may stay a zombie until whoever adopted
// it reaps it, so "exists" is not enough — a zombie counts as gone.
bool LocalSandbox::processRunning(qint64 pid)
{
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true; // no /proc: trust kill()
    const QByteArray line = stat.readAll();
    const qsizetype afterName = line.lastIndexOf(')');
    return afterName < 0 || line.mid(afterName + 2, 1) != "Z";
}

namespace {

QString lastLines(const QString &path, int count)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    return QString::fromUtf8(lines.mid(std::max<qsizetype>(0, lines.size() - count)).join('\n'));
}

} // namespace

LocalSandbox::LocalSandbox(QString directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory.isEmpty() ? defaultDirectory() : std::move(directory))
    , m_network(new QNetworkAccessManager(this))
{
}

QString LocalSandbox::defaultDirectory()
{
    // Spelt out rather than AppLocalDataLocation, which includes the program's name: the app and
    // the CLI must find the same server (as they share DatabaseUrl::defaultSqlitePath()).
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/%1/vaporwatch/local-sandbox").arg(QString::fromLatin1(kOrganization));
}

QString LocalSandbox::projectsDirectory() const
{
    return m_directory + QStringLiteral("/projects");
}

QString LocalSandbox::sampleProjectDirectory() const
{
    return projectsDirectory() + QLatin1Char('/') + kSampleProject;
}

QString LocalSandbox::sandboxdProgram()
{
    const QString beside =
        QCoreApplication::applicationDirPath() + QStringLiteral("/vaporwatch-sandboxd");
    if (QFile::exists(beside))
        return beside;
    return QStandardPaths::findExecutable(QStringLiteral("vaporwatch-sandboxd"));
}

Status LocalSandbox::prepareDirectory()
{
    const auto failure = [](const QString &what) {
        return Error{QStringLiteral("LOCAL_SANDBOX"), what};
    };
    if (!QDir().mkpath(projectsDirectory()))
        return failure(tr("Cannot create %1").arg(projectsDirectory()));
    QFile::setPermissions(m_directory,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (QDir(sampleProjectDirectory()).exists())
        return Done{};

    // First use: the sample project, copied out of the resources, writable like any project.
    QDirIterator it(kSampleResource, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = sampleProjectDirectory() + source.mid(kSampleResource.size());
        QDir().mkpath(QFileInfo(target).path());
        if (!QFile::copy(source, target))
            return failure(tr("Cannot copy the sample project to %1").arg(target));
        QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                          QFileDevice::ReadGroup | QFileDevice::ReadOther);
    }
    return Done{};
}

QString LocalSandbox::readToken() const
{
    QFile file(m_directory + QStringLiteral("/token"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll().trimmed());
}

QString LocalSandbox::readStateUrl(qint64 *pid) const
{
    QFile file(m_directory + QStringLiteral("/sandboxd.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject state = QJsonDocument::fromJson(file.readAll()).object();
    if (pid)
        *pid = state.value(QStringLiteral("pid")).toInteger();
    return state.value(QStringLiteral("url")).toString();
}

daytona::DaytonaConfig LocalSandbox::configFor(const QString &url, const QString &token) const
{
    daytona::DaytonaConfig config;
    config.apiUrl = QUrl(url + QStringLiteral("/api"));
    config.apiKey = token;
    config.registerSecrets();
    return config;
}

AsyncJobOf<daytona::DaytonaConfig> *LocalSandbox::ensureRunning()
{
    auto *job = new AsyncJobOf<daytona::DaytonaConfig>(this);
    if (const Status prepared = prepareDirectory(); !prepared) {
        job->fail(prepared.error());
        return job;
    }
    const QString url = readStateUrl();
    const QString token = readToken();
    if (url.isEmpty() || token.isEmpty()) {
        start(job);
        return job;
    }
    probe(url, token, [this, job, url, token](bool reachable) {
        if (reachable)
            job->succeed(configFor(url, token));
        else
            start(job);
    });
    return job;
}

void LocalSandbox::probe(const QString &url, const QString &token,
                         std::function<void(bool reachable)> done)
{
    QNetworkRequest request(QUrl(url + QStringLiteral("/api/sandbox/") + kSandboxName));
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setTransferTimeout(kProbeTimeoutMs);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        done(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200);
    });
}

void LocalSandbox::start(AsyncJobOf<daytona::DaytonaConfig> *job)
{
    const QString program = sandboxdProgram();
    if (program.isEmpty()) {
        job->fail({QStringLiteral("LOCAL_SANDBOX"),
                   tr("vaporwatch-sandboxd was found neither next to %1 nor on PATH")
                       .arg(QCoreApplication::applicationFilePath())});
        return;
    }
    // Two processes starting at once (the app and the CLI) must not start two servers: the
    // one holding the lock starts it, the other waits for its state file.
    auto lock = std::make_shared<QLockFile>(m_directory + QStringLiteral("/start.lock"));
    lock->setStaleLockTime(30'000);
    if (!lock->tryLock(0)) {
        waitForState(job, 0, kStartAttempts);
        return;
    }
    QFile::remove(m_directory + QStringLiteral("/sandboxd.json"));
    QProcess process;
    process.setProgram(program);
    process.setArguments(
        {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--token-file"),
         m_directory + QStringLiteral("/token"), QStringLiteral("--state-file"),
         m_directory + QStringLiteral("/sandboxd.json"), QStringLiteral("--sandbox"),
         kSandboxName + QLatin1Char('=') + projectsDirectory()});
    process.setWorkingDirectory(m_directory);
    const QString logFile = m_directory + QStringLiteral("/sandboxd.log");
    process.setStandardOutputFile(logFile, QIODevice::Append);
    process.setStandardErrorFile(logFile, QIODevice::Append);
    qint64 pid = 0;
    if (!process.startDetached(&pid)) {
        job->fail({QStringLiteral("LOCAL_SANDBOX"),
                   tr("Cannot start %1: %2").arg(program, process.errorString())});
        return;
    }
    log::get("engine")->info("started the local sandbox server (pid {})", pid);
    connect(job, &AsyncJob::finished, this, [lock] { lock->unlock(); });
    waitForState(job, pid, kStartAttempts);
}

void LocalSandbox::waitForState(AsyncJobOf<daytona::DaytonaConfig> *job, qint64 pid,
                                int attemptsLeft)
{
    QTimer::singleShot(kStatePollMs, job, [this, job, pid, attemptsLeft] {
        const QString logFile = m_directory + QStringLiteral("/sandboxd.log");
        qint64 statePid = 0;
        const QString url = readStateUrl(&statePid);
        const QString token = readToken();
        const bool ours = pid == 0 || statePid == pid;
        if (!url.isEmpty() && !token.isEmpty() && ours) {
            job->succeed(configFor(url, token));
            return;
        }
        if ((pid > 0 && !processRunning(pid)) || attemptsLeft <= 1) {
            job->fail({QStringLiteral("LOCAL_SANDBOX"),
                       tr("The local sandbox server did not start. Its log (%1) ends with:\n%2")
                           .arg(logFile, lastLines(logFile, 5))});
            return;
        }
        waitForState(job, pid, attemptsLeft - 1);
    });
}

} // namespace vw::engine
