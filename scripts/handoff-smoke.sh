#!/usr/bin/env bash
# Single-instance hand-off (app/desktop/single.go), on the real binary: the
# first launch opens the window; a second launch on the same notebook with a
# fieldnotes://join link hands the link to that window and exits, leaving one
# window. Run under xvfb-run inside dbus-run-session: on Linux Wails' lock is
# a name on the D-Bus session bus.
set -euo pipefail
bin=${1:-build/bin/fieldnotes}
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || { echo "handoff: no D-Bus session bus (run under dbus-run-session)"; exit 1; }
work=$(mktemp -d /tmp/fieldnotes-handoff.XXXXXX)
export FIELDNOTES_NO_KEYRING=1 FIELDNOTES_DEBUG=1
data=$work/data
secret=handoff-secret-$RANDOM$RANDOM
link="fieldnotes://join?hub=http%3A%2F%2F127.0.0.1%3A9&secret=$secret"

first=
cleanup() {
  if [ -n "$first" ]; then kill "$first" 2>/dev/null || true; wait "$first" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "handoff: $*"; echo "--- first window's log"; cat "$work/first.log"; echo "--- second launch's log"; cat "$work/second.log" 2>/dev/null || true; exit 1; }

"$bin" --data "$data" >"$work/first.log" 2>&1 &
first=$!
for _ in $(seq 1 300); do grep -q 'window ready' "$work/first.log" && break; sleep 0.05; done
grep -q 'window ready' "$work/first.log" || fail "the first window never became ready"

t0=$(date +%s%N)
status=0
timeout 30 "$bin" --data "$data" "$link" >"$work/second.log" 2>&1 || status=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$status" != 124 ] || fail "the second launch was still running after 30 s (it opened its own window?)"
grep -q 'handing this launch over' "$work/second.log" || fail "the second launch did not try to hand over (exit $status)"
for _ in $(seq 1 100); do grep -q 'a second launch handed over to this window.*with_link=true' "$work/first.log" && break; sleep 0.05; done
grep -q 'a second launch handed over to this window.*with_link=true' "$work/first.log" || fail "the first window never got the link"
! grep -q "$secret" "$work/first.log" "$work/second.log" || fail "the invite's secret is in a log"
kill -0 "$first" 2>/dev/null || fail "the first window died"
windows=$(xdotool search --onlyvisible --name '^Fieldnotes$' 2>/dev/null | wc -l || true)
[ "$windows" = 1 ] || fail "$windows visible windows, want 1"
echo "handoff: second launch handed its link over and exited (status $status) after ${ms} ms"
echo "handoff: 1 passed, 0 failed"
