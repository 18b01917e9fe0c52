package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// The local view of a synced record is its hub version (kept under b/) with
// this device's still-pending mutations re-applied on top, the way
// Replicache and Linear rebase: when a pull brings a new hub version, or the
// hub rejects a mutation, the record is rebuilt from the base and what is
// still pending, so nothing typed is lost and nothing refused lingers.

const keyCursor = "s/cursor"

func rejectedKey(id uint64) []byte { return []byte(fmt.Sprintf("s/rejected/%016x", id)) }

// Pull results of push, as the sync engine reports them.
const (
	ResultApplied   = "applied"
	ResultDuplicate = "duplicate"
	ResultRejected  = "rejected"
)

// PushResult is the hub's verdict on one pushed mutation.
type PushResult struct {
	MutationID uint64
	Status     string
	Seq        uint64 // applied: the record's seq after it (its current seq when the hub wrote nothing)
	Code       string
	Message    string
}

// Rejection is a mutation the hub refused, kept so the user can see what
// did not go through and why.
type Rejection struct {
	Mutation Mutation  `json:"mutation"`
	Code     string    `json:"code"`
	Message  string    `json:"message"`
	At       time.Time `json:"at"`
}

// SyncCursor returns the pull cursor ("" before the first pull).
func (s *Store) SyncCursor(ctx context.Context) (string, error) {
	var c string
	err := s.viewDB(func(txn *badger.Txn) (err error) { c, err = getString(txn, keyCursor); return err })
	return c, internal(err, "reading the sync cursor")
}

// ResetCursor forgets the pull cursor, after the hub answered 410: the next
// pull downloads everything again and the outbox is kept and replayed.
func (s *Store) ResetCursor(ctx context.Context) error {
	return internal(s.updateDB(func(txn *badger.Txn) error { return txn.Delete([]byte(keyCursor)) }), "resetting the sync cursor")
}

// ApplyPulled applies one pulled page, the new cursor and the outbox clean-up
// up to lastMutationID in one transaction; applying a page twice changes
// nothing. A page too large for one Badger transaction is applied in parts
// and the cursor goes with the last part, which keeps that guarantee.
func (s *Store) ApplyPulled(ctx context.Context, page []Envelope, cursor string, lastMutationID uint64) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var changes []Change
	empty := len(page) == 0
	for len(page) > 0 {
		n, err := s.applyPart(page, cursor, lastMutationID, &changes)
		if err != nil {
			return internal(err, "applying changes from the hub")
		}
		page = page[n:]
	}
	if empty { // an empty page still moves the cursor and acks
		err := s.update(func(w *writer) (err error) {
			changes, err = w.finishPull(cursor, lastMutationID, nil)
			return err
		})
		if err != nil {
			return internal(err, "saving the sync cursor")
		}
	}
	s.publish(changes...)
	return nil
}

// applyPart applies as much of page as fits in one transaction (all of it,
// normally) and returns how many records it applied.
func (s *Store) applyPart(page []Envelope, cursor string, lastMutationID uint64, changes *[]Change) (int, error) {
	for size := len(page); ; size = (size + 1) / 2 {
		var part []Change
		err := s.update(func(w *writer) error {
			if len(page) >= deferPostingsFrom {
				w.deferPostings = true
				s.lastDeferred.Store(time.Now().UnixNano())
			}
			pending, err := w.pendingByRecord(lastMutationID)
			if err != nil {
				return err
			}
			applied := make(map[string]bool, size)
			for _, env := range page[:size] {
				c, err := w.applyBase(env, pending[recordRef(env.Type, env.ID)])
				if err != nil {
					return err
				}
				part = append(part, c)
				applied[recordRef(env.Type, env.ID)] = true
			}
			if size < len(page) {
				return nil
			}
			settled, err := w.finishPull(cursor, lastMutationID, applied)
			part = append(part, settled...)
			return err
		})
		if errors.Is(err, badger.ErrTxnTooBig) && size > 1 {
			continue
		}
		if err != nil {
			return 0, err
		}
		*changes = append(*changes, part...)
		return size, nil
	}
}

