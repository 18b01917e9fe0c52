package store

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

// BenchmarkDurableSave measures one autosave of a call's notes: validation,
// diff, indexes, postings, feed, outbox and the fsynced commit. It reports
// p50/p99 besides the mean, because the goal is a p99 (≤ 2 ms).
func BenchmarkDurableSave(b *testing.B) {
	s := openDisk(b, b.TempDir())
	c := notebook.Call{ID: notebook.NewID(), AccountID: "acct", StartedAt: t0, Notes: "Customer said"}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Notes += fmt.Sprintf(" word%d", i%50)
		start := time.Now()
		if _, err := s.Save(ctx, &c); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

var words = []string{"reconcile", "invoice", "approval", "slack", "teams", "budget", "pricing", "seat", "auditor", "consolidation",
	"entity", "onboarding", "dashboard", "security", "review", "integration", "xero", "netsuite", "export", "controller",
	"close", "month", "forecast", "variance", "commentary", "card", "bank", "feed", "vendor", "payment"}

// fill writes n evidence records (about 1 KB of searchable text each) in
// large transactions, the way a sync reset would.
func fill(b *testing.B, s *Store, n int) {
	rnd := rand.New(rand.NewPCG(3, 4))
	const batch = 500
	for done := 0; done < n; done += batch {
		s.writeMu.Lock()
		err := s.update(func(w *writer) error {
			for i := done; i < done+batch && i < n; i++ {
				quote := ""
				for len(quote) < 900 {
					quote += words[rnd.IntN(len(words))] + fmt.Sprintf(" w%d ", rnd.IntN(5000))
				}
				e := notebook.Evidence{ID: notebook.NewID(), HypothesisID: fmt.Sprintf("h%d", i%50), AccountID: fmt.Sprintf("a%d", i%2000), Signal: notebook.SignalMixed, CapturedAt: t0, Quote: quote}
				fields, _ := fieldsOf(&e)
				if err := w.put(Envelope{}, false, Envelope{ID: e.ID, Type: notebook.TypeEvidence, Data: fields}); err != nil {
					return err
				}
			}
			return nil
		})
		s.writeMu.Unlock()
		if err != nil {
			b.Fatal(err)
		}
	}
}

var searchRecords = flag.Int("store.search-records", 100_000, "records BenchmarkSearch100k searches")

// BenchmarkSearch100k searches 100k ~1 KB records with two-word queries,
// one exact word and one prefix; it reports p95 (goal ≤ 20 ms).
func BenchmarkSearch100k(b *testing.B) {
	s := openDisk(b, b.TempDir())
	fill(b, s, *searchRecords)
	queries := []string{"xero w42", "auditor consol", "w4999 bank", "slack approval w12", "w1234"}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := s.Search(ctx, queries[i%len(queries)], 20); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkOpen100k measures opening a closed store that holds 100k records.
func BenchmarkOpen100k(b *testing.B) {
	dir := b.TempDir()
	s := openDisk(b, dir)
	fill(b, s, 100_000)
	s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(Options{Dir: dir, Key: testKey})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
