package store

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// writer is one write transaction. Callers hold writeMu, so the counters it
// advances are only committed to memory once the transaction commits.
type writer struct {
	s       *Store
	txn     *badger.Txn
	lastMut uint64
	lastSeq uint64
	bytes   int // written so far, so a Batch can commit before Badger's limit
	entries int
	indexed uint64 // feed position the search postings are complete to (index.go)
	// deferPostings leaves this transaction's search postings to the
	// indexer (a large pulled page, a large import).
	deferPostings bool
	// tailID and tailRef are the outbox entry this transaction wrote last
	// and the record it is of, so appendOutbox need not read and decode
	// the tail to learn it is another record's (a batch of saves).
	tailID  uint64
	tailRef string
}

// update runs fn in one transaction and commits it (fsynced: SyncWrites).
// Callers must hold writeMu.
func (s *Store) update(fn func(w *writer) error) error {
	w := s.newWriter()
	defer w.txn.Discard()
	if err := fn(w); err != nil {
		return err
	}
	return w.commit()
}

func (s *Store) newWriter() *writer {
	return &writer{s: s, txn: s.db.NewTransaction(true), lastMut: s.lastMut, lastSeq: s.lastFeed, indexed: s.indexed}
}

// commit persists the counters the transaction advanced, commits (fsync)
// and only then makes the counters current in memory.
func (w *writer) commit() error {
	s, txn := w.s, w.txn
	if w.lastMut != s.lastMut {
		if err := setUint(txn, keyMutation, w.lastMut); err != nil {
			return err
		}
	}
	if w.lastSeq != s.lastFeed {
		if err := setUint(txn, keyFeed, w.lastSeq); err != nil {
			return err
		}
		if err := txn.Set([]byte(keyHLC), []byte(s.clock.Last().String())); err != nil {
			return err
		}
	}
	if err := w.saveIndexed(); err != nil {
		return err
	}
	if err := txn.Commit(); err != nil {
		return err
	}
	s.lastMut, s.lastFeed, s.indexed = w.lastMut, w.lastSeq, w.indexed
	s.indexLag.Store(w.lastSeq - w.indexed)
	if w.lastSeq > w.indexed {
		s.wakeIndexer()
	}
	return nil
}

// saveIndexed keeps m/indexed only while the index lags: an ordinary save,
// whose postings are written with it, then writes nothing extra.
func (w *writer) saveIndexed() error {
	lagged, lags := w.s.lastFeed > w.s.indexed, w.lastSeq > w.indexed
	switch {
	case lags && (w.indexed != w.s.indexed || !lagged):
		return setUint(w.txn, keyIndexed, w.indexed)
	case !lags && lagged:
		return w.txn.Delete([]byte(keyIndexed))
	}
	return nil
}

func (w *writer) set(k, v []byte) error {
	w.bytes += len(k) + len(v)
	w.entries++
	return w.txn.Set(k, v)
}

func (w *writer) del(k []byte) error {
	w.bytes += len(k)
	w.entries++
	return w.txn.Delete(k)
}

func (w *writer) load(t notebook.Type, id string) (Envelope, bool, error) {
	return loadEnvelope(w.txn, t, id)
}

// put writes next over old and moves index entries, unique keys and search
// postings from what old implied to what next implies.
func (w *writer) put(old Envelope, exists bool, next Envelope) error {
	var after derived
	if !next.Deleted {
		after = deriveWith(next, !w.deferPostings)
	}
	return w.putDerived(old, exists, next, after)
}

// putDerived is put for a caller that already derived next's keys (Save
// does, for its uniqueness check), so they are not computed twice.
func (w *writer) putDerived(old Envelope, exists bool, next Envelope, after derived) error {
	raw, err := encodeEnvelope(next)
	if err != nil {
		return err
	}
	if err := w.set(recordKey(next.Type, next.ID), raw); err != nil {
		return err
	}
	var before derived
	if exists && !old.Deleted {
		before = derive(old)
	}
	if err := w.swapKeys(before.keys, after.keys); err != nil {
		return err
	}
	return w.swapUniques(next.ID, before.uniques, after.uniques)
}

