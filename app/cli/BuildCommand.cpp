#include "app/cli/BuildCommand.h"

#include "app/cli/DaytonaConnection.h"
#include "app/cli/InterruptWatcher.h"
#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

using namespace vw;
using namespace vw::engine;
using vw::daytona::DaytonaClient;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("BuildCommand", text);
}

void printError(const QString &message)
{
    QTextStream(stderr) << tr("error: %1").arg(message) << Qt::endl;
}

void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

QString formatDuration(std::optional<qint64> ms)
{
    if (!ms)
        return QStringLiteral("-");
    return QStringLiteral("%1.%2s").arg(*ms / 1000).arg((*ms % 1000) / 100);
}

} // namespace

BuildCommand::BuildCommand(QString databaseUrl, QObject *parent)
    : QObject(parent)
    , m_databaseUrl(std::move(databaseUrl))
{
}

BuildCommand::~BuildCommand()
{
    // The manager first: it releases the leases in the store (the builds go on in the sandbox).
    m_manager.reset();
    m_connection.reset();
    m_store.reset();
}

bool BuildCommand::start(const QStringList &arguments)
{
    static const QString usage =
        tr("usage: vaporwatch-cli build start [--sandbox NAME] [--dir DIR] [--clean] [--follow]\n"
           "       vaporwatch-cli build status [ID | --latest] [--json]\n"
           "       vaporwatch-cli build logs ID [--phase install|build]\n"
           "       vaporwatch-cli build list [--limit N] [--status S]\n"
           "       vaporwatch-cli build events ID [--after EVENT_ID]\n"
           "       vaporwatch-cli build cancel ID");
    if (arguments.isEmpty()) {
        QTextStream(stderr) << usage << Qt::endl;
        return false;
    }
    m_subcommand = arguments.first();
    QCommandLineParser parser;
    const QCommandLineOption sandbox(QStringLiteral("sandbox"), tr("Sandbox."), tr("NAME"));
    const QCommandLineOption dir(QStringLiteral("dir"), tr("Project directory."), tr("DIR"));
    const QCommandLineOption clean(QStringLiteral("clean"), tr("Ignore the dependency cache."));
    const QCommandLineOption follow(QStringLiteral("follow"), tr("Follow the build."));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    const QCommandLineOption latest(QStringLiteral("latest"), tr("The latest build."));
    const QCommandLineOption phaseOption(QStringLiteral("phase"), tr("Phase."), tr("PHASE"));
    const QCommandLineOption limit(QStringLiteral("limit"), tr("Limit."), tr("N"),
                                   QStringLiteral("20"));
    const QCommandLineOption status(QStringLiteral("status"), tr("Status."), tr("S"));
    const QCommandLineOption after(QStringLiteral("after"), tr("After event."), tr("EVENT_ID"),
                                   QStringLiteral("0"));
    if (m_subcommand == QStringLiteral("start"))
        parser.addOptions({sandbox, dir, clean, follow});
    else if (m_subcommand == QStringLiteral("status"))
        parser.addOptions({json, latest});
    else if (m_subcommand == QStringLiteral("logs"))
        parser.addOption(phaseOption);
    else if (m_subcommand == QStringLiteral("list"))
        parser.addOptions({limit, status});
    else if (m_subcommand == QStringLiteral("cancel")) {
    } else if (m_subcommand == QStringLiteral("events"))
        parser.addOption(after);
    else {
        QTextStream(stderr) << usage << Qt::endl;
        return false;
    }
    if (!parser.parse(QStringList{QStringLiteral("build")} + arguments.mid(1))) {
        printError(parser.errorText());
        return false;
    }
    if (m_subcommand == QStringLiteral("start")) {
        m_sandbox = parser.value(sandbox);
        m_directory = parser.value(dir);
        m_clean = parser.isSet(clean);
        m_follow = parser.isSet(follow);
        openStore([this] { connectClient([this] { startBuild(); }); });
        return true;
    }
    if (m_subcommand == QStringLiteral("list")) {
        BuildQuery query;
        query.limit = parser.value(limit).toInt();
        if (parser.isSet(status)) {
            const auto s = buildStatusFromName(parser.value(status));
            if (!s) {
                printError(tr("unknown status: %1").arg(parser.value(status)));
                return false;
            }
            query.statuses = {*s};
        }
        openStore([this, query] { listBuilds(query); });
        return true;
    }
    if (m_subcommand == QStringLiteral("cancel")) {
        if (!takeBuildId(parser.positionalArguments(), usage))
            return false;
        openStore([this] { connectClient([this] { cancelBuild(); }); });
        return true;
    }
    if (m_subcommand == QStringLiteral("events")) {
        if (!takeBuildId(parser.positionalArguments(), usage))
            return false;
        const qint64 afterId = parser.value(after).toLongLong();
        openStore([this, afterId] { printEvents(afterId); });
        return true;
    }
    if (m_subcommand == QStringLiteral("logs")) {
        if (!takeBuildId(parser.positionalArguments(), usage))
            return false;
        std::optional<Phase> phase;
        if (parser.isSet(phaseOption)) {
            phase = phaseFromName(parser.value(phaseOption));
            if (phase != Phase::Install && phase != Phase::Build) {
                printError(tr("--phase is install or build"));
                return false;
            }
        }
        openStore([this, phase] { printLogs(phase); });
        return true;
    }
    m_json = parser.isSet(json);
    const QStringList rest = parser.positionalArguments();
    if (rest.size() == 1) {
        bool ok = false;
        m_buildId = rest.first().toLongLong(&ok);
        if (!ok || m_buildId <= 0) {
            printError(tr("not a build id: %1").arg(rest.first()));
            return false;
        }
    } else if (!rest.isEmpty() || !parser.isSet(latest)) {
        QTextStream(stderr) << usage << Qt::endl;
        return false;
    }
    openStore([this] { showStatus(); });
    return true;
}

