#include "app/engine/EtaEstimator.h"

#include <algorithm>
#include <utility>

namespace vw::engine {

EtaEstimator::EtaEstimator(QList<PhaseDurations> history, int maxSamples)
    : m_history(std::move(history))
    , m_maxSamples(std::max(1, maxSamples))
{
}

std::optional<qint64> EtaEstimator::expectedDuration(const QString &phase) const
{
    QList<qint64> samples;
    for (const PhaseDurations &build : m_history) {
        const auto it = build.constFind(phase);
        if (it == build.cend() || it.value() < 0)
            continue;
        samples.append(it.value());
        if (samples.size() == m_maxSamples)
            break;
    }
    if (samples.isEmpty())
        return std::nullopt;
    std::sort(samples.begin(), samples.end());
    const qsizetype middle = samples.size() / 2;
    if (samples.size() % 2 == 1)
        return samples.at(middle);
    return (samples.at(middle - 1) + samples.at(middle)) / 2;
}

std::optional<EtaEstimator::Estimate> EtaEstimator::estimate(const QStringList &phases,
                                                             const QString &currentPhase,
                                                             qint64 elapsedInPhaseMs,
                                                             qint64 elapsedTotalMs) const
{
    if (m_history.isEmpty())
        return std::nullopt;
    qsizetype start = 0;
    if (!currentPhase.isEmpty()) {
        start = phases.indexOf(currentPhase);
        if (start < 0)
            return std::nullopt;
    }

    Estimate result;
    bool known = false;
    for (qsizetype i = start; i < phases.size(); ++i) {
        const auto expected = expectedDuration(phases.at(i));
        if (!expected)
            continue;
        known = true;
        if (i == start && !currentPhase.isEmpty())
            result.remainingMs +=
                std::max<qint64>(0, *expected - std::max<qint64>(0, elapsedInPhaseMs));
        else
            result.remainingMs += *expected;
    }
    if (!known)
        return std::nullopt;

    result.samples = int(std::min<qsizetype>(m_history.size(), m_maxSamples));
    const qint64 elapsed = std::max<qint64>(0, elapsedTotalMs);
    result.totalMs = elapsed + result.remainingMs;
    result.percent =
        result.totalMs > 0 ? int(std::min<qint64>(99, elapsed * 100 / result.totalMs)) : 0;
    return result;
}

} // namespace vw::engine
