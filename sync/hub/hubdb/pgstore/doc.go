// Package pgstore is the hub's store on PostgreSQL 15+: the hubdb.Store
// that any number of fieldhub replicas share (docs/hub-deployment.md).
// It is the only package that imports the PostgreSQL driver.
//
// # Schema and migrations
//
// Versioned, forward-only migrations are embedded (migrations/NNNN_name.sql)
// and recorded in schema_migrations. Migrate applies the missing ones, each
// in its own transaction, under a session advisory lock, so replicas that
// start together apply each step once; Open without Migrate refuses a
// database that lacks a step ("migration 0002_docs_jobs is not applied")
// or has one this binary does not know (a newer fieldhub migrated it).
//
//	meta       epoch (made by migration 0001; cursors carry it)
//	users      live emails unique case-insensitively (partial index)
//	tokens     sha256(token) → user
//	clients    client_id → owner, last processed mutation id
//	scopes     per scope: head seq, tombstone horizon — and the write lock
//	records    each record's current version: envelope bytes as a pull sends them, hub-only JSON
//	docs       (ns, key COLLATE "C") → value: the hub's small state
//	jobs       work queues: per key in order, leases, dead jobs
//
// # Why it keeps the protocol's promises
//
// Update locks the scopes' head rows (SELECT … FOR UPDATE, in one global
// order: user scopes by name, then org) and takes seqs from head inside the
// committing transaction, so seq equals commit order within a scope on every
// replica; never a SEQUENCE. The transaction's record writes, client
// counters, heads and one NOTIFY are sent in one round trip at the end
// (unnest arrays); a push prefetches its records' current versions in one
// query (hubdb.Prefetcher). Pull reads one REPEATABLE READ, read-only
// snapshot. Claim uses FOR UPDATE SKIP LOCKED and leases; document
// read-modify-write holds a transaction advisory lock per key (absent keys
// too) and UpdateDocs retries a transaction PostgreSQL failed to break a
// deadlock. Watch LISTENs on its own connection, reconnects with backoff and
// then sends nil (notifications sent meanwhile are lost).
//
// A database that cannot be reached is a notebook.Unavailable error (the hub
// answers 503 with Retry-After), bounded by a per-call timeout, so a request
// never hangs on a dead database. The store is a prometheus.Collector (pool
// and replication-wake figures on /metrics).
//
// # Why pgx
//
// github.com/jackc/pgx/v5 (v5.13.0, pinned in go.mod) with its pgxpool: the
// maintained pure-Go PostgreSQL driver (no cgo in the hub build), with
// batches and pipelining (one round trip per push), COPY (fieldhub copy),
// LISTEN/WaitForNotification on a dedicated connection, binary encoding of
// arrays, and pool statistics. database/sql with lib/pq (in maintenance
// mode) has none of batching or a notification API usable per connection.
package pgstore
