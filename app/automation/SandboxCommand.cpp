#include "app/automation/SandboxCommand.h"

#include "app/daytona/DaytonaClient.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

using namespace vw::daytona;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SandboxCommand", text);
}

void printError(const vw::Error &error)
{
    QTextStream(stderr) << tr("error: %1").arg(error.toString()) << Qt::endl;
}

} // namespace

SandboxCommand::SandboxCommand(DaytonaClient *client, QObject *parent)
    : ClientCommand(client, parent)
{
}

bool SandboxCommand::start(const QStringList &arguments)
{
    QStringList rest = arguments;
    m_json = rest.removeAll(QStringLiteral("--json")) > 0;
    const QString action = rest.value(0);
    const QString sandbox = rest.value(1);
    if (action == QStringLiteral("list") && rest.size() == 1) {
        list();
        return true;
    }
    if (rest.size() == 2 && !sandbox.isEmpty()) {
        if (action == QStringLiteral("get")) {
            get(sandbox);
            return true;
        }
        if (action == QStringLiteral("start")) {
            startSandbox(sandbox);
            return true;
        }
        if (action == QStringLiteral("stop")) {
            stopSandbox(sandbox);
            return true;
        }
    }
    QTextStream(stderr)
        << tr("usage: vaporwatch-cli sandbox list | get NAME | start NAME | stop NAME [--json]")
        << Qt::endl;
    return false;
}

void SandboxCommand::printSandbox(const Sandbox &sandbox)
{
    QTextStream out(stdout);
    if (m_json)
        out << QString::fromUtf8(QJsonDocument(sandbox.json).toJson(QJsonDocument::Compact))
            << Qt::endl;
    else
        out << sandbox.id << '\t' << sandbox.name << '\t' << sandbox.state << Qt::endl;
}

void SandboxCommand::list()
{
    client()->listAllSandboxes()->onResult(this,
                                           [this](const vw::Result<QList<Sandbox>> &sandboxes) {
                                               if (!sandboxes) {
                                                   printError(sandboxes.error());
                                                   emit done(1);
                                                   return;
                                               }
                                               for (const Sandbox &sandbox : sandboxes.value())
                                                   printSandbox(sandbox);
                                               emit done(0);
                                           });
}

void SandboxCommand::get(const QString &sandbox)
{
    client()->getSandbox(sandbox)->onResult(this, [this](const vw::Result<Sandbox> &found) {
        if (!found) {
            printError(found.error());
            emit done(1);
            return;
        }
        QTextStream(stdout) << QString::fromUtf8(QJsonDocument(found.value().json).toJson());
        emit done(0);
    });
}

void SandboxCommand::startSandbox(const QString &sandbox)
{
    client()->startSandbox(sandbox)->onResult(
        this, [this, sandbox](const vw::Result<Sandbox> &started) {
            if (!started) {
                printError(started.error());
                emit done(1);
                return;
            }
            // Return when it can be used, as the SDKs' start() does.
            client()
                ->waitUntilStarted(started.value().id)
                ->onResult(this, [this](const vw::Result<Sandbox> &running) {
                    if (!running) {
                        printError(running.error());
                        emit done(1);
                        return;
                    }
                    printSandbox(running.value());
                    emit done(0);
                });
        });
}

void SandboxCommand::stopSandbox(const QString &sandbox)
{
    client()->stopSandbox(sandbox)->onResult(this, [this](const vw::Result<Sandbox> &stopped) {
        if (!stopped) {
            printError(stopped.error());
            emit done(1);
            return;
        }
        printSandbox(stopped.value());
        emit done(0);
    });
}
