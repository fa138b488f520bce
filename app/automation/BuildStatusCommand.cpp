#include "app/automation/BuildStatusCommand.h"

#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

using namespace vw;

namespace {

QString formatDuration(std::optional<qint64> ms)
{
    if (!ms)
        return QStringLiteral("-");
    return QStringLiteral("%1.%2s").arg(*ms / 1000).arg((*ms % 1000) / 100);
}

} // namespace

bool BuildStatusCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption build(QStringLiteral("build"), tr("The build."), tr("ID"));
    const QCommandLineOption project(QStringLiteral("project"),
                                     tr("The latest build of this project directory."), tr("DIR"));
    const QCommandLineOption sandbox(QStringLiteral("sandbox"), tr("The project's sandbox."),
                                     tr("ID"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions({build, project, sandbox, json});
    if (!parse(parser, arguments))
        return false;
    m_json = parser.isSet(json);
    if (!parser.positionalArguments().isEmpty() ||
        (parser.isSet(build) && (parser.isSet(project) || parser.isSet(sandbox)))) {
        printError(tr("name a build (--build ID) or a project (--project DIR [--sandbox ID]), "
                      "not both"));
        return false;
    }
    if (parser.isSet(build)) {
        const std::optional<qint64> id = positiveNumber(parser.value(build), tr("--build"));
        if (!id)
            return false;
        openStore([this, id = *id] {
            store()->build(id)->onResult(this, [this](const Result<Build> &b) {
                if (b)
                    print(b.value());
                else
                    fail(b.error().toString());
            });
        });
        return true;
    }
    if (parser.isSet(project) || parser.isSet(sandbox)) {
        QString sandboxId = parser.value(sandbox);
        QString directory = parser.value(project);
        if (!resolveProject(&sandboxId, &directory))
            return false;
        openStore([this, sandboxId, directory] {
            findProject(sandboxId, directory, [this](const Project &p) {
                store()->latestBuild(p.id)->onResult(
                    this, [this, p](const Result<std::optional<Build>> &b) {
                        if (!b)
                            fail(b.error().toString());
                        else if (!b.value())
                            fail(tr("no builds of %1 yet").arg(p.directory));
                        else
                            print(*b.value());
                    });
            });
        });
        return true;
    }
    openStore([this] {
        BuildQuery query;
        query.limit = 1;
        store()->builds(query)->onResult(this, [this](const Result<BuildPage> &page) {
            if (!page)
                fail(page.error().toString());
            else if (page.value().builds.isEmpty())
                fail(tr("no builds yet"));
            else
                print(page.value().builds.first());
        });
    });
    return true;
}

QString BuildStatusCommand::describe(const Build &b)
{
    QString text;
    QTextStream out(&text);
    out << tr("build %1 (%2 in %3)")
               .arg(b.id)
               .arg(b.metadata.value(u"directory").toString(), b.sandboxId)
        << '\n'
        << tr("  status:   %1").arg(buildStatusName(b.status)) << '\n'
        << tr("  phase:    %1").arg(phaseName(b.phase)) << '\n'
        << tr("  step:     %1").arg(b.currentStep) << '\n'
        << tr("  progress: %1%").arg(b.progress) << '\n'
        << tr("  started:  %1")
               .arg(b.startedAt.isValid() ? b.startedAt.toLocalTime().toString(Qt::ISODate)
                                          : QStringLiteral("-"))
        << '\n'
        << tr("  duration: %1").arg(formatDuration(b.durationMs)) << '\n';
    for (const PhaseRecord &p : b.phases) {
        out << tr("    %1: %2").arg(phaseName(p.phase), formatDuration(p.durationMs));
        if (p.skipped)
            out << tr(" (skipped: %1)").arg(p.skipReason);
        out << '\n';
    }
    if (!b.isFinished() && b.metadata.contains(u"eta_remaining_ms"))
        out << tr("  eta:      %1 remaining")
                   .arg(formatDuration(b.metadata.value(u"eta_remaining_ms").toInteger()))
            << '\n';
    if (!b.errorMessage.isEmpty())
        out << tr("  error:    %1").arg(b.errorMessage) << '\n';
    return text;
}

void BuildStatusCommand::print(const Build &build)
{
    if (m_json)
        QTextStream(stdout) << QJsonDocument(build.toJson()).toJson(QJsonDocument::Indented);
    else
        QTextStream(stdout) << describe(build);
    finish(0);
}
