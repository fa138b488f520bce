#!/bin/sh
# with-xvfb.sh COMMAND [ARGS...]: runs COMMAND on an X display of its own (Xvfb, 1280x800x24,
# DISPLAY set). COMMAND's exit status is the wrapper's; when it fails, Xvfb's output is printed.
#
# Xvfb picks a free display number itself (-displayfd: it binds the first free one and writes the
# number once it accepts connections). xvfb-run -a guesses the number from lock files and lost
# that race in CI: a client once found no display at the number it had been given. Xvfb is
# stopped and waited for at the end, so the next test never meets this display half shut down.
set -eu
work=$(mktemp -d)
xvfb_pid=""
stop_xvfb() {
    if [ -n "$xvfb_pid" ]; then
        kill "$xvfb_pid" 2>/dev/null || true
        wait "$xvfb_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_xvfb EXIT
trap 'exit 130' INT TERM

Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
tries=0
until grep -q '^[0-9][0-9]*$' "$work/display" 2>/dev/null; do
    tries=$((tries + 1))
    if ! kill -0 "$xvfb_pid" 2>/dev/null || [ "$tries" -gt 100 ]; then
        echo "with-xvfb.sh: Xvfb did not start" >&2
        cat "$work/xvfb.log" >&2
        exit 1
    fi
    sleep 0.1
done
DISPLAY=":$(cat "$work/display")"
export DISPLAY
unset XAUTHORITY WAYLAND_DISPLAY

status=0
"$@" || status=$?
if [ "$status" -ne 0 ] && [ -s "$work/xvfb.log" ]; then
    echo "with-xvfb.sh: Xvfb said:" >&2
    cat "$work/xvfb.log" >&2
fi
exit "$status"
