package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// addUserDB adds a user through `fieldhub user add --db` (in process).
func addUserDB(t *testing.T, db, email, role string) (id, token string) {
	t.Helper()
	code, out, errOut := runCLI(t, "user", "add", "--db", db, "--email", email, "--role", role)
	var u struct{ ID, Token string }
	if code != 0 || json.Unmarshal([]byte(out), &u) != nil || u.Token == "" {
		t.Fatalf("user add --db: %d %q %q", code, out, errOut)
	}
	return u.ID, u.Token
}

func startReplica(t *testing.T, db string) *hubProcess {
	t.Helper()
	return startServe(t, false, "--db", db)
}

func accounts(from, n uint64, prefix string) []syncproto.Mutation {
	var muts []syncproto.Mutation
	for i := from; i < from+n; i++ {
		muts = append(muts, synctest.Upsert(i, "account", fmt.Sprintf("%s-%04d", prefix, i), synctest.HLCAt(time.Now(), uint16(i)), map[string]any{"name": "Acme"}))
	}
	return muts
}

// pushUntilAcked resends a batch until a replica answers 200 (a client
// engine does the same: nothing is lost, a lost answer becomes a
// "duplicate"). It returns the statuses seen that were not 200.
func pushUntilAcked(t *testing.T, c *synctest.WireClient, muts []syncproto.Mutation, deadline time.Time) []int {
	t.Helper()
	var other []int
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, rep, err := c.Push(ctx, muts...)
		cancel()
		if err == nil && rep.Status == http.StatusOK {
			for _, r := range resp.Results {
				if r.Status != "applied" && r.Status != "duplicate" {
					t.Fatalf("mutation %d: %+v", r.MutationID, r)
				}
			}
			return other
		}
		if err == nil {
			other = append(other, rep.Status)
			if rep.Status < 500 && rep.Status != http.StatusTooManyRequests {
				t.Fatalf("push: %d %s", rep.Status, rep.Body)
			}
			if strings.Contains(string(rep.Body), "goroutine") {
				t.Fatalf("a stack in an error body: %s", rep.Body)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("push never acknowledged: %v %d %s", err, rep.Status, rep.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkExactlyOnce pulls everything and checks each id appears once and
// the scope's seqs are distinct.
func checkExactlyOnce(t *testing.T, c *synctest.WireClient, want int) map[string]syncproto.Envelope {
	t.Helper()
	recs, _, err := c.PullAll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	byID, seqs := map[string]syncproto.Envelope{}, map[uint64]bool{}
	for _, r := range recs {
		if _, dup := byID[r.ID]; dup || seqs[r.Seq] {
			t.Fatalf("record %s (seq %d) returned twice", r.ID, r.Seq)
		}
		byID[r.ID], seqs[r.Seq] = r, true
	}
	if len(byID) != want {
		t.Fatalf("%d records, want %d", len(byID), want)
	}
	return byID
}

// A database that is not there: serve says so in one line and exits
// non-zero; with --wait-db it waits and starts when the database comes up.
func TestServeWithoutDatabase(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--db", fmt.Sprintf("postgres://hub:pw@127.0.0.1:%d/hub?sslmode=disable", port))
	cmd.Env = append(os.Environ(), "FIELDHUB_MAIN=1")
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 || len(lines) != 1 || !strings.Contains(lines[0], "unreachable") ||
		!strings.Contains(lines[0], "--wait-db") || strings.Contains(lines[0], "pw@") {
		t.Fatalf("serve without a database: %v\n%s", err, out)
	}

	c := pgtest.Own(t)
	db, err := c.CreateDatabase()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	started := make(chan *hubProcess, 1)
	go func() { started <- startServe(t, false, "--db", db, "--wait-db") }()
	time.Sleep(1500 * time.Millisecond)
	select {
	case <-started:
		t.Fatal("serve --wait-db listened before the database was up")
	default:
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	p := <-started // startServe fails the test if it does not listen within 20 s
	if rep, err := http.Get(p.URL + "/readyz"); err != nil || rep.StatusCode != 200 {
		t.Fatalf("readyz after the wait: %v %v", rep, err)
	}
}

// Users are managed with the CLI while replicas serve; a new token works
// on every replica at once, a revoked one stops at once everywhere.
func TestUserCommandsWhileReplicasRun(t *testing.T) {
	db := pgtest.Database(t)
	if code, out, errOut := runCLI(t, "migrate", "--db", db); code != 0 || !strings.Contains(out, "0001_initial") {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "migrate", "--db", db); code != 0 || !strings.Contains(out, `"applied":[]`) {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	a, b := startReplica(t, db), startReplica(t, db)
	id, token := addUserDB(t, db, "rep@acme.com", "field")
	for _, p := range []*hubProcess{a, b} {
		c := &synctest.WireClient{BaseURL: p.URL, Token: token, ClientID: "c_1"}
		if _, rep, err := c.Pull(context.Background(), "", 0, 0); err != nil || rep.Status != 200 {
			t.Fatalf("new token on %s: %v %d", p.URL, err, rep.Status)
		}
	}
	os.Setenv(dbEnv, db) // the URL may come from the environment
	defer os.Unsetenv(dbEnv)
	if code, out, _ := runCLI(t, "user", "list"); code != 0 || !strings.Contains(out, "rep@acme.com") {
		t.Fatalf("user list from $%s: %d %s", dbEnv, code, out)
	}
	if code, _, errOut := runCLI(t, "user", "revoke", "--id", id); code != 0 {
		t.Fatalf("revoke: %s", errOut)
	}
	for _, p := range []*hubProcess{a, b} {
		c := &synctest.WireClient{BaseURL: p.URL, Token: token, ClientID: "c_1"}
		if _, rep, _ := c.Pull(context.Background(), "", 0, 0); rep.Status != 401 {
			t.Fatalf("revoked token on %s: %d", p.URL, rep.Status)
		}
	}
	if code, _, errOut := runCLI(t, "user", "list", "--db", db, "--data", t.TempDir()); code != exitFailed || !strings.Contains(errOut, "exclude") {
		t.Fatalf("--db with --data: %d %s", code, errOut)
	}
}

// fieldhub copy moves a Badger hub into PostgreSQL: the same token and
// the notebook's old cursor keep working on the replicas (no reset).
func TestCopyBadgerHubIntoPostgres(t *testing.T) {
	dir := t.TempDir()
	_, token := addUser(t, dir, "rep@acme.com", "field")
	p := startHub(t, dir)
	c := &synctest.WireClient{BaseURL: p.URL, Token: token, ClientID: "c_laptop"}
	pushUntilAcked(t, c, accounts(1, 30, "acc"), time.Now().Add(10*time.Second))
	_, cursor, err := c.PullAll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "copy", "--from-data", dir, "--to-db", pgtest.Database(t)); code != exitDirBusy || !strings.Contains(errOut, "in use") {
		t.Fatalf("copy from a running hub: %d %s", code, errOut)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done

	db := pgtest.Database(t)
	code, out, errOut := runCLI(t, "copy", "--from-data", dir, "--to-db", db)
	if code != 0 || !strings.Contains(out, `"copied":30`) {
		t.Fatalf("copy: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "copy", "--from-data", dir, "--to-db", db); code == 0 || !strings.Contains(errOut, "already holds") {
		t.Fatalf("second copy: %d %s", code, errOut)
	}
	a := startReplica(t, db)
	c.BaseURL = a.URL
	page, rep, err := c.Pull(context.Background(), cursor, 0, 0)
	if err != nil || rep.Status != 200 || len(page.Records) != 0 || page.LastMutationID != 30 {
		t.Fatalf("old cursor on PostgreSQL: %v %d %s", err, rep.Status, rep.Body)
	}
	pushUntilAcked(t, c, accounts(31, 1, "acc"), time.Now().Add(10*time.Second))
	page, _, _ = c.Pull(context.Background(), cursor, 0, 0)
	if len(page.Records) != 1 || page.Records[0].Seq != 31 {
		t.Fatalf("after the copy: %+v", page.Records)
	}
	checkExactlyOnce(t, c, 31)
}

// kill -9 of one replica in the middle of pushes: the other keeps
// serving, the client resends what was not acknowledged, and every
// mutation is applied exactly once; two readers converge.
func TestKill9OneReplicaMidPushes(t *testing.T) {
	db := pgtest.Database(t)
	if code, _, errOut := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	a, b := startReplica(t, db), startReplica(t, db)
	_, rep := addUserDB(t, db, "rep@acme.com", "field")
	_, pm := addUserDB(t, db, "pm@acme.com", "product")
	router := synctest.NewRouter(7, a.URL, b.URL)
	defer router.Close()
	const batches, size = 40, 10
	var wg sync.WaitGroup
	var acked atomic.Int64
	for w := 0; w < 2; w++ { // two devices pushing at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &synctest.WireClient{BaseURL: router.URL, Token: rep, ClientID: fmt.Sprintf("c_dev%d", w)}
			for i := uint64(0); i < batches; i++ {
				pushUntilAcked(t, c, accounts(i*size+1, size, fmt.Sprintf("dev%d", w)), time.Now().Add(30*time.Second))
				acked.Add(1)
			}
		}()
	}
	for acked.Load() < batches/2 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.done
	wg.Wait()
	if served := router.Served(); served[0] == 0 || served[1] == 0 {
		t.Fatalf("the router did not use both replicas: %v", served)
	}
	viaB := checkExactlyOnce(t, &synctest.WireClient{BaseURL: b.URL, Token: pm, ClientID: "c_pm"}, 2*batches*size)
	c2 := startReplica(t, db) // a replacement replica sees the same
	viaNew := checkExactlyOnce(t, &synctest.WireClient{BaseURL: c2.URL, Token: rep, ClientID: "c_other"}, 2*batches*size)
	for id, r := range viaB {
		if viaNew[id].Seq != r.Seq {
			t.Fatalf("replicas disagree on %s: seq %d and %d", id, r.Seq, viaNew[id].Seq)
		}
	}
}

// PostgreSQL restarted under load: while it is down the replicas answer
// 503 with a JSON error (never a hang, never a stack) and /readyz fails;
// they recover by themselves and nothing acknowledged is lost.
func TestPostgresRestartUnderLoad(t *testing.T) {
	cluster := pgtest.Own(t)
	db, err := cluster.CreateDatabase()
	if err != nil {
		t.Fatal(err)
	}
	a, b := startReplica(t, db), startReplica(t, db)
	_, token := addUserDB(t, db, "rep@acme.com", "field")
	router := synctest.NewRouter(11, a.URL, b.URL)
	defer router.Close()
	var statuses sync.Map
	var acked atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		c := &synctest.WireClient{BaseURL: router.URL, Token: token, ClientID: "c_dev"}
		for i := uint64(0); i < 60; i++ {
			for _, s := range pushUntilAcked(t, c, accounts(i*5+1, 5, "acc"), time.Now().Add(40*time.Second)) {
				statuses.Store(s, true)
			}
			acked.Add(1)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	for acked.Load() < 15 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	direct := &synctest.WireClient{BaseURL: a.URL, Token: token, ClientID: "c_probe"}
	start := time.Now()
	_, down, err := direct.Push(context.Background(), accounts(1, 1, "probe")...)
	if err != nil || down.Status != 503 || down.Error().Code != "unavailable" || down.Header.Get("Retry-After") == "" || time.Since(start) > 5*time.Second {
		t.Fatalf("push while the database is down, after %v: %v %d %s", time.Since(start), err, down.Status, down.Body)
	}
	for _, p := range []*hubProcess{a, b} {
		start := time.Now()
		rep, err := http.Get(p.URL + "/readyz")
		if err != nil || rep.StatusCode != 503 || time.Since(start) > 5*time.Second {
			t.Fatalf("readyz while the database is down: %v %v", rep, err)
		}
		rep.Body.Close()
		if rep, _ := http.Get(p.URL + "/healthz"); rep == nil || rep.StatusCode != 200 {
			t.Fatal("healthz (liveness) failed while only the database is down")
		}
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	<-done
	if _, saw := statuses.Load(503); !saw {
		var seen []any
		statuses.Range(func(k, _ any) bool { seen = append(seen, k); return true })
		t.Fatalf("no 503 while the database was down (saw %v)", seen)
	}
	checkExactlyOnce(t, &synctest.WireClient{BaseURL: router.URL, Token: token, ClientID: "c_dev"}, 300)
	for _, p := range []*hubProcess{a, b} {
		if rep, err := http.Get(p.URL + "/readyz"); err != nil || rep.StatusCode != 200 {
			t.Fatalf("readyz after recovery: %v %v", rep, err)
		}
		rep, _ := http.Get(p.URL + "/metrics")
		var body strings.Builder
		buf := make([]byte, 1<<16)
		for n, err := rep.Body.Read(buf); n > 0 || err == nil; n, err = rep.Body.Read(buf) {
			body.Write(buf[:n])
		}
		rep.Body.Close()
		for _, want := range []string{"fieldhub_db_pool_connections", "fieldhub_replication_wakes_received_total", "fieldhub_replication_listen_reconnects_total"} {
			if !strings.Contains(body.String(), want) {
				t.Fatalf("/metrics lacks %s", want)
			}
		}
	}
}

// Four writers on two replicas push into the org scope while a checker
// pulls through either replica: seqs only ever increase, and the checker
// ends with every change (none skipped).
func TestTwoReplicasOneScopeSeqOrder(t *testing.T) {
	h := synctest.StartReplicas(t, 2, synctest.HubOptions{})
	checker := h.AddUser(t, "product")
	const writers, batches, size = 4, 15, 5
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		u := h.AddUser(t, "field")
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &synctest.WireClient{BaseURL: h.Replicas[w%2].URL, Token: u.Token, ClientID: fmt.Sprintf("c_w%d", w)}
			for i := uint64(0); i < batches; i++ {
				pushUntilAcked(t, c, accounts(i*size+1, size, fmt.Sprintf("w%d", w)), time.Now().Add(20*time.Second))
			}
		}()
	}
	writing := make(chan struct{})
	go func() { wg.Wait(); close(writing) }()
	seen := map[string]bool{}
	var last uint64
	cursor := ""
	check := func(c *synctest.WireClient) bool {
		page, rep, err := c.Pull(context.Background(), cursor, 7, 0)
		if err != nil || rep.Status != 200 {
			t.Fatalf("checker pull: %v %d %s", err, rep.Status, rep.Body)
		}
		for _, r := range page.Records {
			if r.Scope != "org" {
				continue
			}
			if r.Seq <= last {
				t.Fatalf("seq %d after %d: a change appeared behind the cursor", r.Seq, last)
			}
			last, seen[r.ID] = r.Seq, true
		}
		cursor = page.Cursor
		return page.HasMore
	}
	for n := 0; ; n++ {
		c := &synctest.WireClient{BaseURL: h.Replicas[n%2].URL, Token: checker.Token, ClientID: "c_checker"}
		check(c)
		select {
		case <-writing:
			for check(c) { // read to the end: the last page may predate the last commits
			}
			if len(seen) != writers*batches*size {
				t.Fatalf("the checker saw %d of %d changes", len(seen), writers*batches*size)
			}
			return
		default:
		}
	}
}

// A push accepted by replica A wakes a long-poll held by replica B within
// a second (LISTEN/NOTIFY), not at the next re-check.
func TestPushOnOneReplicaWakesLongPollOnAnother(t *testing.T) {
	h := synctest.StartReplicas(t, 2, synctest.HubOptions{})
	pm, rep := h.AddUser(t, "product"), h.AddUser(t, "field")
	reader := &synctest.WireClient{BaseURL: h.Replicas[1].URL, Token: pm.Token, ClientID: "c_pm"}
	writer := &synctest.WireClient{BaseURL: h.Replicas[0].URL, Token: rep.Token, ClientID: "c_rep"}
	pushUntilAcked(t, writer, accounts(1, 1, "first"), time.Now().Add(5*time.Second))
	_, cursor, _ := reader.PullAll(context.Background(), "")
	var delays []time.Duration
	for i := uint64(2); i <= 6; i++ {
		got := make(chan time.Time, 1)
		go func() {
			page, rep, err := reader.Pull(context.Background(), cursor, 0, 20*time.Second)
			if err != nil || rep.Status != 200 || len(page.Records) == 0 {
				t.Errorf("long-poll: %v %d %d records", err, rep.Status, len(page.Records))
			}
			cursor = page.Cursor
			got <- time.Now()
		}()
		time.Sleep(300 * time.Millisecond) // the poll is waiting on B
		pushed := time.Now()
		pushUntilAcked(t, writer, accounts(i, 1, "next"), time.Now().Add(5*time.Second))
		select {
		case at := <-got:
			delays = append(delays, at.Sub(pushed))
		case <-time.After(4 * time.Second):
			t.Fatal("the long-poll on replica B was not woken by a push on replica A")
		}
	}
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	if delays[len(delays)-1] > time.Second {
		t.Fatalf("wake delays %v: over 1 s", delays)
	}
	t.Logf("cross-replica wake delays (push sent → poll answered): %v", delays)
}
