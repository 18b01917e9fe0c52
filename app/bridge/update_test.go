package bridge

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fieldnotes/app/update"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// The Updates area against the real hub: the status arrives as
// update:changed events, and Restart swaps the staged release and only
// then asks the desktop to restart.
func TestUpdatesAreaRestartsIntoAVerifiedRelease(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	user := h.AddUser(t, hubdb.RoleField)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	body := []byte("version two")
	sum := sha256.Sum256(body)
	info := syncproto.ReleaseInfo{Version: "2.0.0", OS: "linux", Arch: "amd64", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
	info.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, info.Manifest()))
	if _, err := hub.AddRelease(context.Background(), h.Store, info, bytes.NewReader(body), "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "fieldnotes")
	os.WriteFile(exe, []byte("version one"), 0o755)
	events := &eventLog{}
	u := update.New(update.Config{Current: "1.0.0", Executable: exe, Key: pub, OS: "linux", Arch: "amd64",
		Packaged: func(string) bool { return false }, OnStatus: UpdateEvents(events),
		Hub: func(context.Context) (update.Source, error) { return update.Source{URL: h.URL, Token: user.Token}, nil }})
	restarted := 0
	area := NewUpdates(&Deps{Updates: &UpdateDeps{Updater: u, Restart: func() { restarted++ }}})

	u.Check(context.Background(), true)
	st, err := area.Status()
	if err != nil || st.Phase != "ready" || !st.CanRestart || st.Available != "2.0.0" {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	if got := events.named("update:changed"); len(got) != 3 || !got[2].(UpdateStatus).CanRestart {
		t.Errorf("events %+v", got)
	}
	st, err = area.Restart()
	if err != nil || st.Phase != "applied" || restarted != 1 {
		t.Fatalf("Restart = %+v, %v (restarted %d)", st, err, restarted)
	}
	if raw, _ := os.ReadFile(exe); string(raw) != "version two" {
		t.Error("not swapped")
	}
	if _, err := area.Restart(); err == nil || restarted != 1 {
		t.Errorf("a second Restart: %v, restarted %d", err, restarted)
	}

	off := NewUpdates(&Deps{})
	if st, err := off.Status(); err != nil || st.Phase != "off" {
		t.Errorf("no updater: %+v %v", st, err)
	}
	if err := off.CheckNow(); err == nil {
		t.Error("CheckNow without an updater succeeded")
	}
}
