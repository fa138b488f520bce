#include "app/automation/ArtifactsCommand.h"

#include "app/engine/ArtifactDownloader.h"
#include "app/engine/ArtifactScanner.h"
#include "app/engine/DaytonaConnection.h"
#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QJsonDocument>
#include <QTextStream>

using namespace vw;

bool ArtifactsCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption build(QStringLiteral("build"), tr("The build."), tr("ID"));
    const QCommandLineOption downloadTo(QStringLiteral("download"),
                                        tr("Download the artifacts into DIR."), tr("DIR"));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON."));
    parser.addOptions({build, downloadTo, json});
    parser.addPositionalArgument(QStringLiteral("BUILD_ID"), tr("The build."));
    if (!parse(parser, arguments))
        return false;
    const QString usage = tr("usage: artifacts BUILD_ID [--download DIR] [--json]");
    const QStringList positional = parser.positionalArguments();
    if (positional.size() == 1 && !parser.isSet(build)) {
        const std::optional<qint64> id = positiveNumber(positional.first(), tr("BUILD_ID"));
        if (!id)
            return false;
        m_buildId = *id;
    } else {
        const std::optional<qint64> id = buildIdOption(parser, usage);
        if (!id)
            return false;
        m_buildId = *id;
    }
    if (parser.isSet(downloadTo)) {
        m_downloadDirectory = QDir(parser.value(downloadTo)).absolutePath();
        if (parser.value(downloadTo).isEmpty()) {
            printError(usage);
            return false;
        }
    }
    m_json = parser.isSet(json);
    openStore([this] {
        store()->build(m_buildId)->onResult(this, [this](const Result<Build> &b) {
            if (!b) {
                fail(b.error().toString());
                return;
            }
            if (b.value().status != BuildStatus::Success) {
                fail(tr("build %1 is %2: only a successful build has artifacts")
                         .arg(m_buildId)
                         .arg(buildStatusName(b.value().status)));
                return;
            }
            withListing(b.value());
        });
    });
    return true;
}

void ArtifactsCommand::withListing(const Build &build)
{
    store()->artifacts(build.id)->onResult(
        this, [this, build](const Result<std::optional<ArtifactListing>> &stored) {
            if (!stored) {
                fail(stored.error().toString());
                return;
            }
            if (stored.value() && m_downloadDirectory.isEmpty()) {
                present(build, *stored.value());
                finish(0);
                return;
            }
            // Listing or downloading needs the sandbox.
            connection()->connectClient()->onResult(
                this, [this, build, stored](const Result<daytona::DaytonaClient *> &client) {
                    if (!client) {
                        fail(client.error().toString());
                        return;
                    }
                    if (stored.value()) {
                        present(build, *stored.value());
                        download(build, *stored.value(), client.value());
                        return;
                    }
                    auto *scanner =
                        new engine::ArtifactScanner(client.value(), store(), hub(), this);
                    scanner->scan(build.id)->onResult(
                        this, [this, build,
                               client = client.value()](const Result<ArtifactListing> &listing) {
                            if (!listing) {
                                fail(listing.error().toString());
                                return;
                            }
                            present(build, listing.value());
                            if (m_downloadDirectory.isEmpty())
                                finish(0);
                            else
                                download(build, listing.value(), client);
                        });
                });
        });
}

void ArtifactsCommand::present(const Build &build, const ArtifactListing &listing)
{
    QTextStream out(stdout);
    if (m_json) {
        out << QJsonDocument(listing.toJson()).toJson(QJsonDocument::Indented);
        out.flush();
        return;
    }
    if (listing.outputDirectory.isEmpty()) {
        out << tr("build %1: no output directory was found").arg(build.id) << Qt::endl;
        return;
    }
    out << tr("build %1: %2").arg(build.id).arg(listing.outputDirectory) << Qt::endl;
    for (const BuildArtifact &file : listing.files)
        out << file.path << '\t' << file.sizeBytes << Qt::endl;
    out << tr("%n file(s), %1 bytes", nullptr, int(listing.files.size())).arg(listing.totalBytes());
    if (listing.truncated)
        out << tr(" (the listing was cut short: %1)").arg(listing.reason);
    out << Qt::endl;
}

void ArtifactsCommand::download(const Build &build, const ArtifactListing &listing,
                                daytona::DaytonaClient *client)
{
    if (listing.files.isEmpty()) {
        fail(tr("build %1 has no artifacts to download").arg(build.id));
        return;
    }
    auto *downloader = new engine::ArtifactDownloader(client, this);
    connect(downloader, &engine::ArtifactDownloader::fileDownloaded, this,
            [this](const QString &, const QString &localPath) {
                if (!m_json)
                    QTextStream(stdout) << tr("downloaded %1").arg(localPath) << Qt::endl;
            });
    connect(downloader, &engine::ArtifactDownloader::fileFailed, this,
            [](const QString &, const Error &error) { printError(error.message); });
    connect(downloader, &engine::ArtifactDownloader::finished, this,
            [this](bool ok, const QString &message) {
                if (ok)
                    finish(0);
                else
                    fail(message);
            });
    if (!downloader->start(build.sandboxId, listing, {}, m_downloadDirectory))
        fail(tr("the download could not start"));
}