void BuildCommand::openStore(std::function<void()> then)
{
    const Result<DatabaseUrl> url = DatabaseUrl::parse(m_databaseUrl);
    if (!url) {
        printError(url.error().toString());
        QMetaObject::invokeMethod(
            this, [this] { emit done(2); }, Qt::QueuedConnection);
        return;
    }
    m_store = std::make_unique<BuildStore>();
    const QString display = url.value().toDisplayString();
    m_store->open(url.value())->onResult(this, [this, then, display](const Status &opened) {
        if (!opened) {
            printError(
                tr("cannot open the database %1: %2").arg(display, opened.error().toString()));
            emit done(1);
            return;
        }
        then();
    });
}

void BuildCommand::connectClient(std::function<void()> then)
{
    m_connection = std::make_unique<DaytonaConnection>();
    if (m_sandbox.isEmpty())
        m_sandbox = m_connection->defaultSandbox();
    if (m_directory.isEmpty())
        m_directory = m_connection->defaultProject();
    if (m_subcommand == QStringLiteral("start") && (m_sandbox.isEmpty() || m_directory.isEmpty())) {
        printError(tr("with DAYTONA_API_KEY set, --sandbox and --dir are required"));
        QMetaObject::invokeMethod(
            this, [this] { emit done(2); }, Qt::QueuedConnection);
        return;
    }
    m_connection->connectClient()->onResult(this, [this, then](const Result<DaytonaClient *> &c) {
        if (!c) {
            printError(c.error().toString());
            emit done(1);
            return;
        }
        m_hub = std::make_unique<BuildHub>();
        m_manager = std::make_unique<BuildManager>(c.value(), m_store.get(), m_hub.get(),
                                                   BuildManager::Options{});
        // Builds started by a CLI that has exited are picked up here.
        m_manager->reattachAll()->onResult(this, [then](const Result<int> &) { then(); });
    });
}

