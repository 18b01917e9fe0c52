package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Search postings of a large pulled page are not written with the page.
// They are about four in five of the keys a first sync would write (a call's
// notes alone bring ~60), and a first sync of 100k records spent most of its
// time putting them into Badger. The page is committed without them and the
// change feed is the to-do list: m/indexed is the feed position up to which
// every change's postings are written, and the indexer (a goroutine of the
// store, started by Open) walks the feed from there, writing the postings of
// each record as it is now, and moves m/indexed in the same transaction.
// A crash at any point leaves a position that is true; the indexer repeats
// at most one batch, and writing a record's postings twice changes nothing.
//
// Until the index catches up, search may miss records (IndexLag says how
// many changes are still to index, so the UI can say "still indexing").
// Every other index (by account, by time, unique keys) is written with the
// page as before, so lists, Home and briefs are complete at once.

const keyIndexed = "m/indexed"

// deferPostingsFrom is the page size from which postings are left to the
// indexer: a catch-up, not the few records of a long-poll answer.
const deferPostingsFrom = 256

// indexBatch is how many feed entries one indexer transaction covers.
const indexBatch = 1000

// defaultIndexQuiet is how long the indexer waits after the last deferred
// page before it starts, so it does not compete with a sync still pulling.
const defaultIndexQuiet = 300 * time.Millisecond

// IndexLag is how many changes have been stored but are not yet searchable
// (0 once the search index has caught up).
func (s *Store) IndexLag() uint64 { return s.indexLag.Load() }

// WaitIndexed blocks until the search index has caught up or ctx ends.
func (s *Store) WaitIndexed(ctx context.Context) error {
	for s.indexLag.Load() > 0 {
		s.wakeIndexer()
		select {
		case <-ctx.Done():
			return ctxErr(ctx)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

func (s *Store) wakeIndexer() {
	select {
	case s.indexWake <- struct{}{}:
	default:
	}
}

// startIndexer runs the indexer until Close.
func (s *Store) startIndexer() {
	s.indexStop, s.indexDone = make(chan struct{}), make(chan struct{})
	s.indexWake = make(chan struct{}, 1)
	s.indexQuiet.Store(int64(defaultIndexQuiet))
	go s.indexLoop()
	if s.indexLag.Load() > 0 {
		s.wakeIndexer()
	}
}

func (s *Store) stopIndexer() {
	if s.indexStop == nil {
		return
	}
	close(s.indexStop)
	<-s.indexDone
	s.indexStop = nil
}

func (s *Store) indexLoop() {
	defer close(s.indexDone)
	for {
		select {
		case <-s.indexStop:
			return
		case <-s.indexWake:
		}
		for s.indexLag.Load() > 0 {
			quiet := time.Duration(s.indexQuiet.Load())
			if wait := quiet - time.Since(time.Unix(0, s.lastDeferred.Load())); wait > 0 {
				select {
				case <-s.indexStop:
					return
				case <-s.indexWake: // WaitIndexed, or a test that changed indexQuiet
				case <-time.After(wait):
				}
				continue
			}
			select {
			case <-s.indexStop:
				return
			default:
			}
			if err := s.indexStep(); err != nil {
				s.log.Error("store: building the search index failed; search may miss recent records until the next start", "err", err)
				break
			}
		}
	}
}

// indexStep writes the postings of the next batch of feed entries.
func (s *Store) indexStep() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.update(func(w *writer) error {
		from, upTo := w.indexed, w.indexed
		seen := map[string]bool{}
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixFeed)
		it := w.txn.NewIterator(opts)
		defer it.Close()
		n := 0
		for it.Seek(feedKey(from + 1)); it.Valid() && n < indexBatch; it.Next() {
			var c Change
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &c) }); err != nil {
				return err
			}
			n++
			upTo = c.Seq
			if ref := recordRef(c.Type, c.ID); !seen[ref] {
				seen[ref] = true
				if err := w.indexPostings(c); err != nil {
					return err
				}
			}
		}
		if n == 0 { // the feed was trimmed past the position (cannot happen: trimFeed stops there)
			upTo = w.lastSeq
		}
		w.indexed = upTo
		return nil
	})
}

// indexPostings writes the postings of the record c names, as it is now.
func (w *writer) indexPostings(c Change) error {
	env, ok, err := w.load(c.Type, c.ID)
	if err != nil || !ok || env.Deleted {
		return err
	}
	for k := range derive(env).keys {
		if strings.HasPrefix(k, prefixText) {
			if err := w.set([]byte(k), nil); err != nil {
				return err
			}
		}
	}
	return nil
}
