package hubdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

func TestDocsReadModifyWriteIsSerialised(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 25; j++ {
				err := b.UpdateDocs(ctx, func(tx DocTx) error {
					v, _, err := tx.GetDoc("test", "counter")
					if err != nil {
						return err
					}
					n := 0
					fmt.Sscan(string(v), &n)
					return tx.PutDoc("test", "counter", []byte(fmt.Sprint(n+1)))
				})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	b.ViewDocs(ctx, func(r DocReader) error {
		v, ok, err := r.GetDoc("test", "counter")
		if !ok || err != nil || string(v) != "200" {
			t.Errorf("counter = %q %v %v, want 200", v, ok, err)
		}
		return nil
	})
}

func TestDocsScanRangeAndSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir)
	err := b.UpdateDocs(ctx, func(tx DocTx) error {
		for _, k := range []string{"a/1", "a/2", "a/3", "b/1"} {
			if err := tx.PutDoc("ns", k, []byte(k)); err != nil {
				return err
			}
		}
		if err := tx.PutDoc("other", "a/9", []byte("x")); err != nil {
			return err
		}
		got, err := tx.ScanDocs("ns", "a/", PrefixEnd("a/"), 0) // sees its own writes
		if len(got) != 3 || err != nil {
			t.Errorf("scan in tx: %v %v", got, err)
		}
		return tx.DeleteDoc("ns", "a/2")
	})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	b = open(t, dir)
	defer b.Close()
	b.ViewDocs(ctx, func(r DocReader) error {
		got, _ := r.ScanDocs("ns", "a/", PrefixEnd("a/"), 0)
		if len(got) != 2 || got[0].Key != "a/1" || got[1].Key != "a/3" {
			t.Errorf("after reopen: %+v", got)
		}
		got, _ = r.ScanDocs("ns", "", "", 1)
		if len(got) != 1 || got[0].Key != "a/1" {
			t.Errorf("limit 1: %+v", got)
		}
		return nil
	})
}

