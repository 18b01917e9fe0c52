package wiring

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/bridge"
	"fieldnotes/app/imapsync"
	"fieldnotes/app/imapsync/imaptest"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
)

var quiet = slog.New(slog.DiscardHandler)

type events struct {
	mu    sync.Mutex
	names []string
}

func (e *events) Emit(name string, _ any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.names = append(e.names, name)
}

func (e *events) count(name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, x := range e.names {
		if x == name {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startIMAP runs imaptest's in-memory server with raws in INBOX.
func startIMAP(t *testing.T, raws ...string) (string, int) {
	t.Helper()
	srv := imaptest.StartMem(t, imaptest.MemOptions{Username: "rep@myco.example", Password: "pw", Folders: []string{"INBOX"}})
	for _, raw := range raws {
		srv.Deliver(t, "INBOX", []byte(raw))
	}
	return srv.Host, srv.Port
}

func raw(from, id string) string {
	return fmt.Sprintf("From: %s\r\nTo: rep@myco.example\r\nSubject: hi %s\r\nMessage-ID: <%s>\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\n\r\nHello.\r\n", from, id, id)
}

// TestMailRunnerLifecycle runs the window's mail service against
// imapmemserver: idle as "not configured", pull after Apply, pause on
// Cancel, resume on SyncNow, and fetch mail that became relevant when an
// account was added (through the store's change feed).
func TestMailRunnerLifecycle(t *testing.T) {
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	st, err := store.Open(store.Options{InMemory: true, Author: "rep"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	st.Save(ctx, &notebook.Account{ID: notebook.NewID(), Name: "Acme", Domains: []string{"acme.com"}})
	host, port := startIMAP(t, raw("ana@acme.com", "a1@acme.com"), raw("zoe@globex.example", "g1@globex.example"))

	ev := &events{}
	svc := build(st, t.TempDir(), "", "rep", quiet, ev, nil)
	if svc.AI == nil {
		t.Fatal("no AI queue")
	}
	svc.Start(ctx)
	defer svc.Stop()
	waitFor(t, func() bool { return svc.Tracker.Status().State == bridge.MailNotConfigured })
	if s := svc.AI.Status(); s.State != "waiting" {
		t.Fatalf("AI without settings: %+v", s)
	}

	settings := imapsync.Settings{Host: host, Port: port, Security: imapsync.SecurityNone, Username: "rep@myco.example", Password: "pw"}
	svc.Mail.Apply(settings, true)
	waitFor(t, func() bool { s := svc.Tracker.Status(); return s.State == bridge.MailIdle && s.Last.Fetched == 1 })
	if ev.count("mail:fetched") != 1 || ev.count("mail:progress") == 0 {
		t.Fatalf("events: fetched %d, progress %d", ev.count("mail:fetched"), ev.count("mail:progress"))
	}

	svc.Mail.Cancel()
	waitFor(t, func() bool { return svc.Tracker.Status().State == bridge.MailCancelled })
	svc.Mail.SyncNow()
	waitFor(t, func() bool { return svc.Tracker.Status().State == bridge.MailIdle })

	st.Save(ctx, &notebook.Account{ID: notebook.NewID(), Name: "Globex", Domains: []string{"globex.example"}})
	waitFor(t, func() bool {
		emails, _ := store.List[notebook.Email](ctx, st, store.Query{})
		return len(emails) == 2
	})
}

// TestMailRunnerReadsSavedSettings: at start the runner uses what the
// Settings screen saved, with the password from the vault.
func TestMailRunnerReadsSavedSettings(t *testing.T) {
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	st, err := store.Open(store.Options{InMemory: true, Author: "rep"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	st.Save(ctx, &notebook.Account{ID: notebook.NewID(), Name: "Acme", Domains: []string{"acme.com"}})
	host, port := startIMAP(t, raw("ana@acme.com", "a1@acme.com"))
	dir := t.TempDir()
	d := &bridge.Deps{Store: bridge.StoreBackend(st), Log: quiet}
	svc := build(st, dir, "", "rep", quiet, &events{}, nil)
	d.Mail = svc.mailDeps()
	if _, err := bridge.NewMail(d).SaveSettings(bridge.MailSettingsInput{Host: host, Port: port, Security: "none", Username: "rep@myco.example", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	if pw, _ := (secrets.Vault{Scope: dir, Fallback: st}).Get(ctx, mailstore.PasswordName); pw != "pw" {
		t.Fatalf("password not in the vault: %q", pw)
	}
	fresh := build(st, dir, "", "rep", quiet, &events{}, nil) // a new window on the same notebook
	fresh.Start(ctx)
	defer fresh.Stop()
	waitFor(t, func() bool { return storedEmails(st) == 1 })
}

func storedEmails(st *store.Store) int {
	emails, _ := store.List[notebook.Email](context.Background(), st, store.Query{})
	return len(emails)
}
