#include "models/DatabaseUrl.h"

#include "models/Version.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

namespace vw {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("vw::DatabaseUrl", text);
}

Error badUrl(const QString &message)
{
    return Error{QStringLiteral("BAD_URL"), message, 0};
}

} // namespace

DatabaseUrl DatabaseUrl::sqlite(const QString &path)
{
    DatabaseUrl url;
    url.m_backend = Backend::Sqlite;
    url.m_path = path;
    return url;
}

QString DatabaseUrl::defaultSqlitePath()
{
    // The GUI's AppDataLocation (<data>/Vaporwatch/vaporwatch), spelt out so that the CLI and
    // every other program of the suite, whatever its application name, share the same file.
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("%1/vaporwatch/vaporwatch.sqlite")
                      .arg(QString::fromLatin1(kOrganization)));
}

Result<DatabaseUrl> DatabaseUrl::parse(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty())
        return sqlite(defaultSqlitePath());
    if (text == QStringLiteral("sqlite::memory:") || text == inMemoryPath())
        return sqlite(inMemoryPath());

    const qsizetype schemeEnd = text.indexOf(QStringLiteral("://"));
    if (schemeEnd < 0)
        return sqlite(text); // a plain file path
    const QString scheme = text.left(schemeEnd).toLower();

    if (scheme == QStringLiteral("sqlite")) {
        const QString path = QUrl::fromPercentEncoding(text.mid(schemeEnd + 3).toUtf8());
        if (path.isEmpty())
            return badUrl(tr("The SQLite URL names no file (use sqlite:///path/to/file)."));
        return sqlite(path);
    }
    if (scheme != QStringLiteral("postgres") && scheme != QStringLiteral("postgresql"))
        return badUrl(tr("Unknown database URL scheme \"%1\": use a file path, sqlite:///path or "
                         "postgres://user:password@host:port/database.")
                          .arg(scheme));

    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return badUrl(tr("The PostgreSQL URL is not valid (expected "
                         "postgres://user:password@host:port/database)."));
    DatabaseUrl result;
    result.m_backend = Backend::Postgres;
    result.m_host = url.host(QUrl::FullyDecoded);
    result.m_port = url.port(-1);
    result.m_user = url.userName(QUrl::FullyDecoded);
    result.m_password = url.password(QUrl::FullyDecoded);
    QString path = url.path(QUrl::FullyDecoded);
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    if (path.contains(QLatin1Char('/')))
        return badUrl(tr("The PostgreSQL URL's path must be just the database name."));
    result.m_database = path;
    static const QRegularExpression keyPattern(QStringLiteral("^[a-z_]+$"));
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (!keyPattern.match(key).hasMatch())
            return badUrl(tr("Unknown PostgreSQL connection option \"%1\".").arg(key));
        if (key == QStringLiteral("password")) // never kept where it could be displayed
            result.m_password = value;
        else if (key == QStringLiteral("user"))
            result.m_user = value;
        else if (key == QStringLiteral("dbname"))
            result.m_database = value;
        else
            result.m_options.append({key, value});
    }
    return result;
}

QString DatabaseUrl::connectOptions() const
{
    QStringList parts;
    for (const auto &[key, value] : m_options) {
        QString quoted = value;
        quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        quoted.replace(QLatin1Char('\''), QStringLiteral("\\'"));
        parts.append(QStringLiteral("%1='%2'").arg(key, quoted));
    }
    return parts.join(QLatin1Char(';'));
}

QString DatabaseUrl::toDisplayString() const
{
    if (m_backend == Backend::Sqlite)
        return m_path;
    QUrl url;
    url.setScheme(QStringLiteral("postgres"));
    url.setHost(m_host);
    url.setPort(m_port);
    url.setUserName(m_user);
    if (!m_password.isEmpty())
        url.setPassword(QStringLiteral("***"));
    url.setPath(QLatin1Char('/') + m_database);
    QUrlQuery query;
    for (const auto &[key, value] : m_options)
        query.addQueryItem(key, value);
    url.setQuery(query);
    return url.toString();
}

} // namespace vw
