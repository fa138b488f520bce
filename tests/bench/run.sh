#!/usr/bin/env bash
# Builds and runs the LogView benchmark (issue 4) on a 100 MB log; exits non-zero if a target
# is missed. Usage: tests/bench/run.sh [bench_logview options, e.g. --mb 20]
# VW_BUILD_DIR picks the build directory (default: build, configured if missing); VW_NICE sets
# the compile's niceness. The run takes about a minute (the QPlainTextEdit baseline is stopped
# after 25 s and extrapolated).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${VW_BUILD_DIR:-build}
if [[ ! -f "$build/build.ninja" ]]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVW_BUILD_TESTS=ON
fi
nice -n "${VW_NICE:-0}" ninja -C "$build" bench_logview
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$build/bin/bench_logview" "$@"
