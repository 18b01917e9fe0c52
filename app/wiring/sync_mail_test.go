package wiring

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fieldnotes/app/bridge"
	"fieldnotes/app/imapsync"
	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/synctest"
)

// TestOnlyLinkedEmailReachesTheHub runs the window's services against a
// real hub and a real IMAP server: two customer emails are pulled, one is
// linked as evidence through the Mail area, and after sync the hub holds
// that one email (metadata and excerpt) and the evidence — nothing else.
func TestOnlyLinkedEmailReachesTheHub(t *testing.T) {
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	ctx := context.Background()
	st, err := store.Open(store.Options{InMemory: true, Author: "rep"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := synctest.StartHub(t, synctest.HubOptions{})
	rep, pm := h.AddUser(t, hubdb.RoleField), h.AddUser(t, hubdb.RoleProduct)
	hypID := publishHypothesis(t, h.URL, pm.Token)

	ev := &events{}
	svc := build(st, t.TempDir(), "", "rep", quiet, ev, nil)
	svc.Start(ctx)
	defer svc.Stop()
	d := &bridge.Deps{Store: bridge.StoreBackend(st), Log: quiet, Author: "rep", Mail: svc.mailDeps(), SyncArea: svc.syncDeps(), Sync: svc.SyncState}
	if s := d.Sync(); s.State != "not_configured" {
		t.Fatalf("badge before settings = %+v", s)
	}
	if _, err := bridge.NewSync(d).SaveSettings(bridge.SyncSettingsInput{HubURL: h.URL, Token: rep.Token}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { var x notebook.Hypothesis; return st.Get(ctx, hypID, &x) == nil })

	if _, err := st.Save(ctx, &notebook.Account{ID: notebook.NewID(), Name: "Acme", Domains: []string{"acme.com"}}); err != nil {
		t.Fatal(err)
	}
	host, port := startIMAP(t, raw("ana@acme.com", "a1@acme.com"), raw("bob@acme.com", "b1@acme.com"))
	mail := bridge.NewMail(d)
	if _, err := mail.SaveSettings(bridge.MailSettingsInput{Host: host, Port: port, Security: "none", Username: "rep@myco.example", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return storedEmails(st) == 2 }) // Last is per pull: a relevance nudge may pull again
	linked := imapsync.EmailID("a1@acme.com")
	evd, err := mail.LinkAsEvidence(bridge.EmailEvidenceInput{EmailID: linked, HypothesisID: hypID, Signal: "supports"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		s := svc.Sync.Status()
		return s.Pending == 0 && s.LastSyncedAt.After(time.Time{}) && d.Sync().State == "idle"
	})
	waitFor(t, func() bool { return len(hubRecords(t, h.URL, rep.Token, "evidence")) == 1 })
	emails := hubRecords(t, h.URL, rep.Token, "email")
	if len(emails) != 1 || emails[0].ID != linked {
		t.Fatalf("hub emails = %+v, want only %s", emails, linked)
	}
	for f := range emails[0].Data {
		if f == "body" || f == "html" || f == "text" {
			t.Fatalf("the hub got the email's %s", f)
		}
	}
	if got := hubRecords(t, h.URL, rep.Token, "evidence"); got[0].ID != evd.ID {
		t.Fatalf("hub evidence = %+v", got)
	}
	if ev.count("sync:status") == 0 {
		t.Fatal("no sync:status events")
	}
	if rej, err := bridge.NewSync(d).Rejections(); err != nil || len(rej) != 0 {
		t.Fatalf("rejections = %+v %v", rej, err)
	}
}

func publishHypothesis(t *testing.T, hubURL, token string) string {
	t.Helper()
	id := notebook.NewID()
	wc := synctest.WireClient{BaseURL: hubURL, Token: token, ClientID: "pm-" + id}
	fields := map[string]any{"id": id, "statement": "SMB teams pay for reconciliation", "status": "active", "rank": 1,
		"audience": "", "segments": []string{}, "stages": []string{}, "questions": []map[string]string{{"id": "q1", "text": "Would you pay?", "kind": "signal"}}}
	resp, _, err := wc.Push(context.Background(), synctest.Upsert(1, "hypothesis", id, synctest.HLCAt(time.Now(), 0), fields))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(resp)
	t.Logf("publish: %s", raw)
	return id
}

func hubRecords(t *testing.T, hubURL, token, typ string) []struct {
	ID   string
	Data map[string]json.RawMessage
} {
	t.Helper()
	wc := synctest.WireClient{BaseURL: hubURL, Token: token, ClientID: "check-" + typ}
	envs, _, err := wc.PullAll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []struct {
		ID   string
		Data map[string]json.RawMessage
	}
	for _, e := range envs {
		if e.Type == typ && !e.Deleted {
			out = append(out, struct {
				ID   string
				Data map[string]json.RawMessage
			}{e.ID, e.Data})
		}
	}
	return out
}
