package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgstore"
	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// hookReceiver is a loopback webhook endpoint that records every request;
// hang, when set, is called for a request and may block it.
type hookReceiver struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []hookRequest
	got  chan hookRequest
}

type hookRequest struct {
	Delivery, Worker, Attempt, Signature string
	Body                                 []byte
}

func newHookReceiver(t *testing.T, hang func(n int) bool) *hookReceiver {
	rc := &hookReceiver{got: make(chan hookRequest, 100)}
	release := make(chan struct{})
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ua := r.Header.Get("User-Agent")
		worker := strings.TrimSuffix(ua[strings.LastIndex(ua, "(")+1:], ")")
		req := hookRequest{Delivery: r.Header.Get("X-Fieldnotes-Delivery"), Worker: worker, Attempt: r.Header.Get("X-Fieldnotes-Attempt"),
			Signature: r.Header.Get(hub.SignatureHeader), Body: body}
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, req)
		n := len(rc.reqs)
		rc.mu.Unlock()
		rc.got <- req
		if hang != nil && hang(n) {
			select { // the sender dies meanwhile; never answer it
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(func() { close(release); rc.Close() })
	return rc
}

func (rc *hookReceiver) next(t *testing.T, within time.Duration) hookRequest {
	t.Helper()
	select {
	case r := <-rc.got:
		return r
	case <-time.After(within):
		t.Fatalf("no webhook delivery within %v", within)
	}
	return hookRequest{}
}

func (rc *hookReceiver) none(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case r := <-rc.got:
		t.Fatalf("an unexpected delivery: %s attempt %s from %s", r.Delivery, r.Attempt, r.Worker)
	case <-time.After(within):
	}
}

func listHooks(t *testing.T, baseURL, adminToken string) []hub.WebhookStatus {
	t.Helper()
	c := &synctest.WireClient{BaseURL: baseURL, Token: adminToken}
	rep, err := c.Do(context.Background(), http.MethodGet, "/v1/webhooks", nil)
	if err != nil || rep.Status != 200 {
		t.Fatalf("list webhooks: %v %+v", err, rep)
	}
	var out struct{ Webhooks []hub.WebhookStatus }
	if err := json.Unmarshal(rep.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Webhooks
}

func replicaName(t *testing.T, baseURL string) string {
	t.Helper()
	resp, err := http.Get(baseURL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct{ Replica string }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Replica == "" {
		t.Fatalf("healthz without a replica name: %v", err)
	}
	return h.Replica
}

// TestWebhookDeliveryTakenOverWhenItsReplicaDies: two replicas on one
// PostgreSQL; the replica that claimed a delivery is killed (-9) while
// the receiver holds the request open. The other replica sends the same
// delivery (same X-Fieldnotes-Delivery, so the receiver can dedupe) once
// the lease has run out, exactly once more; the figures say delivered.
func TestWebhookDeliveryTakenOverWhenItsReplicaDies(t *testing.T) {
	db := pgtest.Database(t)
	if code, _, errOut := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	flags := []string{"--db", db, "--webhook-allow-private", "--webhook-timeout", "1s", "--webhook-lease", "3s"}
	a, b := startServe(t, false, flags...), startServe(t, false, flags...)
	names := map[string]*hubProcess{replicaName(t, a.URL): a, replicaName(t, b.URL): b}
	_, admin := addUserDB(t, db, "admin@acme.com", "admin")
	_, rep := addUserDB(t, db, "rep@acme.com", "field")
	rc := newHookReceiver(t, func(n int) bool { return n == 1 })
	ac := &synctest.WireClient{BaseURL: a.URL, Token: admin}
	if r, err := ac.Do(context.Background(), http.MethodPost, "/v1/webhooks", []byte(`{"url":"`+rc.URL+`"}`)); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("add webhook: %v %+v", err, r)
	}
	router := synctest.NewRouter(11, a.URL, b.URL)
	defer router.Close()
	c := &synctest.WireClient{BaseURL: router.URL, Token: rep, ClientID: "c_laptop"}
	pushUntilAcked(t, c, []syncproto.Mutation{synctest.Upsert(1, "evidence", "ev-1", synctest.HLCAt(time.Now(), 1),
		map[string]any{"hypothesis_id": "h1", "signal": "supports", "quote": "we would pay", "captured_at": time.Now().UTC().Format(time.RFC3339Nano)})},
		time.Now().Add(10*time.Second))

	first := rc.next(t, 10*time.Second)
	sender, other := names[first.Worker], (*hubProcess)(nil)
	if sender == nil {
		t.Fatalf("delivery from %q, not one of the replicas %v", first.Worker, names)
	}
	for _, p := range names {
		if p != sender {
			other = p
		}
	}
	if err := sender.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-sender.done
	killed := time.Now()

	again := rc.next(t, 15*time.Second)
	if again.Delivery != first.Delivery || again.Worker == first.Worker || again.Attempt != "2" || string(again.Body) != string(first.Body) {
		t.Fatalf("taken over as %s attempt %s by %s; first was %s by %s", again.Delivery, again.Attempt, again.Worker, first.Delivery, first.Worker)
	}
	t.Logf("delivery %s re-sent by the other replica %v after the kill (lease 3s)", again.Delivery, time.Since(killed).Round(10*time.Millisecond))
	rc.none(t, 1500*time.Millisecond)
	var hooks []hub.WebhookStatus
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if hooks = listHooks(t, other.URL, admin); len(hooks) == 1 && hooks[0].Delivered == 1 && hooks[0].Pending == 0 {
			return
		}
	}
	t.Fatalf("figures after the take-over: %+v", hooks)
}

