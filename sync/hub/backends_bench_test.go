package hub_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// BenchmarkBackends runs the same whole-hub workloads (real HTTP on
// loopback, fsynced commits) on the embedded Badger store and on two
// replicas sharing one PostgreSQL database, side by side in one run:
//
//	go test -run '^$' -bench Backends -benchtime 3x ./sync/hub/
//
// Goal (issue 10): PostgreSQL within 2× of Badger on push and pull.
func BenchmarkBackends(b *testing.B) {
	workloads := []struct {
		name string
		fn   func(*testing.B, *synctest.Hub)
	}{
		{"push1000", benchPush1000},
		{"pull100k", benchPull100k},
		{"longpoll500", benchLongPoll500},
		{"writers8_one_scope", benchWritersOneScope},
	}
	for _, w := range workloads {
		b.Run(w.name+"/badger", func(b *testing.B) {
			w.fn(b, synctest.StartHub(b, synctest.HubOptions{Dir: b.TempDir()}))
		})
		b.Run(w.name+"/postgres", func(b *testing.B) { w.fn(b, synctest.StartReplicas(b, 2, synctest.HubOptions{})) })
	}
}

// replica i of h (h itself for a single hub).
func replica(h *synctest.Hub, i int) string {
	if len(h.Replicas) == 0 {
		return h.URL
	}
	return h.Replicas[i%len(h.Replicas)].URL
}

// benchPush1000: 1,000 queued mutations in two requests of 500, to one replica.
func benchPush1000(b *testing.B, h *synctest.Hub) {
	u := h.AddUser(b, hubdb.RoleField)
	quote := strings.Repeat("q", 200)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := &synctest.WireClient{BaseURL: replica(h, 0), Token: u.Token, ClientID: fmt.Sprintf("bench-%d", i)}
		for batch := 0; batch < 2; batch++ {
			muts := make([]syncproto.Mutation, 500)
			for j := range muts {
				n := uint64(batch*500 + j + 1)
				muts[j] = evidence(n, id(), "h1", map[string]any{"quote": quote})
				if j%2 == 1 {
					muts[j] = call(n, id(), "a1", quote)
				}
			}
			resp, rep, err := c.Push(context.Background(), muts...)
			if err != nil || rep.Status != 200 || resp.Results[499].Status != "applied" {
				b.Fatalf("push: %v %d %.300s", err, rep.Status, rep.Body)
			}
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "mutations/s")
}

// benchPull100k: 100,000 records of ~1 KB in pages of 5,000, decoded by
// the client, from one replica.
func benchPull100k(b *testing.B, h *synctest.Hub) {
	u := h.AddUser(b, hubdb.RoleField)
	c := &synctest.WireClient{BaseURL: replica(h, 0), Token: u.Token, ClientID: "seed"}
	notes := strings.Repeat("n", 900)
	var n uint64
	for batch := 0; batch < 200; batch++ {
		muts := make([]syncproto.Mutation, 500)
		for j := range muts {
			n++
			muts[j] = call(n, id(), "a1", notes)
		}
		if _, rep, err := c.Push(context.Background(), muts...); err != nil || rep.Status != 200 {
			b.Fatalf("seed: %v %d", err, rep.Status)
		}
	}
	reader := &synctest.WireClient{BaseURL: replica(h, 1), Token: u.Token}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total, cursor := 0, ""
		for {
			page, rep, err := reader.Pull(context.Background(), cursor, 5000, 0)
			if err != nil || rep.Status != 200 {
				b.Fatalf("pull: %v %d", err, rep.Status)
			}
			total += len(page.Records)
			if cursor = page.Cursor; !page.HasMore {
				break
			}
		}
		if total != 100000 {
			b.Fatalf("pulled %d", total)
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "records/s")
}

// benchLongPoll500: 500 long-polls spread over the replicas, all woken by
// one push on the first replica; p50/p99 of push sent → poll answered.
func benchLongPoll500(b *testing.B, h *synctest.Hub) {
	const polls = 500
	pm, rep := h.AddUser(b, hubdb.RoleProduct), h.AddUser(b, hubdb.RoleField)
	writer := &synctest.WireClient{BaseURL: replica(h, 0), Token: rep.Token, ClientID: "writer"}
	var all []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		seed := &synctest.WireClient{BaseURL: replica(h, 0), Token: pm.Token}
		_, cursor, err := seed.PullAll(context.Background(), "")
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		answered := make([]time.Time, polls)
		for p := 0; p < polls; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &synctest.WireClient{BaseURL: replica(h, p), Token: pm.Token}
				page, r, err := c.Pull(context.Background(), cursor, 0, 30*time.Second)
				if err != nil || r.Status != 200 || len(page.Records) == 0 {
					b.Errorf("poll: %v %d %d", err, r.Status, len(page.Records))
				}
				answered[p] = time.Now()
			}()
		}
		time.Sleep(time.Second) // every poll is waiting
		b.StartTimer()
		pushed := time.Now()
		if _, r, err := writer.Push(context.Background(), account(uint64(i+1), id())); err != nil || r.Status != 200 {
			b.Fatalf("push: %v %d", err, r.Status)
		}
		wg.Wait()
		for _, at := range answered {
			all = append(all, at.Sub(pushed))
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
}

// benchWritersOneScope: eight writers (four per replica) push batches of
// ten org records into the one org scope, serialised on its head.
func benchWritersOneScope(b *testing.B, h *synctest.Hub) {
	const writers, size = 8, 10
	var clients []*synctest.WireClient
	for w := 0; w < writers; w++ {
		u := h.AddUser(b, hubdb.RoleField)
		clients = append(clients, &synctest.WireClient{BaseURL: replica(h, w), Token: u.Token, ClientID: fmt.Sprintf("w%d", w)})
	}
	next := make([]uint64, writers)
	b.ResetTimer()
	var wg sync.WaitGroup
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < b.N; i++ {
				muts := make([]syncproto.Mutation, size)
				for j := range muts {
					next[w]++
					muts[j] = account(next[w], id())
				}
				if _, r, err := c.Push(context.Background(), muts...); err != nil || r.Status != 200 {
					b.Errorf("push: %v %d %s", err, r.Status, r.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(writers*size*b.N)/b.Elapsed().Seconds(), "mutations/s")
}
