#include "app/engine/ArtifactDownloader.h"

#include "app/daytona/DaytonaClient.h"
#include "app/engine/ArtifactFileSink.h"
#include "models/Log.h"

#include <QDir>
#include <QHash>

#include <algorithm>

namespace vw::engine {

namespace {

// A listed path that stays inside the target folder, or empty.
QString safeRelativePath(const QString &path)
{
    if (path.isEmpty() || path.startsWith(QLatin1Char('/')) || path.contains(QChar(0)))
        return {};
    const QString clean = QDir::cleanPath(path);
    if (clean == QLatin1String(".") || clean == QLatin1String("..") ||
        clean.startsWith(QLatin1String("../")))
        return {};
    return clean;
}

} // namespace

ArtifactDownloader::ArtifactDownloader(daytona::DaytonaClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

ArtifactDownloader::~ArtifactDownloader()
{
    if (m_sink)
        m_sink->discard();
}

bool ArtifactDownloader::start(const QString &sandbox, const ArtifactListing &listing,
                               const QStringList &paths, const QString &targetDirectory)
{
    if (m_running || listing.outputDirectory.isEmpty() || targetDirectory.isEmpty())
        return false;
    QHash<QString, qint64> sizes;
    for (const BuildArtifact &file : listing.files)
        sizes.insert(file.path, file.sizeBytes);
    m_items.clear();
    if (paths.isEmpty()) {
        for (const BuildArtifact &file : listing.files)
            m_items.append(Item{file.path, file.sizeBytes});
    } else {
        for (const QString &path : paths) {
            if (std::none_of(m_items.cbegin(), m_items.cend(),
                             [&path](const Item &item) { return item.path == path; }))
                m_items.append(Item{path, sizes.value(path, -1)});
        }
    }
    m_sandbox = sandbox;
    m_remoteRoot = listing.outputDirectory;
    m_target = targetDirectory;
    m_next = 0;
    m_bytesTotal = 0;
    for (const Item &item : std::as_const(m_items))
        m_bytesTotal += std::max<qint64>(item.size, 0);
    m_bytesFinished = 0;
    m_lastReported = 0;
    m_failures.clear();
    m_downloaded.clear();
    m_canceled = false;
    m_running = true;
    log::get("engine")->info("downloading {} artifacts ({} bytes) from {} in sandbox {} to {}",
                             m_items.size(), m_bytesTotal, m_remoteRoot, m_sandbox, m_target);
    emit started(int(m_items.size()), m_bytesTotal);
    emit progress(0, m_bytesTotal, QString());
    next();
    return true;
}

void ArtifactDownloader::next()
{
    if (!m_running)
        return;
    if (m_next >= m_items.size()) {
        end();
        return;
    }
    const Item item = m_items.at(m_next++);
    const QString relative = safeRelativePath(item.path);
    if (item.size < 0) {
        fail(item, Error{QStringLiteral("NOT_LISTED"),
                         tr("%1 is not one of the build's artifacts.").arg(item.path), 0});
        return;
    }
    if (relative.isEmpty()) {
        fail(item, Error{QStringLiteral("UNSAFE_PATH"),
                         tr("%1 would be saved outside the chosen folder.").arg(item.path), 0});
        return;
    }
    if (!m_client) {
        fail(item, Error{QStringLiteral("NOT_CONNECTED"),
                         tr("There is no connection to the sandbox."), 0});
        return;
    }
    auto sink = std::make_shared<ArtifactFileSink>(QDir(m_target).filePath(relative));
    if (!sink->openForDownload()) {
        fail(item, Error{QStringLiteral("WRITE_FAILED"),
                         tr("Cannot write %1: %2").arg(sink->path(), sink->errorString()), 0});
        return;
    }
    m_sink = sink;
    const quint64 generation = ++m_generation;
    emit progress(m_bytesFinished, m_bytesTotal, item.path);
    connect(sink.get(), &ArtifactFileSink::receivedChanged, this,
            [this, item, generation](qint64 received) {
                if (generation != m_generation || !m_running)
                    return;
                // Listed sizes: a file that grew since it was listed does not run past its share.
                const qint64 done = m_bytesFinished + std::min(received, item.size);
                if (done > m_lastReported) {
                    m_lastReported = done;
                    emit progress(done, m_bytesTotal, item.path);
                }
            });
    const QString remote = m_remoteRoot + QLatin1Char('/') + relative;
    m_client->downloadFile(m_sandbox, remote, sink.get())
        ->onResult(this, [this, item, sink, generation](const Result<qint64> &bytes) {
            if (generation != m_generation || !m_running)
                return; // cancelled: the sink was discarded already
            m_sink.reset();
            if (!bytes) {
                sink->discard();
                Error error = bytes.error();
                QString why = error.message;
                if (error.httpStatus >= 200 && error.httpStatus < 300) {
                    // The answer began well and then broke off: the connection was lost.
                    error = Error{QStringLiteral("CONNECTION_LOST"), QString(), 0};
                    why = tr("the connection to the sandbox was lost during the transfer");
                } else if (error.httpStatus == 404)
                    why = tr("it is no longer in the sandbox (HTTP 404)");
                else if (error.httpStatus == 403)
                    why = tr("the sandbox refused to read it (HTTP 403)");
                else if (error.httpStatus == 400)
                    why = tr("the sandbox cannot send it (HTTP 400)");
                fail(item, Error{error.code, tr("Cannot download %1: %2").arg(item.path, why),
                                 error.httpStatus});
                return;
            }
            if (!sink->commit()) {
                fail(item,
                     Error{QStringLiteral("WRITE_FAILED"),
                           tr("Cannot write %1: %2").arg(sink->path(), sink->errorString()), 0});
                return;
            }
            m_downloaded.append(item.path);
            emit fileDownloaded(item.path, sink->path());
            finishItem(item);
        });
}

void ArtifactDownloader::finishItem(const Item &item)
{
    m_bytesFinished += std::max<qint64>(item.size, 0);
    if (m_bytesFinished > m_lastReported) {
        m_lastReported = m_bytesFinished;
        emit progress(m_bytesFinished, m_bytesTotal, item.path);
    }
    next();
}

void ArtifactDownloader::fail(const Item &item, const Error &error)
{
    log::get("engine")->warn("artifact download failed: {}", error.toString());
    m_failures.append(Failure{item.path, error});
    emit fileFailed(item.path, error);
    finishItem(item);
}

void ArtifactDownloader::cancel()
{
    if (!m_running)
        return;
    ++m_generation;
    if (m_sink) {
        m_sink->discard();
        m_sink.reset();
    }
    m_canceled = true;
    m_running = false;
    log::get("engine")->info("artifact download cancelled after {} of {} files",
                             m_downloaded.size(), m_items.size());
    emit finished(false, tr("The download was cancelled."));
}

void ArtifactDownloader::end()
{
    m_running = false;
    if (m_failures.isEmpty()) {
        emit finished(true, tr("Downloaded %n file(s).", nullptr, int(m_downloaded.size())));
        return;
    }
    QString message = tr("%n file(s) could not be downloaded", nullptr, int(m_failures.size()));
    message += QStringLiteral(": ") + m_failures.constFirst().error.message;
    if (m_failures.size() > 1)
        message += QStringLiteral(" …");
    emit finished(false, message);
}

} // namespace vw::engine
