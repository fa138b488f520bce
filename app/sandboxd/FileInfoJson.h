#pragma once

#include <QJsonObject>

class QFileInfo;

namespace vw::sandboxd {

// The daemon's FileInfo (daytona-api.md §4): name, size, isDir, mode ("-rw-r--r--"),
// permissions ("0644"), owner, group, modifiedAt (RFC 3339) and the deprecated modTime.
class FileInfoJson
{
public:
    static QJsonObject describe(const QFileInfo &info);
    // Go's FileMode.String() for the mode bits of a path.
    static QString modeString(const QFileInfo &info);
};

} // namespace vw::sandboxd
