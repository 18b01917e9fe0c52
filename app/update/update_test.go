package update

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// realHub is the real hub (sync/hub on an in-memory Badger store) over
// HTTP on 127.0.0.1, with one field user and one signed release.
type realHub struct {
	url, token string
	pub        ed25519.PublicKey
	body       []byte
}

func startHub(t *testing.T, version string) realHub {
	t.Helper()
	h, _ := startHubTLS(t, version, false)
	return h
}

// startHubTLS is startHub, over HTTPS with a self-signed certificate when
// tls is set (then it returns the certificate's SHA-256, the invite's pin).
func startHubTLS(t *testing.T, version string, tls bool) (realHub, string) {
	t.Helper()
	store, err := hubdb.OpenBadger(hubdb.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	srv, err := hub.NewServer(hub.Options{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	pin := ""
	if tls {
		ts.StartTLS()
		sum := sha256.Sum256(ts.Certificate().Raw)
		pin = hex.EncodeToString(sum[:])
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	ctx := context.Background()
	u, err := hub.AddUser(ctx, store, "rep@acme.com", hubdb.RoleField, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	body := bytes.Repeat([]byte("new binary "), 1000)
	sum := sha256.Sum256(body)
	info := syncproto.ReleaseInfo{Version: version, OS: "linux", Arch: "amd64", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
	info.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, info.Manifest()))
	if _, err := hub.AddRelease(ctx, store, info, bytes.NewReader(body), "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	return realHub{url: ts.URL, token: u.Token, pub: pub, body: body}, pin
}

// A hub joined with a pinned self-signed certificate is checked over that
// certificate only; another certificate (someone in between) fails.
func TestPinnedHub(t *testing.T) {
	h, pin := startHubTLS(t, "2.0.0", true)
	for _, c := range []struct {
		pin  string
		want Phase
	}{{pin, PhaseReady}, {strings.Repeat("ab", 32), PhaseFailed}, {"", PhaseFailed}} {
		u := newUpdater(h, portable(t), "1.0.0", nil)
		u.cfg.Hub = func(context.Context) (Source, error) {
			return Source{URL: h.url, Token: h.token, CertSHA256: c.pin}, nil
		}
		if st := u.Check(context.Background(), true); st.Phase != c.want {
			t.Errorf("pin %q: %+v, want %s", c.pin, st, c.want)
		}
		u.Discard()
	}
}

func portable(t *testing.T) string {
	exe := filepath.Join(t.TempDir(), "fieldnotes")
	if err := os.WriteFile(exe, []byte("old binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	return exe
}

func newUpdater(h realHub, exe, current string, packaged func(string) bool) *Updater {
	if packaged == nil {
		packaged = func(string) bool { return false }
	}
	return New(Config{Current: current, Executable: exe, Key: h.pub, OS: "linux", Arch: "amd64", Packaged: packaged,
		Hub: func(context.Context) (Source, error) { return Source{URL: h.url, Token: h.token}, nil }})
}

func TestCheckStagesThenApplySwaps(t *testing.T) {
	h := startHub(t, "2.0.0")
	exe := portable(t)
	var seen []Phase
	u := newUpdater(h, exe, "1.0.0", nil)
	u.cfg.OnStatus = func(s Status) { seen = append(seen, s.Phase) }
	st := u.Check(context.Background(), true)
	if st.Phase != PhaseReady || st.Available != "2.0.0" || !strings.Contains(st.Message, "Restart to update") {
		t.Fatalf("Check = %+v", st)
	}
	if raw, _ := os.ReadFile(exe); string(raw) != "old binary" {
		t.Fatal("Check replaced the binary")
	}
	if got := strings.Join(phases(seen), ","); got != "checking,downloading,ready" {
		t.Errorf("phases %s", got)
	}
	st, err := u.Apply()
	if err != nil || st.Phase != PhaseApplied {
		t.Fatalf("Apply = %+v, %v", st, err)
	}
	if raw, _ := os.ReadFile(exe); !bytes.Equal(raw, h.body) {
		t.Error("the binary is not the release")
	}
	if raw, _ := os.ReadFile(exe + PreviousSuffix); string(raw) != "old binary" {
		t.Error("the previous binary was not kept")
	}
	if fi, _ := os.Stat(exe); fi.Mode().Perm() != 0o755 {
		t.Errorf("new binary mode %v", fi.Mode())
	}
	if _, err := u.Apply(); err == nil {
		t.Error("a second Apply with nothing staged succeeded")
	}
}

func phases(ps []Phase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

// The attack: the staged file is replaced between verification and the
// restart (its directory may be writable by others). Apply checks again.
func TestApplyRefusesAFileChangedAfterVerification(t *testing.T) {
	h := startHub(t, "2.0.0")
	exe := portable(t)
	u := newUpdater(h, exe, "1.0.0", nil)
	if st := u.Check(context.Background(), true); st.Phase != PhaseReady {
		t.Fatalf("Check = %+v", st)
	}
	if err := os.WriteFile(u.staged, append([]byte("evil"), h.body[4:]...), 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := u.Apply()
	if err == nil || st.Phase != PhaseRefused || !strings.Contains(st.Message, "changed after it was verified") {
		t.Fatalf("Apply = %+v, %v", st, err)
	}
	if raw, _ := os.ReadFile(exe); string(raw) != "old binary" {
		t.Error("the binary was replaced")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), stagePrefix+"*")); len(left) > 0 {
		t.Errorf("staged file left: %v", left)
	}
}

func TestPackagedInstallWaitsForThePackageManager(t *testing.T) {
	h := startHub(t, "2.0.0")
	exe := portable(t)
	list := filepath.Join(t.TempDir(), "fieldnotes.list")
	os.WriteFile(list, []byte("/.\n/usr\n"+exe+"\n"), 0o644)
	u := newUpdater(h, exe, "1.0.0", func(p string) bool { return isPackaged(p, list) })
	st := u.Check(context.Background(), true)
	if st.Phase != PhaseWaiting || !strings.Contains(st.Message, "waiting for the package manager") {
		t.Fatalf("Check = %+v", st)
	}
	if raw, _ := os.ReadFile(exe); string(raw) != "old binary" {
		t.Error("a packaged binary was replaced")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), stagePrefix+"*")); len(left) > 0 {
		t.Errorf("downloaded for a packaged install: %v", left)
	}
}

func TestIsPackaged(t *testing.T) {
	list := filepath.Join(t.TempDir(), "fieldnotes.list")
	os.WriteFile(list, []byte("/opt/fieldnotes/fieldnotes\n"), 0o644)
	for exe, want := range map[string]bool{"/usr/bin/fieldnotes": true, "/opt/fieldnotes/fieldnotes": true,
		"/home/ana/Apps/fieldnotes": false, "": false, "/opt/fieldnotes/fieldnotes2": false} {
		if got := isPackaged(exe, list); got != want {
			t.Errorf("isPackaged(%q) = %v", exe, got)
		}
	}
}

func TestNothingToCheck(t *testing.T) {
	h := startHub(t, "2.0.0")
	exe := portable(t)
	cases := map[string]struct {
		u    *Updater
		want string
	}{
		"dev build": {newUpdater(h, exe, "dev", nil), "has no release version"},
		"no key": {New(Config{Current: "1.0.0", Executable: exe, KeyProblem: "This build has no update key",
			Hub: func(context.Context) (Source, error) { return Source{URL: h.url, Token: h.token}, nil }}), "no update key"},
		"no hub": {New(Config{Current: "1.0.0", Executable: exe, Key: h.pub,
			Hub: func(context.Context) (Source, error) { return Source{}, nil }}), "Not connected"},
	}
	for name, c := range cases {
		if st := c.u.Check(context.Background(), true); st.Phase != PhaseOff || !strings.Contains(st.Message, c.want) {
			t.Errorf("%s: %+v", name, st)
		}
	}
	bad := newUpdater(h, exe, "1.0.0", nil)
	bad.cfg.Hub = func(context.Context) (Source, error) { return Source{URL: h.url, Token: "wrong"}, nil }
	if st := bad.Check(context.Background(), true); st.Phase != PhaseFailed || !strings.Contains(st.Message, "token") {
		t.Errorf("wrong token: %+v", st)
	}
	other := newUpdater(h, exe, "1.0.0", nil)
	other.cfg.OS = "windows"
	if st := other.Check(context.Background(), true); st.Phase != PhaseUpToDate {
		t.Errorf("no release for the platform: %+v", st)
	}
}

func TestLoadKey(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	orgPub, _, _ := ed25519.GenerateKey(rand.Reader)
	compiled := base64.StdEncoding.EncodeToString(pub)
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.pub")
	if k, why := LoadKey(missing, compiled); !k.Equal(pub) || why != "" {
		t.Errorf("compiled key: %v %q", k, why)
	}
	if k, why := LoadKey(missing, ""); k != nil || !strings.Contains(why, "no update key") {
		t.Errorf("no key: %v %q", k, why)
	}
	org := filepath.Join(dir, "update-key.pub")
	os.WriteFile(org, []byte(base64.StdEncoding.EncodeToString(orgPub)+"\n"), 0o644)
	if k, _ := LoadKey(org, compiled); !k.Equal(orgPub) {
		t.Error("the organisation's key does not win")
	}
	os.WriteFile(org, []byte("not a key"), 0o644)
	if k, why := LoadKey(org, compiled); k != nil || !strings.Contains(why, org) {
		t.Errorf("a broken organisation key falls back silently: %v %q", k, why)
	}
}

func TestServeChecksAndStopsWithStagedRemoved(t *testing.T) {
	h := startHub(t, "2.0.0")
	exe := portable(t)
	ready := make(chan struct{})
	u := newUpdater(h, exe, "1.0.0", nil)
	u.cfg.OnStatus = func(s Status) {
		if s.Phase == PhaseReady {
			close(ready)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- u.Serve(ctx) }()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not stage the update")
	}
	cancel()
	<-done
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), stagePrefix+"*")); len(left) > 0 {
		t.Errorf("a staged update outlived Serve: %v", left)
	}
}