func (w *writer) swapKeys(before, after map[string]bool) error {
	for k := range before {
		if !after[k] {
			if err := w.del([]byte(k)); err != nil {
				return err
			}
		}
	}
	for k := range after {
		if !before[k] {
			if err := w.set([]byte(k), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// swapUniques points unique keys at id; a unique key is removed only while it
// still points at this record (another record may have taken it since).
func (w *writer) swapUniques(id string, before, after map[string]bool) error {
	for k := range before {
		if after[k] {
			continue
		}
		owner, err := getString(w.txn, k)
		if err != nil {
			return err
		}
		if owner == id {
			if err := w.del([]byte(k)); err != nil {
				return err
			}
		}
	}
	for k := range after {
		if err := w.set([]byte(k), []byte(id)); err != nil {
			return err
		}
	}
	return nil
}

// checkUnique refuses a local edit that would take a domain, email address
// or Message-ID that another live record already has.
func (w *writer) checkUnique(rec notebook.Record, uniques map[string]bool) error {
	for k := range uniques {
		owner, err := getString(w.txn, k)
		if err != nil {
			return err
		}
		if owner == "" || owner == rec.RecordID() {
			continue
		}
		if _, live, err := loadEnvelope(w.txn, rec.RecordType(), owner); err != nil || !live {
			continue
		}
		what := strings.SplitN(strings.TrimPrefix(k, "u/"), "/", 2)
		return notebook.Errorf(notebook.Conflict, "%s %s already belongs to another %s (id %s)", what[0], what[1], rec.RecordType(), owner)
	}
	return nil
}

// appendOutbox queues m. When the newest entry is an unsealed upsert of the
// same record, m is folded into it (autosave would otherwise queue one
// mutation per keystroke pause).
func (w *writer) appendOutbox(m Mutation) (uint64, error) {
	if m.Op == OpUpsert && w.lastMut > w.s.sealedUpTo && !(w.tailID == w.lastMut && w.tailRef != recordRef(m.Type, m.ID)) {
		tail, err := w.outboxEntry(w.lastMut)
		if err != nil {
			return 0, err
		}
		if tail != nil && tail.Op == OpUpsert && tail.Type == m.Type && tail.ID == m.ID {
			for f, v := range m.Fields {
				tail.Fields[f] = v
			}
			for f, b := range m.Base { // the base is where the user's edit started: keep the first
				if _, ok := tail.Base[f]; !ok {
					if tail.Base == nil {
						tail.Base = map[string]string{}
					}
					tail.Base[f] = b
				}
			}
			tail.HLC = m.HLC
			return tail.MutationID, w.setOutbox(*tail)
		}
	}
	w.lastMut++
	m.MutationID = w.lastMut
	return m.MutationID, w.setOutbox(m)
}

func (w *writer) outboxEntry(id uint64) (*Mutation, error) {
	item, err := w.txn.Get(outboxKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Mutation
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &m) }); err != nil {
		return nil, err
	}
	if m.Fields == nil {
		m.Fields = map[string]json.RawMessage{}
	}
	return &m, nil
}

func (w *writer) setOutbox(m Mutation) error {
	raw, err := encodeMutation(m)
	if err != nil {
		return err
	}
	w.tailID, w.tailRef = m.MutationID, recordRef(m.Type, m.ID)
	return w.set(outboxKey(m.MutationID), raw)
}

func (w *writer) appendFeed(c *Change) (uint64, error) {
	w.lastSeq++
	c.Seq = w.lastSeq
	if !w.deferPostings && w.indexed == w.lastSeq-1 {
		w.indexed = w.lastSeq // its postings are in this transaction: the index stays complete
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	return c.Seq, w.set(feedKey(c.Seq), raw)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
