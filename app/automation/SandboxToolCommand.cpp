#include "app/automation/SandboxToolCommand.h"

#include "app/engine/DaytonaConnection.h"
#include "app/engine/PreviewLocator.h"
#include "models/Error.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

bool SandboxToolCommand::parse(QCommandLineParser &parser, const QStringList &arguments,
                               const QString &usage)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(QStringList{QCoreApplication::applicationName()} + arguments)) {
        QTextStream(stderr) << tr("error: %1").arg(parser.errorText()) << Qt::endl
                            << usage << Qt::endl;
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        QTextStream(stderr)
            << tr("error: unexpected argument \"%1\"").arg(parser.positionalArguments().first())
            << Qt::endl
            << usage << Qt::endl;
        return false;
    }
    return true;
}

std::optional<int> SandboxToolCommand::portOption(const QCommandLineParser &parser, bool *ok)
{
    *ok = true;
    if (!parser.isSet(QStringLiteral("port")))
        return std::nullopt;
    bool numeric = false;
    const int port = parser.value(QStringLiteral("port")).toInt(&numeric);
    if (!numeric || port < 1 || port > 65535) {
        printError(tr("--port must be a number between 1 and 65535"));
        *ok = false;
        return std::nullopt;
    }
    return port;
}

QString SandboxToolCommand::sandboxOption(const QCommandLineParser &parser) const
{
    if (parser.isSet(QStringLiteral("sandbox")))
        return parser.value(QStringLiteral("sandbox"));
    return connection() ? connection()->defaultSandbox() : QString();
}

QString SandboxToolCommand::projectOption(const QCommandLineParser &parser) const
{
    if (parser.isSet(QStringLiteral("project")))
        return parser.value(QStringLiteral("project"));
    return connection() ? connection()->defaultProject() : QString();
}

void SandboxToolCommand::printError(const QString &sentence)
{
    QTextStream(stderr) << tr("error: %1").arg(sentence) << Qt::endl;
}

void SandboxToolCommand::printError(const vw::Error &error)
{
    printError(error.toString());
}

void SandboxToolCommand::printNote(const QString &sentence)
{
    QTextStream(stderr) << tr("note: %1").arg(sentence) << Qt::endl;
}

void SandboxToolCommand::printJson(const QJsonObject &object)
{
    QTextStream(stdout) << QJsonDocument(object).toJson(QJsonDocument::Compact) << Qt::endl;
}

QJsonObject SandboxToolCommand::healthJson(const vw::engine::PreviewHealth &health)
{
    QJsonObject json{{QStringLiteral("url"), health.url.toString()},
                     {QStringLiteral("healthy"), health.healthy()}};
    if (health.answered()) {
        json.insert(QStringLiteral("http_status"), health.httpStatus);
        json.insert(QStringLiteral("latency_ms"), health.latencyMs);
    } else {
        json.insert(QStringLiteral("http_status"), QJsonValue::Null);
        json.insert(QStringLiteral("error"), health.error);
    }
    return json;
}

QString SandboxToolCommand::healthText(const vw::engine::PreviewHealth &health)
{
    if (health.healthy())
        return tr("up (%1)").arg(health.summary());
    if (health.answered())
        return tr("unhealthy (%1)").arg(health.summary());
    return tr("down (%1)").arg(health.summary());
}

int SandboxToolCommand::exitCodeFor(const vw::Error &error, const QStringList &noCodes)
{
    return noCodes.contains(error.code) ? kExitNo : kExitError;
}
