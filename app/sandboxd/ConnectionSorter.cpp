#include "app/sandboxd/ConnectionSorter.h"

#include "app/sandboxd/ErrorBodies.h"

#include <QTcpSocket>
#include <QTimer>

namespace vw::sandboxd {

namespace {

// A request head larger than this is not a WebSocket handshake we serve; QHttpServer judges it.
constexpr qint64 kMaxInspectedHead = 64 * 1024;
// A connection that sends no complete request head in this time is dropped.
constexpr int kHeadTimeoutMs = 30'000;

} // namespace

ConnectionSorter::ConnectionSorter(QObject *parent)
    : QTcpServer(parent)
{
}

void ConnectionSorter::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspect(socket); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    auto *headTimeout = new QTimer(socket);
    headTimeout->setObjectName(QStringLiteral("headTimeout"));
    headTimeout->setSingleShot(true);
    connect(headTimeout, &QTimer::timeout, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    headTimeout->start(kHeadTimeoutMs);
}

void ConnectionSorter::inspect(QTcpSocket *socket)
{
    const QByteArray buffered = socket->peek(kMaxInspectedHead);
    const qsizetype headEnd = buffered.indexOf("\r\n\r\n");
    if (headEnd < 0 && buffered.size() < kMaxInspectedHead)
        return; // wait for the rest of the head
    socket->disconnect(this);
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    delete socket->findChild<QTimer *>(QStringLiteral("headTimeout"), Qt::FindDirectChildrenOnly);
    const auto head = headEnd < 0 ? std::nullopt : ApiRequest::fromRawHead(buffered.left(headEnd));
    if (head && head->isWebSocketUpgrade()) {
        emit webSocketRequested(socket, *head);
        return;
    }
    handOverToHttp(socket);
}

void ConnectionSorter::handOverToHttp(QTcpSocket *socket)
{
    addPendingConnection(socket);
    emit newConnection();
    // The request is already buffered, so no readyRead would come for it.
    emit socket->readyRead();
}

void ConnectionSorter::reject(QTcpSocket *socket, int status, const QByteArray &contentType,
                              const QByteArray &body)
{
    QByteArray response =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + ErrorBodies::reasonPhrase(status) + "\r\n";
    if (!body.isEmpty())
        response += "Content-Type: " + contentType + "\r\n";
    response += "Content-Length: " + QByteArray::number(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body;
    socket->write(response);
    socket->disconnectFromHost();
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
    else
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

} // namespace vw::sandboxd
