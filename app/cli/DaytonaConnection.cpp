#include "app/cli/DaytonaConnection.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/LocalSandbox.h"

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QTextStream>

using vw::daytona::DaytonaClient;
using vw::daytona::DaytonaConfig;
using vw::engine::LocalSandbox;

DaytonaConnection::DaytonaConnection(QObject *parent)
    : QObject(parent)
{
    QStringList warnings;
    m_config = DaytonaConfig().withEnvironment(QProcessEnvironment::systemEnvironment(), &warnings);
    for (const QString &warning : std::as_const(warnings))
        QTextStream(stderr)
            << QCoreApplication::translate("DaytonaConnection", "warning: %1").arg(warning)
            << Qt::endl;
}

DaytonaConnection::~DaytonaConnection() = default;

bool DaytonaConnection::usesLocalSandbox() const
{
    return !m_config.hasApiKey();
}

QString DaytonaConnection::defaultSandbox() const
{
    return usesLocalSandbox() ? LocalSandbox::kSandboxName : QString();
}

QString DaytonaConnection::defaultProject() const
{
    return usesLocalSandbox() ? LocalSandbox::kSampleProject : QString();
}

vw::AsyncJobOf<DaytonaClient *> *DaytonaConnection::connectClient()
{
    auto *job = new vw::AsyncJobOf<DaytonaClient *>(this);
    if (m_client) {
        job->succeed(m_client.get());
        return job;
    }
    if (!usesLocalSandbox()) {
        m_client = std::make_unique<DaytonaClient>(m_config);
        job->succeed(m_client.get());
        return job;
    }
    m_local = std::make_unique<LocalSandbox>();
    m_local->ensureRunning()->onResult(this, [this, job](const vw::Result<DaytonaConfig> &c) {
        if (!c) {
            job->fail(c.error());
            return;
        }
        m_client = std::make_unique<DaytonaClient>(c.value());
        job->succeed(m_client.get());
    });
    return job;
}
