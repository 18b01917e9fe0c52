// Package hub is Fieldnotes' central HTTP API: bearer-token auth, roles and
// scopes, push and pull of sync protocol v1 (shared/design/sync-protocol.md,
// with the extensions in sync/README.md), long-poll, the admin users API,
// health and Prometheus metrics.
//
// The server is plain net/http with Go 1.22+ ServeMux patterns: the API is a
// handful of routes, and a framework would add a dependency without removing
// any code. Metrics use prometheus/client_golang, the de-facto standard
// format every monitoring stack scrapes; each Server has its own registry so
// tests can run many servers in one process.
//
// The merge rules (per-field last-writer-wins by HLC, sticky
// do_not_contact, notes conflict copies, immutable evidence with add-wins
// links, delete wins) live in merge.go as functions of (current record,
// mutation) → (new record | rejection), independent of storage; storage is
// hubdb.Store, so a PostgreSQL store can replace Badger without touching
// them. Record validation is app/notebook's: the merged data is decoded into
// the typed record and Validate()d, so the hub and the notebook agree on
// what a valid record is.
//
// Long-poll uses a notifier with one subscriber list per scope (and one for
// readers of every scope): a commit wakes exactly the waiters that can see
// it, within microseconds, and idle waiters cost a goroutine and a channel —
// no polling of the database.
package hub
