#include "app/sandboxd/Sandbox.h"

#include "app/sandboxd/ShellSession.h"
#include "models/Log.h"
#include "models/RandomToken.h"
#include "models/Version.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QStorageInfo>
#include <QThread>
#include <QTimer>

#include <pwd.h>
#include <unistd.h>

namespace vw::sandboxd {

namespace {

// Fixed namespace for the name-derived sandbox ids (UUID v5).
const QUuid kSandboxIdNamespace(QStringLiteral("{6f1c5d0e-9a43-4b7e-8d6a-3c2b1e0f9a57}"));
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

QString currentUser()
{
    if (const passwd *entry = ::getpwuid(::getuid()))
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER", QStringLiteral("root"));
}

int memoryGiB()
{
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly))
        return 1;
    for (const QByteArray &line : meminfo.readAll().split('\n')) {
        if (line.startsWith("MemTotal:")) {
            const qint64 kib = line.mid(9).trimmed().split(' ').value(0).toLongLong();
            return qMax(1, int(double(kib) * 1024.0 / kGiB + 0.5));
        }
    }
    return 1;
}

QString isoTime(const QDateTime &time)
{
    return time.toString(Qt::ISODateWithMs);
}

} // namespace

Sandbox::Sandbox(const QString &name, const QString &directory,
                 const QMap<QString, QString> &labels, const QString &scratchDirectory,
                 QObject *parent)
    : QObject(parent)
    , m_id(idForName(name).toString(QUuid::WithoutBraces))
    , m_name(name)
    , m_directory(QDir(directory).absolutePath())
    , m_labels(labels)
    , m_scratchDirectory(scratchDirectory + QLatin1Char('/') + m_id)
    , m_createdAt(QDateTime::currentDateTimeUtc())
    , m_updatedAt(m_createdAt)
    , m_lastActivityAt(m_createdAt)
{
    QDir().mkpath(m_directory);
    renewAuthToken();
}

Sandbox::~Sandbox()
{
    // The sessions are children and end their process groups as they are destroyed.
    log::forgetSecret(m_authToken);
}

QUuid Sandbox::idForName(const QString &name)
{
    return QUuid::createUuidV5(kSandboxIdNamespace, name);
}

QString Sandbox::stateName(State state)
{
    switch (state) {
    case State::Starting:
        return QStringLiteral("starting");
    case State::Started:
        return QStringLiteral("started");
    case State::Stopping:
        return QStringLiteral("stopping");
    case State::Stopped:
        return QStringLiteral("stopped");
    }
    return QStringLiteral("unknown");
}

void Sandbox::setState(State state)
{
    m_state = state;
    m_updatedAt = QDateTime::currentDateTimeUtc();
    emit stateChanged(state);
}

void Sandbox::renewAuthToken()
{
    if (!m_authToken.isEmpty())
        log::forgetSecret(m_authToken);
    m_authToken = RandomToken::lowercaseAlphanumeric(32);
    log::registerSecret(m_authToken);
}

Sandbox::Transition Sandbox::start()
{
    switch (m_state) {
    case State::Started:
        return Transition::Accepted;
    case State::Starting:
    case State::Stopping:
        return Transition::InProgress;
    case State::Stopped:
        break;
    }
    setState(State::Starting);
    QDir().mkpath(m_directory);
    renewAuthToken();
    QTimer::singleShot(0, this, [this] {
        if (m_state == State::Starting)
            setState(State::Started);
    });
    return Transition::Accepted;
}

Sandbox::Transition Sandbox::stop(bool force)
{
    switch (m_state) {
    case State::Started:
        break;
    case State::Starting:
    case State::Stopping:
        return Transition::InProgress;
    case State::Stopped:
        return Transition::InvalidState;
    }
    setState(State::Stopping);
    // A stopped sandbox has no sessions: they go now, their processes as soon as they end.
    const QList<ShellSession *> ending = m_sessions.values();
    m_sessions.clear();
    m_sessionsEnding += int(ending.size());
    for (ShellSession *session : ending) {
        connect(session, &ShellSession::terminated, this, [this, session] {
            session->deleteLater();
            --m_sessionsEnding;
            finishStopWhenIdle();
        });
        session->terminate(force ? std::chrono::milliseconds(0) : kStopGracePeriod);
    }
    QTimer::singleShot(0, this, &Sandbox::finishStopWhenIdle);
    return Transition::Accepted;
}

