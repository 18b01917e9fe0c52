package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// notes18KB is a long call's notes (about 18 KB of words), as a rep has
// after an hour of typing; autosave then changes a few words at the end.
func notes18KB() string {
	var b strings.Builder
	for i := 0; b.Len() < 18<<10; i++ {
		fmt.Fprintf(&b, "%s w%d ", words[i%len(words)], i%977)
	}
	return b.String()
}

// BenchmarkDurableSave18KB is `make bench`'s save row: one autosave of an
// edit at the end of 18 KB notes (goal p99 ≤ 2 ms); its floor is
// BenchmarkFsyncCommit18KB in the same run.
func BenchmarkDurableSave18KB(b *testing.B) {
	s := openDisk(b, b.TempDir())
	base := notes18KB()
	c := notebook.Call{ID: notebook.NewID(), AccountID: "acct", StartedAt: t0, Notes: base}
	if _, err := s.Save(ctx, &c); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Notes = base + fmt.Sprintf(" edit%d", i)
		start := time.Now()
		if _, err := s.Save(ctx, &c); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkFsyncCommit18KB is the floor of a durable save: one Badger
// transaction with an 18 KB value, committed and fsynced, in the same
// encrypted store.
func BenchmarkFsyncCommit18KB(b *testing.B) {
	s := openDisk(b, b.TempDir())
	val := []byte(notes18KB())
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("l/bench-floor"), val) })
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}
