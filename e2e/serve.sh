#!/usr/bin/env bash
# Starts the -tags dev app for the e2e suite on a fresh notebook seeded with
# demo data. Playwright's webServer runs it and kills it afterwards.
set -euo pipefail
port=${1:?port}
bin=${E2E_APP_BIN:-../build/bin/fieldnotes-dev}
dir=${E2E_DIR:?E2E_DIR}
export FIELDNOTES_DATA="$dir/data" FIELDNOTES_NO_KEYRING=1 FIELDNOTES_E2E_DIALOG_DIR="$dir/dialogs"
export FIELDNOTES_AUTHOR=e2e
mkdir -p "$dir/dialogs"
rm -rf "$dir/data" "$dir/data.key"
"$bin" demo >/dev/null
exec "$bin" -assetdir ../frontend/dist -devserver "127.0.0.1:$port" -loglevel Warning
