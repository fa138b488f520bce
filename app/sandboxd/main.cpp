// vaporwatch-sandboxd: a local Daytona-compatible sandbox server on 127.0.0.1.
#include "app/sandboxd/Sandbox.h"
#include "app/sandboxd/SandboxRegistry.h"
#include "app/sandboxd/SandboxServer.h"
#include "app/sandboxd/TerminationSignalWatcher.h"
#include "models/Log.h"
#include "models/TokenFile.h"
#include "models/Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTemporaryDir>

#include <cstdio>
#include <optional>

namespace {

struct SandboxSpec
{
    QString name;
    QString directory;
    QMap<QString, QString> labels;
};

// The state file tells other processes (the app, the CLI) where a detached sandboxd listens.
// It holds no secret: the token stays in the token file.
QJsonObject stateFor(const QString &baseUrl)
{
    return {{QStringLiteral("url"), baseUrl},
            {QStringLiteral("pid"), QCoreApplication::applicationPid()},
            {QStringLiteral("version"), QString::fromLatin1(vw::kVersion)}};
}

bool writeStateFile(const QString &path, const QJsonObject &state)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(state).toJson(QJsonDocument::Compact) + '\n');
    return file.commit();
}

// Removes the state file unless another sandboxd has written its own there since.
void removeStateFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject state = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    if (state.value(QStringLiteral("pid")).toInteger() == QCoreApplication::applicationPid())
        QFile::remove(path);
}

int fail(const QString &message)
{
    std::fprintf(stderr, "vaporwatch-sandboxd: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace vw::sandboxd;

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vaporwatch-sandboxd"));
    QCoreApplication::setOrganizationName(QString::fromLatin1(vw::kOrganization));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(vw::kVersion));
    vw::log::installQtMessageHandler();

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "A local Daytona-compatible sandbox server: the Daytona API on 127.0.0.1, "
                "running sandbox commands on this machine."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QCoreApplication::translate("main", "TCP port on 127.0.0.1 (0 picks a free one)."),
        QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption tokenFileOption(
        QStringLiteral("token-file"),
        QCoreApplication::translate("main", "File holding the API bearer token; created with a "
                                            "random token (mode 0600) when it does not exist."),
        QStringLiteral("file"));
    const QCommandLineOption sandboxOption(
        QStringLiteral("sandbox"),
        QCoreApplication::translate("main", "A sandbox named NAME working in DIR (repeatable). "
                                            "Without any, one sandbox \"default\" in a "
                                            "temporary directory."),
        QStringLiteral("NAME=DIR"));
    const QCommandLineOption labelOption(
        QStringLiteral("label"),
        QCoreApplication::translate("main", "Label KEY=VALUE on the sandbox NAME (repeatable)."),
        QStringLiteral("NAME:KEY=VALUE"));
    const QCommandLineOption stateFileOption(
        QStringLiteral("state-file"),
        QCoreApplication::translate("main", "When ready, write {url, pid, version} as JSON to "
                                            "this file (mode 0600); removed on exit."),
        QStringLiteral("file"));
    parser.addOptions({portOption, tokenFileOption, sandboxOption, labelOption, stateFileOption});
    parser.process(app);

    bool portValid = false;
    const uint port = parser.value(portOption).toUInt(&portValid);
    if (!portValid || port > 65535)
        return fail(QCoreApplication::translate("main", "--port must be a number from 0 to 65535"));
    if (!parser.isSet(tokenFileOption))
        return fail(QCoreApplication::translate("main", "--token-file is required"));

    QList<SandboxSpec> specs;
    for (const QString &value : parser.values(sandboxOption)) {
        const qsizetype equals = value.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals == value.size() - 1)
            return fail(QCoreApplication::translate("main", "--sandbox wants NAME=DIR, got \"%1\"")
                            .arg(value));
        specs.append({value.left(equals), value.mid(equals + 1), {}});
    }
    // Without --sandbox: one sandbox in a fresh directory that goes away with sandboxd.
    std::optional<QTemporaryDir> defaultDirectory;
    if (specs.isEmpty()) {
        defaultDirectory.emplace(QDir::tempPath() + QStringLiteral("/vaporwatch-sandbox-XXXXXX"));
        if (!defaultDirectory->isValid())
            return fail(QCoreApplication::translate("main", "cannot create a temporary directory"));
        specs.append({QStringLiteral("default"), defaultDirectory->path(), {}});
    }
    for (const QString &value : parser.values(labelOption)) {
        const qsizetype colon = value.indexOf(QLatin1Char(':'));
        const qsizetype equals = value.indexOf(QLatin1Char('='), colon + 1);
        auto spec = std::find_if(specs.begin(), specs.end(), [&](const SandboxSpec &candidate) {
            return colon > 0 && candidate.name == value.left(colon);
        });
        if (colon <= 0 || equals <= colon + 1 || spec == specs.end())
            return fail(QCoreApplication::translate(
                            "main", "--label wants NAME:KEY=VALUE for a given sandbox, got "
                                    "\"%1\"")
                            .arg(value));
        spec->labels.insert(value.mid(colon + 1, equals - colon - 1), value.mid(equals + 1));
    }

    const auto token = vw::TokenFile::loadOrCreate(parser.value(tokenFileOption));
    if (!token)
        return fail(token.error().message);
    vw::log::registerSecret(token.value());

    // Command scripts, FIFOs and logs of this run; removed on exit.
    QTemporaryDir scratch(QDir::tempPath() + QStringLiteral("/vaporwatch-sandboxd-XXXXXX"));
    if (!scratch.isValid())
        return fail(QCoreApplication::translate("main", "cannot create a temporary directory"));

    auto *registry = new SandboxRegistry;
    for (const SandboxSpec &spec : specs) {
        if (!registry->add(new Sandbox(spec.name, spec.directory, spec.labels, scratch.path())))
            return fail(QCoreApplication::translate("main", "sandbox name \"%1\" given twice")
                            .arg(spec.name));
    }
    SandboxServer server(token.value(), registry);
    const auto listening = server.listen(quint16(port));
    if (!listening)
        return fail(listening.error().message);

    TerminationSignalWatcher termination;
    QObject::connect(&termination, &TerminationSignalWatcher::terminationRequested, &app,
                     [](int) { QCoreApplication::quit(); });

    const auto logger = vw::log::get("sandboxd");
    for (const Sandbox *sandbox : registry->all())
        logger->info("sandbox {} ({}) in {}", sandbox->name(), sandbox->id(), sandbox->directory());
    const QString stateFile = parser.value(stateFileOption);
    if (!stateFile.isEmpty() && !writeStateFile(stateFile, stateFor(server.baseUrl())))
        return fail(
            QCoreApplication::translate("main", "cannot write the state file %1").arg(stateFile));
    std::printf("listening on %s\n", qPrintable(server.baseUrl()));
    std::fflush(stdout);
    const int status = app.exec();
    if (!stateFile.isEmpty())
        removeStateFile(stateFile);
    return status;
}
