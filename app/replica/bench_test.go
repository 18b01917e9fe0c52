package replica

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// seedHub pushes n accounts of about 1 KB each to a fresh hub.
func seedHub(b *testing.B, n int) (*synctest.Hub, hub.NewUser) {
	b.Helper()
	h := synctest.StartHub(b, synctest.HubOptions{})
	pm := h.AddUser(b, hubdb.RoleProduct)
	wc := synctest.WireClient{BaseURL: h.URL, Token: pm.Token, ClientID: "seeder"}
	pad := strings.Repeat("lorem ipsum ", 78) // ~940 bytes
	ctx := context.Background()
	for next := 1; next <= n; {
		var batch []syncproto.Mutation
		for ; next <= n && len(batch) < syncproto.MaxPushMutations; next++ {
			batch = append(batch, synctest.Upsert(uint64(next), "account", notebook.NewID(), synctest.HLCAt(time.Now(), 0),
				map[string]any{"name": fmt.Sprintf("Account %d", next), "segment": "mid", "stage": "prospect", "x_notes": pad}))
		}
		if _, rep, err := wc.Push(ctx, batch...); err != nil || rep.Status != 200 {
			b.Fatalf("seed: %v %d %s", err, rep.Status, rep.Body)
		}
	}
	return h, pm
}

func benchStore(b *testing.B, onDisk bool, author string) *store.Store {
	b.Helper()
	opts := store.Options{InMemory: !onDisk, Logger: quiet, Author: author}
	if onDisk {
		opts.Dir = b.TempDir()
		key, _, err := secrets.DataKey(opts.Dir, quiet)
		if err != nil {
			b.Fatal(err)
		}
		opts.Key = key
	}
	st, err := store.Open(opts)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkInitialPull100k: an empty store downloads 100k ~1 KB records
// from a hub on loopback (goal ≤ 2 s).
func BenchmarkInitialPull100k(b *testing.B) {
	const n = 100_000
	h, pm := seedHub(b, n)
	for _, c := range []struct {
		name  string
		disk  bool
		limit int
	}{{"memory/page1000", false, 1000}, {"memory/page5000", false, 5000}, {"disk-encrypted/page5000", true, 5000}} {
		disk := c.disk
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := benchStore(b, disk, pm.ID)
				eng, _ := syncclient.New(syncclient.Config{Replica: New(st), HubURL: h.URL, Token: pm.Token, Logger: quiet, PullLimit: c.limit})
				b.StartTimer()
				rep, err := eng.SyncOnce(context.Background())
				b.StopTimer()
				if err != nil || rep.Pulled != n {
					b.Fatalf("%+v %v", rep, err)
				}
				st.Close()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkPush1000: 1,000 queued mutations pushed (goal ≤ 0.5 s). The
// push phase is timed from the engine's status (the pull that follows
// brings the records back and is reported separately).
func BenchmarkPush1000(b *testing.B) {
	h := synctest.StartHub(b, synctest.HubOptions{})
	u := h.AddUser(b, hubdb.RoleField)
	var pushTotal, syncTotal time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := benchStore(b, false, u.ID)
		for j := 0; j < 1000; j++ {
			a := notebook.Account{ID: notebook.NewID(), Name: fmt.Sprintf("Queued %d", j), Segment: "smb"}
			if _, err := st.Save(context.Background(), a); err != nil {
				b.Fatal(err)
			}
		}
		var mu sync.Mutex
		var pulledAt time.Time
		eng, _ := syncclient.New(syncclient.Config{Replica: New(st), HubURL: h.URL, Token: u.Token, Logger: quiet,
			OnStatus: func(s syncclient.Status) {
				mu.Lock()
				if s.Phase == syncclient.PhasePulling && pulledAt.IsZero() {
					pulledAt = time.Now()
				}
				mu.Unlock()
			}})
		b.StartTimer()
		start := time.Now()
		rep, err := eng.SyncOnce(context.Background())
		syncTotal += time.Since(start)
		b.StopTimer()
		if err != nil || rep.Pushed != 1000 {
			b.Fatalf("%+v %v", rep, err)
		}
		mu.Lock()
		pushTotal += pulledAt.Sub(start)
		mu.Unlock()
		st.Close()
	}
	b.ReportMetric(float64(pushTotal.Milliseconds())/float64(b.N), "push-ms")
	b.ReportMetric(float64(syncTotal.Milliseconds())/float64(b.N), "push+pull-ms")
}

// BenchmarkEditToVisible: a save on device A until device B has it, both
// running Serve with long-poll and WakeOnEdits (goal p95 ≤ 500 ms).
func BenchmarkEditToVisible(b *testing.B) {
	h := synctest.StartHub(b, synctest.HubOptions{})
	u := h.AddUser(b, hubdb.RoleField)
	ctx, cancel := context.WithCancel(context.Background())
	a, bb := benchStore(b, false, u.ID), benchStore(b, false, u.ID)
	var engs []*syncclient.Engine
	var wg sync.WaitGroup
	defer func() { // stop the engines before closing their stores
		cancel()
		wg.Wait()
		a.Close()
		bb.Close()
	}()
	for _, st := range []*store.Store{a, bb} {
		eng, _ := syncclient.New(syncclient.Config{Replica: New(st), HubURL: h.URL, Token: u.Token, Logger: quiet})
		engs = append(engs, eng)
		wg.Add(2)
		go func() { defer wg.Done(); eng.Serve(ctx) }()
		go func() { defer wg.Done(); WakeOnEdits(ctx, st, eng) }()
	}
	for engs[0].Status().Phase != syncclient.PhaseWaiting || engs[1].Status().Phase != syncclient.PhaseWaiting {
		time.Sleep(time.Millisecond)
	}
	changes, stop := bb.Subscribe()
	defer stop()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acc := notebook.Account{ID: notebook.NewID(), Name: fmt.Sprintf("Edit %d", i)}
		start := time.Now()
		if _, err := a.Save(ctx, acc); err != nil {
			b.Fatal(err)
		}
		if !waitChange(changes, acc.ID) {
			var x notebook.Account
			b.Fatalf("edit %d never arrived: A %+v B %+v; B has it: %v", i, engs[0].Status(), engs[1].Status(), bb.Get(ctx, acc.ID, &x) == nil)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func waitChange(changes <-chan store.Change, id string) bool {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case c := <-changes:
			if c.ID == id && c.Origin == "sync" {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
