package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"fieldnotes/app/bridge"
	"fieldnotes/app/imapsync"
	"fieldnotes/app/imapsync/imaptest"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
	"fieldnotes/app/wiring"
)

const (
	imapUser = "rep@myco.example"
	imapPass = "correct horse battery"
)

// startIMAP runs go-imap's in-memory server on 127.0.0.1:0 with INBOX
// holding two messages from a customer and one newsletter.
func startIMAP(t *testing.T) (host string, port int) {
	t.Helper()
	srv := imaptest.StartMem(t, imaptest.MemOptions{Username: imapUser, Password: imapPass})
	for i, from := range []string{"ana@acme.com", "Bob <bob@eu.acme.com>", "news@other.example"} {
		raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Note %d\r\nMessage-ID: <m%d@test>\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\n\r\nHello %d.\r\n", from, imapUser, i, i, i)
		srv.Deliver(t, "INBOX", []byte(raw))
	}
	return srv.Host, srv.Port
}

type cliRun struct {
	status         int
	stdout, stderr string
}

func testEnv(t *testing.T) *env {
	t.Helper()
	t.Setenv("FIELDNOTES_KEY", strings.Repeat("ab", 32))
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	return &env{ctx: context.Background(), dataDir: t.TempDir(), log: slog.New(slog.DiscardHandler)}
}

func (e *env) run(args ...string) cliRun {
	var out, errOut bytes.Buffer
	e.stdout, e.stderr = &out, &errOut
	status := e.exit(runMail(e, args))
	return cliRun{status, out.String(), errOut.String()}
}

func seedAccount(t *testing.T, e *env) {
	t.Helper()
	err := e.withStore(func(s *store.Store) error {
		_, err := s.Save(e.ctx, &notebook.Account{ID: notebook.NewID(), Name: "Acme", Domains: []string{"acme.com"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMailSyncWithFlags(t *testing.T) {
	e := testEnv(t)
	seedAccount(t, e)
	host, port := startIMAP(t)
	t.Setenv("IMAP_PW", imapPass)
	flags := []string{"sync", "--host", host, "--port", strconv.Itoa(port), "--user", imapUser, "--password-env", "IMAP_PW", "--security", "none"}
	r := e.run(flags...)
	if r.status != 0 || !strings.HasPrefix(r.stdout, "scanned 3, relevant 2, fetched 2, skipped 1") {
		t.Fatalf("first pull: %+v", r)
	}
	r = e.run(flags...)
	if r.status != 0 || !strings.Contains(r.stdout, "fetched 0") {
		t.Fatalf("second pull must fetch nothing new: %+v", r)
	}
	err := e.withStore(func(s *store.Store) error {
		emails, err := store.List[notebook.Email](e.ctx, s, store.Query{})
		if len(emails) != 2 {
			t.Errorf("stored emails = %d", len(emails))
		}
		muts, _ := s.Outbox(e.ctx, 100)
		for _, m := range muts {
			if m.Type == notebook.TypeEmail {
				t.Errorf("a pulled email was queued for the hub: %+v", m)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMailSyncFailuresAreClear(t *testing.T) {
	e := testEnv(t)
	host, port := startIMAP(t)
	if r := e.run("sync"); r.status == 0 || !strings.Contains(r.stderr, "mail is not set up") {
		t.Fatalf("no settings: %+v", r)
	}
	t.Setenv("IMAP_PW", "wrong")
	base := []string{"sync", "--host", host, "--user", imapUser, "--password-env", "IMAP_PW", "--security", "none"}
	if r := e.run(append(base, "--port", strconv.Itoa(port))...); r.status == 0 || !strings.Contains(r.stderr, "refused the user name or password") {
		t.Fatalf("wrong password: %+v", r)
	}
	if r := e.run(append(base, "--port", "1")...); r.status == 0 || !strings.Contains(r.stderr, "cannot reach the mail server") {
		t.Fatalf("unreachable: %+v", r)
	}
	if r := e.run("sync", "--host", "imap.example.com", "--user", "u", "--password-env", "IMAP_PW", "--security", "none"); r.status == 0 || !strings.Contains(r.stderr, "only allowed for 127.0.0.1") {
		t.Fatalf("clear text to a remote host: %+v", r)
	}
	if r := e.run("fetch"); r.status == 0 {
		t.Fatalf("unknown subcommand: %+v", r)
	}
}

// TestMailSyncUsesSavedSettings: with no flags the settings the app saved
// (password in the vault) are used.
func TestMailSyncUsesSavedSettings(t *testing.T) {
	e := testEnv(t)
	seedAccount(t, e)
	host, port := startIMAP(t)
	err := e.withStore(func(s *store.Store) error {
		raw, _ := json.Marshal(imapsync.Settings{Host: host, Port: port, Security: imapsync.SecurityNone, Username: imapUser})
		if err := s.LocalPut(e.ctx, mailstore.SettingsKey, raw); err != nil {
			return err
		}
		return secrets.Vault{Scope: e.dataDir, Fallback: s}.Set(e.ctx, mailstore.PasswordName, imapPass)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.run("sync"); r.status != 0 || !strings.Contains(r.stdout, "relevant 2, fetched 2") {
		t.Fatalf("saved settings: %+v", r)
	}
}

// TestMailSyncUsesTheWindowsSettings: the window and the command line are
// built by the same composition root (app/wiring), so what the window's
// Settings screen saves (server in the store, password in the vault) is
// what `fieldnotes mail sync` pulls with.
func TestMailSyncUsesTheWindowsSettings(t *testing.T) {
	e := testEnv(t)
	seedAccount(t, e)
	srv := imaptest.StartMem(t, imaptest.MemOptions{Username: imapUser, Password: imapPass})
	srv.Deliver(t, "INBOX", []byte("From: ana@acme.com\r\nTo: "+imapUser+"\r\nSubject: hi\r\nMessage-ID: <w1@test>\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\n\r\nHello.\r\n"))
	window, err := wiring.Open(wiring.Options{DataDir: e.dataDir, Logger: e.log})
	if err != nil {
		t.Fatal(err)
	}
	in := bridge.MailSettingsInput{Host: srv.Host, Port: srv.Port, Security: "none", Username: imapUser, Password: imapPass, Folders: []string{"INBOX"}}
	if _, err := bridge.NewMail(window.Deps()).SaveSettings(in); err != nil {
		t.Fatal(err)
	}
	if err := window.Close(); err != nil {
		t.Fatal(err)
	}
	if r := e.run("sync"); r.status != 0 || !strings.Contains(r.stdout, "relevant 1, fetched 1") {
		t.Fatalf("the window's settings: %+v", r)
	}
}
