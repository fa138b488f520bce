#include "app/automation/StoreCommand.h"

#include "app/automation/DaytonaConnection.h"
#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "app/engine/StoreChangeRelay.h"
#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

using namespace vw;
using namespace vw::engine;

StoreCommand::StoreCommand(QString databaseUrl, QObject *parent)
    : QObject(parent)
    , m_databaseUrl(std::move(databaseUrl))
{
}

StoreCommand::~StoreCommand()
{
    // The manager first: it releases its leases (the builds go on in their sandboxes).
    m_manager.reset();
    m_relay.reset();
    m_hub.reset();
    m_connection.reset();
    m_store.reset();
}

bool StoreCommand::parse(QCommandLineParser &parser, const QStringList &arguments)
{
    // QCommandLineParser wants a program name first.
    if (parser.parse(QStringList{QCoreApplication::applicationName()} + arguments))
        return true;
    printError(parser.errorText());
    return false;
}

std::optional<qint64> StoreCommand::positiveNumber(const QString &text, const QString &what)
{
    bool ok = false;
    const qint64 number = text.toLongLong(&ok);
    if (ok && number > 0)
        return number;
    printError(tr("%1 must be a positive number, not \"%2\"").arg(what, text));
    return std::nullopt;
}

void StoreCommand::printError(const QString &message)
{
    QTextStream(stderr) << tr("error: %1").arg(message) << Qt::endl;
}

DaytonaConnection *StoreCommand::connection()
{
    if (!m_connection)
        m_connection = std::make_unique<DaytonaConnection>();
    return m_connection.get();
}

void StoreCommand::openStore(std::function<void()> then)
{
    const Result<DatabaseUrl> url = DatabaseUrl::parse(m_databaseUrl);
    if (!url) {
        fail(url.error().toString(), 2);
        return;
    }
    m_store = std::make_unique<BuildStore>();
    const QString display = url.value().toDisplayString();
    m_store->open(url.value())->onResult(this, [this, then, display](const Status &opened) {
        if (!opened) {
            fail(tr("cannot open the database %1: %2").arg(display, opened.error().toString()));
            return;
        }
        then();
    });
}

void StoreCommand::connectEngine(std::function<void()> then)
{
    connection()->connectClient()->onResult(
        this, [this, then](const Result<daytona::DaytonaClient *> &client) {
            if (!client) {
                fail(client.error().toString());
                return;
            }
            m_hub = std::make_unique<BuildHub>();
            m_manager = std::make_unique<BuildManager>(client.value(), m_store.get(), m_hub.get(),
                                                       BuildManager::Options{});
            // Builds other processes follow reach the hub through the relay; builds nobody
            // follows (their CLI has exited) are re-attached here.
            m_relay = std::make_unique<StoreChangeRelay>(m_store.get(), m_hub.get());
            m_relay->setOwnLeaseOwner(m_manager->leaseOwner());
            m_relay->start()->onResult(this, [this, then](const Status &) {
                m_manager->reattachAll()->onResult(this, [then](const Result<int> &) { then(); });
            });
        });
}

bool StoreCommand::resolveProject(QString *sandbox, QString *directory)
{
    if (sandbox->isEmpty())
        *sandbox = connection()->defaultSandbox();
    if (directory->isEmpty())
        *directory = connection()->defaultProject();
    if (!sandbox->isEmpty() && !directory->isEmpty())
        return true;
    printError(tr("with DAYTONA_API_KEY set, name the sandbox and the project (--sandbox ID "
                  "--project DIR)"));
    return false;
}

void StoreCommand::findProject(const QString &sandbox, const QString &directory,
                               std::function<void(const Project &)> then)
{
    m_store->findProject(sandbox, directory)
        ->onResult(this,
                   [this, sandbox, directory, then](const Result<std::optional<Project>> &project) {
                       if (!project) {
                           fail(project.error().toString());
                       } else if (!project.value()) {
                           fail(tr("no builds of %1 in sandbox %2 yet").arg(directory, sandbox));
                       } else {
                           then(*project.value());
                       }
                   });
}

void StoreCommand::fail(const QString &message, int exitCode)
{
    printError(message);
    finish(exitCode);
}

void StoreCommand::finish(int exitCode)
{
    if (m_finishing)
        return;
    m_finishing = true;
    if (!m_store) {
        QMetaObject::invokeMethod(
            this, [this, exitCode] { emit done(exitCode); }, Qt::QueuedConnection);
        return;
    }
    m_store->flush()->onResult(this, [this, exitCode](const Status &) { emit done(exitCode); });
}
