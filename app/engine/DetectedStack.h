#pragma once

#include "app/engine/DriverScript.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace vw::engine {

// What StackDetector found out about a project: how to install its dependencies and build it.
struct DetectedStack
{
    // "node", "python", "rust", "go", "maven", "gradle", "ruby", "php", "make"; "custom" when
    // nothing was recognised but the project supplies commands; "unknown" otherwise.
    QString stack;
    // "npm", "yarn", "pnpm", "bun", "pip", "poetry", "uv", "pipenv", "cargo", "go", "maven",
    // "gradle", "bundler", "composer", "make"; empty when unknown.
    QString packageManager;

    QString installCommand;    // empty: the install phase is skipped, for installSkipReason
    QString buildCommand;      // empty: the build phase is skipped, for buildSkipReason
    QString installSkipReason; // marker token, e.g. "no-install-step", "disabled-by-project"
    QString buildSkipReason;   // e.g. "no-build-script", "no-build-step", "unknown-stack"
    QString installStep;       // for people: "Installing dependencies with npm"
    QString buildStep;         // "Building with npm"

    QString lockfile;            // relative to the project; empty: no dependency caching
    QString dependencyDirectory; // "node_modules", ".venv", "vendor", …; empty: no caching
    QString outputDirectory;     // "dist", "target/release", …; empty when not known
    bool installOverridden = false;
    bool buildOverridden = false;
    QStringList evidence; // the files that decided, e.g. {"package.json", "pnpm-lock.yaml"}

    bool isKnown() const { return stack != QLatin1String("unknown"); }

    // The driver phases: install (using the dependency cache when a lockfile and a dependency
    // directory are known), then build; skipped phases carry their reason.
    QList<DriverScript::Phase> phases() const
    {
        DriverScript::Phase install;
        install.name = QStringLiteral("install");
        install.command = installCommand;
        install.skipReason = installSkipReason;
        install.usesDependencyCache = !lockfile.isEmpty() && !dependencyDirectory.isEmpty();
        DriverScript::Phase build;
        build.name = QStringLiteral("build");
        build.command = buildCommand;
        build.skipReason = buildSkipReason;
        return {install, build};
    }

    friend bool operator==(const DetectedStack &, const DetectedStack &) = default;
};

} // namespace vw::engine
