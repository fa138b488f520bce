#include "app/automation/ProjectCommand.h"

#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

using namespace vw;

namespace {

QString orDetected(const QString &value)
{
    return value.isEmpty() ? QCoreApplication::translate("ProjectCommand", "(detected)") : value;
}

} // namespace

bool ProjectCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption project(QStringLiteral("project"), tr("The project directory."),
                                     tr("DIR"));
    const QCommandLineOption sandbox(QStringLiteral("sandbox"), tr("The sandbox."), tr("ID"));
    const QCommandLineOption install(QStringLiteral("install-command"),
                                     tr("Install dependencies with CMD."), tr("CMD"));
    const QCommandLineOption build(QStringLiteral("build-command"), tr("Build with CMD."),
                                   tr("CMD"));
    const QCommandLineOption noBuild(QStringLiteral("no-build-step"),
                                     tr("The project has no build step."));
    const QCommandLineOption withBuild(QStringLiteral("build-step"),
                                       tr("The project has a build step (the default)."));
    // --artifacts-dir: the same setting, named after what it is used for (the artifact list).
    const QCommandLineOption output(
        QStringList{QStringLiteral("output-dir"), QStringLiteral("artifacts-dir")},
        tr("Where the build puts its output (its artifacts are listed from there)."), tr("DIR"));
    const QCommandLineOption dev(QStringLiteral("dev-command"), tr("Run the dev server with CMD."),
                                 tr("CMD"));
    const QCommandLineOption devPort(QStringLiteral("dev-port"), tr("The dev server's port."),
                                     tr("N"));
    const QCommandLineOption detect(QStringLiteral("detect"),
                                    tr("Clear every override: detect everything again."));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions(
        {project, sandbox, install, build, noBuild, withBuild, output, dev, devPort, detect, json});
    if (!parse(parser, arguments))
        return false;
    if (!parser.positionalArguments().isEmpty()) {
        printError(tr("project takes no arguments besides its options"));
        return false;
    }
    if (parser.isSet(noBuild) && parser.isSet(withBuild)) {
        printError(tr("--no-build-step and --build-step contradict each other"));
        return false;
    }
    int port = -1;
    if (parser.isSet(devPort)) {
        const std::optional<qint64> n = positiveNumber(parser.value(devPort), tr("--dev-port"));
        if (!n || *n > 65535) {
            if (n)
                printError(tr("--dev-port must be a port number (1-65535)"));
            return false;
        }
        port = int(*n);
    }
    m_json = parser.isSet(json);
    const bool changes = parser.isSet(install) || parser.isSet(build) || parser.isSet(noBuild) ||
                         parser.isSet(withBuild) || parser.isSet(output) || parser.isSet(dev) ||
                         port > 0 || parser.isSet(detect);
    if (changes) {
        // The new values now: the parser is gone when the change is applied.
        const auto given = [&parser](const QCommandLineOption &o) {
            return parser.isSet(o) ? std::optional<QString>(parser.value(o)) : std::nullopt;
        };
        const std::optional<QString> newInstall = given(install), newBuild = given(build),
                                     newOutput = given(output), newDev = given(dev);
        const bool reset = parser.isSet(detect);
        const std::optional<bool> skip = parser.isSet(noBuild)     ? std::optional(true)
                                         : parser.isSet(withBuild) ? std::optional(false)
                                                                   : std::nullopt;
        m_change = [=](Project &p) {
            if (reset) {
                p.installCommand.clear();
                p.buildCommand.clear();
                p.skipBuild = false;
                p.outputDirectory.clear();
                p.devCommand.clear();
                p.devPort = 0;
            }
            p.installCommand = newInstall.value_or(p.installCommand);
            p.buildCommand = newBuild.value_or(p.buildCommand);
            p.skipBuild = skip.value_or(p.skipBuild);
            p.outputDirectory = newOutput.value_or(p.outputDirectory);
            p.devCommand = newDev.value_or(p.devCommand);
            if (port > 0)
                p.devPort = port;
        };
    }
    QString sandboxId = parser.value(sandbox);
    QString directory = parser.value(project);
    if (!resolveProject(&sandboxId, &directory))
        return false;
    openStore([this, sandboxId, directory] {
        store()
            ->ensureProject(sandboxId, directory)
            ->onResult(this, [this](const Result<Project> &p) {
                if (!p) {
                    fail(p.error().toString());
                    return;
                }
                if (!m_change) {
                    print(p.value());
                    return;
                }
                Project changed = p.value();
                m_change(changed);
                store()->saveProject(changed)->onResult(this, [this](const Result<Project> &s) {
                    if (s)
                        print(s.value());
                    else
                        fail(s.error().toString());
                });
            });
    });
    return true;
}

void ProjectCommand::print(const Project &p)
{
    QTextStream out(stdout);
    if (m_json) {
        out << QJsonDocument(p.toJson()).toJson(QJsonDocument::Indented);
    } else {
        out << tr("project %1 in sandbox %2").arg(p.directory, p.sandboxId) << Qt::endl
            << tr("  install command: %1").arg(orDetected(p.installCommand)) << Qt::endl
            << tr("  build command:   %1")
                   .arg(p.skipBuild ? tr("(none: no build step)") : orDetected(p.buildCommand))
            << Qt::endl
            << tr("  output dir:      %1").arg(orDetected(p.outputDirectory)) << Qt::endl
            << tr("  dev command:     %1").arg(orDetected(p.devCommand)) << Qt::endl
            << tr("  dev port:        %1")
                   .arg(p.devPort > 0 ? QString::number(p.devPort) : tr("(detected)"))
            << Qt::endl;
    }
    finish(0);
}
