package synctest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// backend counts what reached it and echoes the path.
type backend struct {
	hits  atomic.Int64
	mu    sync.Mutex
	order []string
	srv   *httptest.Server
}

func newBackend(t *testing.T) *backend {
	b := &backend{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		b.mu.Lock()
		b.order = append(b.order, r.URL.Path)
		b.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "reply to "+r.URL.Path+strings.Repeat(".", 100))
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func get(url string) (int, string, error) {
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestProxyFaults(t *testing.T) {
	cases := []struct {
		fault    Fault
		wantHits int64
		wantErr  bool
		status   int
	}{
		{Fault{}, 1, false, 200},
		{Fault{Kind: DropRequest}, 0, true, 0},
		{Fault{Kind: DropResponse}, 1, true, 0},
		{Fault{Kind: Duplicate}, 2, false, 200},
		{Fault{Kind: Status, Status: 429}, 0, false, 429},
		{Fault{Kind: Status}, 0, false, 503},
		{Fault{Kind: Truncate}, 1, true, 0},
	}
	for _, c := range cases {
		t.Run(c.fault.Kind.String(), func(t *testing.T) {
			b := newBackend(t)
			p := NewProxy(b.srv.URL)
			defer p.Close()
			p.Inject(c.fault)
			status, body, err := get(p.URL + "/x")
			if (err != nil) != c.wantErr || (!c.wantErr && status != c.status) {
				t.Fatalf("status %d err %v body %q", status, err, body)
			}
			if got := b.hits.Load(); got != c.wantHits {
				t.Fatalf("backend saw %d requests, want %d", got, c.wantHits)
			}
			if status, _, err := get(p.URL + "/after"); err != nil || status != 200 {
				t.Fatalf("next request not passed: %d %v", status, err)
			}
		})
	}
}

func TestProxyDelay(t *testing.T) {
	b := newBackend(t)
	p := NewProxy(b.srv.URL)
	defer p.Close()
	p.Inject(Fault{Kind: Delay, Delay: 150 * time.Millisecond})
	start := time.Now()
	if _, _, err := get(p.URL + "/x"); err != nil || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

func TestProxyReorder(t *testing.T) {
	b := newBackend(t)
	p := NewProxy(b.srv.URL)
	defer p.Close()
	p.Inject(Fault{Kind: Reorder})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); get(p.URL + "/first") }()
	time.Sleep(50 * time.Millisecond) // let /first be held
	if _, _, err := get(p.URL + "/second"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if strings.Join(b.order, ",") != "/second,/first" {
		t.Fatalf("order %v", b.order)
	}
}

func TestProxyReorderTimesOut(t *testing.T) {
	b := newBackend(t)
	p := NewProxy(b.srv.URL)
	p.ReorderHold = 50 * time.Millisecond
	defer p.Close()
	p.Inject(Fault{Kind: Reorder})
	if status, _, err := get(p.URL + "/alone"); err != nil || status != 200 {
		t.Fatal(status, err)
	}
}

func TestRandomPolicyIsReproducible(t *testing.T) {
	a, b := RandomPolicy(7, 0.5), RandomPolicy(7, 0.5)
	for i := 0; i < 100; i++ {
		if a(i, nil) != b(i, nil) {
			t.Fatal("same seed, different faults")
		}
	}
	b2 := newBackend(t)
	p := NewProxy(b2.srv.URL)
	defer p.Close()
	p.SetPolicy(RandomPolicy(1, 1, Status))
	if status, _, _ := get(p.URL + "/x"); status < 429 {
		t.Fatalf("status %d", status)
	}
	if p.Counts()[Status] != 1 {
		t.Fatal(p.Counts())
	}
	_ = context.Background
}
