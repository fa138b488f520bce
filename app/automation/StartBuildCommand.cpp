#include "app/automation/StartBuildCommand.h"

#include "app/automation/InterruptWatcher.h"
#include "app/automation/ProgressLine.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

using namespace vw;
using namespace vw::engine;

StartBuildCommand::~StartBuildCommand() = default;

bool StartBuildCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption project(QStringLiteral("project"),
                                     tr("The project directory in the sandbox."), tr("DIR"));
    const QCommandLineOption sandbox(QStringLiteral("sandbox"), tr("The sandbox."), tr("ID"));
    const QCommandLineOption clean(QStringLiteral("clean"), tr("Ignore the dependency cache."));
    const QCommandLineOption follow(QStringLiteral("follow"), tr("Follow the build to its end."));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print the build as JSON."));
    const QCommandLineOption rebuild(QStringLiteral("rebuild"),
                                     tr("Build the project of build ID again, with its settings."),
                                     tr("ID"));
    parser.addOptions({project, sandbox, clean, follow, json, rebuild});
    if (!parse(parser, arguments))
        return false;
    if (!parser.positionalArguments().isEmpty()) {
        printError(tr("start_build takes no arguments besides its options"));
        return false;
    }
    m_sandbox = parser.value(sandbox);
    m_directory = parser.value(project);
    m_clean = parser.isSet(clean);
    m_follow = parser.isSet(follow);
    m_json = parser.isSet(json);
    if (parser.isSet(rebuild)) {
        if (parser.isSet(project) || parser.isSet(sandbox)) {
            printError(tr("--rebuild takes the project and sandbox of that build: leave out "
                          "--project and --sandbox"));
            return false;
        }
        const std::optional<qint64> id = positiveNumber(parser.value(rebuild), tr("--rebuild"));
        if (!id)
            return false;
        m_rebuildOf = *id;
    } else if (!resolveProject(&m_sandbox, &m_directory)) {
        return false;
    }
    openStore([this] { connectEngine([this] { startBuild(); }); });
    return true;
}

void StartBuildCommand::startBuild()
{
    if (m_follow)
        watch();
    connect(hub(), &BuildHub::buildChanged, this, [this](const Build &b) {
        // Without --follow: once the driver runs in the sandbox, the build no longer needs us.
        if (!m_follow && b.id == m_buildId && !b.daytonaCommandId.isEmpty()) {
            QTextStream(stderr) << tr("build %1 is running in the sandbox").arg(m_buildId)
                                << Qt::endl;
            finish(0);
        }
    });
    BuildManager::StartOptions options;
    options.clean = m_clean;
    options.trigger = QStringLiteral("cli");
    AsyncJobOf<Build> *started =
        m_rebuildOf > 0
            ? manager()->rebuild(m_rebuildOf, m_clean ? std::optional(true) : std::nullopt)
            : manager()->startBuild(m_sandbox, m_directory, options);
    started->onResult(this, [this](const Result<Build> &b) {
        if (!b) {
            fail(b.error().toString());
            return;
        }
        m_buildId = b.value().id;
        if (m_json)
            QTextStream(stdout) << QJsonDocument(b.value().toJson()).toJson();
        else
            QTextStream(stdout) << m_buildId << Qt::endl;
    });
}

void StartBuildCommand::watch()
{
    m_progress = std::make_unique<ProgressLine>(ProgressLine::stderrIsTerminal());
    connect(hub(), &BuildHub::logAppended, this,
            [this](qint64 id, Phase, LogStream stream, const QString &text, qint64, qint64) {
                if (id == m_buildId)
                    m_progress->write(stream == LogStream::Stdout ? stdout : stderr, text.toUtf8());
            });
    connect(hub(), &BuildHub::buildChanged, this, [this](const Build &b) {
        if (b.id == m_buildId)
            m_progress->update(b);
    });
    connect(hub(), &BuildHub::buildFinished, this, [this](const Build &b) {
        if (b.id != m_buildId)
            return;
        m_progress->clear();
        QTextStream err(stderr);
        err << tr("==> build %1 %2").arg(b.id).arg(buildStatusName(b.status));
        if (!b.errorMessage.isEmpty())
            err << tr(": %1").arg(b.errorMessage);
        err << Qt::endl;
        finish(b.status == BuildStatus::Success ? 0 : 1);
    });
    auto *interrupts = new InterruptWatcher(this);
    connect(interrupts, &InterruptWatcher::interrupted, this, [this](int) {
        m_progress->clear();
        QTextStream(stderr) << tr("detached: build %1 keeps running in the sandbox (not "
                                  "cancelled; cancel_build %1 stops it)")
                                   .arg(m_buildId)
                            << Qt::endl;
        finish(130);
    });
}
