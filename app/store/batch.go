package store

import (
	"context"
	"time"

	"fieldnotes/app/notebook"
)

// A Batch groups many writes into as few fsynced commits as Badger allows:
// importing 2,000 emails as one commit per few megabytes instead of three
// fsyncs each. Writes are applied in order and each is whole, but a batch is
// not atomic as a unit: past batchBytes it commits what it has and goes on
// in a new transaction. Callers order their writes so a prefix is a valid
// state (the mail importer saves folder state last).
type Batch struct {
	s           *Store
	ctx         context.Context
	w           *writer
	changes     []Change
	deferSearch bool
}

// Limits well below Badger's own per-transaction limits (about 15% of the
// 64 MiB memtable), leaving room for the counters each commit adds.
const (
	batchBytes   = 4 << 20
	batchEntries = 20000
)

// Batch runs fn with a Batch and commits what it wrote. An error from fn
// discards the writes since the last intermediate commit.
func (s *Store) Batch(ctx context.Context, fn func(b *Batch) error) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	b := &Batch{s: s, ctx: ctx, w: s.newWriter()}
	defer func() { b.w.txn.Discard() }()
	if err := fn(b); err != nil {
		return err
	}
	if err := b.flush(); err != nil {
		return internal(err, "saving a batch")
	}
	return nil
}

// flush commits the current transaction and publishes its changes.
func (b *Batch) flush() error {
	if err := b.w.commit(); err != nil {
		return err
	}
	b.s.publish(b.changes...)
	b.changes = nil
	if b.deferSearch {
		b.s.lastDeferred.Store(time.Now().UnixNano())
	}
	return nil
}

// room commits early when the transaction is getting large.
func (b *Batch) room() error {
	if b.w.bytes < batchBytes && b.w.entries < batchEntries {
		return nil
	}
	if err := b.flush(); err != nil {
		return internal(err, "saving a batch")
	}
	b.w = b.s.newWriter()
	b.w.deferPostings = b.deferSearch
	return nil
}

// DeferSearch leaves the search postings of the records saved from now on
// to the store's indexer, as a large pulled page does (index.go): a 100k-row
// import spent half its Badger writes on postings. Everything else a save
// writes (record, indexes, unique keys, change feed, outbox) is written as
// before, so lists and briefs are complete at once; search finds the
// records once IndexLag is back to 0, also after a crash or restart.
func (b *Batch) DeferSearch() {
	b.deferSearch = true
	b.w.deferPostings = true
	b.s.lastDeferred.Store(time.Now().UnixNano())
}

// Save is Store.Save inside the batch.
func (b *Batch) Save(rec notebook.Record, opts ...SaveOption) (Saved, error) {
	fields, cfg, err := prepareSave(rec, opts)
	if err != nil {
		return Saved{}, err
	}
	if err := b.room(); err != nil {
		return Saved{}, err
	}
	saved, change, err := b.w.save(rec, fields, cfg)
	if err != nil {
		return Saved{}, internal(err, "saving the "+string(rec.RecordType()))
	}
	if saved.Seq > 0 {
		b.changes = append(b.changes, change)
	}
	return saved, nil
}

// Get reads a record as the batch sees it (its own writes included).
func (b *Batch) Get(id string, dst notebook.Record) error {
	return getInto(b.w.txn, dst.RecordType(), id, dst)
}

// Envelope returns the stored envelope (tombstones included) as the batch
// sees it; ok is false when there is none.
func (b *Batch) Envelope(t notebook.Type, id string) (env Envelope, ok bool, err error) {
	env, ok, err = loadEnvelope(b.w.txn, t, id)
	return env, ok, internal(err, "reading a "+string(t))
}

// LocalGet reads local state as the batch sees it.
func (b *Batch) LocalGet(key string) ([]byte, error) {
	v, err := getLocal(b.w.txn, key)
	return v, internal(err, "reading local state")
}

// LocalPut writes local state in the batch.
func (b *Batch) LocalPut(key string, value []byte) error {
	if key == "" {
		return notebook.Errorf(notebook.Invalid, "a local key cannot be empty")
	}
	if err := b.room(); err != nil {
		return err
	}
	return internal(b.w.set(localKey(key), value), "writing local state")
}

// LocalDelete removes local state in the batch.
func (b *Batch) LocalDelete(key string) error {
	if err := b.room(); err != nil {
		return err
	}
	return internal(b.w.del(localKey(key)), "deleting local state")
}

// LocalScan walks local state with prefix as the batch sees it.
func (b *Batch) LocalScan(prefix string, fn func(key string, value []byte) error) error {
	return internal(scanLocal(b.ctx, b.w.txn, prefix, fn), "scanning local state")
}
