#pragma once

#include "app/engine/DetectedStack.h"
#include "models/AsyncJob.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

// Detects a project's tech stack and the commands that install and build it.
//
// The decision is a pure function of what is at the project's root (decide()); detect() fetches
// that from a sandbox through the toolbox: one directory listing, then the few files whose
// content matters (filesWorthReading()) when they exist.
//
// Stacks are tried in this order, the first that matches wins (a Makefile beside a package.json
// is a Node project): Node (package.json), Python (pyproject.toml, requirements.txt, setup.py,
// Pipfile), Rust (Cargo.toml), Go (go.mod), Maven (pom.xml), Gradle (build.gradle[.kts],
// settings.gradle[.kts]), Ruby (Gemfile), PHP (composer.json), Make (Makefile, makefile,
// GNUmakefile). The commands per stack are listed in the README ("How a build runs").
//
// Project overrides take precedence: a set install or build command replaces the detected one
// (an empty one skips the phase, reason "disabled-by-project").
class StackDetector : public QObject
{
    Q_OBJECT

public:
    // What is at the project root.
    struct Snapshot
    {
        QSet<QString> files;       // names of regular files (and symlinks)
        QSet<QString> directories; // names of directories
        // Contents of some of filesWorthReading() (missing ones count as unreadable).
        QHash<QString, QByteArray> contents;

        bool has(const QString &name) const { return files.contains(name); }
    };

    struct Overrides
    {
        std::optional<QString> installCommand;
        std::optional<QString> buildCommand;
        std::optional<QString> outputDirectory;
    };

    // Files larger than this are not read (a lockfile can be huge; we never need those).
    static constexpr qint64 kMaxReadSize = 1024 * 1024;

    explicit StackDetector(daytona::DaytonaClient *client, QObject *parent = nullptr);
    // Unfinished detections end with the CANCELED error.
    ~StackDetector() override;

    // The files whose content decide() looks at.
    static QStringList filesWorthReading();
    static DetectedStack decide(const Snapshot &snapshot, const Overrides &overrides = {});

    // Lists the project directory in the sandbox, reads what matters and decides. Fails with
    // PROJECT_NOT_FOUND when the directory does not exist (or is not a directory), or with the
    // client's error.
    AsyncJobOf<DetectedStack> *detect(const QString &sandbox, const QString &projectDirectory,
                                      const Overrides &overrides = {});

private:
    QPointer<daytona::DaytonaClient> m_client;
    QList<QPointer<AsyncJob>> m_jobs;
};

} // namespace vw::engine
