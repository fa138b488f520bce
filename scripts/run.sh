#!/usr/bin/env bash
# Quick start: install what is missing, build, and start Vaporwatch.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec "${VW_BUILD_DIR:-build}/bin/vaporwatch" "$@"
