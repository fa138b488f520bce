#pragma once

#include "app/automation/StoreCommand.h"

namespace vw::automation {
class AgentTools;
class McpServer;
class StdioLineChannel;
} // namespace vw::automation

// `vaporwatch-cli mcp`: the Model Context Protocol over stdio for AI agents — JSON-RPC messages,
// one per line, on stdin and stdout; logging on stderr only. The tools (AgentTools) run on the
// same engine as the app: builds an agent starts are stored, shown in the app, and go on in
// their sandboxes after the agent disconnects. Ends when stdin closes (after the replies of calls
// still running).
class McpCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;
    ~McpCommand() override;

    bool start(const QStringList &arguments) override;

private:
    void serve();
    void finishWhenIdle();

    vw::automation::AgentTools *m_tools = nullptr;
    vw::automation::McpServer *m_server = nullptr;
    vw::automation::StdioLineChannel *m_channel = nullptr;
    bool m_inputClosed = false;
};
