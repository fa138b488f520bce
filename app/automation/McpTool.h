#pragma once

#include "models/AsyncJob.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace vw::automation {

// What a tool call answers: a readable text for the model, the same facts as JSON
// (structuredContent, matching the tool's outputSchema), and whether the tool failed — a failure
// the agent should read and react to (a build that cannot start, an unknown build id), not a
// protocol fault.
struct McpToolResult
{
    QString text;
    QJsonObject structured;
    bool isError = false;

    static McpToolResult failure(const QString &message);
};

using McpToolJob = AsyncJobOf<McpToolResult>;

// One tool of the MCP server: its name, what it is for, JSON Schemas of its arguments and its
// structured result, and the call. The arguments reach `call` already checked against
// inputSchema. A job that fails (rather than succeeding with isError) is reported as an
// isError result with the error's message too.
struct McpTool
{
    QString name;
    QString title;
    QString description;
    QJsonObject inputSchema;
    QJsonObject outputSchema; // empty: none declared
    bool readOnly = false;    // annotations.readOnlyHint
    std::function<McpToolJob *(const QJsonObject &arguments)> call;

    // The tools/list entry.
    QJsonObject toJson() const;
};

} // namespace vw::automation