void BuildCommand::startBuild()
{
    BuildManager::StartOptions options;
    options.clean = m_clean;
    options.trigger = QStringLiteral("cli");
    connect(m_hub.get(), &BuildHub::logAppended, this,
            [this](qint64 id, Phase, LogStream stream, const QString &text, qint64, qint64) {
                if (m_follow && id == m_buildId)
                    writeTo(stream == LogStream::Stdout ? stdout : stderr, text.toUtf8());
            });
    auto lastPhase = std::make_shared<std::optional<Phase>>();
    connect(
        m_hub.get(), &BuildHub::buildChanged, this, [this, lastPhase](const Build &b) {
            if (b.id != m_buildId || m_finishing)
                return;
            if (m_follow && b.status == BuildStatus::Running && *lastPhase != b.phase) {
                *lastPhase = b.phase;
                QTextStream(stderr)
                    << tr("==> %1: %2 (%3%)").arg(phaseName(b.phase), b.currentStep).arg(b.progress)
                    << Qt::endl;
            }
            if (!m_follow && !b.daytonaCommandId.isEmpty()) {
                // The driver runs in the sandbox: store what is queued, then leave it running.
                m_finishing = true;
                m_store->flush()->onResult(this, [this](const Status &) {
                    QTextStream(stderr)
                        << tr("build %1 is running in the sandbox").arg(m_buildId) << Qt::endl;
                    emit done(0);
                });
            }
        });
    connect(m_hub.get(), &BuildHub::buildFinished, this, [this](const Build &b) {
        if (b.id != m_buildId || (m_finishing && !m_follow))
            return;
        m_finishing = true;
        QTextStream err(stderr);
        err << tr("==> build %1 %2").arg(b.id).arg(buildStatusName(b.status));
        if (!b.errorMessage.isEmpty())
            err << tr(": %1").arg(b.errorMessage);
        err << Qt::endl;
        const int code = b.status == BuildStatus::Success ? 0 : 1;
        m_store->flush()->onResult(this, [this, code](const Status &) { emit done(code); });
    });
    if (m_follow) {
        auto *interrupts = new InterruptWatcher(this);
        connect(interrupts, &InterruptWatcher::interrupted, this, [this](int) {
            QTextStream(stderr) << tr("detached: build %1 keeps running in the sandbox (not "
                                      "cancelled)")
                                       .arg(m_buildId)
                                << Qt::endl;
            m_finishing = true;
            m_store->flush()->onResult(this, [this](const Status &) { emit done(130); });
        });
    }
    m_manager->startBuild(m_sandbox, m_directory, options)
        ->onResult(this, [this](const Result<Build> &b) {
            if (!b) {
                printError(b.error().toString());
                emit done(1);
                return;
            }
            m_buildId = b.value().id;
            QTextStream(stdout) << m_buildId << Qt::endl;
        });
}

void BuildCommand::showStatus()
{
    const auto print = [this](const Build &b) {
        if (m_json) {
            QTextStream(stdout) << QJsonDocument(b.toJson()).toJson(QJsonDocument::Indented);
        } else {
            QTextStream out(stdout);
            out << tr("build %1").arg(b.id) << Qt::endl
                << tr("  status:   %1").arg(buildStatusName(b.status)) << Qt::endl
                << tr("  phase:    %1").arg(phaseName(b.phase)) << Qt::endl
                << tr("  step:     %1").arg(b.currentStep) << Qt::endl
                << tr("  progress: %1%").arg(b.progress) << Qt::endl
                << tr("  duration: %1").arg(formatDuration(b.durationMs)) << Qt::endl;
            for (const PhaseRecord &p : b.phases)
                out << tr("    %1: %2").arg(phaseName(p.phase), formatDuration(p.durationMs))
                    << Qt::endl;
            if (!b.errorMessage.isEmpty())
                out << tr("  error:    %1").arg(b.errorMessage) << Qt::endl;
        }
        emit done(0);
    };
    if (m_buildId > 0) {
        m_store->build(m_buildId)->onResult(this, [this, print](const Result<Build> &b) {
            if (!b) {
                printError(b.error().toString());
                emit done(1);
                return;
            }
            print(b.value());
        });
        return;
    }
    BuildQuery query;
    query.limit = 1;
    m_store->builds(query)->onResult(this, [this, print](const Result<BuildPage> &page) {
        if (!page || page.value().builds.isEmpty()) {
            printError(page ? tr("no builds yet") : page.error().toString());
            emit done(1);
            return;
        }
        print(page.value().builds.first());
    });
}

