#include "app/automation/CheckProcessCommand.h"

#include "app/engine/ProcessCheck.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QTextStream>

using vw::engine::ProcessCheck;
using vw::engine::ProcessCheckResult;
using vw::engine::ProcessProbe;

CheckProcessCommand::CheckProcessCommand(vw::daytona::DaytonaClient *client, QObject *parent)
    : SandboxToolCommand(client, parent)
    , m_check(new ProcessCheck(client, this))
{
}

bool CheckProcessCommand::start(const QStringList &arguments)
{
    const QString usage =
        tr("usage: vaporwatch-cli check_process [--sandbox ID] [--port N] [--name NAME] [--json]");
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("sandbox"), tr("The sandbox."), tr("ID")},
                       {QStringLiteral("port"), tr("The TCP port to check."), tr("N")},
                       {QStringLiteral("name"), tr("The process name to look for."), tr("NAME")},
                       {QStringLiteral("json"), tr("Print JSON.")}});
    if (!parse(parser, arguments, usage))
        return false;
    bool portOk = false;
    ProcessCheck::Request request;
    request.port = portOption(parser, &portOk);
    if (!portOk)
        return false;
    request.processName = parser.value(QStringLiteral("name"));
    request.sandbox = sandboxOption(parser);
    m_json = parser.isSet(QStringLiteral("json"));
    if (!request.port && request.processName.isEmpty()) {
        printError(tr("give --port, --name or both"));
        QTextStream(stderr) << usage << Qt::endl;
        return false;
    }
    if (request.sandbox.isEmpty()) {
        printError(tr("with DAYTONA_API_KEY set, --sandbox is required"));
        return false;
    }
    m_sandbox = request.sandbox;
    m_check->check(request)->onResult(this, [this](const vw::Result<ProcessCheckResult> &result) {
        if (!result) {
            printError(result.error());
            emit done(kExitError);
            return;
        }
        if (m_json)
            printJson(toJson(m_sandbox, result.value()));
        else
            print(result.value());
        for (const QString &note : result.value().notes)
            printNote(note);
        const ProcessCheckResult &answer = result.value();
        if (answer.allFound())
            emit done(kExitOk);
        else if (answer.incomplete() && !(answer.port && !answer.port->inUse))
            emit done(kExitError); // nothing was "not found"; part could not be checked
        else
            emit done(kExitNo);
    });
    return true;
}

QJsonObject CheckProcessCommand::toJson(const QString &sandbox, const ProcessCheckResult &result)
{
    QJsonObject json{{QStringLiteral("sandbox"), sandbox}};
    if (result.port) {
        QJsonArray holders;
        for (const ProcessProbe::Listener &holder : result.port->holders)
            holders.append(QJsonObject{{QStringLiteral("pid"), holder.pid},
                                       {QStringLiteral("name"), holder.name}});
        QJsonObject port{{QStringLiteral("port"), result.port->port},
                         {QStringLiteral("in_use"), result.port->inUse}};
        port.insert(QStringLiteral("processes"),
                    result.port->holdersKnown ? QJsonValue(holders) : QJsonValue());
        json.insert(QStringLiteral("port"), port);
    }
    if (result.process) {
        QJsonObject process{{QStringLiteral("process_name"), result.process->name},
                            {QStringLiteral("checked"), result.process->checked}};
        if (result.process->checked) {
            QJsonArray matches;
            for (const ProcessProbe::Process &match : result.process->matches)
                matches.append(QJsonObject{{QStringLiteral("pid"), match.pid},
                                           {QStringLiteral("ppid"), match.parentPid},
                                           {QStringLiteral("name"), match.name},
                                           {QStringLiteral("command"), match.commandLine}});
            process.insert(QStringLiteral("found"), result.process->found());
            process.insert(QStringLiteral("count"), result.process->count());
            process.insert(QStringLiteral("processes"), matches);
        } else {
            process.insert(QStringLiteral("found"), QJsonValue::Null);
            process.insert(QStringLiteral("count"), QJsonValue::Null);
        }
        json.insert(QStringLiteral("process"), process);
    }
    json.insert(QStringLiteral("notes"), QJsonArray::fromStringList(result.notes));
    return json;
}

void CheckProcessCommand::print(const ProcessCheckResult &result) const
{
    QTextStream out(stdout);
    if (result.port) {
        const int port = result.port->port;
        if (!result.port->inUse) {
            out << tr("port %1: not in use").arg(port) << Qt::endl;
        } else if (result.port->holders.isEmpty()) {
            out << tr("port %1: in use").arg(port) << Qt::endl;
        } else {
            QStringList holders;
            for (const ProcessProbe::Listener &holder : result.port->holders)
                holders.append(tr("%1 (pid %2)").arg(holder.name).arg(holder.pid));
            out << tr("port %1: in use by %2").arg(port).arg(holders.join(QStringLiteral(", ")))
                << Qt::endl;
        }
    }
    if (result.process) {
        const QString &name = result.process->name;
        if (!result.process->checked)
            out << tr("process %1: unknown").arg(name) << Qt::endl;
        else if (!result.process->found())
            out << tr("process %1: not running").arg(name) << Qt::endl;
        else
            out << tr("process %1: %n running", nullptr, result.process->count()).arg(name)
                << Qt::endl;
        for (const ProcessProbe::Process &match : result.process->matches)
            out << QStringLiteral("  %1  %2")
                       .arg(match.pid, 7)
                       .arg(match.commandLine.isEmpty() ? match.name : match.commandLine)
                << Qt::endl;
    }
}
