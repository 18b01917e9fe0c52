package bridge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/replica"
	"fieldnotes/app/store"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/synctest"
)

func TestJoinRedeemsAnInviteAtARealHub(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	_, d, eng := productWorld(t, nil, hubdb.RoleField)
	sync := NewSync(d)
	inv, err := hub.CreateInvite(context.Background(), h.Store, hub.InviteOptions{HubURL: h.URL}, "ana@acme.com", hubdb.RoleField, 0, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}

	if _, err := sync.Join("not an invite"); code(err) != notebook.Invalid {
		t.Fatalf("garbage: %v", err)
	}
	got, err := sync.Join("  " + inv.Link + "\n")
	if err != nil || got.Email != "ana@acme.com" || got.Role != "field" || got.HubURL != h.URL {
		t.Fatalf("Join = %+v, %v", got, err)
	}
	settings := d.SyncArea.Settings.(*memSettings)
	if settings.url != h.URL || settings.token == "" || eng.nudges != 1 {
		t.Fatalf("after join: url %q token set %v nudges %d", settings.url, settings.token != "", eng.nudges)
	}
	if u, err := h.Store.UserByToken(context.Background(), hub.HashToken(settings.token)); err != nil || u.Email != "ana@acme.com" {
		t.Fatalf("stored token is not the hub's: %+v %v", u, err)
	}

	// Used again: refused in the hub's words; the settings stay.
	token := settings.token
	_, err = sync.Join(inv.Code)
	if code(err) != notebook.Conflict || !strings.Contains(err.Error(), "already used") || settings.token != token {
		t.Fatalf("second join: %v", err)
	}
}

// An invite to a hub with a self-signed certificate: Join redeems it
// through the pin, keeps the pin beside the address, and the real engine
// it configured then syncs with that hub (before, such invites were refused).
func TestJoinPinsASelfSignedHub(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	tlsHub := httptest.NewTLSServer(h.Server.Handler())
	defer tlsHub.Close()
	sum := sha256.Sum256(tlsHub.Certificate().Raw)
	pin := hex.EncodeToString(sum[:])
	st, err := store.Open(store.Options{InMemory: true, Author: "field"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng, err := syncclient.New(syncclient.Config{Replica: replica.New(st)})
	if err != nil {
		t.Fatal(err)
	}
	settings := &memSettings{}
	d := &Deps{Store: StoreBackend(st), SyncArea: &SyncDeps{Engine: eng, Settings: settings, Store: st}}
	inv, err := hub.CreateInvite(context.Background(), h.Store, hub.InviteOptions{HubURL: tlsHub.URL, CertSHA256: pin}, "ana@acme.com", hubdb.RoleField, 0, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}

	got, err := NewSync(d).Join(inv.Link)
	if err != nil || got.Email != "ana@acme.com" {
		t.Fatalf("Join = %+v, %v", got, err)
	}
	if settings.pin != pin || settings.url != tlsHub.URL {
		t.Fatalf("settings after join: url %q pin %q", settings.url, settings.pin)
	}
	if _, err := st.Save(context.Background(), notebook.Account{ID: notebook.NewID(), Name: "Pinned Ltd", Domains: []string{"pinned.example"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := eng.SyncOnce(context.Background())
	if err != nil || rep.Pushed != 1 {
		t.Fatalf("sync after a pinned join: %+v %v", rep, err)
	}
}

// The time left of a download follows its rate so far, and says nothing
// before a second of it has been seen or when the hub gave no estimate.
func TestSecondsLeftOfADownload(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	st := syncclient.Status{PullStart: start, Received: 20_000, Remaining: 80_000}
	for _, c := range []struct {
		at   time.Duration
		st   syncclient.Status
		want int
	}{
		{10 * time.Second, st, 40},
		{500 * time.Millisecond, st, 0},
		{10 * time.Second, syncclient.Status{PullStart: start, Received: 20_000}, 0},
		{10 * time.Second, syncclient.Status{PullStart: start, Remaining: 5}, 0},
		{10 * time.Second, syncclient.Status{Received: 1, Remaining: 5}, 0},
	} {
		if got := secondsLeft(c.st, start.Add(c.at)); got != c.want {
			t.Errorf("%+v after %v: %d s left, want %d", c.st, c.at, got, c.want)
		}
	}
}
