package hub_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/sync/hub"
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
// Goal (issue 10): PostgreSQL within 2× of Badger on push and pull,
// insights on a fresh replica ≤ 1 s. FIELDNOTES_BENCH_EVIDENCE shrinks the
// insights data set (default 500000) on a slow machine.
func BenchmarkBackends(b *testing.B) {
	workloads := []struct {
		name string
		fn   func(*testing.B, *synctest.Hub)
	}{
		{"push1000", benchPush1000},
		{"pull100k", benchPull100k},
		{"longpoll500", benchLongPoll500},
		{"writers8_one_scope", benchWritersOneScope},
		{"insights50x500k", benchInsights},
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
	const polls, readers = 500, 10 // 50 polls per user: under the hub's 64 requests in flight per user
	rep := h.AddUser(b, hubdb.RoleField)
	var pms []hub.NewUser
	for i := 0; i < readers; i++ {
		pms = append(pms, h.AddUser(b, hubdb.RoleProduct))
	}
	pm := pms[0]
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
				c := &synctest.WireClient{BaseURL: replica(h, p), Token: pms[p%readers].Token}
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

// benchInsights: GET /v1/insights/hypotheses for 50 hypotheses × 500k
// evidence (5,000 accounts, 2,000 deals, a third of the items in a deal).
// The projection is built once by the first request (reported as build);
// then
//
//	cold: the first request on a replica that has never answered (PostgreSQL:
//	  the second replica; Badger: a new hub server on the store) — the
//	  figure of "a freshly started replica";
//	warm: one new evidence item since the last request;
//	unchanged: nothing new.
func benchInsights(b *testing.B, h *synctest.Hub) {
	items := 500_000
	if v, err := strconv.Atoi(os.Getenv("FIELDNOTES_BENCH_EVIDENCE")); err == nil && v > 0 {
		items = v
	}
	const hyps, accounts, reps = 50, 5_000, 20
	seedEvidence(b, h.Store, hyps, items, accounts, reps)
	seedDeals(b, h.Store, 2000, accounts)
	pm, rep := h.AddUser(b, hubdb.RoleProduct), h.AddUser(b, hubdb.RoleField)
	get := func(b *testing.B, url string) time.Duration {
		c := &synctest.WireClient{BaseURL: url, Token: pm.Token, HTTP: &http.Client{Timeout: time.Hour}} // the build takes minutes
		start := time.Now()
		r, err := c.Do(context.Background(), http.MethodGet, "/v1/insights/hypotheses", nil)
		if err != nil || r.Status != http.StatusOK {
			b.Fatalf("insights: %v %d %.200s", err, r.Status, r.Body)
		}
		return time.Since(start)
	}
	start := time.Now()
	// The build takes minutes at 500k: longer than the hub's HTTP write
	// timeout, so it runs in process (as the projector would), not over HTTP.
	if _, err := h.Server.Insights(context.Background(), hub.InsightsQuery{}, true); err != nil {
		b.Fatal(err)
	}
	get(b, replica(h, 0))
	b.Logf("build: the projection of %d evidence items took %v", items, time.Since(start))
	b.ResetTimer()
	var cold, warm, unchanged []time.Duration
	writer := &synctest.WireClient{BaseURL: replica(h, 0), Token: rep.Token, ClientID: "bench-insights"}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fresh := freshReplica(b, h)
		b.StartTimer()
		cold = append(cold, get(b, fresh))
		pushOne(b, writer, evidence(uint64(i+1), id(), "hyp-7", map[string]any{"account_id": "acc-1", "quote": "q", "opportunity_id": "deal-3", "impact": "blocker"}))
		warm = append(warm, get(b, replica(h, 0)))
		unchanged = append(unchanged, get(b, replica(h, 0)))
	}
	b.ReportMetric(ms(maxDur(cold)), "cold-max-ms")
	b.ReportMetric(ms(maxDur(warm)), "warm-max-ms")
	b.ReportMetric(ms(maxDur(unchanged)), "unchanged-max-ms")
}

// freshReplica starts a new hub server — empty caches, as a freshly
// started replica — on the open store (PostgreSQL: the second replica's
// pool; Badger: the one store, as one process holds its directory) and
// returns its URL.
func freshReplica(b *testing.B, h *synctest.Hub) string {
	store := h.Store
	if len(h.Replicas) > 1 {
		store = h.Replicas[1].Store
	}
	srv, err := hub.NewServer(hub.Options{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(func() { ts.Close(); srv.Close() })
	return ts.URL
}

func maxDur(d []time.Duration) time.Duration {
	var m time.Duration
	for _, v := range d {
		m = max(m, v)
	}
	return m
}
