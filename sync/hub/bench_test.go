package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// BenchmarkPush1000 pushes 1,000 queued mutations (two requests of 500, the
// protocol's limit) to a hub on disk with fsynced commits. Goal: ≤ 0.5 s.
func BenchmarkPush1000(b *testing.B) {
	benchPush1000(b, synctest.StartHub(b, synctest.HubOptions{Dir: b.TempDir()}))
}

// BenchmarkPull100k pulls 100,000 records of ~1 KB in pages (hub side and
// loopback HTTP; JSON decoding of the client included).
func BenchmarkPull100k(b *testing.B) {
	for _, limit := range []int{1000, 5000} {
		for _, decode := range []bool{false, true} {
			name := fmt.Sprintf("limit=%d/hub-side", limit)
			if decode {
				name = fmt.Sprintf("limit=%d/with-client-decode", limit)
			}
			b.Run(name, func(b *testing.B) { benchPull(b, limit, decode) })
		}
	}
}

var pullHub struct {
	once  sync.Once
	h     *synctest.Hub
	dir   string
	token string
}

// pageHead decodes only what paging needs, so "hub-side" measures the hub
// and the transfer, not the client's JSON decoding of 100k envelopes.
type pageHead struct {
	Records []struct{} `json:"records"`
	Cursor  string     `json:"cursor"`
	HasMore bool       `json:"has_more"`
}

// skimPage reads cursor and has_more from the tail the hub writes after
// the records, and counts the records, without parsing them.
func skimPage(b *testing.B, body []byte) pageHead {
	at := bytes.LastIndex(body, []byte(`],"cursor":`))
	var page pageHead
	if at < 0 || json.Unmarshal(append([]byte("{"), body[at+2:]...), &page) != nil {
		b.Fatalf("page tail: %.200s", body)
	}
	page.Records = make([]struct{}, bytes.Count(body, []byte(`"schema_version":`)))
	return page
}

func benchPull(b *testing.B, limit int, decode bool) {
	pullHub.once.Do(func() {
		dir, _ := tempDir()
		pullHub.dir = dir
		pullHub.h = synctest.StartHub(&cleanupless{b}, synctest.HubOptions{Dir: dir})
		u := pullHub.h.AddUser(b, hubdb.RoleField)
		pullHub.token = u.Token
		c := &synctest.WireClient{BaseURL: pullHub.h.URL, Token: u.Token, ClientID: "seed"}
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
	})
	c := &synctest.WireClient{BaseURL: pullHub.h.URL, Token: pullHub.token}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total, cursor := 0, ""
		for {
			var page pageHead
			if decode {
				full, rep, err := c.Pull(context.Background(), cursor, limit, 0)
				if err != nil || rep.Status != 200 {
					b.Fatalf("pull: %v %d", err, rep.Status)
				}
				page = pageHead{Records: make([]struct{}, len(full.Records)), Cursor: full.Cursor, HasMore: full.HasMore}
			} else {
				rep, err := c.Do(context.Background(), "GET", "/v1/sync/pull?limit="+fmt.Sprint(limit)+"&cursor="+cursor, nil)
				if err != nil || rep.Status != 200 {
					b.Fatalf("pull: %v %d", err, rep.Status)
				}
				page = skimPage(b, rep.Body)
			}
			total += len(page.Records)
			cursor = page.Cursor
			if !page.HasMore {
				break
			}
		}
		if total != 100000 {
			b.Fatalf("pulled %d", total)
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkIdleLongPolls holds 500 idle long-polls open and measures plain
// pulls (p50/p99, goal p99 ≤ 250 ms), then one org change that wakes all
// 500 (p99 wake) and a push-to-visible loop between two clients (p95).
func BenchmarkIdleLongPolls(b *testing.B) {
	h := synctest.StartHub(b, synctest.HubOptions{Dir: b.TempDir()})
	writer := &synctest.WireClient{BaseURL: h.URL, Token: h.AddUser(b, hubdb.RoleField).Token, ClientID: "writer"}
	pushOneB(b, writer, 1)
	_, head, _ := writer.PullAll(context.Background(), "")
	tr := &http.Transport{MaxIdleConnsPerHost: 600}
	defer tr.CloseIdleConnections()
	woke := make(chan time.Time, 500)
	var started sync.WaitGroup
	for i := 0; i < 500; i++ {
		u := h.AddUser(b, hubdb.RoleField)
		c := &synctest.WireClient{BaseURL: h.URL, Token: u.Token, ClientID: fmt.Sprintf("idle-%d", i), HTTP: &http.Client{Transport: tr}}
		started.Add(1)
		go func() {
			started.Done()
			page, _, err := c.Pull(context.Background(), head, 0, 60*time.Second)
			if err == nil && len(page.Records) > 0 {
				woke <- time.Now()
			}
		}()
	}
	started.Wait()
	time.Sleep(500 * time.Millisecond)
	probe := &synctest.WireClient{BaseURL: h.URL, Token: h.AddUser(b, hubdb.RoleProduct).Token, ClientID: "probe", HTTP: &http.Client{Transport: tr}}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, rep, err := probe.Pull(context.Background(), "", 0, 0); err != nil || rep.Status != 200 {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(ms(pct(lat, 0.50)), "p50-ms")
	b.ReportMetric(ms(pct(lat, 0.99)), "p99-ms")

	pushed := time.Now()
	pushOneB(b, writer, 2)
	var wakes []time.Duration
	for len(wakes) < 500 {
		select {
		case at := <-woke:
			wakes = append(wakes, at.Sub(pushed))
		case <-time.After(10 * time.Second):
			b.Fatalf("only %d of 500 long-polls woke", len(wakes))
		}
	}
	b.ReportMetric(ms(pct(wakes, 0.99)), "wake-all-p99-ms")

	reader := &synctest.WireClient{BaseURL: h.URL, Token: h.AddUser(b, hubdb.RoleField).Token, ClientID: "reader", HTTP: &http.Client{Transport: tr}}
	_, cursor, _ := reader.PullAll(context.Background(), "")
	var visible []time.Duration
	for i := 0; i < 50; i++ {
		got := make(chan time.Time, 1)
		go func() {
			page, _, _ := reader.Pull(context.Background(), cursor, 0, 10*time.Second)
			cursor = page.Cursor
			got <- time.Now()
		}()
		time.Sleep(5 * time.Millisecond)
		start := time.Now()
		pushOneB(b, writer, uint64(3+i))
		visible = append(visible, (<-got).Sub(start))
	}
	b.ReportMetric(ms(pct(visible, 0.95)), "push-to-visible-p95-ms")
}

func pushOneB(b *testing.B, c *synctest.WireClient, n uint64) {
	if _, rep, err := c.Push(context.Background(), account(n, id())); err != nil || rep.Status != 200 {
		b.Fatalf("push: %v %d", err, rep.Status)
	}
}

func pct(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
