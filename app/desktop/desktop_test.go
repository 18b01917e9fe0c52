package desktop

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fieldnotes/app/wiring"
)

func TestDirDialogsAnswerLikeAUser(t *testing.T) {
	dir := t.TempDir()
	d := dirDialogs{dir: dir}
	if p, err := d.OpenFile(context.Background(), "", []string{"csv"}); err != nil || p != "" {
		t.Fatalf("empty dir must read as cancelled: %q %v", p, err)
	}
	old := filepath.Join(dir, "old.csv")
	os.WriteFile(old, []byte("a"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("a"), 0o600)
	newer := filepath.Join(dir, "new.CSV")
	os.WriteFile(newer, []byte("b"), 0o600)
	os.Chtimes(old, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
	if p, _ := d.OpenFile(context.Background(), "", []string{"csv"}); p != newer {
		t.Fatalf("open = %q, want the newest csv %q", p, newer)
	}
	if p, _ := d.SaveFile(context.Background(), "", "../../etc/x.backup"); p != filepath.Join(dir, "x.backup") {
		t.Fatalf("save must stay in the dir: %q", p)
	}
}

func TestFrontendFSFindsIndex(t *testing.T) {
	embedded := fstest.MapFS{"frontend/dist/index.html": {Data: []byte("<html>")}}
	sub, err := frontendFS(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Open("index.html"); err != nil {
		t.Fatalf("index.html not at the root: %v", err)
	}
	if _, err := frontendFS(nil); err == nil {
		t.Fatal("nil assets must be an error")
	}
}

// TestWindowDepsAreTheRoots: the window hands the bridge the composition
// root's services (the ones the command line uses too) and adds only what a
// window has.
func TestWindowDepsAreTheRoots(t *testing.T) {
	t.Setenv("FIELDNOTES_KEY", strings.Repeat("ab", 32))
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	a := newApp(context.Background(), slog.New(slog.DiscardHandler))
	m, err := wiring.Open(wiring.Options{DataDir: t.TempDir(), Logger: a.log, Emit: a, Browser: a})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.AddUpdater("1.0.0")
	root, d := m.Deps(), windowDeps(m, a, "fieldnotes://join?x", func() {})
	if d.Mail.Store != root.Mail.Store || d.Mail.Control != root.Mail.Control || d.Mail.Browser != a {
		t.Error("the window's Mail area is not the root's")
	}
	if d.Assist.Assistant != root.Assist.Assistant || d.SyncArea.Engine != root.SyncArea.Engine || d.Emit != a {
		t.Error("the window's Assist/Sync areas or events are not the root's")
	}
	if d.Dialogs == nil || d.Transfer == nil || d.SeedDemo == nil || d.StartLink != "fieldnotes://join?x" || d.Links == nil || d.Updates == nil || d.SyncArea.SignIns == nil {
		t.Errorf("window-only deps missing: %+v", d)
	}
}
