#!/usr/bin/env bash
# Screenshots of the production window with demo data (run under xvfb-run):
# Home, Account brief, Call capture, Recruiting → OUT/*.png. Navigation is by
# keystrokes and clicks, as a user would (xdotool), captured with `import`.
set -euo pipefail
bin=${1:-build/bin/fieldnotes}
out=${2:-build/screenshots}
work=$(mktemp -d /tmp/fieldnotes-shots.XXXXXX)
export FIELDNOTES_NO_KEYRING=1 FIELDNOTES_AUTHOR=demo
mkdir -p "$out"
"$bin" --data "$work/data" demo >/dev/null 2>&1
"$bin" --data "$work/data" >"$work/app.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

win=$(timeout 30 xdotool search --sync --onlyvisible --name '^Fieldnotes$' | head -1)
xdotool windowfocus --sync "$win" 2>/dev/null || true
sleep 2
shot() { sleep "${2:-1}"; import -window "$win" "$out/$1.png"; echo "screenshot: $out/$1.png"; }
key() { xdotool key --delay 60 "$@"; }
typ() { xdotool type --delay 25 "$1"; }
click() { xdotool mousemove --window "$win" "$1" "$2" click 1; }

click 700 20          # focus the page (a heading, not a field)
shot home 2

key g a               # accounts; the filter has focus
sleep 0.8
typ 'Globex'
sleep 0.6
key Return            # the brief
shot account-brief 1.5

click 700 20
key c                 # start a call
sleep 1.5
typ 'Ana (CFO): month-end close takes nine days, mostly manual matching of bank lines. '
typ 'Approvals wait in email while people are in Teams all day.'
key Return
typ '"Our approvers live in Teams, not in another portal."'
key alt+1             # first question: supports
key alt+Down alt+2    # second: refutes
xdotool key --delay 20 shift+Home
key alt+q             # the selected line becomes its quote
key End Return
typ 'Would pay if it cut the close in half; CFO owns the budget.'
key alt+Down alt+Down alt+Down alt+1   # the pricing question
key alt+w
typ '40'
key Tab Tab Tab
typ 'CFO'
key Return
shot call-capture 1.5

key Escape g r        # leave the notes, go to Recruiting
sleep 1
click 360 170         # the study with people in its pipeline
shot recruiting 1.5
