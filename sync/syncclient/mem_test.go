package syncclient

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"fieldnotes/sync/syncproto"
)

// memReplica is an in-memory Replica with the store's sync semantics
// (sync/ may not import app/store; app/replica tests the real store). It
// is a local-store double only: every test here talks real HTTP to a real hub.
type memReplica struct {
	mu        sync.Mutex
	id        string
	last      uint64
	outbox    []syncproto.Mutation
	records   map[string]syncproto.Envelope
	cursor    string
	rejected  []syncproto.Result
	resets    int
	renumbers []uint64
	applied   int // pages
}

func newMem(id string) *memReplica {
	return &memReplica{id: id, records: map[string]syncproto.Envelope{}}
}

var hlcCounter uint16
var hlcMu sync.Mutex

func nextHLC() string {
	hlcMu.Lock()
	defer hlcMu.Unlock()
	hlcCounter++
	return syncproto.FormatHLC(time.Now().UnixMilli(), hlcCounter)
}

// upsert queues a change like a local edit would.
func (r *memReplica) upsert(typ, id string, fields map[string]any) uint64 {
	m := syncproto.Mutation{Op: syncproto.OpUpsert, Type: typ, ID: id, HLC: nextHLC(), Fields: map[string]json.RawMessage{}}
	for k, v := range fields {
		m.Fields[k], _ = json.Marshal(v)
	}
	return r.queue(m)
}

func (r *memReplica) queue(m syncproto.Mutation) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last++
	m.MutationID = r.last
	r.outbox = append(r.outbox, m)
	return m.MutationID
}

func (r *memReplica) ClientID() string { return r.id }

func (r *memReplica) Outbox(_ context.Context, limit int) ([]syncproto.Mutation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.outbox)
	if limit > 0 && n > limit {
		n = limit
	}
	return append([]syncproto.Mutation(nil), r.outbox[:n]...), nil
}

func (r *memReplica) ResolvePushed(_ context.Context, results []syncproto.Result) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	done := map[uint64]bool{}
	for _, res := range results {
		done[res.MutationID] = true
		if res.Status == syncproto.StatusRejected {
			r.rejected = append(r.rejected, res)
		}
	}
	r.drop(func(m syncproto.Mutation) bool { return done[m.MutationID] })
	return nil
}

func (r *memReplica) drop(gone func(syncproto.Mutation) bool) {
	kept := r.outbox[:0]
	for _, m := range r.outbox {
		if !gone(m) {
			kept = append(kept, m)
		}
	}
	r.outbox = kept
}

func (r *memReplica) Cursor(context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cursor, nil
}

func (r *memReplica) ApplyPulled(_ context.Context, recs []syncproto.Envelope, cursor string, lastMut uint64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, env := range recs {
		r.records[env.ID] = env
	}
	r.cursor = cursor
	r.applied++
	r.drop(func(m syncproto.Mutation) bool { return m.MutationID <= lastMut })
	return nil
}

func (r *memReplica) ResetCursor(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cursor = ""
	r.resets++
	return nil
}

func (r *memReplica) RenumberOutbox(_ context.Context, expected uint64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.renumbers = append(r.renumbers, expected)
	r.drop(func(m syncproto.Mutation) bool { return m.MutationID < expected })
	for i := range r.outbox {
		r.outbox[i].MutationID = expected + uint64(i)
	}
	r.last = expected - 1 + uint64(len(r.outbox))
	return nil
}

func (r *memReplica) PendingCount(context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.outbox), nil
}

func (r *memReplica) record(id string) (syncproto.Envelope, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	env, ok := r.records[id]
	return env, ok
}

func (r *memReplica) field(id, f string) string {
	env, ok := r.record(id)
	if !ok {
		return ""
	}
	var s string
	_ = json.Unmarshal(env.Data[f], &s)
	return s
}

var idCounter int
var idMu sync.Mutex

func newID() string {
	idMu.Lock()
	defer idMu.Unlock()
	idCounter++
	return fmt.Sprintf("rec%06d", idCounter)
}
