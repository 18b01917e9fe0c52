package syncclient

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/synctest"
)

// A hub behind a self-signed certificate, as an invite pins it: the engine
// syncs through the pin, refuses the same hub under another pin before
// sending anything, keeps the pin across a Settings save to the same
// address and forgets it for another hub.
func TestEngineSyncsOnlyWithThePinnedCertificate(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	tlsHub := httptest.NewTLSServer(h.Server.Handler())
	defer tlsHub.Close()
	sum := sha256.Sum256(tlsHub.Certificate().Raw)
	pin := hex.EncodeToString(sum[:])
	rep := h.AddUser(t, hubdb.RoleField)
	ctx := ctxT(t)

	m := newMem("dev-pinned")
	id := newID()
	m.upsert("account", id, account("Pinned Ltd"))
	wrong := engine(t, tlsHub.URL, rep.Token, m, func(c *Config) { c.CertSHA256 = strings.Repeat("ab", 32) })
	if _, err := wrong.SyncOnce(ctx); err == nil || !strings.Contains(err.Error(), "not the one the invite pins") {
		t.Fatalf("a wrong pin: %v", err)
	}
	if n, _ := m.PendingCount(ctx); n != 1 {
		t.Fatalf("pending after the refused handshake: %d", n)
	}
	unpinned := engine(t, tlsHub.URL, rep.Token, m)
	if _, err := unpinned.SyncOnce(ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("no pin on a self-signed hub: %v", err)
	}

	e := engine(t, "", "", m)
	e.ConfigurePinned(tlsHub.URL, rep.Token, pin)
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatalf("pinned sync: %v", err)
	}
	if n, _ := m.PendingCount(ctx); n != 0 {
		t.Fatalf("pending after the pinned sync: %d", n)
	}
	e.Configure(tlsHub.URL+"/", rep.Token) // Settings saved again, same hub
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatalf("pin lost on a save to the same hub: %v", err)
	}
	e.Configure(h.URL, rep.Token) // another hub: the pin does not follow
	if e.pin != "" || e.pinned != nil {
		t.Fatalf("pin kept for another hub: %q", e.pin)
	}
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatalf("plain hub after a pinned one: %v", err)
	}
}