// writeLegacyProductDir writes what a hub before the store kept webhooks
// had in <data>/product: a secret, a seen step, a webhook with its cursor,
// one queued and one dead delivery.
func writeLegacyProductDir(t *testing.T, dataDir, receiverURL string) (secret []byte) {
	t.Helper()
	dir := filepath.Join(dataDir, "product")
	for _, d := range []string{dir, filepath.Join(dir, "webhook-queue"), filepath.Join(dir, "webhook-dead")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	secret = []byte("0123456789abcdef0123456789abcdef-legacy")
	created := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
	files := map[string]string{
		"secret":      string(secret),
		"seen.ndjson": `{"scope":"user:u_x","seq":4,"at":"2026-11-01T09:00:00Z"}` + "\n",
		"webhooks.json": `{"hooks":[{"id":"wh_legacy1","url":"` + receiverURL + `","hypothesis_ids":[],"anonymise":false,"created_at":"` + created +
			`","created_by":"u_admin","secret":"whsec_legacy"}],"cursor":{"seqs":{"user:u_x":4},"saved_at":"` + created + `"}}`,
		"webhook-queue/whd_queued1.json":  `{"id":"whd_queued1","hook_id":"wh_legacy1","body":{"text":"queued before the upgrade"},"attempts":3,"next_at":"` + created + `","created_at":"` + created + `"}`,
		"webhook-queue/whd_torn.json.tmp": `{"id":"whd_to`,
		"webhook-dead/whd_dead1.json":     `{"id":"whd_dead1","hook_id":"wh_legacy1","body":{"text":"gave up"},"attempts":15,"created_at":"` + created + `"}`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return secret
}

func checkImportedFiles(t *testing.T, dataDir string) {
	t.Helper()
	for _, name := range []string{"secret", "seen.ndjson", "webhooks.json", "webhook-queue", "webhook-dead"} {
		path := filepath.Join(dataDir, "product", name)
		if _, err := os.Lstat(path); err == nil {
			t.Errorf("%s is still there after the import", name)
		}
		if _, err := os.Lstat(path + ".imported"); err != nil {
			t.Errorf("%s.imported: %v", name, err)
		}
	}
}

// checkImportedState reads the imported state straight from a store.
func checkImportedState(t *testing.T, store hubdb.Store, secret []byte) {
	t.Helper()
	err := store.ViewDocs(context.Background(), func(rd hubdb.DocReader) error {
		got, ok, err := rd.GetDoc("hub", "pseudonym-secret")
		if err != nil || !ok || string(got) != string(secret) {
			t.Errorf("pseudonym secret %q %v %v, want the file's", got, ok, err)
		}
		steps, err := rd.ScanDocs("seen", "", "", 0)
		if err != nil || len(steps) != 1 || steps[0].Key != "user:u_x/00000000000000000004" {
			t.Errorf("seen steps %v %v", steps, err)
		}
		hook, ok, err := rd.GetDoc("webhooks", "hook/wh_legacy1")
		if err != nil || !ok || !strings.Contains(string(hook), "whsec_legacy") {
			t.Errorf("webhook %s %v %v", hook, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func waitDelivered(t *testing.T, baseURL, admin string) hub.WebhookStatus {
	t.Helper()
	var hooks []hub.WebhookStatus
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if hooks = listHooks(t, baseURL, admin); len(hooks) == 1 && hooks[0].Delivered == 1 && hooks[0].Pending == 0 {
			return hooks[0]
		}
	}
	t.Fatalf("webhooks %+v", hooks)
	return hub.WebhookStatus{}
}

// TestLegacyProductDirImportedOnce: a Badger hub upgraded in place finds
// its file-kept product state in the store — the queued delivery is sent
// under its old id and signed with the old secret, the dead one is
// counted, the files are renamed *.imported — and a restart imports and
// sends nothing again.
func TestLegacyProductDirImportedOnce(t *testing.T) {
	dir := t.TempDir()
	_, admin := addUser(t, dir, "admin@acme.com", "admin")
	rc := newHookReceiver(t, nil)
	secret := writeLegacyProductDir(t, dir, rc.URL)
	p := startServe(t, false, "--data", dir, "--webhook-allow-private")
	got := rc.next(t, 10*time.Second)
	if got.Delivery != "whd_queued1" || !strings.Contains(string(got.Body), "queued before the upgrade") || got.Signature != hub.Sign("whsec_legacy", got.Body) {
		t.Fatalf("delivered %+v", got)
	}
	if h := waitDelivered(t, p.URL, admin); h.ID != "wh_legacy1" || h.Dead != 1 {
		t.Fatalf("imported webhook %+v", h)
	}
	checkImportedFiles(t, dir)
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done

	p = startServe(t, false, "--data", dir, "--webhook-allow-private")
	rc.none(t, 1500*time.Millisecond)
	if h := waitDelivered(t, p.URL, admin); h.Dead != 1 {
		t.Fatalf("after a restart %+v", h)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
	store, err := hubdb.OpenBadger(hubdb.Options{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	checkImportedState(t, store, secret)
}

// TestCopyCarriesProductState: `fieldhub copy` of a Badger hub that still
// has its product dir moves that state into PostgreSQL too.
func TestCopyCarriesProductState(t *testing.T) {
	dir := t.TempDir()
	_, admin := addUser(t, dir, "admin@acme.com", "admin")
	rc := newHookReceiver(t, nil)
	secret := writeLegacyProductDir(t, dir, rc.URL)
	db := pgtest.Database(t)
	if code, out, errOut := runCLI(t, "copy", "--from-data", dir, "--to-db", db); code != 0 {
		t.Fatalf("copy: %d %s %s", code, out, errOut)
	}
	checkImportedFiles(t, dir)
	store, err := pgstore.Open(context.Background(), pgstore.Options{URL: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	checkImportedState(t, store, secret)
	store.Close()
	p := startServe(t, false, "--db", db, "--webhook-allow-private")
	if got := rc.next(t, 10*time.Second); got.Delivery != "whd_queued1" {
		t.Fatalf("delivered %+v", got)
	}
	if h := waitDelivered(t, p.URL, admin); h.Dead != 1 {
		t.Fatalf("copied webhook %+v", h)
	}
}
