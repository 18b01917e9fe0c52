package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

func getDoc(t *testing.T, s hubdb.Store, ns, key string) (string, bool) {
	t.Helper()
	var val []byte
	var ok bool
	err := s.ViewDocs(ctx, func(r hubdb.DocReader) (err error) { val, ok, err = r.GetDoc(ns, key); return err })
	if err != nil {
		t.Fatal(err)
	}
	return string(val), ok
}

// Many writers increment one counter that does not exist at first: the
// absent key is held too, so no increment is lost.
func testDocsRMW(t *testing.T, s hubdb.Store) {
	const writers, each = 6, 20
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
					v, _, err := tx.GetDoc("test", "counter")
					if err != nil {
						return err
					}
					n := 0
					if v != nil {
						if _, err := fmt.Sscan(string(v), &n); err != nil {
							return fmt.Errorf("counter %q: %w", v, err)
						}
					}
					return tx.PutDoc("test", "counter", []byte(fmt.Sprint(n+1)))
				})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if v, ok := getDoc(t, s, "test", "counter"); !ok || v != fmt.Sprint(writers*each) {
		t.Fatalf("counter = %q %v, want %d", v, ok, writers*each)
	}
}

func testDocsScan(t *testing.T, s hubdb.Store) {
	err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		for _, k := range []string{"a/1", "a/2", "a/3", "b/1", "a/10", "A", "é"} {
			if err := tx.PutDoc("ns", k, []byte("v"+k)); err != nil {
				return err
			}
		}
		if err := tx.PutDoc("other", "a/9", []byte("x")); err != nil {
			return err
		}
		if err := tx.PutDoc("ns", "empty", nil); err != nil {
			return err
		}
		got, err := tx.ScanDocs("ns", "a/", hubdb.PrefixEnd("a/"), 0) // sees its own writes
		if len(got) != 4 || err != nil {
			return fmt.Errorf("scan in tx: %v %v", got, err)
		}
		return tx.DeleteDoc("ns", "a/2")
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.ViewDocs(ctx, func(r hubdb.DocReader) error {
		got, _ := r.ScanDocs("ns", "a/", hubdb.PrefixEnd("a/"), 0)
		var keys []string
		for _, d := range got {
			keys = append(keys, d.Key)
		}
		if strings.Join(keys, " ") != "a/1 a/10 a/3" || string(got[0].Value) != "va/1" {
			return fmt.Errorf("prefix scan: %v", keys)
		}
		got, _ = r.ScanDocs("ns", "", "", 2)
		if len(got) != 2 || got[0].Key != "A" || got[1].Key != "a/1" { // byte order: "A" < "a"
			return fmt.Errorf("limit 2: %+v", got)
		}
		got, _ = r.ScanDocs("ns", "b", "", 0)
		if len(got) != 3 || got[0].Key != "b/1" || got[1].Key != "empty" || got[2].Key != "é" {
			return fmt.Errorf("open-ended scan: %+v", got)
		}
		if v, ok, err := r.GetDoc("ns", "empty"); !ok || len(v) != 0 || err != nil {
			return fmt.Errorf("empty value: %q %v %v", v, ok, err)
		}
		if _, ok, err := r.GetDoc("ns", "a/2"); ok || err != nil {
			return fmt.Errorf("deleted doc: %v %v", ok, err)
		}
		if got, err := r.ScanDocs("none", "", "", 0); len(got) != 0 || err != nil {
			return fmt.Errorf("empty namespace: %v %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.DeleteDoc("ns", "never") }); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
}

func testDocsLimits(t *testing.T, s hubdb.Store) {
	for _, c := range []struct{ ns, key string }{{"", "k"}, {"UPPER", "k"}, {"a/b", "k"}, {"ns", ""}, {"ns", "a\x00b"}, {"ns", string(make([]byte, 513))}, {"ns", "\xff"}} {
		err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.PutDoc(c.ns, c.key, nil) })
		if !notebook.IsCode(err, notebook.Invalid) {
			t.Errorf("PutDoc(%q, %.20q) = %v, want Invalid", c.ns, c.key, err)
		}
	}
	if err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.PutDoc("ns", "big", make([]byte, hubdb.MaxDocBytes+1)) }); !notebook.IsCode(err, notebook.Invalid) {
		t.Errorf("value over MaxDocBytes: %v", err)
	}
	err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		for i := 0; i <= hubdb.MaxDocWrites; i++ {
			if err := tx.PutDoc("ns", fmt.Sprint(i), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if !notebook.IsCode(err, notebook.Invalid) {
		t.Errorf("over MaxDocWrites: %v, want Invalid", err)
	}
	if _, ok := getDoc(t, s, "ns", "0"); ok {
		t.Error("a refused document transaction kept its writes")
	}
}

func testDocsInUpdate(t *testing.T, s hubdb.Store) {
	boom := errors.New("boom")
	err := s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		if err := tx.PutDoc("ns", "k", []byte("v")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, ok := getDoc(t, s, "ns", "k"); ok {
		t.Error("a failed Update's document was kept")
	}
	err = s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		if err := tx.Apply("c", 1, &hubdb.Record{ID: "a", Type: "account", Scope: "org", UpdatedAt: time.Now()}); err != nil {
			return err
		}
		if err := tx.PutDoc("ns", "k", []byte("with-record")); err != nil {
			return err
		}
		v, ok, err := tx.GetDoc("ns", "k")
		if string(v) != "with-record" || !ok || err != nil {
			return fmt.Errorf("own doc write in Update: %q %v %v", v, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := getDoc(t, s, "ns", "k"); v != "with-record" {
		t.Fatalf("doc after Update: %q", v)
	}
	put(t, s, "c", 2, "b", "org", `"x"`) // nothing is left locked
	if err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.PutDoc("ns", "k", nil) }); err != nil {
		t.Fatal(err)
	}
}

func enqueue(t *testing.T, s hubdb.Store, queue, id, key string) {
	t.Helper()
	if err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		return tx.Enqueue(queue, hubdb.NewJob{ID: id, Key: key, Payload: []byte("payload " + id)})
	}); err != nil {
		t.Fatal(err)
	}
}

func claimIDs(t *testing.T, s hubdb.Store, worker string, lease time.Duration) []string {
	t.Helper()
	jobs, err := s.Claim(ctx, "q", worker, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	sort.Strings(ids)
	return ids
}

func testQueueOrder(t *testing.T, s hubdb.Store) {
	enqueue(t, s, "q", "a1", "A")
	enqueue(t, s, "q", "a2", "A")
	enqueue(t, s, "q", "b1", "B")
	enqueue(t, s, "other", "x1", "A")
	if got := fmt.Sprint(claimIDs(t, s, "w1", time.Minute)); got != "[a1 b1]" {
		t.Fatalf("first claim %s, want [a1 b1]", got)
	}
	if got := claimIDs(t, s, "w2", time.Minute); len(got) != 0 {
		t.Fatalf("claimed %v while every key has a job in flight", got)
	}
	if err := s.Ack(ctx, "q", "a1", "w2"); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("ack by a worker without the lease: %v, want Conflict", err)
	}
	if err := s.Ack(ctx, "q", "a1", "w1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, "q", "b1", "w1", time.Hour, "receiver down"); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, "q", "b1", "w1"); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("ack after retry released the lease: %v, want Conflict", err)
	}
	jobs, err := s.Claim(ctx, "q", "w2", 10, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].ID != "a2" || jobs[0].Key != "A" || jobs[0].Queue != "q" || jobs[0].Attempts != 1 ||
		string(jobs[0].Payload) != "payload a2" || jobs[0].CreatedAt.IsZero() {
		t.Fatalf("after ack and retry: %+v %v, want a2 (b1 is not due)", jobs, err)
	}
	if err := s.Bury(ctx, "q", "a2", "w2", "gave up"); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, "q", "a2", "w2"); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("ack of a buried job: %v, want Conflict", err)
	}
	st, err := s.QueueStats(ctx, "q")
	if err != nil || len(st) != 2 || st["A"] != (hubdb.QueueStat{Dead: 1}) || st["B"] != (hubdb.QueueStat{Pending: 1}) {
		t.Errorf("stats %+v %v", st, err)
	}
	if err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.DeleteJobs("q", "B") }); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack(ctx, "q", "b1", "w1"); !notebook.IsCode(err, notebook.NotFound) {
		t.Errorf("ack of a deleted job: %v, want NotFound", err)
	}
	if err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.Enqueue("q", hubdb.NewJob{ID: "a2", Key: "A"}) }); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("duplicate job id: %v, want Conflict", err)
	}
	if st, _ := s.QueueStats(ctx, "other"); st["A"] != (hubdb.QueueStat{Pending: 1}) {
		t.Errorf("the other queue: %+v", st)
	}
}

