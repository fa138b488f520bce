#include "models/TokenFile.h"

#include "models/RandomToken.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace vw {

Result<QString> TokenFile::loadOrCreate(const QString &path)
{
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return Error{QStringLiteral("TOKEN_FILE"),
                         QStringLiteral("cannot read the token file %1: %2")
                             .arg(path, existing.errorString())};
        const QString token = QString::fromUtf8(existing.readAll()).trimmed();
        if (token.isEmpty())
            return Error{QStringLiteral("TOKEN_FILE"),
                         QStringLiteral("the token file %1 is empty").arg(path)};
        return token;
    }

    // O_EXCL with mode 0600 from the start: there is no moment where the file is readable by
    // others, and a file created by someone else in between is not silently reused.
    const QString token = RandomToken::hex256();
    const QByteArray nativePath = QFile::encodeName(path);
    const int fd = ::open(nativePath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{QStringLiteral("TOKEN_FILE"),
                     QStringLiteral("cannot create the token file %1: %2")
                         .arg(path, QString::fromLocal8Bit(strerror(errno)))};
    const QByteArray bytes = token.toLatin1() + '\n';
    const bool written = ::write(fd, bytes.constData(), size_t(bytes.size())) == bytes.size();
    ::close(fd);
    if (!written)
        return Error{QStringLiteral("TOKEN_FILE"),
                     QStringLiteral("cannot write the token file %1").arg(path)};
    return token;
}

} // namespace vw
