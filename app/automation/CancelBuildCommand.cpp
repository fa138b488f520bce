#include "app/automation/CancelBuildCommand.h"

#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

using namespace vw;
using namespace vw::engine;

bool CancelBuildCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption build(QStringLiteral("build"), tr("The build."), tr("ID"));
    parser.addOption(build);
    if (!parse(parser, arguments))
        return false;
    const std::optional<qint64> id = buildIdOption(parser, tr("usage: cancel_build --build ID"));
    if (!id)
        return false;
    m_buildId = *id;
    openStore([this] {
        connectEngine([this] {
            connect(hub(), &BuildHub::buildFinished, this, [this](const Build &b) {
                if (b.id != m_buildId)
                    return;
                QTextStream(stderr)
                    << tr("build %1 %2").arg(b.id).arg(buildStatusName(b.status)) << Qt::endl;
                finish(0);
            });
            cancel();
        });
    });
    return true;
}

void CancelBuildCommand::cancel()
{
    manager()->cancel(m_buildId)->onResult(this, [this](const Status &cancelled) {
        if (cancelled)
            return; // the build ends through the hub
        store()->build(m_buildId)->onResult(this, [this, cancelled](const Result<Build> &b) {
            if (!b) {
                fail(b.error().toString());
            } else if (b.value().isFinished()) {
                fail(tr("build %1 has already ended (%2)")
                         .arg(m_buildId)
                         .arg(buildStatusName(b.value().status)));
            } else if (b.value().leaseOwner == manager()->leaseOwner() && ++m_attempts < 100) {
                // Re-attached by this process and still being launched: try again shortly.
                QTimer::singleShot(100, this, [this] { cancel(); });
            } else {
                fail(tr("build %1 cannot be cancelled: %2")
                         .arg(m_buildId)
                         .arg(cancelled.error().message));
            }
        });
    });
}