func TestDocsRejectBadNamesAndBigTransactions(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	for _, c := range []struct{ ns, key string }{{"", "k"}, {"UPPER", "k"}, {"ns", ""}, {"ns", "a\x00b"}, {"ns", string(make([]byte, 513))}} {
		err := b.UpdateDocs(ctx, func(tx DocTx) error { return tx.PutDoc(c.ns, c.key, nil) })
		if !notebook.IsCode(err, notebook.Invalid) {
			t.Errorf("PutDoc(%q, %q) = %v, want Invalid", c.ns, truncateKey(c.key), err)
		}
	}
	err := b.UpdateDocs(ctx, func(tx DocTx) error {
		for i := 0; i <= MaxDocWrites; i++ {
			if err := tx.PutDoc("ns", fmt.Sprint(i), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if !notebook.IsCode(err, notebook.Invalid) {
		t.Errorf("over MaxDocWrites: %v, want Invalid", err)
	}
}

func TestDocsCommitWithRecordsInUpdate(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	boom := errors.New("boom")
	err := b.Update(ctx, []string{"org"}, func(tx Tx) error {
		if err := tx.PutDoc("ns", "k", []byte("v")); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatal(err)
	}
	b.ViewDocs(ctx, func(r DocReader) error {
		if _, ok, _ := r.GetDoc("ns", "k"); ok {
			t.Error("a failed Update's document was kept")
		}
		return nil
	})
	put(t, b, "c1", 1, "acc_1", "org", `"Acme"`) // the document lock was released
	if err := b.UpdateDocs(ctx, func(tx DocTx) error { return tx.PutDoc("ns", "k", nil) }); err != nil {
		t.Fatal(err)
	}
}

func enqueue(t *testing.T, b *Badger, id, key string) {
	t.Helper()
	if err := b.UpdateDocs(ctx, func(tx DocTx) error { return tx.Enqueue("q", NewJob{ID: id, Key: key, Payload: []byte(id)}) }); err != nil {
		t.Fatal(err)
	}
}

func claimIDs(t *testing.T, b *Badger, worker string, lease time.Duration) []string {
	t.Helper()
	jobs, err := b.Claim(ctx, "q", worker, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	return ids
}

func TestQueueOneAtATimePerKeyInOrder(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	enqueue(t, b, "a1", "A")
	enqueue(t, b, "a2", "A")
	enqueue(t, b, "b1", "B")
	if got := fmt.Sprint(claimIDs(t, b, "w1", time.Minute)); got != "[a1 b1]" {
		t.Fatalf("first claim %s, want [a1 b1]", got)
	}
	if got := claimIDs(t, b, "w2", time.Minute); len(got) != 0 {
		t.Fatalf("claimed %v while every key has a job in flight", got)
	}
	if err := b.Ack(ctx, "q", "a1", "w2"); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("ack by a worker without the lease: %v, want Conflict", err)
	}
	if err := b.Ack(ctx, "q", "a1", "w1"); err != nil {
		t.Fatal(err)
	}
	if err := b.Retry(ctx, "q", "b1", "w1", time.Hour, "receiver down"); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(claimIDs(t, b, "w2", time.Minute)); got != "[a2]" {
		t.Fatalf("after ack and retry: %s, want [a2] (b1 is not due)", got)
	}
	if err := b.Bury(ctx, "q", "a2", "w2", "gave up"); err != nil {
		t.Fatal(err)
	}
	st, _ := b.QueueStats(ctx, "q")
	if st["A"] != (QueueStat{Dead: 1}) || st["B"] != (QueueStat{Pending: 1}) {
		t.Errorf("stats %+v", st)
	}
	if err := b.UpdateDocs(ctx, func(tx DocTx) error { return tx.DeleteJobs("q", "B") }); err != nil {
		t.Fatal(err)
	}
	if err := b.Ack(ctx, "q", "b1", "w1"); !notebook.IsCode(err, notebook.NotFound) {
		t.Errorf("ack of a deleted job: %v, want NotFound", err)
	}
	if err := b.UpdateDocs(ctx, func(tx DocTx) error { return tx.Enqueue("q", NewJob{ID: "a2", Key: "A"}) }); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("duplicate job id: %v, want Conflict", err)
	}
}

// A worker that dies holding a lease: the job falls due again when the
// lease runs out, for another worker, and survives a reopen.
func TestQueueLeaseExpiresAndSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir)
	enqueue(t, b, "j1", "K")
	if got := claimIDs(t, b, "dead-worker", 50*time.Millisecond); len(got) != 1 {
		t.Fatalf("claimed %v", got)
	}
	b.Close()
	b = open(t, dir)
	defer b.Close()
	time.Sleep(60 * time.Millisecond)
	jobs, err := b.Claim(ctx, "q", "w2", 10, time.Minute)
	if err != nil || len(jobs) != 1 || jobs[0].ID != "j1" || jobs[0].Attempts != 2 || string(jobs[0].Payload) != "j1" {
		t.Fatalf("after the lease expired: %+v %v", jobs, err)
	}
	if err := b.Ack(ctx, "q", "j1", "dead-worker"); !notebook.IsCode(err, notebook.Conflict) {
		t.Errorf("late ack by the dead worker: %v, want Conflict", err)
	}
}

func TestWatchHintsScopesAfterCommit(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	wctx, cancel := contextWithCancel()
	hints := b.Watch(wctx)
	put(t, b, "c1", 1, "acc_1", "org", `"Acme"`)
	select {
	case h := <-hints:
		if fmt.Sprint(h) != "[org]" {
			t.Errorf("hint %v, want [org]", h)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no hint after a commit")
	}
	for i := 0; i < 40; i++ { // overflow: the watcher is told something was lost
		put(t, b, "c1", uint64(i+2), fmt.Sprintf("acc_%d", i+2), "org", `"A"`)
	}
	for len(hints) > 0 {
		<-hints
	}
	put(t, b, "c1", 100, "acc_x", "org", `"A"`)
	if h := <-hints; h != nil {
		t.Errorf("after a dropped hint got %v, want nil (anything changed)", h)
	}
	cancel()
	for range hints { // closed when ctx ends
	}
}

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }
