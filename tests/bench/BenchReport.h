#pragma once

#include <QString>

#include <cstdio>

namespace vw::bench {

// "12.34 ms" (two decimals below 10 ms, one above); "n/a" for a negative value (not measured).
inline QString ms(double v)
{
    return v < 0 ? QStringLiteral("n/a") : QString::number(v, 'f', v < 10 ? 2 : 1) + " ms";
}

// One line of a benchmark's report: the figure, its ratio to the baseline measured in the same
// run, and whether it stays under the target (targetMs <= 0: no target). Returns that.
inline bool report(const char *name, double value, double baselineMs, double targetMs)
{
    const bool ok = value >= 0 && (targetMs <= 0 || value < targetMs);
    QString line = ms(value);
    if (baselineMs > 0 && value > 0)
        line += QStringLiteral("   (%1× faster than the baseline's %2)")
                    .arg(baselineMs / value, 0, 'f', baselineMs / value < 10 ? 1 : 0)
                    .arg(ms(baselineMs));
    if (targetMs > 0)
        line += QStringLiteral("   target < %1 ms: %2").arg(targetMs).arg(ok ? "ok" : "MISSED");
    std::printf("%-34s %s\n", name, qPrintable(line));
    return ok;
}

} // namespace vw::bench