// finishPull acks the outbox up to lastMutationID and saves the cursor. A
// record whose acked mutation is not in the page (applied) is rebuilt from
// its base: if that mutation lost last-writer-wins the hub wrote nothing
// new, so no later page would ever correct the local view.
func (w *writer) finishPull(cursor string, lastMutationID uint64, applied map[string]bool) ([]Change, error) {
	acked := map[string]Mutation{}
	err := scanOutbox(w.txn, func(m Mutation) bool {
		if m.MutationID > lastMutationID {
			return false
		}
		if ref := recordRef(m.Type, m.ID); !applied[ref] {
			acked[ref] = m
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if err := w.ackOutbox(lastMutationID); err != nil {
		return nil, err
	}
	changes, err := w.settle(acked)
	if err != nil {
		return nil, err
	}
	return changes, w.set([]byte(keyCursor), []byte(cursor))
}

// settle rebuilds, from the hub's base and what is still pending, the
// records of mutations the hub has decided. Records the hub never had (no
// base) are left alone: their first version is still to be pulled.
func (w *writer) settle(refs map[string]Mutation) ([]Change, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	pending, err := w.pendingByRecord(0)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for ref, m := range refs {
		base, err := w.base(m.Type, m.ID)
		if err != nil || base == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		c, err := w.rebuild(m.Type, m.ID, base, pending[ref])
		if err != nil {
			return nil, err
		}
		changes = append(changes, c)
	}
	return changes, nil
}

func recordRef(t notebook.Type, id string) string { return string(t) + "/" + id }

// pendingByRecord groups the outbox entries after ackedUpTo by record.
func (w *writer) pendingByRecord(ackedUpTo uint64) (map[string][]Mutation, error) {
	out := map[string][]Mutation{}
	err := scanOutbox(w.txn, func(m Mutation) bool {
		if m.MutationID > ackedUpTo {
			out[recordRef(m.Type, m.ID)] = append(out[recordRef(m.Type, m.ID)], m)
		}
		return true
	})
	return out, err
}

// applyBase stores the hub's version and rebuilds the local view from it.
func (w *writer) applyBase(base Envelope, pending []Mutation) (Change, error) {
	for _, h := range base.FieldHLC {
		if hlc, err := notebook.ParseHLC(h); err == nil {
			w.s.clock.Observe(hlc)
		}
	}
	return w.rebuild(base.Type, base.ID, &base, pending)
}

// rebuild writes base + pending as the local record. With no base the
// record never reached the hub: pending alone decides, and with nothing
// pending either it is removed from this device.
func (w *writer) rebuild(t notebook.Type, id string, base *Envelope, pending []Mutation) (Change, error) {
	old, exists, err := w.load(t, id)
	if err != nil {
		return Change{}, err
	}
	if err := w.keepBase(t, id, base, len(pending) > 0); err != nil {
		return Change{}, err
	}
	next := Envelope{ID: id, Type: t, Data: map[string]json.RawMessage{}, FieldHLC: map[string]string{}, SchemaVersion: SchemaVersion}
	switch {
	case base != nil && len(pending) == 0:
		next = *base // nothing pending changes it: no copy
	case base != nil:
		next = base.clone()
	case len(pending) == 0:
		next.Deleted = true
	}
	for _, m := range pending {
		if m.Op == OpDelete {
			next.Deleted = true
			continue
		}
		for f, v := range m.Fields {
			next.Data[f], next.FieldHLC[f] = v, m.HLC
		}
	}
	if base != nil && base.Deleted {
		next.Deleted = true // delete wins
	}
	if err := w.put(old, exists, next); err != nil {
		return Change{}, err
	}
	op := OpUpsert
	if next.Deleted {
		op = OpDelete
	}
	c := Change{Type: t, ID: id, Op: op, Origin: "sync"}
	_, err = w.appendFeed(&c)
	return c, err
}

// The hub's version of a record (its base) is stored apart under b/ only
// while this device shows something else (edits pending): a synced record
// with nothing pending is its own base. That halves the writes of a pull,
// where almost every record arrives with nothing pending.

// keepBase stores base apart when the local view will differ from it, and
// drops a stored base when it will not.
func (w *writer) keepBase(t notebook.Type, id string, base *Envelope, diverges bool) error {
	if base == nil {
		return nil
	}
	if !diverges {
		// A lookup is much cheaper than a delete (which Badger writes like a
		// value), and almost every pulled record has no base to drop.
		if _, err := w.txn.Get(baseKey(t, id)); errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return w.del(baseKey(t, id))
	}
	raw, err := encodeEnvelope(*base)
	if err != nil {
		return err
	}
	return w.set(baseKey(t, id), raw)
}

// copyOnWrite saves a synced record's current version as its base before
// a local edit changes it (it is the base until then).
func (w *writer) copyOnWrite(old Envelope, exists bool) error {
	if !exists || old.Seq == 0 {
		return nil
	}
	if _, err := w.txn.Get(baseKey(old.Type, old.ID)); !errors.Is(err, badger.ErrKeyNotFound) {
		return err // nil: a base is kept already
	}
	return w.keepBase(old.Type, old.ID, &old, true)
}

// serverHLC is the hub's HLC of a field of a record ("" if never synced).
func (w *writer) serverHLC(t notebook.Type, id, field string) string {
	base, err := w.base(t, id)
	if err != nil || base == nil {
		return ""
	}
	return base.FieldHLC[field]
}

// ResolvePushed drops pushed mutations from the outbox by the hub's verdict.
// Applied and duplicate ones are done (the next pull brings the hub's
// version). Rejected ones are kept as Rejections for the user to see, and
// their records are rebuilt without them.
func (s *Store) ResolvePushed(ctx context.Context, results []PushResult) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var changes []Change
	err := s.update(func(w *writer) error {
		rebuild, settle := map[string]Mutation{}, map[string]Mutation{}
		for _, r := range results {
			m, err := w.outboxEntry(r.MutationID)
			if err != nil || m == nil {
				continue
			}
			if err := w.del(outboxKey(r.MutationID)); err != nil {
				return err
			}
			switch {
			case r.Status == ResultRejected:
				if err := w.reject(*m, r); err != nil {
					return err
				}
				rebuild[recordRef(m.Type, m.ID)] = *m
			case w.nothingNewer(*m, r):
				settle[recordRef(m.Type, m.ID)] = *m
			}
		}
		for ref := range rebuild {
			delete(settle, ref)
		}
		settled, err := w.settle(settle)
		if err != nil {
			return err
		}
		changes = append(changes, settled...)
		pending, err := w.pendingByRecord(0)
		if err != nil {
			return err
		}
		for ref, m := range rebuild {
			base, err := w.base(m.Type, m.ID)
			if err != nil {
				return err
			}
			c, err := w.rebuild(m.Type, m.ID, base, pending[ref])
			if err != nil {
				return err
			}
			changes = append(changes, c)
		}
		return nil
	})
	if err != nil {
		return internal(err, "recording what the hub accepted")
	}
	s.publish(changes...)
	return nil
}

// nothingNewer reports whether the hub's verdict on m leaves the record at
// a version this device already holds as its base: "applied" with a seq not
// above the base's (m lost last-writer-wins or changed nothing), or a bare
// "duplicate" (the first answer was lost; if the hub did write, the pull
// that follows brings it). Then the local view must drop m's values now.
func (w *writer) nothingNewer(m Mutation, r PushResult) bool {
	base, err := w.base(m.Type, m.ID)
	if err != nil || base == nil {
		return false
	}
	return r.Status == ResultDuplicate || r.Status == ResultApplied && r.Seq != 0 && r.Seq <= base.Seq
}

func (w *writer) reject(m Mutation, r PushResult) error {
	raw, err := json.Marshal(Rejection{Mutation: m, Code: r.Code, Message: r.Message, At: time.Now().UTC()})
	if err != nil {
		return err
	}
	return w.set(rejectedKey(m.MutationID), raw)
}

// base is the hub's version of a record: kept apart while edits are
// pending, otherwise the record itself once synced; nil if never synced.
func (w *writer) base(t notebook.Type, id string) (*Envelope, error) {
	item, err := w.txn.Get(baseKey(t, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		env, ok, err := w.load(t, id)
		if err != nil || !ok || env.Seq == 0 {
			return nil, err
		}
		return &env, nil
	}
	if err != nil {
		return nil, err
	}
	var env Envelope
	return &env, item.Value(func(v []byte) error { return json.Unmarshal(v, &env) })
}

// Rejections lists the mutations the hub refused, oldest first.
func (s *Store) Rejections(ctx context.Context) ([]Rejection, error) {
	var out []Rejection
	err := s.viewDB(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte("s/rejected/")
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var r Rejection
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &r) }); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, internal(err, "reading refused changes")
}

// RenumberOutbox gives the pending mutations consecutive ids starting at
// next, for a hub that answered 409 mutation_gap with an expected id lower
// than ours (it lost track of this client, e.g. restored from a backup).
// Entries below an expected id higher than ours were processed: they go.
func (s *Store) RenumberOutbox(ctx context.Context, expected uint64) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	err := s.update(func(w *writer) error {
		if err := w.ackOutbox(expected - 1); err != nil {
			return err
		}
		var pending []Mutation
		if err := scanOutbox(w.txn, func(m Mutation) bool { pending = append(pending, m); return true }); err != nil {
			return err
		}
		if err := deletePrefix(w.txn, []byte(prefixOut)); err != nil {
			return err
		}
		for i, m := range pending {
			m.MutationID = expected + uint64(i)
			if err := w.setOutbox(m); err != nil {
				return err
			}
		}
		w.lastMut = max(expected-1+uint64(len(pending)), expected-1)
		return nil
	})
	if err == nil {
		s.sealedUpTo = s.lastMut
	}
	return internal(err, "renumbering pending changes")
}
