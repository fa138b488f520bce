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
// key) and `${BLOB}` (bytes) are replaced per dialect, and `${PHASE_DURATIONS}` by
// phaseDurationAssignments(). Never edit a released migration: append
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

    // "setup_ms = (SELECT …), install_ms = …, …" for an UPDATE of builds: each phase's duration
    // column copied from build_phases (NULL when the phase was skipped or is not recorded).
    // Migration 4 fills the columns with it and BuildRepository keeps them current.
    static QString phaseDurationAssignments();

    // The database's current version (0: empty database).
    static Result<int> currentVersion(QSqlDatabase &db);
    // Applies what is missing; returns the resulting version. `migrations` replaces all() (tests).
    static Result<int> migrate(QSqlDatabase &db, DatabaseUrl::Backend backend);
    static Result<int> migrate(QSqlDatabase &db, DatabaseUrl::Backend backend,
                               const QList<Migration> &migrations);
};

} // namespace vw
