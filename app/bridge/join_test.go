package bridge

import (
	"context"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
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
