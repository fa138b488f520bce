#pragma once

#include "tests/support/PostgresServer.h"

#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// Fresh, empty databases for the build store tests, on both backends. A test class adds the
// backends as global data rows (initTestCase_data), so each of its tests runs once on SQLite and
// once on PostgreSQL; the PostgreSQL server (one per test executable) starts on first use.
class StoreTestDatabases
{
public:
    static void addBackendRows()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    // The backend of the running global data row.
    static QString currentBackend()
    {
        QFETCH_GLOBAL(QString, backend);
        return backend;
    }

    // The URL of a new empty database; empty with error() set on failure.
    QString freshUrl(const QString &backend)
    {
        ++m_counter;
        if (backend == QStringLiteral("sqlite"))
            return m_dir.filePath(QStringLiteral("db%1/vaporwatch.sqlite").arg(m_counter));
        if (!m_postgres) {
            m_postgres = std::make_unique<vw::test::PostgresServer>();
            if (!m_postgres->start()) {
                m_error = m_postgres->errorString();
                return QString();
            }
        }
        if (!m_postgres->isRunning()) {
            m_error = QStringLiteral("the PostgreSQL server failed earlier");
            return QString();
        }
        const QString url = m_postgres->createDatabase(QStringLiteral("t%1").arg(m_counter));
        if (url.isEmpty())
            m_error = m_postgres->errorString();
        return url;
    }

    QString error() const { return m_error; }
    vw::test::PostgresServer *postgres() const { return m_postgres.get(); }
    QString scratchPath(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<vw::test::PostgresServer> m_postgres;
    QString m_error;
    int m_counter = 0;
};

#define VW_FRESH_DATABASE(variable)                                                                \
    const QString variable = m_databases.freshUrl(StoreTestDatabases::currentBackend());           \
    QVERIFY2(!variable.isEmpty(), qPrintable(m_databases.error()))
