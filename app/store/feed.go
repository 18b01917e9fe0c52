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
	// OpResync tells a subscriber that fell behind that it missed changes and
	// should reload what it shows (it has no type or id).
	OpResync = "resync"
)

// Change is one committed change, in the local change feed and on Subscribe.
type Change struct {
	Seq    uint64        `json:"seq"`
	Type   notebook.Type `json:"type"`
	ID     string        `json:"id"`
	Op     string        `json:"op"`
	Origin string        `json:"origin"` // local, import, sync
}

// feedKeep is how many change-feed entries Maintain keeps (a variable so a
// test can trim a small feed).
var feedKeep uint64 = 10000

type subscriber struct {
	ch     chan Change
	behind bool // missed changes; owes an OpResync
}

// Subscribe returns a channel of every change committed from now on and a
// function that ends the subscription. Writers never wait for subscribers:
// one that falls 1024 changes behind (a big import or sync page) skips the
// rest and then receives a single OpResync change.
func (s *Store) Subscribe() (<-chan Change, func()) {
	sub := &subscriber{ch: make(chan Change, 1024)}
	s.subsMu.Lock()
	id := s.nextID
	s.nextID++
	s.subs[id] = sub
	s.subsMu.Unlock()
	return sub.ch, func() {
		s.subsMu.Lock()
		if sub, ok := s.subs[id]; ok {
			close(sub.ch)
			delete(s.subs, id)
		}
		s.subsMu.Unlock()
	}
}

func (s *Store) publish(changes ...Change) {
	s.subsMu.Lock()
	defer s.subsMu.Unlock()
	for _, sub := range s.subs {
		for _, c := range changes {
			if sub.behind && !sub.offer(Change{Op: OpResync, Origin: c.Origin}) {
				break
			}
			sub.behind = !sub.offer(c)
		}
	}
}

func (sub *subscriber) offer(c Change) bool {
	select {
	case sub.ch <- c:
		return true
	default:
		return false
	}
}

// Changes returns up to limit feed entries after seq, oldest first.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]Change, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out []Change
	err := s.viewDB(func(txn *badger.Txn) error {
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
