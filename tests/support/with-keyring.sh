#!/bin/sh
# with-keyring.sh COMMAND [ARGS...]: runs COMMAND on a private D-Bus session bus with a
# throwaway, unlocked GNOME Keyring (Secret Service), so keychain tests never touch a real
# keyring and need no desktop session. The keyring lives in a temporary HOME removed afterwards.
set -eu
if [ -z "${VW_KEYRING_INSIDE:-}" ]; then
    VW_KEYRING_INSIDE=1 exec dbus-run-session -- "$0" "$@"
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# The password only unlocks this throwaway keyring.
printf '%s' "vaporwatch-test-keyring" |
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
