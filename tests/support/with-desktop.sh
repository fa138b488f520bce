#!/bin/sh
# with-desktop.sh COMMAND [ARGS...]: runs COMMAND on a desktop of its own, so tray and
# notification tests touch no real session and need no display:
#   - an Xvfb display (with-xvfb.sh),
#   - a private D-Bus session bus (dbus-run-session; started with DISPLAY set, so anything the
#     bus activates sees the display too),
#   - a system tray host: trayer (XEmbed; QSystemTrayIcon::isSystemTrayAvailable() turns true),
#   - a notification server: dunst (org.freedesktop.Notifications, plus its control interface
#     org.dunstproject.cmd0 that dunstctl uses: list history, invoke a notification's action),
#   - a keychain: a throwaway unlocked GNOME Keyring in a private home.
# dunst runs with a private config: notifications never time out (a test sees them displayed
# until it acts on them or closes them) and each urgency has its own format, "[low] …",
# "[normal] …", "[critical] …", so the urgency dunst applied shows in the history's "message".
# The helpers are stopped when COMMAND ends (or the wrapper is interrupted); COMMAND's exit
# status is the wrapper's. On failure the helpers' output is printed.
#
# VW_DESKTOP_NOTIFICATIONS=none: a desktop without any notification server — no dunst, and a
# session bus with no service directories, so nothing can be D-Bus-activated as one either
# (Debian's dunst installs an activation file for org.freedesktop.Notifications).
# VW_DESKTOP_NOTIFICATIONS=broken: no dunst, but the bus offers to start a notification server
# that fails to start (its activation file runs /bin/false), as when one is installed but
# cannot run in the session.
set -eu
if [ -z "${VW_DESKTOP_INSIDE:-}" ]; then
    case "${VW_DESKTOP_NOTIFICATIONS:=dunst}" in
    dunst | none | broken) ;;
    *)
        echo "with-desktop.sh: VW_DESKTOP_NOTIFICATIONS is dunst, none or broken" >&2
        exit 2
        ;;
    esac
    outer=$(mktemp -d)
    trap 'rm -rf "$outer"' EXIT
    trap 'exit 130' INT TERM
    mkdir "$outer/services"
    if [ "$VW_DESKTOP_NOTIFICATIONS" = broken ]; then
        printf '%s\n' '[D-BUS Service]' 'Name=org.freedesktop.Notifications' 'Exec=/bin/false' \
            >"$outer/services/org.freedesktop.Notifications.service"
    fi
    # With dunst, the standard session bus (Debian's dunst is also D-Bus-activatable there);
    # otherwise a bus whose only service directory is ours.
    bus_config="--config-file=$outer/session.conf"
    if [ "$VW_DESKTOP_NOTIFICATIONS" = dunst ]; then
        bus_config="--config-file=/usr/share/dbus-1/session.conf"
    fi
    cat >"$outer/session.conf" <<BUSCONFIG
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$outer/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
BUSCONFIG
    status=0
    VW_DESKTOP_INSIDE=1 "$(dirname "$0")/with-xvfb.sh" \
        dbus-run-session "$bus_config" -- "$0" "$@" || status=$?
    exit "$status"
fi
unset VW_DESKTOP_INSIDE
with_dunst=true
[ "${VW_DESKTOP_NOTIFICATIONS:-dunst}" = dunst ] || with_dunst=false

work=$(mktemp -d)
helpers=""
cleanup() {
    for pid in $helpers; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/dunstrc" <<'DUNSTRC'
[global]
    history_length = 100
    sticky_history = yes
    idle_threshold = 0
    show_age_threshold = -1

[urgency_low]
    timeout = 0
    format = "[low] <b>%s</b>\n%b"

[urgency_normal]
    timeout = 0
    format = "[normal] <b>%s</b>\n%b"

[urgency_critical]
    timeout = 0
    format = "[critical] <b>%s</b>\n%b"
DUNSTRC

trayer --edge top --align right --widthtype request --height 24 >"$work/trayer.log" 2>&1 &
helpers="$helpers $!"
touch "$work/dunst.log"
if $with_dunst; then
    dunst -config "$work/dunstrc" >"$work/dunst.log" 2>&1 &
    helpers="$helpers $!"
fi

# Wait (up to 10 s) until dunst owns the service (asked without activating it) and trayer's
# panel exists.
has_notifications() {
    $with_dunst || return 0
    dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
        grep -q true
}
# (xwininfo is in x11-utils, often but not always installed; without it the test itself waits
# for QSystemTrayIcon::isSystemTrayAvailable().)
has_tray() {
    command -v xwininfo >/dev/null 2>&1 || return 0
    xwininfo -root -tree 2>/dev/null | grep -q '"panel" "trayer"'
}
tries=0
until has_notifications && has_tray; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        echo "with-desktop.sh: dunst or trayer did not come up" >&2
        cat "$work/dunst.log" "$work/trayer.log" >&2
        exit 1
    fi
    sleep 0.1
done

# A keychain, as a desktop has: a throwaway GNOME Keyring, unlocked, in a private home (as
# with-keyring.sh does), so the app's secrets work and nothing waits for a password prompt.
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf '%s' "vaporwatch-test-keyring" |
    gnome-keyring-daemon --unlock --components=secrets >/dev/null

status=0
"$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "with-desktop.sh: dunst said:" >&2
    cat "$work/dunst.log" >&2
fi
exit "$status"
