package hubdb

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

var ctx = context.Background()

func open(t *testing.T, dir string) *Badger {
	t.Helper()
	b, err := OpenBadger(Options{Dir: dir, InMemory: dir == ""})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func put(t *testing.T, b *Badger, client string, n uint64, id, scope string, data string) uint64 {
	t.Helper()
	var seq uint64
	err := b.Update(ctx, []string{scope}, func(tx Tx) error {
		rec := &Record{ID: id, Type: "account", Scope: scope, Data: map[string]json.RawMessage{"name": json.RawMessage(data)}, UpdatedAt: time.Now()}
		if err := tx.Apply(client, n, rec); err != nil {
			return err
		}
		seq = rec.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestEpochSurvivesRestartAndDirIsLocked(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir)
	epoch := b.Epoch()
	if _, err := OpenBadger(Options{Dir: dir}); !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second open: %v", err)
	}
	b.Close()
	b = open(t, dir)
	defer b.Close()
	if b.Epoch() != epoch {
		t.Fatal("epoch changed on restart")
	}
	if other := open(t, t.TempDir()); other.Epoch() == epoch {
		t.Fatal("two data dirs share an epoch")
	} else {
		other.Close()
	}
}

func TestLockOrderNeverDeadlocks(t *testing.T) {
	var l scopeLocks
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); l.lock([]string{"org", "user:a"})() }()
		go func() { defer wg.Done(); l.lock([]string{"user:a", "org"})() }()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("deadlock")
	}
}