// A worker that dies holding a lease: the job falls due again when the
// lease runs out, for another worker, with the attempt counted; the dead
// worker's late Ack is refused.
func testQueueLease(t *testing.T, s hubdb.Store) {
	enqueue(t, s, "q", "j1", "K")
	enqueue(t, s, "q", "j2", "K")
	if got := claimIDs(t, s, "dead-worker", 300*time.Millisecond); len(got) != 1 || got[0] != "j1" {
		t.Fatalf("claimed %v", got)
	}
	if got := claimIDs(t, s, "w2", time.Minute); len(got) != 0 {
		t.Fatalf("claimed %v while j1's lease runs", got)
	}
	time.Sleep(400 * time.Millisecond)
	jobs, err := s.Claim(ctx, "q", "w2", 10, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].ID != "j1" || jobs[0].Attempts != 2 {
		t.Fatalf("after the lease expired: %+v %v", jobs, err)
	}
	if err := s.Ack(ctx, "q", "j1", "dead-worker"); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("late ack by the dead worker: %v, want Conflict", err)
	}
	if err := s.Ack(ctx, "q", "j1", "w2"); err != nil {
		t.Fatal(err)
	}
	if got := claimIDs(t, s, "w3", time.Minute); len(got) != 1 || got[0] != "j2" {
		t.Fatalf("next of the key: %v", got)
	}
}

