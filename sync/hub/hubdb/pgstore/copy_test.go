package pgstore_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgtest"
)

// A Badger hub copied into PostgreSQL is the same data set: epoch, users
// and tokens, client counters, heads and horizons, every record with its
// seq, documents and jobs — so a notebook's cursor and token keep working.
func TestImportFromBadgerKeepsEverything(t *testing.T) {
	src, err := hubdb.OpenBadger(hubdb.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	fill(t, src)
	dst := open1(t, pgtest.Database(t))
	n, err := dst.Import(ctx, src)
	all, _ := src.Pull(ctx, hubdb.PullQuery{Limit: 1000})
	if err != nil || n != len(all.Records) || n < 30 {
		t.Fatalf("imported %d of %d: %v", n, len(all.Records), err)
	}
	if dst.Epoch() != src.Epoch() {
		t.Fatalf("epoch %s, want %s", dst.Epoch(), src.Epoch())
	}
	for _, q := range []hubdb.PullQuery{{Limit: 1000, ClientID: "c1"}, {Scopes: []string{"user:u_1"}, After: map[string]uint64{"user:u_1": 3}, Limit: 5}} {
		a, _ := src.Pull(ctx, q)
		b, _ := dst.Pull(ctx, q)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("pull differs:\nbadger %+v\npostgres %+v", summary(a), summary(b))
		}
	}
	ah, az, _ := src.Heads(ctx)
	bh, bz, _ := dst.Heads(ctx)
	if !reflect.DeepEqual(ah, bh) || !reflect.DeepEqual(az, bz) {
		t.Fatalf("heads %v/%v, want %v/%v", bh, bz, ah, az)
	}
	if u, err := dst.UserByToken(ctx, [32]byte{1}); err != nil || u.ID != "u_1" {
		t.Fatalf("token after copy: %v %v", u, err)
	}
	if _, err := dst.UserByToken(ctx, [32]byte{2}); err == nil {
		t.Fatal("a revoked user's token works after the copy")
	}
	au, _ := src.ListUsers(ctx)
	bu, _ := dst.ListUsers(ctx)
	if !reflect.DeepEqual(au, bu) {
		t.Fatalf("users %+v, want %+v", bu, au)
	}
	if v, _ := getDocPG(t, dst, "webhooks", "hook/1"); v != "hook one" {
		t.Fatalf("document after copy: %q", v)
	}
	jobs, _ := dst.Claim(ctx, "webhook", "w", 10, time.Minute)
	if len(jobs) != 1 || jobs[0].ID != "d1" || jobs[0].Attempts != 3 || jobs[0].LastError != "502" {
		t.Fatalf("jobs after copy: %+v", jobs)
	}
	if st, _ := dst.QueueStats(ctx, "webhook"); st["hook1"] != (hubdb.QueueStat{Pending: 2}) || st["hook2"] != (hubdb.QueueStat{Dead: 1}) {
		t.Fatalf("queue stats after copy: %+v", st)
	}
	if seq := putNext(t, dst); seq != ah["org"]+1 {
		t.Fatalf("first seq after the copy %d, want %d", seq, ah["org"]+1)
	}
	if _, err := dst.Import(ctx, src); err == nil {
		t.Fatal("a second import into a used database was accepted")
	}
}

func fill(t *testing.T, s hubdb.Store) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	s.CreateUser(ctx, hubdb.User{ID: "u_1", Email: "a@x.com", Role: hubdb.RoleField, CreatedAt: now}, [32]byte{1})
	s.CreateUser(ctx, hubdb.User{ID: "u_2", Email: "b@x.com", Role: hubdb.RoleProduct, CreatedAt: now.Add(time.Second)}, [32]byte{2})
	s.RevokeUser(ctx, "u_2")
	s.BindClient(ctx, "c1", "u_1")
	err := s.Update(ctx, []string{"user:u_1", "org"}, func(tx hubdb.Tx) error {
		for i := 1; i <= 70; i++ {
			rec := &hubdb.Record{ID: fmt.Sprintf("r%d", i%40), Type: "account", Scope: "org", UpdatedAt: now.Add(-100 * 24 * time.Hour),
				Data: map[string]json.RawMessage{"name": json.RawMessage(fmt.Sprintf(`"n%d"`, i))}, FieldHLC: map[string]string{"name": "1795000000123-000a"},
				FieldClient: map[string]string{"name": "c1"}, CreatedBy: "u_1", CreatedAt: now}
			if i%2 == 0 {
				rec.ID, rec.Type, rec.Scope = fmt.Sprintf("call%d", i), "call", "user:u_1"
			}
			rec.Deleted = i%7 == 0
			if err := tx.Apply("c1", uint64(i), rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeTombstones(ctx, now.Add(-90*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	err = s.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		tx.PutDoc("webhooks", "hook/1", []byte("hook one"))
		tx.PutDoc("hub", "pseudonym-secret", make([]byte, 32))
		tx.Enqueue("webhook", hubdb.NewJob{ID: "d1", Key: "hook1", Payload: []byte("{}")})
		tx.Enqueue("webhook", hubdb.NewJob{ID: "d2", Key: "hook1", Payload: []byte("{}")})
		return tx.Enqueue("webhook", hubdb.NewJob{ID: "d3", Key: "hook2"})
	})
	if err != nil {
		t.Fatal(err)
	}
	jobs, _ := s.Claim(ctx, "webhook", "w0", 10, time.Minute)
	for _, j := range jobs {
		if j.Key == "hook1" {
			s.Retry(ctx, "webhook", j.ID, "w0", 0, "502")
		} else {
			s.Bury(ctx, "webhook", j.ID, "w0", "gone")
		}
	}
	s.Claim(ctx, "webhook", "w0", 10, time.Minute) // leased at copy time: pending in the copy
}

func summary(p hubdb.PullPage) string {
	return fmt.Sprintf("%d records, next %v, more %v, last %d", len(p.Records), p.Next, p.HasMore, p.LastMutationID)
}

func getDocPG(t *testing.T, s hubdb.Store, ns, key string) (string, bool) {
	var v []byte
	var ok bool
	s.ViewDocs(ctx, func(r hubdb.DocReader) (err error) { v, ok, err = r.GetDoc(ns, key); return err })
	return string(v), ok
}

func putNext(t *testing.T, s hubdb.Store) uint64 {
	var seq uint64
	err := s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		rec := &hubdb.Record{ID: "new", Type: "account", Scope: "org", UpdatedAt: time.Now()}
		err := tx.Apply("c1", 71, rec)
		seq = rec.Seq
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}
