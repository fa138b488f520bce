#include "ui/InstanceChannel.h"

#include "models/Log.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>

namespace vw::ui {

InstanceChannel::InstanceChannel(QObject *parent)
    : QObject(parent)
{
}

InstanceChannel::~InstanceChannel() = default;

QString InstanceChannel::socketPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty())
        dir = QDir::tempPath();
    return dir + QStringLiteral("/vaporwatch.socket");
}

bool InstanceChannel::sendToRunning(std::optional<qint64> buildId, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(socketPath());
    if (!socket.waitForConnected(timeoutMs))
        return false;
    QJsonObject request{{QStringLiteral("show"), true}};
    if (buildId)
        request.insert(QStringLiteral("build"), *buildId);
    socket.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    // The answer says the request was taken (a dying instance would not answer).
    return socket.waitForReadyRead(timeoutMs) && socket.readLine().trimmed() == "ok";
}

bool InstanceChannel::listen()
{
    if (QFileInfo::exists(socketPath())) {
        // Replace the file only when nothing listens on it (a crashed instance's): an instance
        // that was merely slow to answer keeps its socket. (With access options QLocalServer
        // would silently put a new socket over a live one.)
        QLocalSocket probe;
        probe.connectToServer(socketPath());
        if (probe.waitForConnected(500) || probe.error() != QLocalSocket::ConnectionRefusedError) {
            log::get("app")->warn("single instance: another Vaporwatch holds {} but did not "
                                  "answer; this one runs on its own",
                                  socketPath().toStdString());
            return false;
        }
        QLocalServer::removeServer(socketPath());
    }
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(socketPath())) {
        log::get("app")->warn("single instance: cannot listen on {}: {}",
                              socketPath().toStdString(), m_server->errorString().toStdString());
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &InstanceChannel::readRequest);
    return true;
}

void InstanceChannel::readRequest()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine())
                return;
            const QJsonObject request = QJsonDocument::fromJson(socket->readLine()).object();
            socket->write("ok\n");
            socket->flush();
            emit showRequested();
            const QJsonValue build = request.value(QStringLiteral("build"));
            if (build.isDouble() && build.toInteger() > 0)
                emit buildRequested(build.toInteger());
        });
    }
}

} // namespace vw::ui
