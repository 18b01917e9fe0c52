package store

import (
	"encoding/json"
	"testing"

	"fieldnotes/app/notebook"
)

func hubEnvelope(t notebook.Type, id string, seq uint64, hlc string, data map[string]any) Envelope {
	env := Envelope{ID: id, Type: t, Seq: seq, Scope: "org", Data: map[string]json.RawMessage{}, FieldHLC: map[string]string{}}
	for k, v := range data {
		env.Data[k], _ = json.Marshal(v)
		env.FieldHLC[k] = hlc
	}
	return env
}

func TestApplyPulledRebasesPendingEditsAndAcks(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	a := notebook.Account{ID: "acct-1", Name: "Globex", Segment: "smb"}
	must(s.Save(ctx, &a)) // mutation 1
	a.Segment = "enterprise"
	must(s.Outbox(ctx, 0)) // seal 1 (pushed)
	must(s.Save(ctx, &a))  // mutation 2, still pending
	// the hub applied mutation 1 and another user renamed the account
	page := []Envelope{hubEnvelope(notebook.TypeAccount, "acct-1", 7, "1795000000000-0000", map[string]any{"name": "Globex AG", "segment": "smb", "arr": 5})}
	noErr(t, s.ApplyPulled(ctx, page, "cur-1", 1))
	var got notebook.Account
	noErr(t, s.Get(ctx, "acct-1", &got))
	if got.Name != "Globex AG" || got.Segment != "enterprise" || got.ARR != 5 {
		t.Fatalf("want hub name + pending segment, got %+v", got)
	}
	if out := must(s.Outbox(ctx, 0)); len(out) != 1 || out[0].MutationID != 2 {
		t.Fatalf("outbox after ack: %+v", out)
	}
	if c := must(s.SyncCursor(ctx)); c != "cur-1" {
		t.Fatal(c)
	}
	// applying the same page again changes nothing visible
	noErr(t, s.ApplyPulled(ctx, page, "cur-1", 1))
	noErr(t, s.Get(ctx, "acct-1", &got))
	if got.Segment != "enterprise" {
		t.Fatal("re-applied page lost the pending edit")
	}
	if hits := must(s.Search(ctx, "globex ag", 5)); len(hits) != 1 {
		t.Fatalf("pulled records must be searchable: %+v", hits)
	}
}

func TestRejectedMutationIsUndoneAndReported(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	noErr(t, s.ApplyPulled(ctx, []Envelope{hubEnvelope(notebook.TypeHypothesis, "h1", 3, "1795000000000-0000", map[string]any{"statement": "Teams pay", "status": "active"})}, "c", 0))
	h := notebook.Hypothesis{}
	noErr(t, s.Get(ctx, "h1", &h))
	h.Statement = "Edited by a rep"
	saved := must(s.Save(ctx, &h))
	ev := notebook.Evidence{ID: "e1", HypothesisID: "h1", Signal: notebook.SignalSupports}
	must(s.Save(ctx, &ev))
	must(s.Outbox(ctx, 0))
	noErr(t, s.ResolvePushed(ctx, []PushResult{{MutationID: saved.MutationID, Status: ResultRejected, Code: "forbidden", Message: "only product may edit hypotheses"}, {MutationID: 2, Status: ResultApplied}}))
	noErr(t, s.Get(ctx, "h1", &h))
	if h.Statement != "Teams pay" {
		t.Fatalf("rejected edit still shown: %q", h.Statement)
	}
	if err := s.Get(ctx, "e1", &ev); err != nil {
		t.Fatal("applied evidence must stay:", err)
	}
	rej := must(s.Rejections(ctx))
	if len(rej) != 1 || rej[0].Code != "forbidden" || rej[0].Mutation.Fields["statement"] == nil {
		t.Fatalf("rejections %+v", rej)
	}
	if n := must(s.PendingCount(ctx)); n != 0 {
		t.Fatalf("pending %d", n)
	}
}

func TestNotesEditCarriesTheHubBase(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	noErr(t, s.ApplyPulled(ctx, []Envelope{hubEnvelope(notebook.TypeCall, "k1", 4, "1795000000000-0002", map[string]any{"account_id": "a1", "notes": "from the hub", "started_at": t0})}, "c", 0))
	var c notebook.Call
	noErr(t, s.Get(ctx, "k1", &c))
	c.Notes += " and more"
	must(s.Save(ctx, &c))
	c.Notes += " and more again"
	must(s.Save(ctx, &c))
	out := must(s.Outbox(ctx, 0))
	if len(out) != 1 || out[0].Base["notes"] != "1795000000000-0002" {
		t.Fatalf("notes base: %+v", out)
	}
	// a hub tombstone wins over the pending edit
	del := hubEnvelope(notebook.TypeCall, "k1", 5, "1795000000000-0003", map[string]any{"account_id": "a1"})
	del.Deleted = true
	noErr(t, s.ApplyPulled(ctx, []Envelope{del}, "c2", 0))
	if err := s.Get(ctx, "k1", &c); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("delete must win: %v", err)
	}
}

func TestRenumberOutboxAfterGap(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	for i := 0; i < 3; i++ {
		a := notebook.Account{ID: notebook.NewID(), Name: "A"}
		must(s.Save(ctx, &a))
	}
	noErr(t, s.RenumberOutbox(ctx, 2)) // hub processed 1, expects 2
	out := must(s.Outbox(ctx, 0))
	if len(out) != 2 || out[0].MutationID != 2 || out[1].MutationID != 3 {
		t.Fatalf("%+v", out)
	}
	a := notebook.Account{ID: notebook.NewID(), Name: "B"}
	if saved := must(s.Save(ctx, &a)); saved.MutationID != 4 {
		t.Fatalf("next id %d", saved.MutationID)
	}
}
