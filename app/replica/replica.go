package replica

import (
	"context"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
)

// Replica adapts *store.Store to syncclient.Replica.
type Replica struct{ s *store.Store }

var _ syncclient.Replica = (*Replica)(nil)

// New wraps a store.
func New(s *store.Store) *Replica { return &Replica{s: s} }

// ClientID is the installation's client_id.
func (r *Replica) ClientID() string { return r.s.ClientID() }

// Outbox returns (and seals) up to limit pending mutations in wire form.
func (r *Replica) Outbox(ctx context.Context, limit int) ([]syncproto.Mutation, error) {
	ms, err := r.s.Outbox(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]syncproto.Mutation, len(ms))
	for i, m := range ms {
		out[i] = syncproto.Mutation{MutationID: m.MutationID, Op: m.Op, Type: string(m.Type), ID: m.ID,
			Fields: m.Fields, HLC: m.HLC, Base: m.Base}
	}
	return out, nil
}

// ResolvePushed records the hub's verdicts.
func (r *Replica) ResolvePushed(ctx context.Context, results []syncproto.Result) error {
	out := make([]store.PushResult, len(results))
	for i, res := range results {
		out[i] = store.PushResult{MutationID: res.MutationID, Status: res.Status, Seq: res.Seq, Code: res.Code, Message: res.Message}
	}
	return r.s.ResolvePushed(ctx, out)
}

// Cursor is the saved pull cursor.
func (r *Replica) Cursor(ctx context.Context) (string, error) { return r.s.SyncCursor(ctx) }

// ApplyPulled converts a page and commits it with its cursor in one
// store transaction (the store splits only pages too large for one).
func (r *Replica) ApplyPulled(ctx context.Context, records []syncproto.Envelope, cursor string, lastMutationID uint64) error {
	page := make([]store.Envelope, len(records))
	for i, env := range records {
		page[i] = toStore(env)
	}
	return r.s.ApplyPulled(ctx, page, cursor, lastMutationID)
}

// toStore converts a wire envelope; an unreadable updated_at becomes the
// zero time rather than refusing the record (it is display-only).
func toStore(env syncproto.Envelope) store.Envelope {
	at, _ := time.Parse(time.RFC3339Nano, env.UpdatedAt)
	return store.Envelope{ID: env.ID, Type: notebook.Type(env.Type), Scope: env.Scope, Seq: env.Seq, Deleted: env.Deleted,
		SchemaVersion: env.SchemaVersion, Data: env.Data, FieldHLC: env.FieldHLC, UpdatedBy: env.UpdatedBy, UpdatedAt: at}
}

// ResetCursor forgets the cursor (410); the outbox stays.
func (r *Replica) ResetCursor(ctx context.Context) error { return r.s.ResetCursor(ctx) }

// RenumberOutbox renumbers pending mutations from expected (409).
func (r *Replica) RenumberOutbox(ctx context.Context, expected uint64) error {
	if expected == 0 {
		return notebook.Errorf(notebook.Invalid, "the hub asked to renumber from 0")
	}
	return r.s.RenumberOutbox(ctx, expected)
}

// PendingCount is how many mutations wait for the hub.
func (r *Replica) PendingCount(ctx context.Context) (int, error) { return r.s.PendingCount(ctx) }
