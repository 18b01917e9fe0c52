// Command fieldhub is the Fieldnotes hub: one binary with an embedded
// store (sync/hub/hubdb, Badger) serving sync protocol v1 (sync/hub).
//
//	fieldhub serve --data DIR [--addr 127.0.0.1:8787] [--tls-cert FILE --tls-key FILE]
//	fieldhub user add --data DIR --email E --role field|product|admin
//	fieldhub user list --data DIR
//	fieldhub user revoke --data DIR --id USER_ID
//
// The user commands work on a stopped hub's data dir (Badger allows one
// process per directory; a second one gets a clear message, exit status 3).
// While the hub runs, use the admin API (/v1/admin/users) instead.
// `user add` prints exactly one JSON object {"id","email","role","token"} on
// stdout, so scripts can read the token; the token is shown only then.
//
// Flags come from the standard flag package: the CLI has four commands, and
// a CLI framework would add a dependency for no gain. Logs are slog JSON on
// stderr, one object per line, for log shippers.
package main
