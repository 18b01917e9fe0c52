package mailstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(store.Options{InMemory: true, Author: "rep"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestSaveEmailKeepsTheRepsWork: a pulled email is local-only; pulled
// again (another folder) it keeps the rep's links; shared it syncs; hidden
// it is never brought back.
func TestSaveEmailKeepsTheRepsWork(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	m := New(st)
	e := notebook.Email{ID: notebook.NewID(), MessageID: "<a1@acme.com>", Subject: "hi", From: "ana@acme.com", Date: time.Now().UTC()}
	if err := m.SaveEmail(ctx, e); err != nil {
		t.Fatal(err)
	}
	if m.Shared(ctx, e.ID) {
		t.Fatal("a pulled email is shared before the rep linked it")
	}
	linked := e
	linked.Links = []string{"call-1"}
	if err := m.Save(ctx, linked, true); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveEmail(ctx, e); err != nil { // the server copy again, without the link
		t.Fatal(err)
	}
	var got notebook.Email
	err := st.Get(ctx, e.ID, &got)
	if err != nil || len(got.Links) != 1 || !m.Shared(ctx, e.ID) {
		t.Fatalf("after a re-pull: %+v shared=%v err=%v", got, m.Shared(ctx, e.ID), err)
	}
	other := notebook.Email{ID: notebook.NewID(), MessageID: "<n1@news.example>", Subject: "news", From: "news@news.example", Date: time.Now().UTC()}
	if err := m.SaveEmail(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := m.Hide(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveEmail(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := st.Get(ctx, other.ID, &notebook.Email{}); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("a hidden email came back: %v", err)
	}
}

type memSecrets map[string]string

func (s memSecrets) Get(_ context.Context, name string) (string, error) { return s[name], nil }
func (s memSecrets) Set(_ context.Context, name, v string) error        { s[name] = v; return nil }

// TestSettingsRoundTrip: the password goes to the vault, never the store.
func TestSettingsRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	sec := memSecrets{}
	if _, configured, err := LoadSettings(ctx, st, sec); err != nil || configured {
		t.Fatalf("nothing saved: configured=%v err=%v", configured, err)
	}
	pw := "correct horse"
	s := imapsync.Settings{Host: "imap.example.com", Port: 993, Security: imapsync.SecurityTLS, Username: "rep"}
	if err := SaveSettings(ctx, st, sec, s, &pw); err != nil {
		t.Fatal(err)
	}
	raw, err := st.LocalGet(ctx, SettingsKey)
	if err != nil || len(raw) == 0 || contains(raw, pw) {
		t.Fatalf("stored settings %q (err %v) must not hold the password", raw, err)
	}
	got, configured, err := LoadSettings(ctx, st, sec)
	if err != nil || !configured || got.Host != s.Host || got.Password != pw {
		t.Fatalf("loaded %+v configured=%v err=%v", got, configured, err)
	}
	if err := st.LocalPut(ctx, SettingsKey, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadSettings(ctx, st, sec); err == nil {
		t.Fatal("unreadable settings must be an error in words")
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
