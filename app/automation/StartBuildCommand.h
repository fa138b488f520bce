#pragma once

#include "app/automation/ProgressLine.h"
#include "app/automation/StoreCommand.h"

#include <memory>

// `start_build [--project DIR] [--sandbox ID | --rebuild ID] [--clean] [--follow] [--json]`:
// stores a new build of the project (or, with --rebuild, of that build's project with its
// settings), starts its driver in the sandbox and prints the build id (with --json: the build
// as JSON). The driver runs in the sandbox, so without --follow the command exits once
// the driver has started and the build goes on.
//
// --follow shows a live progress line, the phase and the build's output (stdout to stdout,
// stderr to stderr) until it ends, then a summary; exit 0 only on success. Ctrl-C detaches
// (exit 130): the build keeps running, cancel it with cancel_build.
class StartBuildCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;
    ~StartBuildCommand() override;

    bool start(const QStringList &arguments) override;

private:
    void startBuild();
    void watch();

    QString m_sandbox;
    QString m_directory;
    bool m_clean = false;
    bool m_follow = false;
    bool m_json = false;
    qint64 m_buildId = 0;
    qint64 m_rebuildOf = 0;
    std::unique_ptr<ProgressLine> m_progress;
};
