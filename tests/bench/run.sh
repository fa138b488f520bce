#!/usr/bin/env bash
# Builds and runs the benchmarks — the LogView on a 100 MB log, the History view and the
# analytics on 100,000 builds — each against its baseline in the same run; exits non-zero if a
# target is missed. Usage: tests/bench/run.sh [bench_logview options, e.g. --mb 20]
# VW_BUILD_DIR picks the build directory (default: build, configured if missing); VW_NICE sets
# the compile's niceness. The run takes about a minute (the QPlainTextEdit baseline is stopped
# after 25 s and extrapolated).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${VW_BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVW_BUILD_TESTS=ON
fi
nice -n "${VW_NICE:-0}" ninja -C "$build" bench_logview bench_history bench_analytics
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
# Both benchmarks run; the script fails if either misses a target.
status=0
"$build/bin/bench_logview" "$@" || status=1
# The History view on 100,000 builds (VW_BENCH_HISTORY_ARGS adds options, e.g. "--builds 20000").
# shellcheck disable=SC2086
"$build/bin/bench_history" ${VW_BENCH_HISTORY_ARGS:-} || status=1
# The analytics queries on 100,000 builds, target < 200 ms (VW_BENCH_ANALYTICS_ARGS adds options).
# shellcheck disable=SC2086
"$build/bin/bench_analytics" ${VW_BENCH_ANALYTICS_ARGS:-} || status=1
exit "$status"
