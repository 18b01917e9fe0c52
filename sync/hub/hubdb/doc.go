// Package hubdb is the hub's storage: users and their hashed tokens, the
// client_id → user binding with each client's last processed mutation id,
// and the records with their per-scope sequence numbers.
//
// Store is an interface so a PostgreSQL implementation can be added for
// deployments that outgrow one machine; the hub's merge rules (sync/hub)
// never see the database. The default, Badger, is embedded: the hub is one
// binary and one data directory, with no server to install (product.md,
// "Admin / IT"). Badger was chosen over bbolt and SQLite because the rest of
// Fieldnotes already uses it (one engine to know), it is pure Go (no cgo in
// the hub build), and its LSM design suits an append-mostly change log.
//
// # Key layout (Badger)
//
//	m/epoch                  random id of this data dir; cursors carry it
//	u/<user id>              User (JSON)
//	t/<sha256(token) hex>    user id
//	c/<client id>            clientState (JSON): owner user id, last mutation id
//	q/<scope>                head seq of the scope (8 bytes big-endian)
//	h/<scope>                tombstone horizon: highest seq whose tombstone was purged
//	r/<record id>            scope + seq of the record's current version
//	s/<scope>\x00<seq BE>    the record's current version (see encodeRecord)
//
// A record lives under exactly one s/ key, its current version; an update
// deletes the old key and writes the new one, so a pull is one ordered scan
// of s/<scope> after the cursor's seq.
//
// # Why writers are serialised per scope
//
// Seq must equal commit order within a scope: a reader that has seen seq n
// must never later find a new change with a smaller seq. If two transactions
// took seq n+1 and n+2 and committed in the opposite order, a reader could
// see n+2, move its cursor there and never see n+1. So Update holds a mutex
// per scope from reading the scope's head until the commit has returned;
// Badger's own optimistic conflict detection would only abort one of them
// after the fact. A push can only write the org scope and its own user scope
// (sync-protocol.md, scope table), so locks are always taken in the order
// user scope, then org, and cannot deadlock.
//
// Every commit is fsynced (SyncWrites) before Update returns, so the hub
// acknowledges only durable pushes.
package hubdb
