#include "app/automation/StoreCommand.h"

#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "app/engine/DaytonaConnection.h"
#include "app/engine/EngineSession.h"
#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSettings>
#include <QTextStream>

using namespace vw;
using namespace vw::engine;

StoreCommand::StoreCommand(QString databaseUrl, QObject *parent)
    : QObject(parent)
    , m_databaseUrl(std::move(databaseUrl))
{
}

StoreCommand::~StoreCommand() = default;

void StoreCommand::printWarnings(const QStringList &warnings)
{
    for (const QString &warning : warnings)
        QTextStream(stderr) << tr("warning: %1").arg(warning) << Qt::endl;
}

EngineSession *StoreCommand::session()
{
    if (!m_session) {
        EngineSession::Options options;
        options.settings = AppSettings::load(*AppSettings::openDefault());
        options.databaseUrl = m_databaseUrl;
        m_session = std::make_unique<EngineSession>(options);
        printWarnings(m_session->connection()->warnings());
    }
    return m_session.get();
}

BuildStore *StoreCommand::store() const
{
    return m_session ? m_session->store() : nullptr;
}

BuildHub *StoreCommand::hub() const
{
    return m_session ? m_session->hub() : nullptr;
}

BuildManager *StoreCommand::manager() const
{
    return m_session ? m_session->manager() : nullptr;
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

std::optional<qint64> StoreCommand::buildIdOption(const QCommandLineParser &parser,
                                                  const QString &usage)
{
    if (!parser.isSet(QStringLiteral("build")) || !parser.positionalArguments().isEmpty()) {
        printError(usage);
        return std::nullopt;
    }
    return positiveNumber(parser.value(QStringLiteral("build")), tr("--build"));
}

void StoreCommand::printError(const QString &message)
{
    QTextStream(stderr) << tr("error: %1").arg(message) << Qt::endl;
}

DaytonaConnection *StoreCommand::connection()
{
    return session()->connection();
}

void StoreCommand::openStore(std::function<void()> then)
{
    // A URL that cannot be a database is wrong usage (exit 2), not a failure.
    if (const Result<DatabaseUrl> url = DatabaseUrl::parse(m_databaseUrl); !url) {
        fail(url.error().toString(), 2);
        return;
    }
    session()->openStore()->onResult(this, [this, then](const Status &opened) {
        if (opened)
            then();
        else
            fail(opened.error().message);
    });
}

void StoreCommand::connectEngine(std::function<void()> then)
{
    session()->startEngine()->onResult(this, [this, then](const Status &started) {
        if (started)
            then();
        else
            fail(started.error().toString());
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
    store()
        ->findProject(sandbox, directory)
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
    if (!store()) {
        QMetaObject::invokeMethod(
            this, [this, exitCode] { emit done(exitCode); }, Qt::QueuedConnection);
        return;
    }
    store()->flush()->onResult(this, [this, exitCode](const Status &) { emit done(exitCode); });
}