// Workers claim concurrently: every job is delivered once, and a key never
// has two jobs in flight at the same time.
func testQueueExclusive(t *testing.T, s hubdb.Store) {
	const keys, perKey, workers = 8, 6, 4
	err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		for i := 0; i < perKey; i++ {
			for k := 0; k < keys; k++ {
				if err := tx.Enqueue("q", hubdb.NewJob{ID: fmt.Sprintf("k%d-%d", k, i), Key: fmt.Sprintf("k%d", k)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	inFlight := map[string]string{} // key → job
	delivered := map[string]int{}
	next := map[string]int{} // key → the next job index due
	var wg sync.WaitGroup
	deadline := time.Now().Add(20 * time.Second)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker := fmt.Sprintf("w%d", w)
			for time.Now().Before(deadline) {
				jobs, err := s.Claim(ctx, "q", worker, 3, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if len(delivered) == keys*perKey {
					mu.Unlock()
					return
				}
				for _, j := range jobs {
					if other, busy := inFlight[j.Key]; busy {
						t.Errorf("%s claimed %s while %s of the same key is in flight", worker, j.ID, other)
					}
					if want := fmt.Sprintf("%s-%d", j.Key, next[j.Key]); j.ID != want {
						t.Errorf("key %s delivered %s before %s", j.Key, j.ID, want)
					}
					inFlight[j.Key] = j.ID
				}
				mu.Unlock()
				for _, j := range jobs {
					mu.Lock()
					delete(inFlight, j.Key)
					delivered[j.ID]++
					next[j.Key]++
					mu.Unlock()
					if err := s.Ack(ctx, "q", j.ID, worker); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	for id, n := range delivered {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	if len(delivered) != keys*perKey {
		t.Fatalf("%d of %d jobs delivered", len(delivered), keys*perKey)
	}
}

func testQueueTransactional(t *testing.T, s hubdb.Store) {
	boom := errors.New("boom")
	err := s.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		if err := tx.Enqueue("q", hubdb.NewJob{ID: "j", Key: "K"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	err = s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		if err := tx.Enqueue("q", hubdb.NewJob{ID: "j2", Key: "K"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if st, _ := s.QueueStats(ctx, "q"); len(st) != 0 {
		t.Fatalf("a failed transaction's job was queued: %+v", st)
	}
	err = s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error { return tx.Enqueue("q", hubdb.NewJob{ID: "j3", Key: "K"}) })
	if err != nil {
		t.Fatal(err)
	}
	if got := claimIDs(t, s, "w", time.Minute); len(got) != 1 || got[0] != "j3" {
		t.Fatalf("job queued by an Update: %v", got)
	}
}

func testWatch(t *testing.T, s hubdb.Store) {
	wctx, cancel := context.WithCancel(ctx)
	hints := s.Watch(wctx)
	time.Sleep(100 * time.Millisecond) // a listener on another connection needs a moment to start
	for deadline := time.Now().Add(5 * time.Second); ; {
		// The first hint may be nil (the listener connected late); a
		// later commit must then be hinted by scope.
		err := s.Update(ctx, []string{"user:a", "org"}, func(tx hubdb.Tx) error {
			if err := tx.Apply("c", 0, &hubdb.Record{ID: "acc", Type: "account", Scope: "org", UpdatedAt: time.Now()}); err != nil {
				return err
			}
			return tx.Apply("c", 0, &hubdb.Record{ID: "call", Type: "call", Scope: "user:a", UpdatedAt: time.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case h := <-hints:
			if h == nil && time.Now().Before(deadline) {
				continue
			}
			if fmt.Sprint(h) != "[org user:a]" {
				t.Fatalf("hint %v, want [org user:a] (once per commit)", h)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("no hint within 2 s of a commit")
		}
		break
	}
	// A slow watcher: when hints are dropped it is told so with nil.
	for i := 0; i < 40; i++ {
		put(t, s, "c", uint64(i+1), fmt.Sprintf("acc_%d", i), "org", `"A"`)
	}
	// The nil may come at once or with the first hint after the watcher
	// caught up: commit again whenever the channel is quiet.
	sawNil, n := false, 41
	for timeout := time.After(5 * time.Second); !sawNil; {
		select {
		case h := <-hints:
			sawNil = h == nil
		case <-time.After(300 * time.Millisecond):
			put(t, s, "c", uint64(n), "acc_more", "org", `"A"`)
			n++
		case <-timeout:
			t.Fatal("40 unread commits and no nil hint: a dropped hint went unreported")
		}
	}
	cancel()
	for timeout := time.After(5 * time.Second); ; {
		select {
		case _, open := <-hints:
			if !open {
				return
			}
		case <-timeout:
			t.Fatal("the hint channel stayed open after ctx ended")
		}
	}
}
