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

// Store is the hub's storage. Implementations must make Update atomic and
// durable before it returns, assign seqs in commit order per scope, and
// answer Pull from one consistent snapshot.
type Store interface {
	// Epoch identifies this data set; cursors from another epoch get 410.
	Epoch() string

	CreateUser(ctx context.Context, u User, tokenHash [32]byte) error
	ListUsers(ctx context.Context) ([]User, error)
	RevokeUser(ctx context.Context, id string) error
	UserByToken(ctx context.Context, tokenHash [32]byte) (User, error)

	// BindClient binds clientID to userID on first use; a client bound to
	// another user is a notebook.Forbidden error.
	BindClient(ctx context.Context, clientID, userID string) error

	// Update runs fn in one serialised transaction that may write the given
	// scopes only; it returns after the effects are durable.
	Update(ctx context.Context, scopes []string, fn func(Tx) error) error

	Pull(ctx context.Context, q PullQuery) (PullPage, error)
	// Heads returns every scope's head seq and tombstone horizon.
	Heads(ctx context.Context) (heads, horizons map[string]uint64, err error)
	// PurgeTombstones deletes tombstones last written before cutoff and
	// raises the scopes' horizons; it returns how many it purged.
	PurgeTombstones(ctx context.Context, cutoff time.Time) (int, error)

	Close() error
}

// Tx is the view of an Update transaction.
type Tx interface {
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
