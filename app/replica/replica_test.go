package replica

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

func TestMain(m *testing.M) {
	os.Setenv("FIELDNOTES_NO_KEYRING", "1") // tokens go to the store's encrypted fallback
	os.Exit(pgtest.Run(m))
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestResetReplaysOutbox: a 410 forgets the cursor and downloads again; the
// pending changes stay in the outbox through the download, show on top of
// the downloaded state, and are pushed afterwards — never discarded.
func TestResetReplaysOutbox(t *testing.T) {
	ctx := testCtx(t)
	h := synctest.StartHub(t, synctest.HubOptions{})
	u := h.AddUser(t, hubdb.RoleField)
	d := openDevice(t, "laptop", u, h.URL)
	r := New(d.st)
	acme := notebook.Account{ID: notebook.NewID(), Name: "Acme"}
	if _, err := d.st.Save(ctx, acme); err != nil {
		t.Fatal(err)
	}
	if _, err := d.eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// Offline work, then the hub is restored from a backup: our cursor names an epoch it no longer has.
	acme.Name = "Acme Corp (typed offline)"
	newer := notebook.Account{ID: notebook.NewID(), Name: "Typed offline"}
	for _, rec := range []notebook.Record{acme, newer} {
		if _, err := d.st.Save(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	stale := syncproto.EncodeCursor(syncproto.Cursor{Epoch: "restored", Seqs: map[string]uint64{"org": 99}})
	if err := r.ApplyPulled(ctx, nil, stale, 0); err != nil {
		t.Fatal(err)
	}

	// The store side of a reset: forget the cursor, download everything.
	if err := r.ResetCursor(ctx); err != nil {
		t.Fatal(err)
	}
	wc := synctest.WireClient{BaseURL: h.URL, Token: u.Token, ClientID: r.ClientID()}
	all, cursor, err := wc.PullAll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ApplyPulled(ctx, all, cursor, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.PendingCount(ctx); n != 2 {
		t.Fatalf("the download dropped pending changes: %d left", n)
	}
	var got notebook.Account
	if err := d.st.Get(ctx, acme.ID, &got); err != nil || got.Name != acme.Name {
		t.Fatalf("the download hid the pending edit: %+v %v", got, err)
	}

	// The engine side: the hub answers 410 to the stale cursor; the outbox is replayed.
	if err := r.ApplyPulled(ctx, nil, stale, 0); err != nil {
		t.Fatal(err)
	}
	rep, err := d.eng.SyncOnce(ctx)
	if err != nil || rep.Resets != 1 || rep.Pushed != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	hubView := map[string]string{}
	recs, _, _ := (&synctest.WireClient{BaseURL: h.URL, Token: u.Token}).PullAll(ctx, "")
	for _, e := range recs {
		hubView[e.ID] = string(e.Data["name"])
	}
	if hubView[acme.ID] != `"Acme Corp (typed offline)"` || hubView[newer.ID] != `"Typed offline"` {
		t.Fatalf("outbox not replayed: %v", hubView)
	}
	if n, _ := r.PendingCount(ctx); n != 0 {
		t.Fatalf("%d pending", n)
	}
}

func TestAdapterRoundTripsWireTypes(t *testing.T) {
	ctx := testCtx(t)
	st, err := store.Open(store.Options{InMemory: true, Logger: quiet, Author: "u_1"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := New(st)
	call := notebook.Call{ID: notebook.NewID(), AccountID: notebook.NewID(), Notes: "hello"}
	if _, err := st.Save(ctx, call); err != nil {
		t.Fatal(err)
	}
	out, err := r.Outbox(ctx, 10)
	if err != nil || len(out) != 1 || out[0].Type != "call" || out[0].ID != call.ID || string(out[0].Fields["notes"]) != `"hello"` {
		t.Fatalf("%+v %v", out, err)
	}
	if _, ok := out[0].Base["notes"]; !ok {
		t.Fatalf("a notes edit must carry its base: %+v", out[0])
	}
	env := syncproto.Envelope{ID: call.ID, Type: "call", Scope: "user:u_1", Seq: 3, SchemaVersion: 1,
		Data: out[0].Fields, FieldHLC: map[string]string{"notes": out[0].HLC}, UpdatedBy: "u_1", UpdatedAt: "2026-11-22T10:01:02.123Z"}
	env.Data["account_id"] = []byte(`"` + call.AccountID + `"`)
	if err := r.ApplyPulled(ctx, []syncproto.Envelope{env}, "c1", out[0].MutationID); err != nil {
		t.Fatal(err)
	}
	got, err := st.Envelope(ctx, notebook.TypeCall, call.ID)
	if err != nil || got.Seq != 3 || got.Scope != "user:u_1" || got.UpdatedAt.Year() != 2026 {
		t.Fatalf("%+v %v", got, err)
	}
	if c, _ := r.Cursor(ctx); c != "c1" {
		t.Fatal(c)
	}
	if n, _ := r.PendingCount(ctx); n != 0 {
		t.Fatalf("ack by last_mutation_id: %d pending", n)
	}
	if err := r.RenumberOutbox(ctx, 0); !notebook.IsCode(err, notebook.Invalid) {
		t.Fatal(err)
	}
}

func TestSettings(t *testing.T) {
	ctx := testCtx(t)
	st, err := store.Open(store.Options{InMemory: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := Settings{Store: st, Vault: secrets.Vault{Scope: t.TempDir(), Fallback: st}}
	if u, err := s.HubURL(ctx); err != nil || u != "" {
		t.Fatal(u, err)
	}
	if err := s.SetHubURL(ctx, "hub.example.com"); !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("bad address accepted: %v", err)
	}
	if err := s.SetHubURL(ctx, " https://hub.example.com/ "); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.HubURL(ctx); u != "https://hub.example.com" {
		t.Fatal(u)
	}
	if err := s.SetToken(ctx, "fh_secret"); err != nil {
		t.Fatal(err)
	}
	if tok, _ := s.Token(ctx); tok != "fh_secret" {
		t.Fatal(tok)
	}
	t.Setenv(EnvToken, "fh_from_env")
	if tok, _ := s.Token(ctx); tok != "fh_from_env" {
		t.Fatal(tok)
	}
	eng, err := NewEngine(ctx, st, s, syncclient.Config{Logger: quiet})
	if err != nil || !eng.Status().Configured || eng.Status().HubURL != "https://hub.example.com" {
		t.Fatalf("%+v %v", eng.Status(), err)
	}
}

// TestWakeOnEditsPushesAtOnce: with the engine long-polling, a local save
// reaches the hub well before the long-poll would have ended.
func TestWakeOnEditsPushesAtOnce(t *testing.T) {
	ctx := testCtx(t)
	h := synctest.StartHub(t, synctest.HubOptions{})
	u := h.AddUser(t, hubdb.RoleField)
	a := openDevice(t, "laptop", u, h.URL)
	b := openDevice(t, "tablet", u, h.URL)
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }() // engines end before the stores close (t.Cleanup)
	for _, d := range []*device{a, b} {
		eng, err := syncclient.New(syncclient.Config{Replica: New(d.st), HubURL: h.URL, Token: u.Token, Logger: quiet, LongPoll: 25 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		d.eng = eng
		wg.Add(2)
		go func() { defer wg.Done(); eng.Serve(runCtx) }()
		go func() { defer wg.Done(); WakeOnEdits(runCtx, d.st, eng) }()
	}
	waitUntil(t, func() bool {
		return a.eng.Status().Phase == syncclient.PhaseWaiting && b.eng.Status().Phase == syncclient.PhaseWaiting
	})
	acc := notebook.Account{ID: notebook.NewID(), Name: "Live edit"}
	start := time.Now()
	if _, err := a.st.Save(ctx, acc); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool { var x notebook.Account; return b.st.Get(ctx, acc.ID, &x) == nil })
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("edit visible on the other device after %v", d)
	}
	waitUntil(t, func() bool { return a.eng.Status().Pending == 0 })
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestLosingEditPulledBeforePush: device A edits a field, then (before its
// push) pulls a newer edit of the same field from device B — as happens
// when a long-poll answer lands while the user types. A's edit loses LWW
// on the hub ("applied", nothing written, the record's current seq), and
// no newer version will ever be pulled: A must still end up showing the
// hub's value, not its own losing one.
func TestLosingEditPulledBeforePush(t *testing.T) {
	ctx := testCtx(t)
	h := synctest.StartHub(t, synctest.HubOptions{})
	u := h.AddUser(t, hubdb.RoleField)
	a, b := openDevice(t, "laptop", u, h.URL), openDevice(t, "tablet", u, h.URL)
	acc := notebook.Account{ID: notebook.NewID(), Name: "Original"}
	if _, err := a.st.Save(ctx, acc); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*device{a, b} {
		if _, err := d.eng.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	acc.Name = "Typed on the laptop (older)"
	if _, err := a.st.Save(ctx, acc); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond)
	acc.Name = "Typed on the tablet (newer)"
	if _, err := b.st.Save(ctx, acc); err != nil {
		t.Fatal(err)
	}
	if _, err := b.eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// A's long-poll brings the tablet's version while A's edit is pending.
	ra := New(a.st)
	cursor, _ := ra.Cursor(ctx)
	wc := synctest.WireClient{BaseURL: h.URL, Token: u.Token, ClientID: ra.ClientID()}
	page, cur, err := wc.PullAll(ctx, cursor)
	if err != nil || len(page) != 1 {
		t.Fatalf("%d %v", len(page), err)
	}
	if err := ra.ApplyPulled(ctx, page, cur, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.eng.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	var got notebook.Account
	if err := a.st.Get(ctx, acc.ID, &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "Typed on the tablet (newer)" {
		t.Fatalf("laptop shows %q, the hub has the tablet's name", got.Name)
	}
}

// TestPulledChangesArePublished: what a pull brings reaches the store's
// subscribers (the UI refreshes from them) with origin "sync".
func TestPulledChangesArePublished(t *testing.T) {
	ctx := testCtx(t)
	h := synctest.StartHub(t, synctest.HubOptions{})
	u := h.AddUser(t, hubdb.RoleField)
	a, b := openDevice(t, "laptop", u, h.URL), openDevice(t, "tablet", u, h.URL)
	changes, stop := b.st.Subscribe()
	defer stop()
	acc := notebook.Account{ID: notebook.NewID(), Name: "Published"}
	if _, err := a.st.Save(ctx, acc); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*device{a, b} {
		if _, err := d.eng.SyncOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case c := <-changes:
		if c.ID != acc.ID || c.Origin != "sync" {
			t.Fatalf("%+v", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change published for a pulled record")
	}
}
