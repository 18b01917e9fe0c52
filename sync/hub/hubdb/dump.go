package hubdb

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// DumpSink receives a whole data set, for moving a hub from one store to
// another (`fieldhub copy`). Calls come in this order: Epoch, then users,
// clients, scopes, records (each with its seq), documents and jobs (in
// each key's order; leases are not copied, so every live job is pending).
type DumpSink interface {
	Epoch(epoch string) error
	User(u User, tokenHashes [][32]byte) error
	Client(clientID, userID string, lastMutationID uint64) error
	Scope(scope string, head, horizon uint64) error
	Record(rec Record) error
	Doc(ns, key string, val []byte) error
	Job(job Job, dead bool) error
}

// Dumper is a store that can write its whole data set to a sink.
type Dumper interface {
	Dump(ctx context.Context, sink DumpSink) error
}

var _ Dumper = (*Badger)(nil)

// Dump writes the whole data set from one snapshot.
func (b *Badger) Dump(ctx context.Context, sink DumpSink) error {
	err := b.db.View(func(txn *badger.Txn) error {
		if err := sink.Epoch(b.epoch); err != nil {
			return err
		}
		if err := dumpUsers(txn, sink); err != nil {
			return err
		}
		err := eachKey(txn, "c/", func(k string, v []byte) error {
			var cs clientState
			if err := json.Unmarshal(v, &cs); err != nil {
				return err
			}
			return sink.Client(k, cs.UserID, cs.LastID)
		})
		if err != nil {
			return err
		}
		heads, err := scopeHeads(txn, "q/")
		if err != nil {
			return err
		}
		horizons, err := scopeHeads(txn, "h/")
		if err != nil {
			return err
		}
		for scope := range horizons {
			heads[scope] += 0 // a scope whose every record was purged still has its horizon
		}
		for scope, head := range heads {
			if err := sink.Scope(scope, head, horizons[scope]); err != nil {
				return err
			}
		}
		err = eachKey(txn, "s/", func(_ string, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec, err := decodeRecord(v)
			if err != nil {
				return err
			}
			return sink.Record(rec)
		})
		if err != nil {
			return err
		}
		err = eachKey(txn, "d/", func(k string, v []byte) error {
			ns, key, ok := strings.Cut(k, "\x00")
			if !ok {
				return errCorrupt("document key " + k)
			}
			return sink.Doc(ns, key, v)
		})
		if err != nil {
			return err
		}
		return dumpJobs(txn, sink)
	})
	return internal(err, "dump hub data")
}

// dumpJobs sends live and dead jobs in enqueue order (n), so the copy
// keeps each key's order.
func dumpJobs(txn *badger.Txn, sink DumpSink) error {
	type entry struct {
		n    uint64
		job  Job
		dead bool
	}
	var all []entry
	for _, prefix := range []string{"j/", "k/"} {
		err := eachKey(txn, prefix, func(k string, v []byte) error {
			queue, _, _ := strings.Cut(k, "\x00")
			var js jobState
			if err := json.Unmarshal(v, &js); err != nil || len(k) < 8 {
				return errCorrupt("job " + k)
			}
			n := binary.BigEndian.Uint64([]byte(k[len(k)-8:]))
			all = append(all, entry{n, Job{ID: js.ID, Queue: queue, Key: js.Key, Payload: js.Payload, Attempts: js.Attempts,
				CreatedAt: js.CreatedAt, LastError: js.LastError}, prefix == "k/"})
			return nil
		})
		if err != nil {
			return err
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n < all[j].n })
	for _, e := range all {
		if err := sink.Job(e.job, e.dead); err != nil {
			return err
		}
	}
	return nil
}

func dumpUsers(txn *badger.Txn, sink DumpSink) error {
	tokens := map[string][][32]byte{}
	err := eachKey(txn, "t/", func(k string, v []byte) error {
		var h [32]byte
		raw, err := hex.DecodeString(k)
		if err != nil || len(raw) != 32 {
			return errCorrupt("token key " + k)
		}
		copy(h[:], raw)
		tokens[string(v)] = append(tokens[string(v)], h)
		return nil
	})
	if err != nil {
		return err
	}
	users, err := listUsers(txn)
	if err != nil {
		return err
	}
	for _, u := range users {
		if err := sink.User(u, tokens[u.ID]); err != nil {
			return err
		}
	}
	return nil
}

// eachKey calls fn with every key under prefix (without it) and its value.
func eachKey(txn *badger.Txn, prefix string, fn func(key string, val []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(strings.TrimPrefix(string(it.Item().Key()), prefix), v); err != nil {
			return err
		}
	}
	return nil
}

type errCorrupt string

func (e errCorrupt) Error() string { return "corrupt " + string(e) }
