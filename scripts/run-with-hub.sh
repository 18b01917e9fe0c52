#!/usr/bin/env bash
# make run: a local hub with the demo data, and the notebook pointed at it.
#
# First run: creates a hub data dir with two users (a product manager and a
# field rep), seeds the PM's notebook with the demo's hypotheses and studies
# and the rep's notebook with its accounts, calls and evidence, and syncs
# both through the hub, so the rep sees what product published and product
# sees the rep's evidence. Tokens go straight from `fieldhub user add` into
# each notebook's keyring entry (never into a file). Later runs just start
# the hub and open the notebook. ROLE=product opens the PM's notebook.
set -euo pipefail
app=$1 hub=$2 data=$3
role=${ROLE:-field}
hubdir="$data-hub" pmdata="$data-pm"
port=${FIELDNOTES_HUB_PORT:-8787}
url="http://127.0.0.1:$port"

token_of() { sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }

wait_for_hub() {
  for _ in $(seq 1 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$hubpid" 2>/dev/null || { echo "the hub stopped; see $hubdir.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the hub did not start on $url; see $hubdir.log" >&2
  exit 1
}

if [ -d "$data" ] && [ ! -d "$hubdir" ]; then
  echo "$data has a notebook made without the local hub; opening it as it is"
  exec "$app" --data "$data"
fi

first_run=
if [ ! -d "$hubdir" ]; then
  first_run=1
  pm_token=$("$hub" user add --data "$hubdir" --email priya.patel@ledgerline.example --role product | token_of)
  rep_token=$("$hub" user add --data "$hubdir" --email sam.rep@ledgerline.example --role field | token_of)
fi

"$hub" serve --data "$hubdir" --addr "127.0.0.1:$port" >>"$hubdir.log" 2>&1 &
hubpid=$!
trap 'kill "$hubpid" 2>/dev/null; wait "$hubpid" 2>/dev/null || true' EXIT
wait_for_hub
echo "local hub on $url (log: $hubdir.log)"

if [ -n "$first_run" ]; then
  echo "seeding the demo: product's hypotheses, then the rep's accounts, calls and evidence"
  "$app" --data "$pmdata" demo --part product
  PM_TOKEN=$pm_token "$app" --data "$pmdata" sync --hub "$url" --token-env PM_TOKEN --save-token
  "$app" --data "$data" demo --part field
  REP_TOKEN=$rep_token "$app" --data "$data" sync --hub "$url" --token-env REP_TOKEN --save-token
  "$app" --data "$pmdata" sync
fi

if [ "$role" = product ]; then
  "$app" --data "$pmdata"
else
  "$app" --data "$data"
fi
