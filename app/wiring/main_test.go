package wiring

import (
	"context"
	"strings"
	"testing"
)

// TestOpenWiresEveryService: Open on a fresh data dir builds every service
// over one store, and Deps hands those very instances to the bridge — the
// wiring the window (app/desktop) and the command line (app/cli) share.
func TestOpenWiresEveryService(t *testing.T) {
	t.Setenv("FIELDNOTES_KEY", strings.Repeat("ab", 32))
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	t.Setenv("FIELDNOTES_AUTHOR", "ana")
	dir := t.TempDir() + "/notebook" // Open creates it
	m, err := Open(Options{DataDir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Store == nil || m.Mailbox == nil || m.Tracker == nil || m.Mail == nil || m.AI == nil || m.Sync == nil {
		t.Fatalf("a service is missing: %+v", m)
	}
	if m.Author != "ana" || m.KeySource == "" || m.Vault.Scope != dir || m.Vault.Fallback != m.Store {
		t.Fatalf("author %q, key source %q, vault %+v", m.Author, m.KeySource, m.Vault)
	}
	d := m.Deps()
	if d.Emit == nil || d.Author != "ana" || d.KeySource != m.KeySource {
		t.Fatalf("deps: %+v", d)
	}
	if d.Mail.Store != m.Mailbox || d.Mail.Control != m.Mail || d.Mail.Tracker != m.Tracker {
		t.Error("the Mail area does not get the root's mail services")
	}
	if d.Assist.Assistant != m.AI || d.Assist.Mail != m.Mailbox {
		t.Error("the Assist area does not get the root's AI queue")
	}
	if d.SyncArea.Engine != m.Sync || d.SyncArea.Store != m.Store {
		t.Error("the Sync area does not get the root's engine")
	}
	if got := d.Sync(); got.State == "" {
		t.Errorf("sync badge: %+v", got)
	}
	m.Start(context.Background())
	m.Stop()
	m.Stop() // twice is fine: Close stops too
}

// TestOpenRefusesASecondProcess: the CLI while the window is open gets the
// store's "in use" error, not a second writer.
func TestOpenRefusesASecondProcess(t *testing.T) {
	t.Setenv("FIELDNOTES_KEY", strings.Repeat("ab", 32))
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	dir := t.TempDir()
	m, err := Open(Options{DataDir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if second, err := Open(Options{DataDir: dir, Logger: quiet}); err == nil {
		second.Close()
		t.Fatal("a second Open of the same notebook succeeded")
	}
}
