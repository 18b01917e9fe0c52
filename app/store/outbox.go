package store

import (
	"context"
	"encoding/json"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// Mutation is one queued local change, in the wire shape of
// sync-protocol.md's push request.
type Mutation struct {
	MutationID uint64                     `json:"mutation_id"`
	Op         string                     `json:"op"`
	Type       notebook.Type              `json:"type"`
	ID         string                     `json:"id"`
	Fields     map[string]json.RawMessage `json:"fields,omitempty"`
	HLC        string                     `json:"hlc"`
	// Base is, for a call's notes, the hub's HLC of the notes when this
	// device started the edit ("" if it had none): the hub keeps the loser
	// of concurrent edits as a conflict copy (sync/README.md).
	Base map[string]string `json:"base,omitempty"`
}

// Outbox returns up to limit pending mutations in mutation_id order and
// seals them: from now on they are never modified, because they may be on
// the wire (later edits of the same record get a new mutation).
func (s *Store) Outbox(ctx context.Context, limit int) ([]Mutation, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	out, err := s.readOutbox(limit)
	if err != nil {
		return nil, err
	}
	if n := len(out); n > 0 && out[n-1].MutationID > s.sealedUpTo {
		s.sealedUpTo = out[n-1].MutationID
	}
	return out, nil
}

// PeekOutbox returns up to limit pending mutations without sealing them,
// for showing the user what is waiting to sync.
func (s *Store) PeekOutbox(ctx context.Context, limit int) ([]Mutation, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	return s.readOutbox(limit)
}

// readOutbox returns up to limit pending mutations in order.
func (s *Store) readOutbox(limit int) ([]Mutation, error) {
	var out []Mutation
	err := s.viewDB(func(txn *badger.Txn) error {
		return scanOutbox(txn, func(m Mutation) bool {
			out = append(out, m)
			return limit <= 0 || len(out) < limit
		})
	})
	return out, internal(err, "reading the outbox")
}

func scanOutbox(txn *badger.Txn, fn func(Mutation) bool) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefixOut)
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var m Mutation
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &m) }); err != nil {
			return err
		}
		if !fn(m) {
			return nil
		}
	}
	return nil
}

// PendingCount is the number of mutations not yet acknowledged by the hub.
func (s *Store) PendingCount(ctx context.Context) (int, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	n := 0
	err := s.viewDB(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = []byte(prefixOut)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, internal(err, "counting pending changes")
}

// AckOutbox drops every outbox entry up to and including lastMutationID, the
// hub's last_mutation_id for this client.
func (s *Store) AckOutbox(ctx context.Context, lastMutationID uint64) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return internal(s.update(func(w *writer) error { return w.ackOutbox(lastMutationID) }), "clearing sent changes")
}

func (w *writer) ackOutbox(upTo uint64) error {
	var done [][]byte
	err := scanOutbox(w.txn, func(m Mutation) bool {
		if m.MutationID > upTo {
			return false
		}
		done = append(done, outboxKey(m.MutationID))
		return true
	})
	if err != nil {
		return err
	}
	for _, k := range done {
		if err := w.del(k); err != nil {
			return err
		}
	}
	return nil
}
