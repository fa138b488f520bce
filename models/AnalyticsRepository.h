#pragma once

#include "models/BuildAnalytics.h"
#include "models/Error.h"

namespace vw {

class BuildRepository;

// The SQL behind the analytics view, on a BuildRepository's connection (same thread; SQLite
// and PostgreSQL alike). Everything is read from `builds` alone: counts and success rates per
// bucket are aggregated in the database; durations, phase times (copied onto builds, see
// SchemaMigrations version 4) and queue times are read as bare numbers and summarised here
// (medians, slowest builds); error groups are counted by the database per stored
// ErrorSignature key, and the top groups read their newest builds. On 100,000 builds
// tests/bench/bench_analytics measures it. Error codes: NOT_OPEN, DB_QUERY.
class AnalyticsRepository
{
public:
    explicit AnalyticsRepository(BuildRepository &repository)
        : m_repository(repository)
    {
    }

    Result<BuildAnalytics> analytics(const AnalyticsQuery &query);

private:
    BuildRepository &m_repository;
};

} // namespace vw
