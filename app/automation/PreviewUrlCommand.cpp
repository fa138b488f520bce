#include "app/automation/PreviewUrlCommand.h"

#include "app/engine/PreviewLocator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

using vw::engine::PreviewInfo;
using vw::engine::PreviewLocator;

PreviewUrlCommand::PreviewUrlCommand(vw::daytona::DaytonaClient *client, QObject *parent)
    : SandboxToolCommand(client, parent)
    , m_locator(new PreviewLocator(client, this))
{
}

bool PreviewUrlCommand::start(const QStringList &arguments)
{
    const QString usage =
        tr("usage: vaporwatch-cli get_preview_url [--sandbox ID] [--port N] [--json]");
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("sandbox"), tr("The sandbox."), tr("ID")},
                       {QStringLiteral("port"), tr("The dev server's port."), tr("N")},
                       {QStringLiteral("json"), tr("Print JSON.")}});
    if (!parse(parser, arguments, usage))
        return false;
    bool portOk = false;
    const std::optional<int> port = portOption(parser, &portOk);
    if (!portOk)
        return false;
    const QString sandbox = sandboxOption(parser);
    if (sandbox.isEmpty()) {
        printError(tr("with DAYTONA_API_KEY set, --sandbox is required"));
        return false;
    }
    m_json = parser.isSet(QStringLiteral("json"));
    m_locator->locate(sandbox, port)->onResult(this, [this](const vw::Result<PreviewInfo> &info) {
        if (!info) {
            printError(info.error().code == QLatin1String("NO_DEV_SERVER")
                           ? info.error().message
                           : info.error().toString());
            emit done(exitCodeFor(info.error(), {QStringLiteral("NO_DEV_SERVER")}));
            return;
        }
        const PreviewInfo &found = info.value();
        if (m_json) {
            printJson(toJson(found));
        } else {
            QTextStream out(stdout);
            out << tr("url:     %1").arg(found.link.url.toString()) << Qt::endl
                << tr("port:    %1%2")
                       .arg(found.port)
                       .arg(found.detected
                                ? tr(" (detected)")
                                : (found.listening ? QString() : tr(" (nothing listens on it)")))
                << Qt::endl
                << tr("health:  %1").arg(healthText(found.health)) << Qt::endl;
        }
        emit done(found.health.healthy() ? kExitOk : kExitNo);
    });
    return true;
}

QJsonObject PreviewUrlCommand::toJson(const PreviewInfo &info)
{
    return QJsonObject{{QStringLiteral("sandbox"), info.sandbox},
                       {QStringLiteral("sandbox_id"), info.link.sandboxId},
                       {QStringLiteral("port"), info.port},
                       {QStringLiteral("detected"), info.detected},
                       {QStringLiteral("listening"), info.listening},
                       {QStringLiteral("url"), info.link.url.toString()},
                       {QStringLiteral("health"), healthJson(info.health)}};
}
