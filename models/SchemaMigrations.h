#pragma once

#include "models/DatabaseUrl.h"
#include "models/Error.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace vw {

// The build store's schema as a list of versioned, forward-only migrations, and the code that
// applies them. The table `schema_version` records every applied version. Each migration runs
// once, in its own transaction (DDL is transactional in SQLite and PostgreSQL), together with
// its schema_version row; two processes migrating at once serialise on a lock. A database whose
// version is newer than the code knows is refused (SCHEMA_TOO_NEW) and left untouched.
//
// Migrations are written once for both dialects; `${ID}` (an auto-incrementing 64-bit primary
// key) and `${BLOB}` (bytes) are replaced per dialect. Never edit a released migration: append
// a new one.
class SchemaMigrations
{
public:
    struct Migration
    {
        int version = 0;
        QString description;
        QStringList statements;
    };

    static const QList<Migration> &all();
    static int latestVersion();
    // The statements of a migration in a dialect's SQL.
    static QStringList statements(const Migration &migration, DatabaseUrl::Backend backend);

    // The database's current version (0: empty database).
    static Result<int> currentVersion(QSqlDatabase &db);
    // Applies what is missing; returns the resulting version. `migrations` replaces all() (tests).
    static Result<int> migrate(QSqlDatabase &db, DatabaseUrl::Backend backend);
    static Result<int> migrate(QSqlDatabase &db, DatabaseUrl::Backend backend,
                               const QList<Migration> &migrations);
};

} // namespace vw
