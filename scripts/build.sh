#!/usr/bin/env bash
# Configures and builds Vaporwatch into build/ (or $VW_BUILD_DIR). Extra arguments go to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${VW_BUILD_DIR:-build}
# Let ccache reuse objects between checkouts in different folders (CI clones afresh each run).
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${VW_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$build_dir"
