package syncclient

import (
	"context"

	"fieldnotes/sync/syncproto"
)

// Replica is what the engine needs from the local store, in wire types.
// app/replica adapts *store.Store to it.
type Replica interface {
	// ClientID is this installation's client_id.
	ClientID() string
	// Outbox returns up to limit pending mutations in mutation_id order and
	// seals them (they may now be on the wire and are never rewritten).
	Outbox(ctx context.Context, limit int) ([]syncproto.Mutation, error)
	// ResolvePushed records the hub's verdicts: applied and duplicate
	// mutations leave the outbox, rejected ones become visible rejections.
	ResolvePushed(ctx context.Context, results []syncproto.Result) error
	// Cursor is the saved pull cursor ("" before the first pull).
	Cursor(ctx context.Context) (string, error)
	// ApplyPulled commits one page, its cursor and the outbox clean-up up to
	// lastMutationID in one transaction; applying a page twice is harmless.
	ApplyPulled(ctx context.Context, records []syncproto.Envelope, cursor string, lastMutationID uint64) error
	// ResetCursor forgets the cursor after a 410; the outbox stays.
	ResetCursor(ctx context.Context) error
	// RenumberOutbox renumbers pending mutations from expected after a 409
	// mutation_gap.
	RenumberOutbox(ctx context.Context, expected uint64) error
	// PendingCount is how many mutations wait for the hub.
	PendingCount(ctx context.Context) (int, error)
}
