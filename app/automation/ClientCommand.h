#pragma once

#include <QObject>
#include <QStringList>

namespace vw::daytona {
class DaytonaClient;
}
namespace vw::engine {
class DaytonaConnection;
}

// A vaporwatch-cli command that works on sandboxes through a connected DaytonaClient. main()
// connects (DaytonaConnection), creates the command by its name and calls start() with the
// arguments after the name. Results go to stdout, errors to stderr as one sentence; done()
// carries the process exit code.
class ClientCommand : public QObject
{
    Q_OBJECT

public:
    explicit ClientCommand(vw::daytona::DaytonaClient *client, QObject *parent = nullptr)
        : QObject(parent)
        , m_client(client)
    {
    }

    // Returns false (after printing the usage or why) when the arguments are not usable; the
    // process then exits with 2.
    virtual bool start(const QStringList &arguments) = 0;

    // How the client was made; it knows the default sandbox and project (the local sandbox's
    // sample without a Daytona account).
    void setConnection(const vw::engine::DaytonaConnection *connection)
    {
        m_connection = connection;
    }

signals:
    void done(int exitCode);

protected:
    vw::daytona::DaytonaClient *client() const { return m_client; }
    const vw::engine::DaytonaConnection *connection() const { return m_connection; }

private:
    vw::daytona::DaytonaClient *m_client;
    const vw::engine::DaytonaConnection *m_connection = nullptr;
};
