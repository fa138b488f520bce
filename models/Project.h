#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace vw {

// A working directory inside a sandbox that Vaporwatch builds (table `projects`), with the
// user's overrides of what the stack detection would choose. Empty override: detect.
// A project is identified by (sandboxId, directory).
struct Project
{
    qint64 id = 0; // 0 until stored
    QString name;
    QString sandboxId;
    QString sandboxName;
    QString directory; // absolute path inside the sandbox

    // Overrides.
    QString installCommand;
    QString buildCommand;
    bool skipBuild = false;  // the project has no build step (the build phase shows as skipped)
    QString outputDirectory; // e.g. "dist"
    QString devCommand;      // the dev server's command
    int devPort = 0;         // 0: detect
    QJsonObject settings;    // further per-project options (e.g. environment variables)

    QDateTime createdAt; // set by the store
    QDateTime updatedAt;

    QJsonObject toJson() const;
};

} // namespace vw
