#pragma once

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <csignal>

namespace vw::test {

// A local sandbox (LocalSandbox) starts its sandboxd detached, so it outlives the test: end it
// by the pid in the state file of `localSandboxDirectory`.
inline void stopDetachedSandboxd(const QString &localSandboxDirectory)
{
    QFile state(localSandboxDirectory + QStringLiteral("/sandboxd.json"));
    if (!state.open(QIODevice::ReadOnly))
        return;
    const qint64 pid =
        QJsonDocument::fromJson(state.readAll()).object().value(QStringLiteral("pid")).toInteger();
    if (pid > 0)
        ::kill(pid_t(pid), SIGTERM);
}

} // namespace vw::test
