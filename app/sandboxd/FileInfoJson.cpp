#include "app/sandboxd/FileInfoJson.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

namespace vw::sandboxd {

namespace {

struct stat statOf(const QFileInfo &info)
{
    struct stat status
    {
    };
    ::lstat(QFile::encodeName(info.absoluteFilePath()).constData(), &status);
    return status;
}

} // namespace

QString FileInfoJson::modeString(const QFileInfo &info)
{
    const mode_t mode = statOf(info).st_mode;
    QString text;
    if (S_ISDIR(mode))
        text += QLatin1Char('d');
    else if (S_ISLNK(mode))
        text += QLatin1Char('L');
    else if (S_ISFIFO(mode))
        text += QLatin1Char('p');
    else if (S_ISSOCK(mode))
        text += QLatin1Char('S');
    else if (S_ISCHR(mode))
        text += QStringLiteral("Dc");
    else if (S_ISBLK(mode))
        text += QLatin1Char('D');
    else
        text += QLatin1Char('-');
    static constexpr char kRwx[] = "rwxrwxrwx";
    for (int bit = 0; bit < 9; ++bit)
        text += (mode & (mode_t(1) << (8 - bit))) ? QLatin1Char(kRwx[bit]) : QLatin1Char('-');
    return text;
}

QJsonObject FileInfoJson::describe(const QFileInfo &info)
{
    const struct stat status = statOf(info);
    const mode_t mode = status.st_mode;
    const QDateTime modified = info.lastModified().toUTC();
    return {
        {QStringLiteral("name"), info.fileName()},
        {QStringLiteral("size"), double(status.st_size)},
        {QStringLiteral("isDir"), info.isDir()},
        {QStringLiteral("mode"), modeString(info)},
        {QStringLiteral("permissions"),
         QStringLiteral("%1").arg(uint(mode & 0777), 4, 8, QLatin1Char('0'))},
        {QStringLiteral("owner"), info.owner()},
        {QStringLiteral("group"), info.group()},
        {QStringLiteral("modifiedAt"), modified.toString(Qt::ISODate)},
        {QStringLiteral("modTime"),
         modified.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss +0000 'UTC'"))},
    };
}

} // namespace vw::sandboxd
