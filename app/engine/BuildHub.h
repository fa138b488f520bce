#pragma once

#include "models/Build.h"
#include "models/BuildEvent.h"
#include "models/LogStream.h"
#include "models/Phase.h"

#include <QHash>
#include <QObject>
#include <QString>

namespace vw::engine {

// The one place every consumer (views, tray, CLI, MCP, HTTP API) subscribes to: everything the
// build engine does is announced here, as it happens — no polling. The engine (BuildRun,
// BuildManager) calls the announce…() functions; consumers connect to the signals. Builds that
// other processes run on the same store are announced here too, by a StoreChangeRelay.
//
// Order per build: buildCreated first; then buildChanged, eventAdded and logAppended in the order
// the engine made the changes; buildFinished last (after the final buildChanged). eventAdded
// carries the stored event (with its id).
class BuildHub : public QObject
{
    Q_OBJECT

public:
    explicit BuildHub(QObject *parent = nullptr);

    void announceCreated(const vw::Build &build) { emit buildCreated(build); }
    void announceChanged(const vw::Build &build) { emit buildChanged(build); }
    void announceEvent(const vw::BuildEvent &event) { emit eventAdded(event); }
    void announceLog(qint64 buildId, vw::Phase phase, vw::LogStream stream, const QString &text,
                     qint64 from, qint64 to)
    {
        emit logAppended(buildId, phase, stream, text, from, to);
    }
    void announceFinished(const vw::Build &build) { emit buildFinished(build); }
    // An artifact listing runs from announceArtifactsListing() to announceArtifactsListed() or
    // announceArtifactsListingFailed() (ArtifactScanner announces them).
    void announceArtifactsListing(qint64 buildId);
    void announceArtifactsListed(qint64 buildId);
    void announceArtifactsListingFailed(qint64 buildId, const QString &message);
    // Whether the artifacts of `buildId` are being listed now, so a view waits for that listing
    // (artifactsListed or artifactsListingFailed) instead of listing the build a second time.
    bool isListingArtifacts(qint64 buildId) const { return m_artifactListings.contains(buildId); }

signals:
    void buildCreated(const vw::Build &build);
    void buildChanged(const vw::Build &build);
    void eventAdded(const vw::BuildEvent &event);
    // User output of a build (markers removed): `text` is the bytes [from, to) of the build's
    // stored live output (every phase and stream, in arrival order, as LogKind::LiveOutput reads
    // it back).
    void logAppended(qint64 buildId, vw::Phase phase, vw::LogStream stream, const QString &text,
                     qint64 from, qint64 to);
    void buildFinished(const vw::Build &build);
    // The artifact listing of a successful build was stored (after its buildFinished; see
    // ArtifactScanner); read it with BuildStore::artifacts().
    void artifactsListed(qint64 buildId);
    // A listing of the build's artifacts failed; `message` says why (for the user).
    void artifactsListingFailed(qint64 buildId, const QString &message);

private:
    void endArtifactListing(qint64 buildId);

    QHash<qint64, int> m_artifactListings; // build → listings under way
};

} // namespace vw::engine
