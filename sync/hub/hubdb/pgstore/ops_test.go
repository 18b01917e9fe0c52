package pgstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgstore"
	"fieldnotes/sync/hub/hubdb/pgtest"
)

// The schema check names the migration a database lacks, and refuses one
// a newer fieldhub migrated; two replicas migrating at once apply each
// step once.
func TestMigrationsAreCheckedAndRunOnce(t *testing.T) {
	url := pgtest.Database(t)
	_, err := pgstore.Open(ctx, pgstore.Options{URL: url})
	if !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "0001_initial") || !strings.Contains(err.Error(), "fieldhub migrate") {
		t.Fatalf("unmigrated database: %v", err)
	}
	var wg sync.WaitGroup
	applied := make([][]string, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Add(1)
		go func() { defer wg.Done(); applied[i], errs[i] = pgstore.Migrate(ctx, url) }()
	}
	wg.Wait()
	total := 0
	for i := range applied {
		if errs[i] != nil {
			t.Fatalf("concurrent migrate: %v", errs[i])
		}
		total += len(applied[i])
	}
	if total != len(allMigrations(t)) {
		t.Fatalf("%d steps applied by 4 concurrent migrations, want each of %v once", total, allMigrations(t))
	}
	s := open1(t, url)
	exec(t, s, "DELETE FROM schema_migrations WHERE version = 2")
	if _, err := pgstore.Open(ctx, pgstore.Options{URL: url}); !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "0002_docs_jobs") || !strings.Contains(err.Error(), "old") {
		t.Fatalf("old schema: %v", err)
	}
	exec(t, s, "INSERT INTO schema_migrations (version, name) VALUES (2, '0002_docs_jobs'), (9999, '9999_from_the_future')")
	for _, migrate := range []bool{false, true} {
		if _, err := pgstore.Open(ctx, pgstore.Options{URL: url, Migrate: migrate}); !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "9999_from_the_future") {
			t.Fatalf("newer schema (migrate %v): %v", migrate, err)
		}
	}
}

func allMigrations(t *testing.T) []string {
	applied, err := pgstore.Migrate(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	return applied
}

func open1(t *testing.T, url string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(ctx, pgstore.Options{URL: url, Migrate: true, OpTimeout: 3 * time.Second, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func exec(t *testing.T, s *pgstore.Store, sql string) {
	t.Helper()
	if err := s.ExecForTest(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

// Nothing listens on the port: Open fails fast with Unavailable.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	start := time.Now()
	_, err := pgstore.Open(ctx, pgstore.Options{URL: fmt.Sprintf("postgres://hub:secret@127.0.0.1:%d/x?sslmode=disable", port)})
	if !notebook.IsCode(err, notebook.Unavailable) || strings.Contains(err.Error(), "secret") || time.Since(start) > 5*time.Second {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	if _, err := pgstore.Open(ctx, pgstore.Options{URL: "mysql://nope"}); !notebook.IsCode(err, notebook.Invalid) {
		t.Fatalf("bad URL: %v", err)
	}
}

// The database stops under a running store: calls fail with Unavailable
// within the op timeout (no hang), the change feed reports a possible
// loss (nil) once it is back, and the store recovers by itself.
func TestDatabaseRestartIsUnavailableThenRecovers(t *testing.T) {
	c := pgtest.Own(t)
	url, err := c.CreateDatabase()
	if err != nil {
		t.Fatal(err)
	}
	s := open1(t, url)
	other := open1(t, url) // another replica
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hints := other.Watch(wctx)
	time.Sleep(200 * time.Millisecond)
	putRec(t, s, 1, "a")
	if h := <-hints; fmt.Sprint(h) != "[org]" {
		t.Fatalf("hint from the other replica: %v", h)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error { return nil })
	if !notebook.IsCode(err, notebook.Unavailable) || time.Since(start) > 5*time.Second {
		t.Fatalf("update while down, after %v: %v", time.Since(start), err)
	}
	if _, err := s.Pull(ctx, hubdb.PullQuery{Limit: 10}); !notebook.IsCode(err, notebook.Unavailable) {
		t.Fatalf("pull while down: %v", err)
	}
	if err := s.Ping(ctx); !notebook.IsCode(err, notebook.Unavailable) {
		t.Fatalf("ping while down: %v", err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for s.Ping(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the store did not recover")
		}
		time.Sleep(100 * time.Millisecond)
	}
	putRec(t, s, 2, "b")
	page, err := s.Pull(ctx, hubdb.PullQuery{Limit: 10, ClientID: "c"})
	if err != nil || len(page.Records) != 2 || page.LastMutationID != 2 {
		t.Fatalf("after recovery: %d records, %v", len(page.Records), err)
	}
	for timeout := time.After(15 * time.Second); ; {
		select {
		case h := <-hints:
			if h == nil {
				return // told that hints may have been lost
			}
		case <-timeout:
			t.Fatal("the change feed did not reconnect and report a possible loss")
		}
	}
}

func putRec(t *testing.T, s hubdb.Store, n uint64, id string) {
	t.Helper()
	err := s.Update(ctx, []string{"org"}, func(tx hubdb.Tx) error {
		return tx.Apply("c", n, &hubdb.Record{ID: id, Type: "account", Scope: "org", UpdatedAt: time.Now(),
			Data: map[string]json.RawMessage{"name": json.RawMessage(`"x"`)}})
	})
	if err != nil {
		t.Fatal(err)
	}
}
