package hubdb

import (
	"context"
	"encoding/json"
	"fmt"
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

// A reader that has seen seq n must never later find a change with a
// smaller seq: concurrent writers to one scope, a reader following them.
func TestSeqFollowsCommitOrder(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	const writers, each = 8, 50
	var wg sync.WaitGroup
	stop := make(chan struct{})
	readerErr := make(chan error, 1)
	go func() {
		after := map[string]uint64{}
		seen := 0
		for {
			page, err := b.Pull(ctx, PullQuery{Scopes: []string{"org"}, After: after, Limit: 7})
			if err != nil {
				readerErr <- err
				return
			}
			for _, raw := range page.Records {
				var env struct{ Seq uint64 }
				json.Unmarshal(raw, &env)
				if env.Seq <= after["org"] {
					readerErr <- fmt.Errorf("seq %d after %d", env.Seq, after["org"])
					return
				}
				after["org"] = env.Seq
				seen++
			}
			select {
			case <-stop:
				if !page.HasMore && len(page.Records) == 0 {
					readerErr <- nil
					return
				}
			default:
			}
		}
	}()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= each; i++ {
				put(t, b, fmt.Sprintf("c%d", w), uint64(i), fmt.Sprintf("r%d-%d", w, i), "org", `"x"`)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-readerErr; err != nil {
		t.Fatal(err)
	}
	heads, _, _ := b.Heads(ctx)
	if heads["org"] != writers*each {
		t.Fatalf("head %d, want %d (gap-free)", heads["org"], writers*each)
	}
}

func TestUpdateKeepsOneVersionPerRecord(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	put(t, b, "c", 1, "a", "org", `"v1"`)
	put(t, b, "c", 2, "b", "org", `"v1"`)
	if seq := put(t, b, "c", 3, "a", "org", `"v2"`); seq != 3 {
		t.Fatalf("seq %d", seq)
	}
	page, _ := b.Pull(ctx, PullQuery{Limit: 10, ClientID: "c"})
	if len(page.Records) != 2 || page.LastMutationID != 3 || page.Next["org"] != 3 || !strings.Contains(string(page.Records[1]), `"v2"`) {
		t.Fatalf("page %+v", page)
	}
}

func TestBigUpdatesAreCommittedInParts(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	big := `"` + strings.Repeat("x", 100<<10) + `"`
	err := b.Update(ctx, []string{"org"}, func(tx Tx) error {
		for i := 1; i <= 150; i++ { // ~15 MB: more than one Badger transaction takes
			rec := &Record{ID: "big", Type: "account", Scope: "org", Data: map[string]json.RawMessage{"name": json.RawMessage(big)}}
			if err := tx.Apply("c", uint64(i), rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := b.Pull(ctx, PullQuery{Limit: 10, ClientID: "c"})
	if len(page.Records) != 1 || page.LastMutationID != 150 {
		t.Fatalf("%d records, last %d", len(page.Records), page.LastMutationID)
	}
}

func TestWriteOutsideLockedScopesIsRefused(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	err := b.Update(ctx, []string{"user:a"}, func(tx Tx) error {
		return tx.Apply("c", 1, &Record{ID: "x", Type: "account", Scope: "org"})
	})
	if !notebook.IsCode(err, notebook.Internal) {
		t.Fatalf("err %v", err)
	}
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

func TestUsersAndClients(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	hash := [32]byte{1}
	u := User{ID: "u_1", Email: "a@b.com", Role: RoleField, CreatedAt: time.Now()}
	if err := b.CreateUser(ctx, u, hash); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateUser(ctx, User{ID: "u_2", Email: "A@b.com"}, [32]byte{2}); !notebook.IsCode(err, notebook.Conflict) {
		t.Fatalf("duplicate email: %v", err)
	}
	if got, err := b.UserByToken(ctx, hash); err != nil || got.ID != "u_1" {
		t.Fatal(got, err)
	}
	if err := b.BindClient(ctx, "c1", "u_1"); err != nil {
		t.Fatal(err)
	}
	if err := b.BindClient(ctx, "c1", "u_1"); err != nil {
		t.Fatal(err)
	}
	if err := b.BindClient(ctx, "c1", "u_2"); !notebook.IsCode(err, notebook.Forbidden) {
		t.Fatalf("rebinding: %v", err)
	}
	if err := b.RevokeUser(ctx, "u_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UserByToken(ctx, hash); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := b.RevokeUser(ctx, "u_9"); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatal(err)
	}
	users, _ := b.ListUsers(ctx)
	if len(users) != 1 || !users[0].Revoked {
		t.Fatal(users)
	}
	// restoring the revoked user with a new token keeps its id and binding
	u.Revoked = false
	if err := b.SetUserToken(ctx, u, [32]byte{3}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.UserByToken(ctx, [32]byte{3}); err != nil || got.ID != "u_1" || got.Revoked {
		t.Fatal(got, err)
	}
	if _, err := b.UserByToken(ctx, hash); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("old token after rotation: %v", err)
	}
	if err := b.BindClient(ctx, "c1", "u_1"); err != nil {
		t.Fatalf("binding after rotation: %v", err)
	}
	if err := b.SetUserToken(ctx, User{ID: "u_9", Email: "x@y.com"}, [32]byte{4}); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if err := b.CreateUser(ctx, User{ID: "u_3", Email: "c@d.com"}, [32]byte{5}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetUserToken(ctx, User{ID: "u_3", Email: "a@b.com"}, [32]byte{6}); !notebook.IsCode(err, notebook.Conflict) {
		t.Fatalf("taking a live user's email: %v", err)
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

func TestPurgeManyTombstonesRaisesTheHorizon(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	old := time.Now().Add(-100 * 24 * time.Hour)
	err := b.Update(ctx, []string{"org"}, func(tx Tx) error {
		for i := 1; i <= 4500; i++ {
			rec := &Record{ID: fmt.Sprintf("t%d", i), Type: "account", Scope: "org", Deleted: true, UpdatedAt: old}
			if i == 4500 { // the newest tombstone is recent: kept
				rec.UpdatedAt = time.Now()
			}
			if err := tx.Apply("c", uint64(i), rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := b.PurgeTombstones(ctx, time.Now().Add(-90*24*time.Hour))
	if err != nil || n != 4499 {
		t.Fatalf("purged %d: %v", n, err)
	}
	_, horizons, _ := b.Heads(ctx)
	page, _ := b.Pull(ctx, PullQuery{Limit: 10})
	if horizons["org"] != 4499 || len(page.Records) != 1 {
		t.Fatalf("horizon %d, %d records left", horizons["org"], len(page.Records))
	}
}

func TestPagesAreBoundedInBytes(t *testing.T) {
	b := open(t, "")
	defer b.Close()
	big := `"` + strings.Repeat("x", 1000) + `"`
	for i := 1; i <= 10; i++ {
		put(t, b, "c", uint64(i), fmt.Sprintf("r%d", i), "org", big)
	}
	page, _ := b.Pull(ctx, PullQuery{Limit: 100, MaxBytes: 3500})
	if len(page.Records) != 3 || !page.HasMore { // ~1.2 KB each: the third crosses the budget and is included
		t.Fatalf("%d records, has_more %v", len(page.Records), page.HasMore)
	}
	page, _ = b.Pull(ctx, PullQuery{Limit: 100, MaxBytes: 1})
	if len(page.Records) != 1 || !page.HasMore {
		t.Fatalf("tiny budget: %d records", len(page.Records))
	}
}
