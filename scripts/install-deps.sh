#!/usr/bin/env bash
# Installs the Debian bookworm packages Vaporwatch needs, skipping those already present.
#   scripts/install-deps.sh          what building and running the app needs
#   scripts/install-deps.sh --test   plus what the test suite needs
set -euo pipefail

build_packages=(
    build-essential cmake ninja-build ccache pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-httpserver-dev qt6-svg-dev
    qt6-webengine-dev qt6-charts-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libqt6sql6-sqlite libqt6sql6-psql libgl-dev
    libspdlog-dev qtkeychain-qt6-dev
)
# xvfb: the X server of the tray, desktop and preview tests (tests/support/with-xvfb.sh).
# postgresql: the storage tests start their own throwaway server with its initdb/postgres.
# gnome-keyring: the keychain tests run their own Secret Service on a private D-Bus session.
# trayer and dunst: the tray tests' system tray host and notification server under Xvfb;
# x11-utils: xwininfo, to wait until the tray host is up.
# desktop-file-utils, appstream and man-db: the package test validates the .desktop file and
# the AppStream metainfo and renders the man pages; flatpak-builder reads the Flatpak manifest.
test_packages=(xvfb dbus postgresql gnome-keyring trayer dunst x11-utils curl
    desktop-file-utils appstream man-db flatpak-builder)

wanted=("${build_packages[@]}")
[[ ${1:-} == --test ]] && wanted+=("${test_packages[@]}")
# The bundled sample project and the Daytona SDK test run on Node.js; any node >= 18 will do
# (Debian's, or a newer one already on the machine, which Debian's package would conflict with).
command -v node >/dev/null && command -v npm >/dev/null || wanted+=(nodejs npm)

missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

echo "Installing: ${missing[*]}"
sudo=()
((EUID == 0)) || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
