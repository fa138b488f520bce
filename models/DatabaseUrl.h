#pragma once

#include "models/Error.h"

#include <QList>
#include <QPair>
#include <QString>

namespace vw {

// Where the build store lives:
// - SQLite (the default): a file path, `sqlite:///absolute/path.sqlite`, or `sqlite::memory:`
//   (a private in-memory database, for tests and throwaway runs). Empty text: the default file,
//   defaultSqlitePath().
// - PostgreSQL: `postgres://user:password@host:port/database?option=value` (or `postgresql://`).
//   User, password and database name may be percent-encoded; query options are passed to libpq
//   (e.g. `sslmode=require`, `connect_timeout=5`).
// The password is never part of toDisplayString(), which is what logs and error messages use.
class DatabaseUrl
{
public:
    enum class Backend { Sqlite, Postgres };

    static Result<DatabaseUrl> parse(const QString &text);
    static DatabaseUrl sqlite(const QString &path);
    // The GUI's QStandardPaths::AppDataLocation + "/vaporwatch.sqlite", e.g.
    // ~/.local/share/Vaporwatch/vaporwatch/vaporwatch.sqlite — the same file for the GUI and
    // the CLI (whose application names differ).
    static QString defaultSqlitePath();

    Backend backend() const { return m_backend; }
    bool isInMemory() const { return m_backend == Backend::Sqlite && m_path == inMemoryPath(); }

    // SQLite
    QString sqlitePath() const { return m_path; }

    // PostgreSQL
    QString host() const { return m_host; }
    int port() const { return m_port; } // -1: libpq's default
    QString userName() const { return m_user; }
    QString password() const { return m_password; }
    QString databaseName() const { return m_database; }
    const QList<QPair<QString, QString>> &options() const { return m_options; }
    // The options as QPSQL connect options ("key='value';…").
    QString connectOptions() const;

    // For logs and messages: the URL with the password replaced by "***".
    QString toDisplayString() const;

    static QString inMemoryPath() { return QStringLiteral(":memory:"); }

private:
    Backend m_backend = Backend::Sqlite;
    QString m_path;
    QString m_host;
    int m_port = -1;
    QString m_user;
    QString m_password;
    QString m_database;
    QList<QPair<QString, QString>> m_options;
};

} // namespace vw