void BuildCommand::listBuilds(const BuildQuery &query)
{
    m_store->builds(query)->onResult(this, [this](const Result<BuildPage> &page) {
        if (!page) {
            printError(page.error().toString());
            emit done(1);
            return;
        }
        QTextStream out(stdout);
        for (const Build &b : page.value().builds) {
            out << QStringLiteral("%1\t%2\t%3\t%4\t%5")
                       .arg(b.id)
                       .arg(buildStatusName(b.status), phaseName(b.phase), b.sandboxId,
                            b.createdAt.toLocalTime().toString(Qt::ISODate))
                << Qt::endl;
        }
        emit done(0);
    });
}

void BuildCommand::printLogs(std::optional<Phase> phase)
{
    m_store->readLog(m_buildId, LogSelection{phase, std::nullopt}, 0, -1)
        ->onResult(this, [this](const Result<LogSlice> &slice) {
            if (!slice) {
                printError(slice.error().toString());
                emit done(1);
                return;
            }
            for (const LogSlice::Piece &piece : slice.value().pieces)
                writeTo(piece.stream == LogStream::Stdout ? stdout : stderr, piece.data);
            emit done(0);
        });
}

void BuildCommand::printEvents(qint64 afterId)
{
    m_store->events(m_buildId, afterId)
        ->onResult(this, [this](const Result<QList<BuildEvent>> &events) {
            if (!events) {
                printError(events.error().toString());
                emit done(1);
                return;
            }
            QTextStream out(stdout);
            for (const BuildEvent &e : events.value()) {
                out << QStringLiteral("%1\t%2\t%3\t%4\t%5")
                           .arg(e.id)
                           .arg(e.createdAt.toLocalTime().toString(Qt::ISODateWithMs), e.type,
                                e.phase ? phaseName(*e.phase) : QStringLiteral("-"), e.message)
                    << Qt::endl;
            }
            emit done(0);
        });
}

void BuildCommand::cancelBuild()
{
    if (m_cancelAttempts == 0) {
        connect(m_hub.get(), &BuildHub::buildFinished, this, [this](const Build &b) {
            if (b.id != m_buildId)
                return;
            QTextStream(stderr) << tr("build %1 %2").arg(b.id).arg(buildStatusName(b.status))
                                << Qt::endl;
            m_store->flush()->onResult(this, [this](const Status &) { emit done(0); });
        });
    }
    m_manager->cancel(m_buildId)->onResult(this, [this](const Status &cancelled) {
        if (cancelled)
            return; // the build ends through the hub
        m_store->build(m_buildId)->onResult(this, [this](const Result<Build> &b) {
            if (!b) {
                printError(b.error().toString());
            } else if (b.value().isFinished()) {
                printError(tr("build %1 has already ended (%2)")
                               .arg(m_buildId)
                               .arg(buildStatusName(b.value().status)));
            } else if (b.value().leaseOwner == m_manager->leaseOwner() &&
                       ++m_cancelAttempts < 100) {
                // Re-attached by this process and still being launched: try again shortly.
                QTimer::singleShot(100, this, [this] { cancelBuild(); });
                return;
            } else {
                printError(tr("build %1 is followed by another process (%2); cancel it there")
                               .arg(m_buildId)
                               .arg(b.value().leaseOwner));
            }
            emit done(1);
        });
    });
}

// The one positional argument of cancel, events and logs: a build id.
bool BuildCommand::takeBuildId(const QStringList &arguments, const QString &usage)
{
    bool ok = false;
    m_buildId = arguments.size() == 1 ? arguments.first().toLongLong(&ok) : 0;
    if (ok && m_buildId > 0)
        return true;
    QTextStream(stderr) << usage << Qt::endl;
    return false;
}
