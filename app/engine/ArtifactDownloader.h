#pragma once

#include "models/ArtifactListing.h"
#include "models/Error.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <memory>

namespace vw::daytona {
class DaytonaClient;
}

namespace vw::engine {

class ArtifactFileSink;

// Downloads a build's artifacts from its sandbox into a local folder, keeping their paths
// relative to the output directory ("assets/app.js" → <folder>/assets/app.js), one file at a
// time through the toolbox file API (GET /files/download).
//
// - A file appears in the folder only once it arrived whole (ArtifactFileSink: a temporary file
//   beside it, renamed at the end); a failed or cancelled file leaves nothing behind, and an
//   older copy of it stays as it was.
// - A file that fails (gone from the sandbox: 404, refused: 403, the connection dropped, the
//   disk full) is reported with fileFailed() and the others go on; finished() says how many
//   failed.
// - progress() counts the listed sizes: bytesDone only grows and ends at bytesTotal, also when
//   files fail (their bytes count as done).
// - cancel() stops the current transfer, removes its partial file and finishes at once.
class ArtifactDownloader : public QObject
{
    Q_OBJECT

public:
    struct Failure
    {
        QString path; // relative, as listed
        Error error;
    };

    explicit ArtifactDownloader(daytona::DaytonaClient *client, QObject *parent = nullptr);
    // Cancels a download in progress (its partial file is removed).
    ~ArtifactDownloader() override;

    // Starts downloading `paths` (relative to listing.outputDirectory; empty: every listed file)
    // from `sandbox` into `targetDirectory`. False (and nothing started) while another download
    // runs, or for a listing without an output directory; paths not in the listing, or leaving
    // the folder ("../x"), fail one by one.
    bool start(const QString &sandbox, const ArtifactListing &listing, const QStringList &paths,
               const QString &targetDirectory);
    void cancel();

    bool isRunning() const { return m_running; }
    bool wasCanceled() const { return m_canceled; }
    QList<Failure> failures() const { return m_failures; }
    QStringList downloaded() const { return m_downloaded; } // relative paths, in order
    qint64 bytesTotal() const { return m_bytesTotal; }

signals:
    void started(int fileCount, qint64 bytesTotal);
    void progress(qint64 bytesDone, qint64 bytesTotal, const QString &currentPath);
    void fileDownloaded(const QString &path, const QString &localPath);
    void fileFailed(const QString &path, const vw::Error &error);
    // Once per start(): ok when every file arrived; otherwise a sentence for people.
    void finished(bool ok, const QString &message);

private:
    struct Item
    {
        QString path;
        qint64 size = 0;
    };

    void next();
    void finishItem(const Item &item);
    void fail(const Item &item, const Error &error);
    void end();

    QPointer<daytona::DaytonaClient> m_client;
    QString m_sandbox;
    QString m_remoteRoot;
    QString m_target;
    QList<Item> m_items;
    qsizetype m_next = 0;
    qint64 m_bytesTotal = 0;
    qint64 m_bytesFinished = 0; // of the files already done (listed sizes)
    qint64 m_lastReported = 0;
    std::shared_ptr<ArtifactFileSink> m_sink; // the file being downloaded
    quint64 m_generation = 0; // answers of an earlier (cancelled) transfer are ignored
    bool m_running = false;
    bool m_canceled = false;
    QList<Failure> m_failures;
    QStringList m_downloaded;
};

} // namespace vw::engine
