// Package hubdb is the hub's storage, and all of it: users and their
// hashed tokens, the client_id → user binding with each client's last
// processed mutation id, the records with their per-scope sequence
// numbers, a namespaced document store for the hub's small state, durable
// work queues, and change hints for long-poll. A hub process keeps
// nothing else that it needs after a restart, so any number of processes
// can serve one database (PostgreSQL) and a restarted one answers at once.
//
// # The primitives, and why these
//
// Store is deliberately a handful of backend-neutral primitives that a
// SQL database implements directly, not one method per hub feature:
//
//   - Records: Update (per-scope serialised, seq = commit order), Pull
//     (one snapshot), Heads, PurgeTombstones — the sync protocol.
//   - Documents: (namespace, key) → bytes with GetDoc/ScanDocs/PutDoc/
//     DeleteDoc, read in ViewDocs, read-modify-written in UpdateDocs (or
//     inside Update, committing with records). A new kind of hub state is
//     a new namespace, not a new method. PostgreSQL: one table
//     (ns, key, value) with primary key (ns, key), keys COLLATE "C".
//   - Work queues: Enqueue (inside a document transaction, so a job is
//     queued atomically with the state change that caused it), Claim with
//     a lease, Ack / Retry / Bury. Leases make delivery survive a dead
//     process: its jobs fall due again when the lease runs out.
//     PostgreSQL: FOR UPDATE SKIP LOCKED.
//   - Watch: advisory hints of which scopes changed (PostgreSQL:
//     LISTEN/NOTIFY once per commit). Never the only wake-up: the hub
//     re-checks on a bounded interval, so a lost hint only delays.
//
// # Document namespaces
//
// Each namespace has one owner package, which alone reads and writes it:
//
//	hub        sync/hub (product)  "pseudonym-secret": 32 random bytes, key of export/webhook pseudonyms
//	seen       sync/hub (seen.go)  "<scope>/<seq %020d>": first-seen-by-product steps (time, RFC 3339)
//	insights   sync/hub/insights   the insights projection: cursor, entities, observations, roll-ups
//	webhooks   sync/hub/webhooks   "hook/<id>": registrations; "status/<id>": delivery figures;
//	                               "cursor": how far evidence arrivals have been queued, per scope
//	clients    sync/hub (identity) "publish/<user id>": the hub's own, random client id for publishing that user's hypotheses
//	verdicts   sync/hub (push)     "<client id>/<mutation id %020d>": {code, message} of a rejected mutation
//	dnc        sync/hub (consent)  "<normalised email>": do-not-contact of the address: set/cleared, by whom, when
//	trash      sync/hub (consent)  "<record id>": a deleted account or contact as it was, for product/admin to restore
//	invites    sync/hub (invites)  "<sha-256 of the secret, hex>": a one-time invite: email, role, expiry, used/revoked
//	oidc-used  sync/hub (oidc)     "<expiry, unix %012d>/<sha-256 of the ID token, hex>": an ID token already
//	                               signed in with (single sign-on accepts each once), kept until it expires
//	audience   sync/hub (audience) "<user id>": sales or cs, the field role an admin set for that user
//	releases   sync/hub (releases) "rel/<os>/<arch>/<version>": a signed release's metadata;
//	                               "blob/<sha256>/<n %06d>": its bytes in chunks of MaxDocBytes/2
//	settings   (reserved)          admin settings, one key per setting (the hub has none yet: its
//	                               settings are flags; the first one stored goes here)
//
// and one work queue, "webhook", keyed by webhook id (one delivery in
// flight per receiver, in order).
//
// Store is an interface with two implementations: Badger here, and
// PostgreSQL (package pgstore) for deployments that outgrow one machine,
// with any number of hub processes on one database. Both are held to one
// contract suite (package storetest); the hub's merge rules (sync/hub)
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
//	d/<ns>\x00<key>          a document
//	j/<queue>\x00<key>\x00<n BE>  a pending job (jobState JSON); n orders a key's jobs
//	k/<queue>\x00<key>\x00<n BE>  a dead job
//	i/<queue>\x00<job id>    n and key of a job, to find it by id
//	m/jobseq                 the last n given to a job
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
// Document transactions (UpdateDocs, and the document calls of an Update)
// and queue operations are serialised by one mutex, taken by an Update
// only when it first touches a document, after its scope locks: one
// order, no deadlock. They are small and short, and Badger serves one
// process, so nothing finer is needed.
// Watch hints are sent in-process after each commit.
//
// Every commit is fsynced (SyncWrites) before Update returns, so the hub
// acknowledges only durable pushes.
package hubdb