void Sandbox::finishStopWhenIdle()
{
    if (m_state == State::Stopping && m_sessionsEnding == 0)
        setState(State::Stopped);
}

Sandbox::SessionError Sandbox::createSession(const QString &sessionId)
{
    if (sessionId == QStringLiteral("entrypoint"))
        return SessionError::Reserved;
    if (m_sessions.contains(sessionId))
        return SessionError::Exists;
    const QString scratch =
        m_scratchDirectory + QStringLiteral("/session-%1").arg(++m_sessionCounter);
    m_sessions.insert(sessionId, new ShellSession(sessionId, m_directory, scratch, this));
    return SessionError::None;
}

bool Sandbox::deleteSession(const QString &sessionId)
{
    ShellSession *session = m_sessions.take(sessionId);
    if (!session)
        return false;
    connect(session, &ShellSession::terminated, session, &QObject::deleteLater);
    session->terminate(std::chrono::milliseconds(0));
    return true;
}

QJsonObject Sandbox::toJson(const QString &toolboxProxyUrl, bool listItem) const
{
    static const int cpuCount = qMax(1, QThread::idealThreadCount());
    static const int memory = memoryGiB();
    const int disk = qMax(1, int(double(QStorageInfo(m_directory).bytesTotal()) / kGiB));
    const bool up = m_state == State::Started || m_state == State::Starting;

    QJsonObject labels;
    for (auto it = m_labels.cbegin(); it != m_labels.cend(); ++it)
        labels.insert(it.key(), it.value());

    QJsonObject json{
        {QStringLiteral("id"), m_id},
        {QStringLiteral("organizationId"), QStringLiteral("local")},
        {QStringLiteral("name"), m_name},
        {QStringLiteral("user"), currentUser()},
        {QStringLiteral("labels"), labels},
        {QStringLiteral("public"), false},
        {QStringLiteral("target"), QStringLiteral("local")},
        {QStringLiteral("cpu"), cpuCount},
        {QStringLiteral("gpu"), 0},
        {QStringLiteral("memory"), memory},
        {QStringLiteral("disk"), disk},
        {QStringLiteral("state"), stateName(m_state)},
        {QStringLiteral("desiredState"),
         up ? QStringLiteral("started") : QStringLiteral("stopped")},
        {QStringLiteral("snapshot"), QStringLiteral("local")},
        {QStringLiteral("runnerId"), QStringLiteral("local")},
        {QStringLiteral("sandboxClass"), QStringLiteral("container")},
        {QStringLiteral("recoverable"), false},
        {QStringLiteral("backupState"), QStringLiteral("None")},
        {QStringLiteral("autoStopInterval"), 0},
        {QStringLiteral("autoArchiveInterval"), 0},
        {QStringLiteral("autoDeleteInterval"), -1},
        {QStringLiteral("createdAt"), isoTime(m_createdAt)},
        {QStringLiteral("updatedAt"), isoTime(m_updatedAt)},
        {QStringLiteral("lastActivityAt"), isoTime(m_lastActivityAt)},
        {QStringLiteral("daemonVersion"), QString::fromLatin1(kVersion)},
        {QStringLiteral("toolboxProxyUrl"), toolboxProxyUrl},
    };
    if (!listItem) {
        json.insert(QStringLiteral("env"), QJsonObject());
        json.insert(QStringLiteral("networkBlockAll"), false);
        json.insert(QStringLiteral("volumes"), QJsonArray());
    }
    return json;
}

} // namespace vw::sandboxd
