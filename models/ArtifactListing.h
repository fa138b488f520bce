#pragma once

#include "models/BuildArtifact.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace vw {

// What was found in a build's output directory after it succeeded (tables `build_outputs` and
// `build_artifacts`). A listing with no files says why in `reason`.
struct ArtifactListing
{
    // Why a listing has no (or not all) files; stored as these tokens so every reader can word
    // them in its own language.
    static inline const QString kNoOutputDirectory = QStringLiteral("no-output-directory");
    static inline const QString kEmptyDirectory = QStringLiteral("empty-directory");
    static inline const QString kListingFailed = QStringLiteral("listing-failed");
    static inline const QString kTooManyEntries = QStringLiteral("too-many-entries");
    static inline const QString kTooDeep = QStringLiteral("too-deep");

    qint64 buildId = 0;
    // The directory that was listed: an absolute path inside the build's sandbox; empty when no
    // output directory was found.
    QString outputDirectory;
    QString reason;         // one of the tokens above; empty when everything was listed
    bool truncated = false; // a bound stopped the listing: `files` is not all there is
    QDateTime listedAt;
    QList<BuildArtifact> files; // sorted by path

    qint64 totalBytes() const
    {
        qint64 total = 0;
        for (const BuildArtifact &file : files)
            total += file.sizeBytes;
        return total;
    }

    QJsonObject toJson() const;

    friend bool operator==(const ArtifactListing &, const ArtifactListing &) = default;
};

} // namespace vw
