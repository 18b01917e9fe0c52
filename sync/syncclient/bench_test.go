package syncclient

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// BenchmarkIdleLongPoll500: 500 engines (50 reps × 10 devices) parked in
// long-polls on one hub. Reported: the latency of an ordinary pull while
// they wait (goal p99 ≤ 250 ms), and the fan-out of one change to all 500.
func BenchmarkIdleLongPoll500(b *testing.B) {
	const clients = 500
	h := synctest.StartHub(b, synctest.HubOptions{})
	pm := h.AddUser(b, hubdb.RoleProduct)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mems := make([]*memReplica, clients)
	engs := make([]*Engine, clients)
	var wg sync.WaitGroup
	for i := range clients {
		if i%10 == 0 {
			u := h.AddUser(b, hubdb.RoleField)
			tok := u.Token
			for j := i; j < i+10; j++ {
				mems[j] = newMem(fmt.Sprintf("dev-%d", j))
				engs[j], _ = New(Config{Replica: mems[j], HubURL: h.URL, Token: tok, Logger: quiet})
			}
		}
		wg.Add(1)
		go func() { defer wg.Done(); engs[i].Serve(ctx) }()
	}
	for _, e := range engs {
		for e.Status().Phase != PhaseWaiting {
			time.Sleep(time.Millisecond)
		}
	}
	wc := synctest.WireClient{BaseURL: h.URL, Token: pm.Token, ClientID: "probe"}
	_, cursor, err := wc.PullAll(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	var pulls, fanout []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, rep, err := wc.Pull(ctx, cursor, 0, 0); err != nil || rep.Status != 200 {
			b.Fatal(err, rep.Status)
		}
		pulls = append(pulls, time.Since(start))
		if i < 5 { // a change every client reads: time until all 500 have it
			fanout = append(fanout, fanOut(b, ctx, &wc, uint64(i+1), mems)...)
			_, cursor, _ = wc.PullAll(ctx, cursor)
		}
	}
	b.StopTimer()
	report(b, "pull", pulls)
	report(b, "fanout", fanout)
	cancel()
	wg.Wait()
}

func fanOut(b *testing.B, ctx context.Context, wc *synctest.WireClient, mid uint64, mems []*memReplica) []time.Duration {
	id := newID()
	start := time.Now()
	if _, rep, err := wc.Push(ctx, synctest.Upsert(mid, "account", id, synctest.HLCAt(time.Now(), 0), map[string]any{"name": "News"})); err != nil || rep.Status != 200 {
		b.Fatal(err, rep.Status)
	}
	lat := make([]time.Duration, len(mems))
	left := len(mems)
	deadline := time.Now().Add(30 * time.Second)
	for left > 0 {
		for i, m := range mems {
			if lat[i] == 0 {
				if _, ok := m.record(id); ok {
					lat[i] = time.Since(start)
					left--
				}
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d clients never got the change", left)
		}
		time.Sleep(200 * time.Microsecond)
	}
	return lat
}

func report(b *testing.B, name string, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	p := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.5), name+"-p50-ms")
	b.ReportMetric(p(0.99), name+"-p99-ms")
}

var _ = syncproto.Version
