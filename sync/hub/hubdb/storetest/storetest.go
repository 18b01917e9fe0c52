// Package storetest is the contract every hubdb.Store implementation must
// meet: each behaviour the hub relies on, written once and run against the
// Badger store and the PostgreSQL store alike, so a third backend is one
// more call of Run, not a fork of the tests.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// Open returns a new, empty store for one test; the store is closed by the
// test's cleanup (register it with t.Cleanup).
type Open func(t *testing.T) hubdb.Store

// Run runs the whole contract against stores made by open, each test on
// a store of its own.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, hubdb.Store)
	}{
		{"UsersTokensAndClients", testUsersTokensAndClients},
		{"TokenRotationKeepsTheUser", testTokenRotationKeepsTheUser},
		{"SeqFollowsCommitOrder", testSeqFollowsCommitOrder},
		{"OneVersionPerRecord", testOneVersionPerRecord},
		{"TxSeesItsOwnWrites", testTxSeesItsOwnWrites},
		{"FailedUpdateWritesNothing", testFailedUpdateWritesNothing},
		{"BigUpdate", testBigUpdate},
		{"WriteOutsideLockedScopesIsRefused", testWriteOutsideLockedScopes},
		{"PurgeRaisesTheHorizon", testPurgeRaisesTheHorizon},
		{"PagesAreBounded", testPagesAreBounded},
		{"PullReadsOneSnapshot", testPullReadsOneSnapshot},
		{"RecordRoundTrip", testRecordRoundTrip},
		{"EpochPerDataSet", func(t *testing.T, s hubdb.Store) { testEpochPerDataSet(t, s, open) }},
		// documents, work queues, change hints (docs.go)
		{"DocsReadModifyWriteIsSerialised", testDocsRMW},
		{"DocsScanRangeLimitAndOwnWrites", testDocsScan},
		{"DocsRejectBadNamesAndBigTransactions", testDocsLimits},
		{"DocsCommitWithRecordsInUpdate", testDocsInUpdate},
		{"QueueOneAtATimePerKeyInOrder", testQueueOrder},
		{"QueueLeaseExpires", testQueueLease},
		{"QueueConcurrentClaimsNeverShareAJob", testQueueExclusive},
		{"QueueEnqueueCommitsWithTheTransaction", testQueueTransactional},
		{"WatchHintsScopesAfterCommit", testWatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var ctx = context.Background()

func put(t testing.TB, s hubdb.Store, client string, n uint64, id, scope, name string) uint64 {
	t.Helper()
	var seq uint64
	err := s.Update(ctx, []string{scope}, func(tx hubdb.Tx) error {
		rec := &hubdb.Record{ID: id, Type: "account", Scope: scope, Data: map[string]json.RawMessage{"name": json.RawMessage(name)}, UpdatedAt: time.Now()}
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

func seqOf(t testing.TB, raw json.RawMessage) (uint64, string) {
	var env struct {
		Seq   uint64
		Scope string
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("envelope %s: %v", raw, err)
	}
	return env.Seq, env.Scope
}

func testUsersTokensAndClients(t *testing.T, s hubdb.Store) {
	hash := [32]byte{1}
	u := hubdb.User{ID: "u_1", Email: "a@b.com", Role: hubdb.RoleField, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := s.CreateUser(ctx, u, hash); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, hubdb.User{ID: "u_2", Email: "A@b.com", Role: hubdb.RoleField, CreatedAt: time.Now()}, [32]byte{2}); !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "u_1") {
		t.Fatalf("duplicate email (other case): %v", err)
	}
	got, err := s.UserByToken(ctx, hash)
	if err != nil || got.ID != "u_1" || got.Email != u.Email || got.Role != hubdb.RoleField || !got.CreatedAt.Equal(u.CreatedAt) {
		t.Fatal(got, err)
	}
	if _, err := s.UserByToken(ctx, [32]byte{9}); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if err := s.BindClient(ctx, "c1", "u_1"); err != nil {
		t.Fatal(err)
	}
	if err := s.BindClient(ctx, "c1", "u_1"); err != nil {
		t.Fatal(err)
	}
	if err := s.BindClient(ctx, "c1", "u_2"); !notebook.IsCode(err, notebook.Forbidden) {
		t.Fatalf("rebinding: %v", err)
	}
	if err := s.RevokeUser(ctx, "u_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByToken(ctx, hash); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := s.RevokeUser(ctx, "u_9"); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatal(err)
	}
	// The email is free again once its user is revoked.
	later := hubdb.User{ID: "u_3", Email: "a@b.com", Role: hubdb.RoleAdmin, CreatedAt: u.CreatedAt.Add(time.Second)}
	if err := s.CreateUser(ctx, later, [32]byte{3}); err != nil {
		t.Fatal(err)
	}
	users, err := s.ListUsers(ctx)
	if err != nil || len(users) != 2 || users[0].ID != "u_1" || !users[0].Revoked || users[1].ID != "u_3" || users[1].Revoked {
		t.Fatalf("users %+v %v", users, err)
	}
}

// SetUserToken gives a user (revoked or not) a new token: the id, and so the
// client bindings, stay; old tokens stop working; a live user's email cannot
// be taken over.
func testTokenRotationKeepsTheUser(t *testing.T, s hubdb.Store) {
	u := hubdb.User{ID: "u_1", Email: "a@b.com", Role: hubdb.RoleField, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := s.CreateUser(ctx, u, [32]byte{1}); err != nil {
		t.Fatal(err)
	}
	if err := s.BindClient(ctx, "c1", "u_1"); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeUser(ctx, "u_1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserToken(ctx, u, [32]byte{3}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UserByToken(ctx, [32]byte{3}); err != nil || got.ID != "u_1" || got.Revoked {
		t.Fatal(got, err)
	}
	if _, err := s.UserByToken(ctx, [32]byte{1}); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("old token after rotation: %v", err)
	}
	if err := s.BindClient(ctx, "c1", "u_1"); err != nil {
		t.Fatalf("binding after rotation: %v", err)
	}
	if err := s.SetUserToken(ctx, hubdb.User{ID: "u_9", Email: "x@y.com", Role: hubdb.RoleField}, [32]byte{4}); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if err := s.CreateUser(ctx, hubdb.User{ID: "u_3", Email: "c@d.com", Role: hubdb.RoleField, CreatedAt: time.Now()}, [32]byte{5}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserToken(ctx, hubdb.User{ID: "u_3", Email: "a@b.com", Role: hubdb.RoleField}, [32]byte{6}); !notebook.IsCode(err, notebook.Conflict) {
		t.Fatalf("taking a live user's email: %v", err)
	}
}

// A reader that has seen seq n must never later find a change with a
// smaller seq: concurrent writers to one scope, a reader following them.
func testSeqFollowsCommitOrder(t *testing.T, s hubdb.Store) {
	const writers, each = 6, 40
	var wg sync.WaitGroup
	stop := make(chan struct{})
	readerErr := make(chan error, 1)
	go func() {
		after := map[string]uint64{}
		for {
			page, err := s.Pull(ctx, hubdb.PullQuery{Scopes: []string{"org"}, After: after, Limit: 7})
			if err != nil {
				readerErr <- err
				return
			}
			for _, raw := range page.Records {
				seq, _ := seqOf(t, raw)
				if seq <= after["org"] {
					readerErr <- fmt.Errorf("seq %d after %d", seq, after["org"])
					return
				}
				after["org"] = seq
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
				put(t, s, fmt.Sprintf("c%d", w), uint64(i), fmt.Sprintf("r%d-%d", w, i), "org", `"x"`)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-readerErr; err != nil {
		t.Fatal(err)
	}
	heads, _, _ := s.Heads(ctx)
	if heads["org"] != writers*each {
		t.Fatalf("head %d, want %d (gap-free)", heads["org"], writers*each)
	}
}

func testOneVersionPerRecord(t *testing.T, s hubdb.Store) {
	put(t, s, "c", 1, "a", "org", `"v1"`)
	put(t, s, "c", 2, "b", "org", `"v1"`)
	if seq := put(t, s, "c", 3, "a", "org", `"v2"`); seq != 3 {
		t.Fatalf("seq %d", seq)
	}
	page, err := s.Pull(ctx, hubdb.PullQuery{Limit: 10, ClientID: "c"})
	if err != nil || len(page.Records) != 2 || page.LastMutationID != 3 || page.Next["org"] != 3 || !strings.Contains(string(page.Records[1]), `"v2"`) {
		t.Fatalf("page %+v %v", page, err)
	}
	if page, _ := s.Pull(ctx, hubdb.PullQuery{Limit: 10, ClientID: "nobody"}); page.LastMutationID != 0 {
		t.Fatalf("unknown client's last id %d", page.LastMutationID)
	}
}

func testTxSeesItsOwnWrites(t *testing.T, s hubdb.Store) {
	put(t, s, "c", 1, "a", "org", `"v1"`)
	err := s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		if n, err := tx.LastMutationID("c"); err != nil || n != 1 {
			return fmt.Errorf("last id %d %v", n, err)
		}
		rec, ok, err := tx.Get("a")
		if err != nil || !ok || rec.Seq != 1 || string(rec.Data["name"]) != `"v1"` {
			return fmt.Errorf("get a: %+v %v %v", rec, ok, err)
		}
		rec.Data["name"] = json.RawMessage(`"v2"`)
		rec.FieldClient = map[string]string{"name": "c"}
		if err := tx.Apply("c", 2, &rec); err != nil {
			return err
		}
		if err := tx.Apply("c", 3, nil); err != nil { // a rejected mutation: only the counter moves
			return err
		}
		if n, _ := tx.LastMutationID("c"); n != 3 {
			return fmt.Errorf("last id after apply %d", n)
		}
		again, ok, err := tx.Get("a")
		if err != nil || !ok || again.Seq != 2 || string(again.Data["name"]) != `"v2"` || again.FieldClient["name"] != "c" {
			return fmt.Errorf("own write not seen: %+v %v", again, err)
		}
		if _, ok, err := tx.Get("never"); ok || err != nil {
			return fmt.Errorf("unknown id: %v %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testFailedUpdateWritesNothing(t *testing.T, s hubdb.Store) {
	put(t, s, "c", 1, "a", "org", `"v1"`)
	boom := fmt.Errorf("boom")
	err := s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		if err := tx.Apply("c", 2, &hubdb.Record{ID: "b", Type: "account", Scope: "org", UpdatedAt: time.Now()}); err != nil {
			return err
		}
		return boom
	})
	if err == nil {
		t.Fatal("the update's error was lost")
	}
	page, _ := s.Pull(ctx, hubdb.PullQuery{Limit: 10, ClientID: "c"})
	if len(page.Records) != 1 || page.LastMutationID != 1 {
		t.Fatalf("a failed update left %d records, last id %d", len(page.Records), page.LastMutationID)
	}
	if seq := put(t, s, "c", 2, "b", "org", `"x"`); seq != 2 {
		t.Fatalf("seq after a failed update %d, want 2", seq)
	}
}

func testBigUpdate(t *testing.T, s hubdb.Store) {
	big := `"` + strings.Repeat("x", 100<<10) + `"`
	err := s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		for i := 1; i <= 120; i++ { // ~12 MB: more than one Badger transaction takes
			rec := &hubdb.Record{ID: fmt.Sprintf("big%d", i%3), Type: "account", Scope: "org", Data: map[string]json.RawMessage{"name": json.RawMessage(big)}, UpdatedAt: time.Now()}
			if err := tx.Apply("c", uint64(i), rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := s.Pull(ctx, hubdb.PullQuery{Limit: 10, ClientID: "c"})
	if len(page.Records) != 3 || page.LastMutationID != 120 || page.Next["org"] != 120 {
		t.Fatalf("%d records, last %d, next %d", len(page.Records), page.LastMutationID, page.Next["org"])
	}
}

func testWriteOutsideLockedScopes(t *testing.T, s hubdb.Store) {
	err := s.Update(ctx, []string{"user:a"}, func(tx hubdb.Tx) error {
		return tx.Apply("c", 1, &hubdb.Record{ID: "x", Type: "account", Scope: "org"})
	})
	if !notebook.IsCode(err, notebook.Internal) {
		t.Fatalf("err %v", err)
	}
}

func testPurgeRaisesTheHorizon(t *testing.T, s hubdb.Store) {
	old := time.Now().Add(-100 * 24 * time.Hour)
	err := s.Update(ctx, []string{"org", "user:a"}, func(tx hubdb.Tx) error {
		for i := 1; i <= 4500; i++ {
			rec := &hubdb.Record{ID: fmt.Sprintf("t%d", i), Type: "account", Scope: "org", Deleted: true, UpdatedAt: old}
			switch {
			case i == 4500: // the newest tombstone is recent: kept
				rec.UpdatedAt = time.Now()
			case i%1000 == 0: // an old live record: kept
				rec.Deleted = false
			}
			if err := tx.Apply("c", uint64(i), rec); err != nil {
				return err
			}
		}
		return tx.Apply("c", 4501, &hubdb.Record{ID: "u1", Type: "call", Scope: "user:a", UpdatedAt: old})
	})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.PurgeTombstones(ctx, time.Now().Add(-90*24*time.Hour))
	if err != nil || n != 4495 {
		t.Fatalf("purged %d: %v", n, err)
	}
	heads, horizons, _ := s.Heads(ctx)
	page, _ := s.Pull(ctx, hubdb.PullQuery{Limit: 100})
	if horizons["org"] != 4499 || horizons["user:a"] != 0 || heads["org"] != 4500 || heads["user:a"] != 1 || len(page.Records) != 6 {
		t.Fatalf("horizons %v, heads %v, %d records left", horizons, heads, len(page.Records))
	}
	if n, _ := s.PurgeTombstones(ctx, time.Now().Add(-90*24*time.Hour)); n != 0 {
		t.Fatalf("second purge %d", n)
	}
}

func testPagesAreBounded(t *testing.T, s hubdb.Store) {
	big := `"` + strings.Repeat("x", 1000) + `"`
	for i := 1; i <= 10; i++ {
		put(t, s, "c", uint64(i), fmt.Sprintf("r%d", i), "org", big)
	}
	page, _ := s.Pull(ctx, hubdb.PullQuery{Limit: 100, MaxBytes: 3500})
	if len(page.Records) != 3 || !page.HasMore { // ~1.2 KB each: the third crosses the budget and is included
		t.Fatalf("%d records, has_more %v", len(page.Records), page.HasMore)
	}
	page, _ = s.Pull(ctx, hubdb.PullQuery{Limit: 100, MaxBytes: 1})
	if len(page.Records) != 1 || !page.HasMore {
		t.Fatalf("tiny budget: %d records", len(page.Records))
	}
	for i := 1; i <= 4; i++ {
		put(t, s, "d", uint64(i), fmt.Sprintf("u%d", i), "user:a", `"x"`)
		put(t, s, "e", uint64(i), fmt.Sprintf("v%d", i), "user:b", `"x"`)
	}
	// Limits: exactly the limit, has_more only when something is left.
	page, _ = s.Pull(ctx, hubdb.PullQuery{Limit: 10})
	if len(page.Records) != 10 || !page.HasMore || page.Next["org"] != 10 {
		t.Fatalf("limit 10: %d, has_more %v, next %v", len(page.Records), page.HasMore, page.Next)
	}
	page, _ = s.Pull(ctx, hubdb.PullQuery{Limit: 18})
	if len(page.Records) != 18 || page.HasMore {
		t.Fatalf("all 18: %d, has_more %v", len(page.Records), page.HasMore)
	}
	// Scopes: only those asked for, in name order; After per scope.
	page, _ = s.Pull(ctx, hubdb.PullQuery{Scopes: []string{"user:a", "org"}, After: map[string]uint64{"org": 8, "user:a": 1}, Limit: 100})
	var got []string
	for _, raw := range page.Records {
		seq, scope := seqOf(t, raw)
		got = append(got, fmt.Sprintf("%s/%d", scope, seq))
	}
	if strings.Join(got, " ") != "org/9 org/10 user:a/2 user:a/3 user:a/4" || page.HasMore || page.Next["user:a"] != 4 || page.Next["org"] != 10 {
		t.Fatalf("scoped pull: %v, next %v, has_more %v", got, page.Next, page.HasMore)
	}
	if _, ok := page.Next["user:b"]; ok {
		t.Fatalf("next names a scope not asked for: %v", page.Next)
	}
	page, _ = s.Pull(ctx, hubdb.PullQuery{Scopes: []string{"user:zz"}, Limit: 100})
	if len(page.Records) != 0 || page.HasMore {
		t.Fatalf("empty scope: %+v", page)
	}
}

// One Update writes a pair of records in two scopes; a reader must never
// see one of a pair without the other.
func testPullReadsOneSnapshot(t *testing.T, s hubdb.Store) {
	const pairs = 60
	done := make(chan error, 1)
	go func() {
		for i := 1; i <= pairs; i++ {
			err := s.Update(ctx, []string{"user:a", "org"}, func(tx hubdb.Tx) error {
				if err := tx.Apply("c", uint64(2*i-1), &hubdb.Record{ID: fmt.Sprintf("o%d", i), Type: "account", Scope: "org", UpdatedAt: time.Now()}); err != nil {
					return err
				}
				return tx.Apply("c", uint64(2*i), &hubdb.Record{ID: fmt.Sprintf("u%d", i), Type: "call", Scope: "user:a", UpdatedAt: time.Now()})
			})
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		default:
		}
		page, err := s.Pull(ctx, hubdb.PullQuery{Limit: 1000, ClientID: "c"})
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, raw := range page.Records {
			_, scope := seqOf(t, raw)
			n[scope]++
		}
		if n["org"] != n["user:a"] || page.LastMutationID != uint64(2*n["org"]) {
			t.Fatalf("torn snapshot: %v records, last mutation id %d", n, page.LastMutationID)
		}
	}
}

func testRecordRoundTrip(t *testing.T, s hubdb.Store) {
	created := time.Date(2026, 11, 22, 10, 1, 2, 123e6, time.UTC)
	in := hubdb.Record{ID: "01JROUND", Type: "call", Scope: "user:u_1", Deleted: false,
		Data:      map[string]json.RawMessage{"notes": json.RawMessage(`"héllo \u2028 <b>"`), "n": json.RawMessage(`{"deep":[1,2.5,null]}`)},
		FieldHLC:  map[string]string{"notes": "1795000000123-000a"},
		UpdatedBy: "u_1", UpdatedAt: created.Add(time.Minute),
		FieldClient: map[string]string{"notes": "c_1"}, CreatedBy: "u_1", CreatedAt: created}
	err := s.Update(ctx, []string{in.Scope}, func(tx hubdb.Tx) error { rec := in; return tx.Apply("c", 1, &rec) })
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, []string{in.Scope}, func(tx hubdb.Tx) error {
		got, ok, err := tx.Get(in.ID)
		if err != nil || !ok {
			return fmt.Errorf("get: %v %v", ok, err)
		}
		if got.Seq != 1 || got.Type != in.Type || got.Scope != in.Scope || got.UpdatedBy != in.UpdatedBy ||
			!got.UpdatedAt.Equal(in.UpdatedAt) || !got.CreatedAt.Equal(in.CreatedAt) || got.CreatedBy != in.CreatedBy ||
			got.FieldClient["notes"] != "c_1" || got.FieldHLC["notes"] != in.FieldHLC["notes"] {
			return fmt.Errorf("round trip: got %+v", got)
		}
		var a, b any
		if err := json.Unmarshal(got.Data["n"], &a); err != nil {
			return fmt.Errorf("round trip: stored %s: %w", got.Data["n"], err)
		}
		if err := json.Unmarshal(in.Data["n"], &b); err != nil {
			return err
		}
		if fmt.Sprint(a) != fmt.Sprint(b) {
			return fmt.Errorf("data changed: %s", got.Data["n"])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := s.Pull(ctx, hubdb.PullQuery{Limit: 1})
	var env map[string]any
	if err := json.Unmarshal(page.Records[0], &env); err != nil || env["updated_at"] != "2026-11-22T10:02:02.123Z" || env["schema_version"] == nil || env["field_client"] != nil {
		t.Fatalf("envelope %s: %v", page.Records[0], err)
	}
}

func testEpochPerDataSet(t *testing.T, s hubdb.Store, open Open) {
	other := open(t)
	if s.Epoch() == "" || s.Epoch() == other.Epoch() {
		t.Fatalf("epochs %q and %q", s.Epoch(), other.Epoch())
	}
}
