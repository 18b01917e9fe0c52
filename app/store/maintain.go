package store

import (
	"context"
	"errors"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Maintain runs housekeeping until ctx ends: value-log garbage collection
// (Badger never reclaims rewritten values on its own) and trimming the change
// feed to its newest entries. The desktop app runs it as a service.
func (s *Store) Maintain(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			s.collectGarbage()
			if err := s.trimFeed(); err != nil {
				s.log.Warn("store: trimming the change feed failed", "err", err)
			}
		}
	}
}

func (s *Store) collectGarbage() {
	for i := 0; i < 10; i++ { // each round rewrites at most one value-log file
		s.dbMu.RLock()
		err := s.db.RunValueLogGC(0.5)
		s.dbMu.RUnlock()
		if errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
			return
		}
		if err != nil {
			s.log.Warn("store: value-log GC failed", "err", err)
			return
		}
	}
}

func (s *Store) trimFeed() error {
	s.writeMu.Lock()
	last, indexed := s.lastFeed, s.indexed
	s.writeMu.Unlock()
	if last <= feedKeep {
		return nil
	}
	keepFrom := min(last-feedKeep, indexed+1) // the indexer still reads entries after indexed
	return s.updateDB(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = []byte(prefixFeed)
		it := txn.NewIterator(opts)
		var old [][]byte
		stop := feedKey(keepFrom)
		for it.Rewind(); it.Valid() && string(it.Item().Key()) < string(stop) && len(old) < 5000; it.Next() {
			old = append(old, it.Item().KeyCopy(nil))
		}
		it.Close()
		for _, k := range old {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
