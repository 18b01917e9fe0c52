package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgstore"
	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/hub/webhooks"
	"fieldnotes/sync/netguard"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var ctx = context.Background()

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// stores runs a test on Badger and on PostgreSQL (two stores on one
// database: two replicas).
func stores(t *testing.T, test func(t *testing.T, a, b hubdb.Store)) {
	t.Run("badger", func(t *testing.T) {
		s, err := hubdb.OpenBadger(hubdb.Options{Dir: t.TempDir(), Logger: discard()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		test(t, s, s)
	})
	t.Run("postgres-replicas", func(t *testing.T) {
		url := pgtest.Database(t)
		open := func() hubdb.Store {
			s, err := pgstore.Open(ctx, pgstore.Options{URL: url, Migrate: true, Logger: discard()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		test(t, open(), open())
	})
}

func compose(h webhooks.Webhook, hyp string, items []webhooks.Item) ([]byte, error) {
	var ids []string
	for _, it := range items {
		ids = append(ids, fmt.Sprintf("%s/%d", it.Scope, it.Seq))
	}
	return json.Marshal(map[string]any{"hook": h.ID, "hyp": hyp, "items": ids})
}

func items(scope string, from, n int, at time.Time) []webhooks.Item {
	var out []webhooks.Item
	for i := from; i < from+n; i++ {
		out = append(out, webhooks.Item{Scope: scope, Seq: uint64(i), HypothesisID: "h1", ReceivedAt: at, Size: 10})
	}
	return out
}

func addHook(t *testing.T, s hubdb.Store, created time.Time) webhooks.Webhook {
	t.Helper()
	h, err := webhooks.Registry{Store: s, Guard: netguard.Guard{AllowPrivate: true}}.Add(ctx, webhooks.Webhook{URL: "http://127.0.0.1:9/hook"}, "u_admin", created)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// queuedItems counts, per item, how many queued messages carry it.
func queuedItems(t *testing.T, s hubdb.Store) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for {
		jobs, err := s.Claim(ctx, webhooks.Queue, "checker", 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return seen
		}
		for _, j := range jobs {
			var body struct{ Items []string }
			if err := json.Unmarshal(j.Payload, &body); err != nil {
				t.Fatal(err)
			}
			for _, id := range body.Items {
				seen[id]++
			}
			if err := s.Ack(ctx, webhooks.Queue, j.ID, "checker"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestOutboxQueuesEachItemOnceAcrossReplicas: two replicas' followers see
// the same arrivals (each rebuilt its index) and enqueue them at once;
// the cursor, read and moved in the enqueuing transaction, lets each item
// into exactly one message. A batch larger than one transaction may hold
// is split, and nothing is lost or doubled at the seams.
func TestOutboxQueuesEachItemOnceAcrossReplicas(t *testing.T) {
	stores(t, func(t *testing.T, a, b hubdb.Store) {
		now := time.Now().UTC()
		addHook(t, a, now.Add(-time.Minute))
		batch := append(items("user:a", 1, 1500, now), items("org", 1, 700, now)...) // > 400 messages of 50: several transactions
		var wg sync.WaitGroup
		var queued atomic.Int64
		for _, s := range []hubdb.Store{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := webhooks.Outbox{Store: s, Compose: compose, Now: time.Now}.Enqueue(ctx, batch, map[string]uint64{"user:a": 1600, "org": 700})
				if err != nil {
					t.Error(err)
				}
				queued.Add(int64(n))
			}()
		}
		wg.Wait()
		got := queuedItems(t, a)
		if len(got) != 2200 {
			t.Fatalf("%d items queued, want 2200", len(got))
		}
		for id, n := range got {
			if n != 1 {
				t.Fatalf("item %s in %d messages", id, n)
			}
		}
		// 1500/50 + 700/50 messages, plus one where a transaction's seam cut a group.
		if n := queued.Load(); n < 44 || n > 46 {
			t.Errorf("%d messages, want 44 (+1 per transaction seam)", n)
		}
		cur, err := webhooks.Outbox{Store: b}.Cursor(ctx)
		if err != nil || cur.Seqs["user:a"] != 1600 || cur.Seqs["org"] != 700 {
			t.Fatalf("cursor %+v %v", cur, err)
		}
		// A replica that restarts finds the items again: nothing is queued.
		if n, err := (webhooks.Outbox{Store: b, Compose: compose, Now: time.Now}).Enqueue(ctx, batch, nil); err != nil || n != 0 {
			t.Fatalf("re-enqueue after a restart: %d %v", n, err)
		}
		// Items received before the webhook existed are not news to it.
		if n, _ := (webhooks.Outbox{Store: b, Compose: compose, Now: time.Now}).Enqueue(ctx, items("user:b", 1, 5, now.Add(-time.Hour)), nil); n != 0 {
			t.Fatalf("old items queued: %d", n)
		}
	})
}

// TestDelivererRetriesThenBuriesAndRecordsFigures: a receiver that fails
// twice then answers gets the same delivery id three times; one that
// always fails is buried after MaxAttempts; the figures say so.
func TestDelivererRetriesThenBuriesAndRecordsFigures(t *testing.T) {
	stores(t, func(t *testing.T, a, b hubdb.Store) {
		var mu sync.Mutex
		ids := map[string][]string{} // path → delivery ids
		var failsLeft atomic.Int64
		failsLeft.Store(2)
		rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			mu.Lock()
			ids[r.URL.Path] = append(ids[r.URL.Path], r.Header.Get(webhooks.DeliveryHeader))
			mu.Unlock()
			if r.URL.Path == "/down" || failsLeft.Add(-1) >= 0 {
				w.WriteHeader(http.StatusBadGateway)
			}
		}))
		defer rc.Close()
		reg := webhooks.Registry{Store: a, Guard: netguard.Guard{AllowPrivate: true}}
		flaky, err := reg.Add(ctx, webhooks.Webhook{URL: rc.URL + "/flaky"}, "u_admin", time.Now().Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		down, _ := reg.Add(ctx, webhooks.Webhook{URL: rc.URL + "/down"}, "u_admin", time.Now().Add(-time.Minute))
		if _, err := (webhooks.Outbox{Store: a, Compose: compose, Now: time.Now}).Enqueue(ctx, items("user:a", 1, 1, time.Now()), nil); err != nil {
			t.Fatal(err)
		}
		var d []*webhooks.Deliverer
		sctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, s := range []hubdb.Store{a, b} { // two replicas
			dl := webhooks.NewDeliverer(s, netguard.Guard{AllowPrivate: true}, discard())
			dl.SetTiming(webhooks.Timing{Timeout: time.Second, BackoffBase: 10 * time.Millisecond, BackoffCap: 40 * time.Millisecond, MaxAttempts: 4, Lease: 5 * time.Second, Poll: 50 * time.Millisecond})
			d = append(d, dl)
			wg.Add(1)
			go func() { defer wg.Done(); dl.Serve(sctx) }()
		}
		defer func() { stop(); wg.Wait() }()
		var list []webhooks.Status
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			list, _ = reg.List(ctx)
			if len(list) == 2 && list[0].Pending+list[1].Pending == 0 && list[0].Delivered+list[1].Delivered == 1 && list[0].Dead+list[1].Dead == 1 {
				break
			}
		}
		byID := map[string]webhooks.Status{}
		for _, s := range list {
			byID[s.ID] = s
		}
		if f := byID[flaky.ID]; f.Delivered != 1 || f.Pending != 0 || f.LastError != "" || f.LastSuccessAt == nil || f.Secret != "" {
			t.Errorf("flaky %+v", f)
		}
		if g := byID[down.ID]; g.Dead != 1 || g.Delivered != 0 || !strings.Contains(g.LastError, "502") {
			t.Errorf("down %+v", g)
		}
		mu.Lock()
		defer mu.Unlock()
		if f := ids["/flaky"]; len(f) != 3 || f[0] != f[1] || f[1] != f[2] {
			t.Errorf("flaky receiver got %v, want one delivery id three times", f)
		}
		if g := ids["/down"]; len(g) != 4 {
			t.Errorf("down receiver got %d attempts, want MaxAttempts (4)", len(g))
		}
		// Deleting a webhook takes its dead and queued deliveries with it.
		if err := reg.Remove(ctx, down.ID); err != nil {
			t.Fatal(err)
		}
		if stats, _ := a.QueueStats(ctx, webhooks.Queue); stats[down.ID] != (hubdb.QueueStat{}) {
			t.Errorf("after delete: %+v", stats[down.ID])
		}
		if err := reg.Remove(ctx, down.ID); !notebook.IsCode(err, notebook.NotFound) {
			t.Errorf("delete twice: %v", err)
		}
	})
}

// TestLegacyFilesRefuseFIFOsAndSymlinks: a FIFO, a symlink or a device in
// place of webhooks.json is refused with a message naming it — reading a
// FIFO would hang the start, a symlink would import someone else's file —
// and nothing is renamed.
func TestLegacyFilesRefuseFIFOsAndSymlinks(t *testing.T) {
	s, err := hubdb.OpenBadger(hubdb.Options{InMemory: true, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other := filepath.Join(t.TempDir(), "elsewhere.json")
	os.WriteFile(other, []byte(`{"hooks":[]}`), 0o600)
	for name, create := range map[string]func(path string) error{
		"fifo":    func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"symlink": func(p string) error { return os.Symlink(other, p) },
		"device":  func(p string) error { return os.Symlink("/dev/zero", p) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "webhooks.json")
			if err := create(path); err != nil {
				t.Fatalf("cannot make the %s this test needs: %v", name, err)
			}
			done := make(chan error, 1)
			go func() { _, _, _, err := webhooks.ImportFiles(ctx, s, dir); done <- err }()
			select {
			case err := <-done:
				if !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), path) {
					t.Fatalf("import of a %s: %v", name, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("import of a %s hangs", name)
			}
			if _, err := os.Lstat(path); err != nil {
				t.Errorf("the %s was moved: %v", name, err)
			}
		})
	}
}

// TestOutboxSplitsManyWebhooksAcrossTransactions: with many webhooks and
// many hypotheses every (webhook, hypothesis) pair is a message; they are
// spread over transactions within hubdb's write limit instead of failing
// one too big transaction for ever.
func TestOutboxSplitsManyWebhooksAcrossTransactions(t *testing.T) {
	s, err := hubdb.OpenBadger(hubdb.Options{InMemory: true, Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	for i := 0; i < 30; i++ {
		addHook(t, s, now.Add(-time.Minute))
	}
	var batch []webhooks.Item
	for i := 1; i <= 100; i++ { // 100 hypotheses × 30 webhooks = 3,000 messages
		batch = append(batch, webhooks.Item{Scope: "user:a", Seq: uint64(i), HypothesisID: fmt.Sprintf("h%d", i), ReceivedAt: now, Size: 10})
	}
	n, err := webhooks.Outbox{Store: s, Compose: compose, Now: time.Now}.Enqueue(ctx, batch, nil)
	if err != nil || n != 3000 {
		t.Fatalf("queued %d: %v", n, err)
	}
	stats, _ := s.QueueStats(ctx, webhooks.Queue)
	total := 0
	for _, st := range stats {
		total += st.Pending
	}
	if len(stats) != 30 || total != 3000 {
		t.Fatalf("%d webhooks with %d pending", len(stats), total)
	}
}
