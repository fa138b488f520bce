#pragma once

#include "app/daytona/DaytonaConfig.h"
#include "models/AsyncJob.h"

#include <QObject>
#include <QString>

#include <memory>

namespace vw::daytona {
class DaytonaClient;
}
namespace vw::engine {
class LocalSandbox;
}

// How every vaporwatch-cli command reaches its sandboxes: the Daytona API from DAYTONA_API_URL
// and DAYTONA_API_KEY (the same variables the GUI honours), or, without a key, the embedded
// local sandbox (`local`, started on demand and shared with the GUI). Warnings about the
// environment (a deprecated variable) go to stderr when the connection is made.
class DaytonaConnection : public QObject
{
    Q_OBJECT

public:
    explicit DaytonaConnection(QObject *parent = nullptr);
    ~DaytonaConnection() override;

    // True when no DAYTONA_API_KEY is set and the local sandbox is used.
    bool usesLocalSandbox() const;
    // The sandbox and project directory a command uses when none is given: the local sandbox and
    // its sample project; empty with a Daytona key (the user must name them).
    QString defaultSandbox() const;
    QString defaultProject() const;

    // Finishes with the client (owned by this connection) once the API is reachable in
    // principle: at once with a key, after the local sandboxd runs without one.
    vw::AsyncJobOf<vw::daytona::DaytonaClient *> *connectClient();

private:
    vw::daytona::DaytonaConfig m_config;
    std::unique_ptr<vw::engine::LocalSandbox> m_local;
    std::unique_ptr<vw::daytona::DaytonaClient> m_client;
};
