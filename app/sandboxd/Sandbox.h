#pragma once

#include "models/Error.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QString>
#include <QUuid>

#include <chrono>

namespace vw::sandboxd {

class ShellSession;

// One local sandbox: a name, a working directory on this machine, labels, a lifecycle state and
// its process sessions. Its id is a UUID derived from the name, so it is the same on every run
// and stored builds keep pointing at it.
class Sandbox : public QObject
{
    Q_OBJECT

public:
    enum class State { Starting, Started, Stopping, Stopped };
    enum class Transition { Accepted, InvalidState, InProgress };

    // How long a stop waits after SIGTERM before it sends SIGKILL (force=true: no wait).
    static constexpr std::chrono::milliseconds kStopGracePeriod{10'000};

    Sandbox(const QString &name, const QString &directory, const QMap<QString, QString> &labels,
            const QString &scratchDirectory, QObject *parent = nullptr);
    ~Sandbox() override;

    static QUuid idForName(const QString &name);

    QString id() const { return m_id; }
    QString name() const { return m_name; }
    QString directory() const { return m_directory; }
    QMap<QString, QString> labels() const { return m_labels; }
    State state() const { return m_state; }
    static QString stateName(State state);
    // The preview token: 32 lowercase letters and digits, new every time the sandbox starts.
    QString authToken() const { return m_authToken; }
    QDateTime createdAt() const { return m_createdAt; }
    void touch() { m_lastActivityAt = QDateTime::currentDateTimeUtc(); }

    // start: stopped → starting → started (at once on the next event-loop turn); idempotent on a
    // started sandbox. stop: started → stopping → stopped once every session's processes are
    // gone.
    Transition start();
    Transition stop(bool force);

    // The Sandbox DTO (daytona-api.md §2.2), or the smaller list item (§2.1).
    QJsonObject toJson(const QString &toolboxProxyUrl, bool listItem) const;

    enum class SessionError { None, Exists, Reserved };
    SessionError createSession(const QString &sessionId);
    ShellSession *session(const QString &sessionId) const { return m_sessions.value(sessionId); }
    QList<ShellSession *> sessions() const { return m_sessions.values(); }
    // Removes the session at once and ends its process group.
    bool deleteSession(const QString &sessionId);

signals:
    void stateChanged(vw::sandboxd::Sandbox::State state);

private:
    void setState(State state);
    void renewAuthToken();
    void finishStopWhenIdle();

    QString m_id;
    QString m_name;
    QString m_directory;
    QMap<QString, QString> m_labels;
    QString m_scratchDirectory;
    State m_state = State::Started;
    QString m_authToken;
    QDateTime m_createdAt;
    QDateTime m_updatedAt;
    QDateTime m_lastActivityAt;
    QMap<QString, ShellSession *> m_sessions;
    int m_sessionsEnding = 0;
    int m_sessionCounter = 0;
};

} // namespace vw::sandboxd
