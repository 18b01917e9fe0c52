// Command fieldhub is the Fieldnotes hub serving sync protocol v1
// (sync/hub): one binary with an embedded store (sync/hub/hubdb, Badger,
// --data DIR), or any number of replicas sharing one PostgreSQL database
// (sync/hub/hubdb/pgstore, --db URL or $FIELDHUB_DB; docs/hub-deployment.md).
//
//	fieldhub serve --data DIR | --db URL [--wait-db] [--addr 127.0.0.1:8787] [--tls-cert FILE --tls-key FILE]
//	               [--webhook-allow-private] [--webhook-timeout 10s] [--webhook-lease 1m]
//	fieldhub user add --data DIR | --db URL --email E --role field|product|admin
//	fieldhub user list --data DIR | --db URL
//	fieldhub user revoke --data DIR | --db URL --id USER_ID
//	fieldhub migrate --db URL
//	fieldhub copy --from-data DIR --to-db URL
//	fieldhub invite add --data DIR | --db URL --email E [--role field|product] [--expires 7d] --hub-url URL [--pin-cert FILE]
//	fieldhub invite list|revoke --data DIR | --db URL [--id INVITE_ID]
//	fieldhub version
//
// On Badger the user commands work on a stopped hub's data dir (Badger
// allows one process per directory; a second one gets a clear message, exit
// status 3); while the hub runs, use the admin API (/v1/admin/users). On
// PostgreSQL they work while replicas run. serve applies missing schema
// migrations at start (under an advisory lock); an unreachable database is
// one line on stderr and exit status 1, or a wait with --wait-db. Besides
// the API, serve answers /healthz (liveness), /readyz (503 while the
// database is unreachable) and /metrics.
//
// serve runs the hub's background services (hub.Server.Services: change
// hints, tombstone purge, the product follower, webhook delivery; the list
// is hubServices in supervise.go) under a supervisor that restarts one that
// fails, and on SIGTERM drains HTTP, then stops the services and waits for
// them before closing the store. Every command that opens --data DIR first
// imports an older hub's file-kept product state (DIR/product) into the
// store, once (hub.ImportProductDir).
// `user add` prints exactly one JSON object {"id","email","role","token"} on
// stdout, so scripts can read the token; the token is shown only then.
//
// Flags come from the standard flag package: the CLI has four commands, and
// a CLI framework would add a dependency for no gain. Logs are slog JSON on
// stderr, one object per line, for log shippers.
package main
