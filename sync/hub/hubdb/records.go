package hubdb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncproto"
)

// TimeFormat is how the hub writes times: RFC 3339, UTC, milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

type recordInternal struct {
	FieldClient map[string]string `json:"field_client,omitempty"`
	CreatedBy   string            `json:"created_by,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
}

// EncodeParts returns a version's wire envelope (what a pull sends, as is)
// and its hub-only fields, both JSON. Every store keeps these two byte
// strings, so a pull copies envelopes to the wire without decoding them.
func EncodeParts(r *Record) (envelope, hubOnly []byte, err error) {
	env := syncproto.Envelope{ID: r.ID, Type: r.Type, Scope: r.Scope, Seq: r.Seq, Deleted: r.Deleted,
		SchemaVersion: syncproto.SchemaVersion, Data: r.Data, FieldHLC: r.FieldHLC,
		UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt.UTC().Format(TimeFormat)}
	if env.Data == nil {
		env.Data = map[string]json.RawMessage{}
	}
	if env.FieldHLC == nil {
		env.FieldHLC = map[string]string{}
	}
	if envelope, err = json.Marshal(env); err != nil {
		return nil, nil, err
	}
	hubOnly, err = json.Marshal(recordInternal{FieldClient: r.FieldClient, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt})
	return envelope, hubOnly, err
}

// DecodeParts is EncodeParts' inverse.
func DecodeParts(envelope, hubOnly []byte) (Record, error) {
	var e syncproto.Envelope
	var in recordInternal
	if err := json.Unmarshal(envelope, &e); err != nil {
		return Record{}, err
	}
	if err := json.Unmarshal(hubOnly, &in); err != nil {
		return Record{}, err
	}
	updated, _ := time.Parse(TimeFormat, e.UpdatedAt)
	return Record{ID: e.ID, Type: e.Type, Scope: e.Scope, Seq: e.Seq, Deleted: e.Deleted, Data: e.Data,
		FieldHLC: e.FieldHLC, UpdatedBy: e.UpdatedBy, UpdatedAt: updated,
		FieldClient: in.FieldClient, CreatedBy: in.CreatedBy, CreatedAt: in.CreatedAt}, nil
}

// encodeRecord lays a version out as [4-byte length][envelope JSON][hub-only
// JSON] in one Badger value.
func encodeRecord(r *Record) ([]byte, error) {
	envJSON, inJSON, err := EncodeParts(r)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 4, 4+len(envJSON)+len(inJSON))
	binary.BigEndian.PutUint32(out, uint32(len(envJSON)))
	out = append(out, envJSON...)
	return append(out, inJSON...), nil
}

func envelopeBytes(v []byte) ([]byte, error) {
	if len(v) < 4 || int(binary.BigEndian.Uint32(v)) > len(v)-4 {
		return nil, errors.New("corrupt record value")
	}
	return v[4 : 4+binary.BigEndian.Uint32(v)], nil
}

func decodeRecord(v []byte) (Record, error) {
	env, err := envelopeBytes(v)
	if err != nil {
		return Record{}, err
	}
	return DecodeParts(env, v[4+len(env):])
}

type recordPointer struct {
	Scope string `json:"scope"`
	Seq   uint64 `json:"seq"`
}

// ---- Update ----

type badgerTx struct {
	docTxn
	db      *badger.DB
	allowed map[string]bool
	size    int
	touched map[string]bool
}

// Update runs fn with the scopes' locks held and commits (fsynced) before
// returning. A transaction that grows past txnBudget is committed between
// two mutations and continued in a new one; each mutation is atomic.
func (b *Badger) Update(ctx context.Context, scopes []string, fn func(Tx) error) error {
	unlock := b.locks.lock(scopes)
	defer unlock()
	tx := &badgerTx{docTxn: docTxn{b: b, txn: b.db.NewTransaction(true), lazyLock: true}, db: b.db,
		allowed: map[string]bool{}, touched: map[string]bool{}}
	for _, s := range scopes {
		tx.allowed[s] = true
	}
	defer tx.unlock()
	defer func() { tx.txn.Discard() }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.txn.Commit(); err != nil {
		return internal(err, "commit push")
	}
	b.watch.publish(sortedKeys(tx.touched))
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (t *badgerTx) Get(id string) (Record, bool, error) {
	var ptr recordPointer
	if err := getJSON(t.txn, "r/"+id, &ptr); err != nil {
		if errors.Is(err, badger.ErrKeyNotFound) {
			return Record{}, false, nil
		}
		return Record{}, false, internal(err, "read record")
	}
	item, err := t.txn.Get(recordKey(ptr.Scope, ptr.Seq))
	if err != nil {
		return Record{}, false, internal(err, "read record version")
	}
	var rec Record
	err = item.Value(func(v []byte) (err error) { rec, err = decodeRecord(v); return err })
	return rec, err == nil, internal(err, "decode record")
}

func (t *badgerTx) LastMutationID(clientID string) (uint64, error) {
	var cs clientState
	err := getJSON(t.txn, "c/"+clientID, &cs)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	return cs.LastID, internal(err, "read client state")
}

func (t *badgerTx) Apply(clientID string, lastID uint64, rec *Record) error {
	if rec != nil && !t.allowed[rec.Scope] {
		return notebook.Errorf(notebook.Internal, "hubdb: write to scope %s outside the locked scopes", rec.Scope)
	}
	if t.size > txnBudget {
		if err := t.txn.Commit(); err != nil {
			return internal(err, "commit part of a push")
		}
		t.txn, t.size, t.writes, t.bytes = t.db.NewTransaction(true), 0, 0, 0
	}
	return internal(t.apply(clientID, lastID, rec), "apply mutation")
}

func (t *badgerTx) apply(clientID string, lastID uint64, rec *Record) error {
	var cs clientState
	if err := getJSON(t.txn, "c/"+clientID, &cs); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
		return err
	}
	cs.LastID = lastID
	val, _ := json.Marshal(cs)
	if err := t.set([]byte("c/"+clientID), val); err != nil {
		return err
	}
	if rec == nil {
		return nil
	}
	t.touched[rec.Scope] = true
	return t.putRecord(rec)
}

func (t *badgerTx) putRecord(rec *Record) error {
	var old recordPointer
	switch err := getJSON(t.txn, "r/"+rec.ID, &old); {
	case err == nil:
		if err := t.txn.Delete(recordKey(old.Scope, old.Seq)); err != nil {
			return err
		}
	case !errors.Is(err, badger.ErrKeyNotFound):
		return err
	}
	head, err := readUint(t.txn, "q/"+rec.Scope)
	if err != nil {
		return err
	}
	rec.Seq = head + 1
	val, err := encodeRecord(rec)
	if err != nil {
		return err
	}
	ptr, _ := json.Marshal(recordPointer{Scope: rec.Scope, Seq: rec.Seq})
	if err := t.set([]byte("q/"+rec.Scope), seqBytes(rec.Seq)); err != nil {
		return err
	}
	if err := t.set([]byte("r/"+rec.ID), ptr); err != nil {
		return err
	}
	return t.set(recordKey(rec.Scope, rec.Seq), val)
}

func (t *badgerTx) set(k, v []byte) error {
	t.size += len(k) + len(v) + 32
	return t.txn.Set(k, v)
}

func readUint(txn *badger.Txn, key string) (uint64, error) {
	item, err := txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return errors.New("corrupt counter " + key)
		}
		n = binary.BigEndian.Uint64(v)
		return nil
	})
	return n, err
}

// ---- Pull ----

// Pull reads one page from one snapshot: scopes in name order, records in
// seq order within a scope, at most q.Limit records in all.
func (b *Badger) Pull(ctx context.Context, q PullQuery) (PullPage, error) {
	page := PullPage{Next: map[string]uint64{}}
	if q.MaxBytes <= 0 {
		q.MaxBytes = DefaultPageBytes
	}
	budget := &pageBudget{records: q.Limit, bytes: q.MaxBytes}
	for s, n := range q.After {
		page.Next[s] = n
	}
	err := b.db.View(func(txn *badger.Txn) error {
		heads, err := scopeHeads(txn, "q/")
		if err != nil {
			return err
		}
		scopes := q.Scopes
		if scopes == nil {
			for s := range heads {
				scopes = append(scopes, s)
			}
		}
		sort.Strings(scopes)
		for _, scope := range scopes {
			if heads[scope] <= page.Next[scope] {
				continue
			}
			if budget.full(len(page.Records)) {
				page.HasMore = true
				break
			}
			if err := pullScope(txn, scope, budget, &page); err != nil {
				return err
			}
		}
		if q.ClientID != "" {
			var cs clientState
			if err := getJSON(txn, "c/"+q.ClientID, &cs); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			page.LastMutationID = cs.LastID
		}
		return nil
	})
	return page, internal(err, "pull")
}

// pageBudget is what a page may still take.
type pageBudget struct{ records, bytes int }

func (b *pageBudget) full(n int) bool { return n >= b.records || n > 0 && b.bytes <= 0 }

func pullScope(txn *badger.Txn, scope string, budget *pageBudget, page *PullPage) error {
	prefix := []byte("s/" + scope + "\x00")
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
	defer it.Close()
	for it.Seek(recordKey(scope, page.Next[scope]+1)); it.Valid(); it.Next() {
		if budget.full(len(page.Records)) {
			page.HasMore = true
			return nil
		}
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		env, err := envelopeBytes(v)
		if err != nil {
			return err
		}
		page.Records = append(page.Records, env)
		budget.bytes -= len(env)
		page.Next[scope] = binary.BigEndian.Uint64(item.Key()[len(prefix):])
	}
	return nil
}

func scopeHeads(txn *badger.Txn, prefix string) (map[string]uint64, error) {
	heads := map[string]uint64{}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var n uint64
		err := it.Item().Value(func(v []byte) error {
			if len(v) != 8 {
				return errors.New("corrupt counter")
			}
			n = binary.BigEndian.Uint64(v)
			return nil
		})
		if err != nil {
			return nil, err
		}
		heads[strings.TrimPrefix(string(it.Item().Key()), prefix)] = n
	}
	return heads, nil
}

// Heads returns every scope's head seq and tombstone horizon.
func (b *Badger) Heads(ctx context.Context) (heads, horizons map[string]uint64, err error) {
	err = b.db.View(func(txn *badger.Txn) error {
		if heads, err = scopeHeads(txn, "q/"); err != nil {
			return err
		}
		horizons, err = scopeHeads(txn, "h/")
		return err
	})
	return heads, horizons, internal(err, "read scope heads")
}

// ---- tombstone collection ----

// PurgeTombstones deletes tombstones last written before cutoff. Each scope
// is purged under its lock; the scope's horizon is raised to the highest
// purged seq so that older cursors get 410 and download again.
func (b *Badger) PurgeTombstones(ctx context.Context, cutoff time.Time) (int, error) {
	heads, _, err := b.Heads(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for scope := range heads {
		n, err := b.purgeScope(scope, cutoff)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (b *Badger) purgeScope(scope string, cutoff time.Time) (int, error) {
	unlock := b.locks.lock([]string{scope})
	defer unlock()
	var doomed []Record
	err := b.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("s/" + scope + "\x00"), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				env, err := envelopeBytes(v)
				if err != nil || !bytes.Contains(env, []byte(`"deleted":true`)) {
					return err
				}
				rec, err := decodeRecord(v)
				if err == nil && rec.Deleted && rec.UpdatedAt.Before(cutoff) {
					doomed = append(doomed, rec)
				}
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || len(doomed) == 0 {
		return 0, internal(err, "scan tombstones")
	}
	// Delete in chunks (Badger caps a transaction's size); doomed is in seq
	// order, so the horizon only ever rises.
	for start := 0; start < len(doomed); start += tombstonesPerTxn {
		chunk := doomed[start:min(start+tombstonesPerTxn, len(doomed))]
		if err := b.purgeChunk(scope, chunk); err != nil {
			return start, internal(err, "purge tombstones")
		}
	}
	return len(doomed), nil
}

// tombstonesPerTxn is how many tombstones one transaction deletes.
const tombstonesPerTxn = 2000

func (b *Badger) purgeChunk(scope string, chunk []Record) error {
	return b.db.Update(func(txn *badger.Txn) error {
		horizon, err := readUint(txn, "h/"+scope)
		if err != nil {
			return err
		}
		for _, rec := range chunk {
			if err := txn.Delete(recordKey(scope, rec.Seq)); err != nil {
				return err
			}
			if err := txn.Delete([]byte("r/" + rec.ID)); err != nil {
				return err
			}
			horizon = max(horizon, rec.Seq)
		}
		return txn.Set([]byte("h/"+scope), seqBytes(horizon))
	})
}
