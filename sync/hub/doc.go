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
// no polling of the database. Other replicas' commits reach it through the
// store's change hints (follow.go).
//
// # What each file and package owns
//
//	server.go, guard.go, metrics.go   the HTTP server: routes, auth, limits, /healthz, /readyz, /metrics; Services
//	push.go, pull.go, merge.go, verdicts.go, record_limits.go
//	                                  the sync protocol and the merge rules (namespace "verdicts")
//	identity.go, admin.go, me.go      users and tokens, the hub's own client ids (namespace "clients")
//	consent.go                        do-not-contact and restorable deletes (namespaces "dnc", "trash")
//	notify.go, follow.go              long-poll wake-ups; FollowChanges, the change-hints service
//	product.go, seen.go               the product side: the follower service that keeps the insights
//	                                  index caught up and feeds webhooks; first-seen steps (namespace
//	                                  "seen"); the pseudonym secret (namespace "hub")
//	product_hypotheses.go             publishing hypotheses through the merge path, under notebook's lifecycle
//	insights.go, insights_index.go    insights (GET /v1/insights/hypotheses) and the index behind them
//	export.go                         exports (CSV, NDJSON, anonymised with pseudonyms)
//	webhook.go, webhook_message.go    the webhooks HTTP API and the messages' bodies
//	webhooks/ (package webhooks)      registrations, the outbox and its cursor, the delivery queue and
//	                                  the deliverer service (namespace "webhooks", queue "webhook")
//	legacy_import.go                  the one-time import of a pre-store product dir (*.imported)
//	hubdb/ (package hubdb, pgstore)   all storage: Badger and PostgreSQL behind one interface
//
// Nothing the hub needs after a restart lives outside hubdb, and no
// constructor starts a goroutine: the background loops — change hints,
// tombstone purge, the product follower, webhook delivery — are
// Server.Services, each a Serve(ctx) loop that fieldhub serve supervises
// (restarting one that fails) and synctest runs, so any number of replicas
// can serve one PostgreSQL database.
package hub
