package hub_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// BenchmarkLoad200LongPolls20Pushers is the load the hardening had to hold
// (issue 15): 200 long-polls parked (20 reps × 10 devices) while 20 reps
// push an org account each 200 ms — every push wakes all 200 — for
// FIELDHUB_LOAD_SECONDS (default 15 s), on a hub on disk with the default
// limits. It reports errors (any answer but 200, 429 included), push p99
// and push-to-visible p99 (push start until a separate long-polling reader
// has the record). Run: go test ./sync/hub -run X -bench Load200 -benchtime 1x
func BenchmarkLoad200LongPolls20Pushers(b *testing.B) {
	secs := 15
	if v := os.Getenv("FIELDHUB_LOAD_SECONDS"); v != "" {
		fmt.Sscan(v, &secs)
	}
	for i := 0; i < b.N; i++ {
		r := runLoad(b, time.Duration(secs)*time.Second)
		b.ReportMetric(float64(r.errors), "errors")
		b.ReportMetric(float64(r.pushes), "pushes")
		b.ReportMetric(ms(pct(r.push, 0.99)), "push-p99-ms")
		b.ReportMetric(ms(pct(r.push, 0.50)), "push-p50-ms")
		b.ReportMetric(ms(pct(r.visible, 0.99)), "push-to-visible-p99-ms")
		b.ReportMetric(float64(r.wakes), "long-poll-wakes")
	}
}

type loadResult struct {
	errors, pushes, wakes int64
	push, visible         []time.Duration
}

func runLoad(b *testing.B, d time.Duration) loadResult {
	h := synctest.StartHub(b, synctest.HubOptions{Dir: b.TempDir()})
	tr := &http.Transport{MaxIdleConnsPerHost: 400}
	defer tr.CloseIdleConnections()
	httpc := &http.Client{Transport: tr, Timeout: 90 * time.Second}
	ctx, stop := context.WithCancel(context.Background()) // the long-polls, stopped after the last push is seen
	defer stop()
	pushing, stopPushing := context.WithTimeout(ctx, d)
	defer stopPushing()
	var errs, wakes atomic.Int64
	var wg sync.WaitGroup
	var firstErrs sync.Map
	failed := func(what string) {
		errs.Add(1)
		firstErrs.LoadOrStore(what, true)
	}

	// 20 reps × 10 devices, each parked in a long-poll loop
	for rep := 0; rep < 20; rep++ {
		u := h.AddUser(b, hubdb.RoleField)
		for dev := 0; dev < 10; dev++ {
			c := &synctest.WireClient{BaseURL: h.URL, Token: u.Token, ClientID: fmt.Sprintf("lp-%d-%d", rep, dev), HTTP: httpc}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, cursor, err := c.PullAll(context.Background(), "")
				if err != nil {
					failed("initial pull: " + err.Error())
					return
				}
				for ctx.Err() == nil {
					page, rep, err := c.Pull(ctx, cursor, 0, 20*time.Second)
					if ctx.Err() != nil {
						return
					}
					if err != nil || rep.Status != http.StatusOK {
						failed(fmt.Sprintf("long-poll: %v %d %.100s", err, rep.Status, rep.Body))
						time.Sleep(100 * time.Millisecond)
						continue
					}
					if len(page.Records) > 0 {
						wakes.Add(1)
					}
					cursor = page.Cursor
				}
			}()
		}
	}

	// a reader that times push-to-visible
	seen := sync.Map{} // record id → time seen
	reader := &synctest.WireClient{BaseURL: h.URL, Token: h.AddUser(b, hubdb.RoleProduct).Token, ClientID: "load-reader", HTTP: httpc}
	wg.Add(1)
	go func() {
		defer wg.Done()
		cursor := ""
		for ctx.Err() == nil {
			page, rep, err := reader.Pull(ctx, cursor, 0, 20*time.Second)
			if ctx.Err() != nil {
				return
			}
			if err != nil || rep.Status != http.StatusOK {
				failed(fmt.Sprintf("reader: %v %d %.100s", err, rep.Status, rep.Body))
				continue
			}
			now := time.Now()
			for _, r := range page.Records {
				seen.LoadOrStore(r.ID, now)
			}
			cursor = page.Cursor
		}
	}()
	time.Sleep(500 * time.Millisecond) // let the long-polls park

	var mu sync.Mutex
	var res loadResult
	started := map[string]time.Time{}
	var pushers sync.WaitGroup
	for p := 0; p < 20; p++ {
		u := h.AddUser(b, hubdb.RoleField)
		c := &synctest.WireClient{BaseURL: h.URL, Token: u.Token, ClientID: fmt.Sprintf("pusher-%d", p), HTTP: httpc}
		pushers.Add(1)
		go func() {
			defer pushers.Done()
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for n := uint64(1); ; n++ {
				select {
				case <-pushing.Done():
					return
				case <-tick.C:
				}
				accID := id()
				start := time.Now()
				resp, rep, err := c.Push(context.Background(), account(n, accID))
				took := time.Since(start)
				if err != nil || rep.Status != http.StatusOK || resp.Results[0].Status != syncproto.StatusApplied {
					failed(fmt.Sprintf("push: %v %d %.100s", err, rep.Status, rep.Body))
					continue
				}
				mu.Lock()
				res.push = append(res.push, took)
				started[accID] = start
				mu.Unlock()
			}
		}()
	}
	pushers.Wait()
	time.Sleep(2 * time.Second) // the last pushes reach the reader
	stop()
	wg.Wait()
	for accID, start := range started {
		if at, ok := seen.Load(accID); ok {
			res.visible = append(res.visible, at.(time.Time).Sub(start))
		} else {
			failed("pushed but never visible")
		}
	}
	firstErrs.Range(func(k, _ any) bool { b.Log(k); return true })
	res.errors, res.wakes, res.pushes = errs.Load(), wakes.Load(), int64(len(res.push))
	if len(res.push) == 0 || len(res.visible) == 0 {
		b.Fatalf("no pushes measured (%d errors)", res.errors)
	}
	return res
}
