#!/usr/bin/env bash
# Native-window smoke test: starts the production binary on a fresh notebook
# with demo data (run under xvfb-run), waits for the window, measures launch →
# window mapped and launch → web content painted, types into the real WebKit
# view, and screenshots it.
#
# "Painted" = the brand mark's accent-blue pixel in the sidebar has appeared
# (the window is GTK grey, then the app background, before that). Pixels are
# read with `import -window ID -crop 1x1+X+Y`, polled as fast as import runs
# (~30-60 ms), so the figure is an upper bound within one poll.
set -euo pipefail
bin=${1:-build/bin/fieldnotes}
out=${2:-build/bin/native-smoke.png}
runs=${NATIVE_RUNS:-3}
work=$(mktemp -d /tmp/fieldnotes-native.XXXXXX)
export FIELDNOTES_NO_KEYRING=1
data=${NATIVE_DATA:-$work/data}   # NATIVE_DATA: time an existing notebook (e.g. 100k records)
[ -n "${NATIVE_DATA:-}" ] || "$bin" --data "$data" demo >/dev/null

pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

pixel() { import -window "$1" -crop "1x1+$2+$3" -depth 8 txt:- 2>/dev/null | sed -n 2p | grep -o '#[0-9A-F]\{6\}' | head -1; }

launch() {
  t0=$(date +%s%N)
  "$bin" --data "$data" >"$work/app.log" 2>&1 &
  pid=$!
  win=
  for _ in $(seq 1 1500); do
    win=$(xdotool search --onlyvisible --name '^Fieldnotes$' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.01
  done
  [ -n "$win" ] || { echo "native: no window after 15 s"; cat "$work/app.log"; exit 1; }
  mapped=$(ms "$t0")
  painted=
  for _ in $(seq 1 500); do
    if [ "$(pixel "$win" 21 28)" = "#2F5BD3" ]; then painted=$(ms "$t0"); break; fi
  done
  [ -n "$painted" ] || { echo "native: window never painted the app"; cat "$work/app.log"; exit 1; }
  echo "native: window mapped after ${mapped} ms, app painted after ${painted} ms"
}

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}

for i in $(seq 1 "$runs"); do
  launch
  if [ "$i" -lt "$runs" ]; then stop; fi
done

# Drive the real window: Ctrl+K, search, and a screenshot.
sleep 0.5
xdotool mousemove --window "$win" 600 400 click 1
xdotool key ctrl+k
sleep 0.3
xdotool type --delay 15 'bank'
sleep 0.8
mkdir -p "$(dirname "$out")"
import -window "$win" "$out"
kill -0 "$pid" || { echo "native: the app died"; cat "$work/app.log"; exit 1; }
echo "native: screenshot $out"
echo "native: 1 passed, 0 failed"
