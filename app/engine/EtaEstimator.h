#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace vw::engine {

// Estimates the time a running build still needs from the phase durations of the project's
// earlier successful builds. Pure: no clock, no storage — the caller passes the history and
// the elapsed time.
//
// Each phase's expected duration is the median of its recorded durations in the most recent
// `maxSamples` builds that ran it (the median shrugs off the odd slow build). The remaining time
// is what is left of the current phase (never below zero: a phase that overruns its estimate is
// expected to end any moment) plus the expected durations of the phases still to come. A phase
// with no history contributes nothing; with no history at all there is no estimate.
class EtaEstimator
{
public:
    // One earlier successful build: milliseconds per phase name (a phase it skipped may be
    // missing or 0).
    using PhaseDurations = QMap<QString, qint64>;

    struct Estimate
    {
        qint64 remainingMs = 0;
        qint64 totalMs = 0; // elapsed so far + remaining
        int percent = 0;    // 0–99 while running (100 is for a finished build)
        int samples = 0;    // how many earlier builds the estimate rests on
    };

    // History newest first.
    explicit EtaEstimator(QList<PhaseDurations> history, int maxSamples = 10);

    // The expected duration of a phase, nullopt without history for it.
    std::optional<qint64> expectedDuration(const QString &phase) const;

    // `phases`: the build's phases in order; `currentPhase`: the one running (must be among
    // them; empty: not started yet, all phases ahead); `elapsedInPhaseMs`: how long it has run;
    // `elapsedTotalMs`: since the build started (for the percentage).
    std::optional<Estimate> estimate(const QStringList &phases, const QString &currentPhase,
                                     qint64 elapsedInPhaseMs, qint64 elapsedTotalMs) const;

private:
    QList<PhaseDurations> m_history;
    int m_maxSamples;
};

} // namespace vw::engine
