#include "app/automation/McpCommand.h"

#include "app/automation/AgentTools.h"
#include "app/automation/McpServer.h"
#include "app/automation/StdioLineChannel.h"
#include "app/daytona/DaytonaClient.h"
#include "app/engine/DaytonaConnection.h"
#include "models/Log.h"
#include "models/Version.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <unistd.h>

using vw::automation::AgentTools;
using vw::automation::McpServer;
using vw::automation::StdioLineChannel;

McpCommand::~McpCommand() = default;

bool McpCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments))
        return false;
    if (!parser.positionalArguments().isEmpty()) {
        printError(tr("usage: vaporwatch-cli mcp   (the MCP server on stdin/stdout)"));
        return false;
    }
    // The client may send its first messages before the engine is up: they wait in the pipe.
    openStore([this] { connectEngine([this] { serve(); }); });
    return true;
}

void McpCommand::serve()
{
    connection()->connectClient()->onResult(
        this, [this](const vw::Result<vw::daytona::DaytonaClient *> &client) {
            if (!client) {
                fail(client.error().toString());
                return;
            }
            m_tools = new AgentTools(session(), client.value(), this);
            m_server = new McpServer(QStringLiteral("vaporwatch"),
                                     QString::fromLatin1(vw::kVersion), this);
            m_server->setInstructions(
                tr("Vaporwatch builds projects in Daytona sandboxes. To fix a failing build: "
                   "start_build, then get_build_status until finished is true; on failure read "
                   "error_message and the log tails (get_live_logs pages through more), fix the "
                   "code, and start_build again. run_dev_server and get_preview_url give the "
                   "running app's URL."));
            for (vw::automation::McpTool &tool : m_tools->tools())
                m_server->addTool(std::move(tool));
            m_channel = new StdioLineChannel(STDIN_FILENO, STDOUT_FILENO, this);
            connect(m_channel, &StdioLineChannel::lineReceived, m_server, &McpServer::receive);
            connect(m_channel, &StdioLineChannel::lineTooLong, this, [this](qsizetype bytes) {
                vw::log::get("mcp")->warn("dropped a message of {} bytes (limit {})", bytes,
                                          StdioLineChannel::kMaxLineBytes);
                m_server->receive({}); // answers with a parse error, as for any broken message
            });
            connect(m_server, &McpServer::messageReady, this, [this](const QByteArray &message) {
                if (!m_channel->writeLine(message))
                    finish(0); // the client has gone
                else if (m_inputClosed)
                    finishWhenIdle();
            });
            connect(m_channel, &StdioLineChannel::closed, this, [this] {
                m_inputClosed = true;
                finishWhenIdle();
            });
            vw::log::get("mcp")->info("MCP server ready on stdio ({} tools)",
                                      m_server->tools().size());
        });
}

void McpCommand::finishWhenIdle()
{
    if (m_server->pendingCalls() == 0)
        finish(0);
}
