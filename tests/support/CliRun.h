#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace vw::test {

// One run of a command-line program to its end: exit code (-1 when it crashed or hung) and
// everything it wrote.
struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// The environment of a Vaporwatch program run as a user whose home is `home`: its settings,
// database and local sandbox live there, and no Daytona key, database URL or password of the
// machine's user leaks in (so it uses the embedded local sandbox).
inline QProcessEnvironment privateHomeEnvironment(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), home + QStringLiteral("/state"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    for (const char *name : {"DAYTONA_API_KEY", "DAYTONA_API_URL", "DAYTONA_SERVER_URL",
                             "VAPORWATCH_DB", "PGPASSWORD"})
        env.remove(QString::fromLatin1(name));
    return env;
}

// Where such a program keeps its local sandbox (LocalSandbox::defaultDirectory() there).
inline QString privateHomeSandboxDirectory(const QString &home)
{
    return home + QStringLiteral("/data/Vaporwatch/vaporwatch/local-sandbox");
}

inline CliRun runCli(const QString &program, const QStringList &arguments,
                     const QProcessEnvironment &environment, int timeoutMs = 120'000,
                     const QString &workingDirectory = {})
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(workingDirectory);
    process.start(program, arguments);
    CliRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace vw::test
