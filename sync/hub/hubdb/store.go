package hubdb

import (
	"context"
	"encoding/json"
	"time"
)

// Role is what a user may do (sync-protocol.md, "Scopes and roles").
type Role string

// Roles.
const (
	RoleField   Role = "field"
	RoleProduct Role = "product"
	RoleAdmin   Role = "admin"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return r == RoleField || r == RoleProduct || r == RoleAdmin }

// ReadsAll reports whether the role reads every scope (product and admin).
func (r Role) ReadsAll() bool { return r == RoleProduct || r == RoleAdmin }

// User is a person with a token.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	Revoked   bool      `json:"revoked"`
}

// Record is one record's current version. Data, FieldHLC and the envelope
// fields go on the wire; FieldClient, CreatedBy, CreatedAt stay on the hub.
type Record struct {
	ID        string                     `json:"id"`
	Type      string                     `json:"type"`
	Scope     string                     `json:"scope"`
	Seq       uint64                     `json:"seq"`
	Deleted   bool                       `json:"deleted"`
	Data      map[string]json.RawMessage `json:"data"`
	FieldHLC  map[string]string          `json:"field_hlc"`
	UpdatedBy string                     `json:"updated_by"`
	UpdatedAt time.Time                  `json:"updated_at"`

	// FieldClient names the client_id whose write set each field; the notes
	// conflict rule uses it to tell a device's own successive edits from a
	// concurrent edit by another device.
	FieldClient map[string]string `json:"field_client,omitempty"`
	CreatedBy   string            `json:"created_by,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
}

// PullQuery asks for the changes after a cursor.
type PullQuery struct {
	Scopes   []string          // scopes to read; nil means every scope (product, admin)
	After    map[string]uint64 // per scope, the highest seq already seen
	Limit    int               // records in the page
	MaxBytes int               // envelope bytes in the page (0: DefaultPageBytes); at least one record is returned
	ClientID string            // whose last mutation id to report ("" for none)
}

// DefaultPageBytes bounds a page's size so that a page of large records
// (notes up to 200 KB) cannot grow to gigabytes; has_more says there is more.
const DefaultPageBytes = 16 << 20

// PullPage is one page of changes, read from one snapshot.
type PullPage struct {
	Records        []json.RawMessage // envelopes, in seq order per scope
	Next           map[string]uint64 // After advanced past Records
	HasMore        bool
	LastMutationID uint64
}

// Store is the hub's storage: everything the hub keeps between requests
// and across restarts lives behind it, so a hub process holds no state of
// its own apart from caches it can rebuild from here (see doc.go for the
// list of document namespaces and who owns each).
//
// Every method may be called concurrently, from any number of hub
// processes sharing one database (Badger: one process only, it holds the
// directory lock). Errors carry notebook codes: NotFound, Conflict,
// Forbidden, Invalid as documented per method; a database that cannot be
// reached (or aborted a conflicting transaction) as notebook.Unavailable,
// which the hub answers with 503 and Retry-After; other failures Internal.
type Store interface {
	// Epoch identifies this data set; cursors from another epoch get 410.
	// It is created once with the data set and never changes.
	Epoch() string

	CreateUser(ctx context.Context, u User, tokenHash [32]byte) error
	ListUsers(ctx context.Context) ([]User, error)
	RevokeUser(ctx context.Context, id string) error
	UserByToken(ctx context.Context, tokenHash [32]byte) (User, error)
	// SetUserToken replaces user u.ID's record with u and all its tokens
	// with tokenHash, atomically: token rotation, and restoring a revoked
	// user (u.Revoked false) under the same id, so the person's client
	// bindings and records stay theirs. NotFound when there is no such
	// user; Conflict when another live user has u's email.
	SetUserToken(ctx context.Context, u User, tokenHash [32]byte) error

	// BindClient binds clientID to userID on first use; a client bound to
	// another user is a notebook.Forbidden error.
	BindClient(ctx context.Context, clientID, userID string) error

	// Update runs fn in one transaction that may write records of the
	// given scopes only, and returns after its effects are durable.
	//
	// Per-scope write serialisation is part of the contract: two Updates
	// that share a scope never overlap — the second starts fn only after
	// the first has committed (Badger: an in-process mutex per scope;
	// PostgreSQL: the scope's head row locked FOR UPDATE at the start),
	// so seq equals commit order within a scope on every process. Scopes
	// are locked in one global order (user scopes by name, then "org"),
	// so Updates cannot deadlock each other.
	//
	// fn runs exactly once. A transaction larger than the backend can
	// commit at once may be committed in parts between two Apply calls
	// (each Apply, with the docs written before it, is atomic); readers
	// never see part of one Apply. Docs written through the Tx commit with
	// the records.
	Update(ctx context.Context, scopes []string, fn func(Tx) error) error

	Pull(ctx context.Context, q PullQuery) (PullPage, error)
	// Heads returns every scope's head seq and tombstone horizon.
	Heads(ctx context.Context) (heads, horizons map[string]uint64, err error)
	// PurgeTombstones deletes tombstones last written before cutoff and
	// raises the scopes' horizons; it returns how many it purged. It takes
	// each scope's write lock while it purges that scope.
	PurgeTombstones(ctx context.Context, cutoff time.Time) (int, error)

	// ViewDocs runs fn on one consistent snapshot of the documents.
	ViewDocs(ctx context.Context, fn func(DocReader) error) error
	// UpdateDocs runs fn in one serialisable, durable document transaction:
	// GetDoc inside it reads the latest committed value and holds the key
	// (present or absent) against every other document transaction until
	// this one ends, so read-modify-write of a key is safe across
	// processes. The store may run fn more than once (PostgreSQL retries a
	// serialisation failure or deadlock), so fn must have no effect
	// outside the DocTx and must not depend on state it mutated in an
	// earlier run. One transaction writes at most MaxDocWrites documents
	// and jobs and MaxDocTxBytes bytes; bigger work is split by the caller.
	UpdateDocs(ctx context.Context, fn func(DocTx) error) error

	// Claim leases up to n due jobs of queue to worker for lease and
	// returns them, each with Attempts already incremented. A job is due
	// when it is pending and its NotBefore has passed (the store's clock:
	// PostgreSQL now(), Badger time.Now()). Jobs with the same Key are
	// delivered in order, one at a time: Claim returns only the oldest
	// pending job of a key, and none of a key that has a job leased and
	// not expired. A job whose lease expires without Ack, Retry or Bury
	// (its worker died) is due again and the next Claim may hand it to
	// another worker. Two concurrent Claims never return the same job
	// (PostgreSQL: FOR UPDATE SKIP LOCKED on the key's oldest row).
	Claim(ctx context.Context, queue, worker string, n int, lease time.Duration) ([]Job, error)
	// Ack deletes a delivered job. It, Retry and Bury answer
	// notebook.Conflict when worker no longer holds the job's lease
	// (expired and claimed by another, or acked), and NotFound when the
	// job is gone (its key's jobs were deleted).
	Ack(ctx context.Context, queue, jobID, worker string) error
	// Retry releases the job to be due again after the delay (store
	// clock), recording lastError.
	Retry(ctx context.Context, queue, jobID, worker string, after time.Duration, lastError string) error
	// Bury gives up on the job: it is kept as dead, never claimed again,
	// counted in QueueStats until its key's jobs are deleted.
	Bury(ctx context.Context, queue, jobID, worker, lastError string) error
	// QueueStats counts the pending (including leased) and dead jobs of
	// queue per key; keys without jobs are absent.
	QueueStats(ctx context.Context, queue string) (map[string]QueueStat, error)

	// Watch returns change hints until ctx ends, then closes the channel.
	// After each Update that wrote records commits, the scopes it wrote
	// are sent to every watcher, on every process sharing the database
	// (PostgreSQL: one NOTIFY per commit, LISTENed by each process). A
	// hint is advisory: hints may be merged while a watcher is slow, and
	// when hints may have been lost (a reconnect) the store sends nil,
	// meaning "any scope may have changed". Watchers must not rely on
	// hints alone: the hub re-checks on a bounded interval.
	Watch(ctx context.Context) <-chan []string

	Close() error
}

// Tx is the view of an Update transaction. Its document methods behave
// as in UpdateDocs and commit with the records.
type Tx interface {
	DocTx
	// Get returns the record's current version (including writes of this
	// transaction); ok is false when the id was never written.
	Get(id string) (rec Record, ok bool, err error)
	// LastMutationID is the last mutation id processed for clientID.
	LastMutationID(clientID string) (uint64, error)
	// Commit one mutation's effects atomically: record lastID for clientID
	// and, when rec is not nil, write rec as the record's new version with
	// the scope's next seq (set on rec).
	Apply(clientID string, lastID uint64, rec *Record) error
}

// ---- documents ----

// The document store keeps the hub's small state (webhooks, seen steps,
// the pseudonym secret, the insights projection …) as opaque values under
// (namespace, key). A new kind of state is a new namespace (doc.go lists
// them), never a new Store method.
//
// Names: a namespace is 1–64 bytes of [a-z0-9._-]; a key is 1–512 bytes
// of UTF-8 without NUL; a value is at most MaxDocBytes. Keys sort by
// their bytes (PostgreSQL: COLLATE "C"), so a zero-padded number or a
// fixed-width time in a key orders as the number or time. Violations are
// notebook.Invalid errors.
const (
	MaxDocBytes   = 1 << 20 // one value
	MaxDocWrites  = 1000    // puts, deletes and enqueued jobs in one document transaction
	MaxDocTxBytes = 4 << 20 // bytes of keys and values written by one document transaction
)

// Doc is one document.
type Doc struct {
	Key   string
	Value []byte
}

// DocReader reads documents.
type DocReader interface {
	// GetDoc returns the value under (ns, key); ok is false when there is none.
	GetDoc(ns, key string) (val []byte, ok bool, err error)
	// ScanDocs returns the documents of ns with from ≤ key < to (to == ""
	// means no upper bound) in key order, at most limit (≤ 0: all).
	ScanDocs(ns, from, to string, limit int) ([]Doc, error)
}

// DocTx reads and writes documents and enqueues jobs in one transaction;
// reads see the transaction's own writes.
type DocTx interface {
	DocReader
	// PutDoc creates or replaces the value under (ns, key).
	PutDoc(ns, key string, val []byte) error
	// DeleteDoc removes (ns, key); deleting a missing key is not an error.
	DeleteDoc(ns, key string) error
	// Enqueue adds a pending job to queue, due at once, visible to Claim
	// when the transaction commits. Its ID must be unique in the queue
	// (1–128 bytes, like a key); an existing ID is notebook.Conflict.
	Enqueue(queue string, job NewJob) error
	// DeleteJobs removes every job (pending, leased or dead) of key in queue.
	DeleteJobs(queue, key string) error
}

// PrefixEnd returns the smallest key greater than every key that starts
// with prefix, for ScanDocs(ns, prefix, PrefixEnd(prefix), …).
func PrefixEnd(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}

// ---- work queues ----

// NewJob is a job to enqueue. Key orders jobs: those of one key are
// claimed one at a time, oldest first (a webhook's deliveries).
type NewJob struct {
	ID      string
	Key     string
	Payload []byte // at most MaxDocBytes
}

// Job is a claimed job.
type Job struct {
	ID        string
	Queue     string
	Key       string
	Payload   []byte
	Attempts  int       // claims so far, this one included
	CreatedAt time.Time // when it was enqueued
	LastError string    // from the last Retry
}

// QueueStat counts one key's jobs.
type QueueStat struct {
	Pending int // waiting, due later, or leased
	Dead    int // buried
}
