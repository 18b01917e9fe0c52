package store

import (
	"context"
	"encoding/json"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// Operations of changes and mutations.
const (
	OpUpsert = "upsert"
	OpDelete = "delete"
)

// Change is one committed change, in the local change feed and on Subscribe.
type Change struct {
	Seq    uint64        `json:"seq"`
	Type   notebook.Type `json:"type"`
	ID     string        `json:"id"`
	Op     string        `json:"op"`
	Origin string        `json:"origin"` // local, import, sync
}

// feedKeep is how many change-feed entries Maintain keeps.
const feedKeep = 10000

// Subscribe returns a channel of every change committed from now on and a
// function that ends the subscription. A subscriber that falls more than
// 1024 changes behind misses changes (logged), so the UI never slows writes.
func (s *Store) Subscribe() (<-chan Change, func()) {
	ch := make(chan Change, 1024)
	s.subsMu.Lock()
	id := s.nextID
	s.nextID++
	s.subs[id] = ch
	s.subsMu.Unlock()
	return ch, func() {
		s.subsMu.Lock()
		if c, ok := s.subs[id]; ok {
			close(c)
			delete(s.subs, id)
		}
		s.subsMu.Unlock()
	}
}

func (s *Store) publish(changes ...Change) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	for _, c := range changes {
		for _, ch := range s.subs {
			select {
			case ch <- c:
			default:
				s.log.Warn("store: a change subscriber is behind; change dropped", "type", c.Type, "id", c.ID)
			}
		}
	}
}

// Changes returns up to limit feed entries after seq, oldest first.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]Change, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out []Change
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixFeed)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(feedKey(after + 1)); it.ValidForPrefix(opts.Prefix) && (limit <= 0 || len(out) < limit); it.Next() {
			var c Change
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &c) }); err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, internal(err, "reading the change feed")
}
