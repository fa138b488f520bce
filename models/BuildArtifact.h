#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace vw {

// One file a successful build left in its output directory (table `build_artifacts`). Only
// files are listed; the directories are implied by the paths.
struct BuildArtifact
{
    QString path;         // relative to the output directory, '/'-separated, e.g. "assets/app.js"
    qint64 sizeBytes = 0; // as the sandbox reported it when the list was taken
    QDateTime modifiedAt; // invalid when the sandbox did not say

    QJsonObject toJson() const;

    friend bool operator==(const BuildArtifact &, const BuildArtifact &) = default;
};

} // namespace vw
