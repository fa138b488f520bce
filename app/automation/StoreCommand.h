#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QCommandLineParser;
namespace vw {
class BuildStore;
struct Project;
} // namespace vw
namespace vw::engine {
class BuildHub;
class BuildManager;
class DaytonaConnection;
class EngineSession;
} // namespace vw::engine

// A vaporwatch-cli command on the build database (--db; the GUI's SQLite file by default):
// start_build, build_status, get_live_logs, builds, build_events, cancel_build, project.
// What they share: an EngineSession, the same as the app's — the store, and for commands that run
// or follow builds the engine (sandbox connection, hub, a manager that first re-attaches the
// builds nobody follows, and the relay that brings builds other processes follow onto the hub).
//
// Output: results to stdout, errors to stderr as one sentence; done() carries the exit code
// (0 ok, 1 failed or not found, 2 usage, 130 interrupted).
class StoreCommand : public QObject
{
    Q_OBJECT

public:
    explicit StoreCommand(QString databaseUrl, QObject *parent = nullptr);
    ~StoreCommand() override;

    // Returns false (after printing the usage or why) when the arguments are not usable.
    virtual bool start(const QStringList &arguments) = 0;

    // Prints the connection's warnings (a deprecated variable) to stderr.
    static void printWarnings(const QStringList &warnings);

signals:
    void done(int exitCode);

protected:
    // Parses `arguments` (after the command name) with `parser`; prints the error on failure.
    static bool parse(QCommandLineParser &parser, const QStringList &arguments);
    // A positive number, or nullopt after printing why.
    static std::optional<qint64> positiveNumber(const QString &text, const QString &what);
    // The build of `--build ID`, the only thing besides options (else `usage` is printed).
    static std::optional<qint64> buildIdOption(const QCommandLineParser &parser,
                                               const QString &usage);
    static void printError(const QString &message);

    void openStore(std::function<void()> then);
    void connectEngine(std::function<void()> then);
    // The sandbox and project directory from --sandbox/--project, with the connection's defaults
    // (the local sandbox's sample project without a Daytona key); false after printing why.
    bool resolveProject(QString *sandbox, QString *directory);
    // Finds the stored project (sandbox, directory), then `then(project)`; "no builds" ends the
    // command with 1.
    void findProject(const QString &sandbox, const QString &directory,
                     std::function<void(const vw::Project &)> then);
    // Prints `message` and ends with `exitCode` (after queued log output has been stored).
    void fail(const QString &message, int exitCode = 1);
    void finish(int exitCode);

    vw::BuildStore *store() const;
    vw::engine::BuildHub *hub() const;
    vw::engine::BuildManager *manager() const;
    vw::engine::DaytonaConnection *connection();
    vw::engine::EngineSession *session();

private:
    QString m_databaseUrl;
    bool m_finishing = false;
    std::unique_ptr<vw::engine::EngineSession> m_session;
};
