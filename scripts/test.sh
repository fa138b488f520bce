#!/usr/bin/env bash
# Install what is missing, build with warnings as errors, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
export VW_BUILD_DIR=${VW_BUILD_DIR:-build}
scripts/build.sh -DVW_WERROR=ON -DVW_BUILD_TESTS=ON
cd "$VW_BUILD_DIR"
ctest --output-on-failure --timeout 600 -j2 "$@"
