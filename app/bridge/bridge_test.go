package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

type world struct {
	d       *Deps
	now     time.Time
	acct    notebook.Account
	hyp     notebook.Hypothesis
	contact notebook.Contact
	study   notebook.Study
}

func newWorld(t *testing.T) *world {
	t.Helper()
	// On disk and encrypted, like the app (backup needs an encrypted store).
	st, err := store.Open(store.Options{Dir: t.TempDir(), Key: make([]byte, 32), Author: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	w.d = &Deps{Store: StoreBackend(st), Author: "tester", Role: notebook.AudienceSales, Now: func() time.Time { return w.now }}
	w.acct = notebook.Account{ID: notebook.NewID(), Name: "Acme Freight", Domains: []string{"acme.com"}, Segment: "smb", Stage: notebook.StageCustomer, ARR: 1000}
	w.hyp = notebook.Hypothesis{ID: notebook.NewID(), Statement: "SMB teams pay for reconciliation", Status: notebook.StatusActive, Rank: 1,
		Segments: []string{"smb"}, Questions: []notebook.Question{{ID: "q1", Text: "How long is close?", Kind: notebook.AnswerSignal}, {ID: "q2", Text: "Would you pay?", Kind: notebook.AnswerWTP}}}
	other := notebook.Hypothesis{ID: notebook.NewID(), Statement: "Enterprise only", Status: notebook.StatusActive, Segments: []string{"enterprise"}, Questions: []notebook.Question{{ID: "x", Text: "?", Kind: notebook.AnswerText}}}
	w.contact = notebook.Contact{ID: notebook.NewID(), Email: "ana@acme.com", Name: "Ana", AccountID: w.acct.ID}
	w.study = notebook.Study{ID: notebook.NewID(), Title: "Close interviews", Status: notebook.StudyOpen}
	for _, r := range []notebook.Record{w.acct, w.hyp, other, w.contact, w.study} {
		if _, err := st.Save(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func code(err error) notebook.Code { return notebook.ErrorCode(err) }

func TestCallCaptureRoundTrip(t *testing.T) {
	w := newWorld(t)
	calls, ev := NewCalls(w.d), NewEvidence(w.d)
	call, err := calls.Start(w.acct.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if call.Kind != "discovery" || !strings.Contains(call.Title, "Acme Freight") {
		t.Fatalf("call = %+v", call)
	}
	v, err := calls.View(call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Hypotheses) != 1 || v.Hypotheses[0].ID != w.hyp.ID {
		t.Fatalf("only the smb hypothesis targets this account, got %+v", v.Hypotheses)
	}
	if _, err := calls.SaveNotes(call.ID, "close takes nine days"); err != nil {
		t.Fatal(err)
	}
	// A quote before a signal carries no signal (nothing invents one); the account comes from the call.
	e1, err := ev.Save(EvidenceDTO{CallID: call.ID, HypothesisID: w.hyp.ID, QuestionID: "q1", Quote: "nine days", AccountID: "forged"})
	if err != nil {
		t.Fatal(err)
	}
	if e1.ID == "" || e1.Signal != "" || e1.AccountID != w.acct.ID || e1.Source != "manual" {
		t.Fatalf("evidence = %+v", e1)
	}
	first := e1.CapturedAt
	w.now = w.now.Add(time.Minute)
	e1.Signal = "supports"
	e1.WTP = &WTPDTO{Amount: 40, Currency: "eur", Period: "seat_month"}
	e2, err := ev.Save(e1)
	if err != nil {
		t.Fatal(err)
	}
	if e2.ID != e1.ID || e2.CapturedAt != first || e2.WTP.Currency != "EUR" {
		t.Fatalf("update = %+v", e2)
	}
	v, _ = calls.View(call.ID)
	if v.Call.Notes != "close takes nine days" || len(v.Evidence) != 1 || v.Evidence[0].Signal != "supports" {
		t.Fatalf("view after saves = %+v", v)
	}
	if _, err := calls.End(call.ID); err != nil {
		t.Fatal(err)
	}
	hits, err := NewSearch(w.d).Query("nine days", 10)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v %v", hits, err)
	}
	for _, h := range hits {
		if h.Route != "#/calls/"+call.ID {
			t.Errorf("hit %s routes to %s", h.Type, h.Route)
		}
	}
	det, err := NewHypotheses(w.d).Get(w.hyp.ID)
	if err != nil || det.Tally.Supports != 1 || det.Evidence[0].AccountName != "Acme Freight" {
		t.Fatalf("detail = %+v %v", det, err)
	}
	tallies, err := NewHypotheses(w.d).Tallies([]string{w.hyp.ID, "unknown"})
	if err != nil || tallies[w.hyp.ID].Supports != 1 || tallies["unknown"].Items != 0 {
		t.Fatalf("tallies = %+v %v", tallies, err)
	}
	home, err := NewHome(w.d).View()
	if err != nil || len(home.Today) != 1 || home.Pending == 0 || home.Sync.State != "not_configured" {
		t.Fatalf("home = %+v %v", home, err)
	}
}

func TestBadInputIsCodedNeverPanics(t *testing.T) {
	w := newWorld(t)
	if _, err := NewCalls(w.d).View("no-such-call"); code(err) != notebook.NotFound {
		t.Fatalf("missing call: %v", err)
	}
	if _, err := NewCalls(w.d).Start("no-such-account", "demo"); code(err) != notebook.NotFound {
		t.Fatalf("missing account: %v", err)
	}
	call, _ := NewCalls(w.d).Start(w.acct.ID, "demo")
	if _, err := NewEvidence(w.d).Save(EvidenceDTO{CallID: call.ID, HypothesisID: w.hyp.ID, Signal: "yes"}); code(err) != notebook.Invalid {
		t.Fatalf("bad signal: %v", err)
	}
	if _, err := NewEvidence(w.d).Save(EvidenceDTO{CallID: call.ID, HypothesisID: w.hyp.ID, WTP: &WTPDTO{Amount: -1, Currency: "E"}}); code(err) != notebook.Invalid {
		t.Fatalf("bad wtp: %v", err)
	}
	if _, err := NewCalls(w.d).Start(w.acct.ID, "lunch"); code(err) != notebook.Invalid {
		t.Fatalf("bad kind: %v", err)
	}
	if _, err := NewRecruiting(w.d).RecordConsent(w.contact.ID, ConsentInput{Wording: "x", Channel: "call", At: "yesterday"}); code(err) != notebook.Invalid {
		t.Fatalf("bad time: %v", err)
	}
	if _, err := NewSettings(w.d).Export("pdf"); code(err) == "" {
		t.Fatal("export without transfer or with a bad format must fail")
	}
}

func TestRecruitingRules(t *testing.T) {
	w := newWorld(t)
	r := NewRecruiting(w.d)
	for _, f := range []string{"ana@acme.com", "an", "ACME", ""} {
		if found, err := r.Contacts(f); err != nil || len(found) != 1 || found[0].AccountName != "Acme Freight" {
			t.Fatalf("Contacts(%q) = %+v %v", f, found, err)
		}
	}
	if found, err := r.Contacts("zzz-nobody"); err != nil || found == nil || len(found) != 0 {
		t.Fatalf("no match must be an empty list: %#v %v", found, err)
	}
	c, err := r.Nominate(w.contact.ID, w.study.ID)
	if err != nil || c.RecruitStatus != "nominated" || c.AccountName != "Acme Freight" {
		t.Fatalf("nominate: %+v %v", c, err)
	}
	if c, err = r.Move(w.contact.ID, "invited", false); err != nil || c.LastInvitedAt == "" {
		t.Fatalf("invite: %+v %v", c, err)
	}
	c, err = r.RecordConsent(w.contact.ID, ConsentInput{Wording: "We record the session", Channel: "call", Given: true})
	if err != nil || c.RecruitStatus != "consented" || len(c.ConsentLog) != 1 || c.ConsentLog[0].RecordedBy != "tester" {
		t.Fatalf("consent: %+v %v", c, err)
	}
	views, err := r.Studies()
	if err != nil || len(views) != 1 || views[0].Counts["consented"] != 1 {
		t.Fatalf("studies: %+v %v", views, err)
	}
	// Declined, nominated again a month later: re-invite needs acknowledging.
	r.Move(w.contact.ID, "declined", false)
	w.now = w.now.Add(30 * 24 * time.Hour)
	r.Nominate(w.contact.ID, w.study.ID)
	if _, err := r.Move(w.contact.ID, "invited", false); code(err) != notebook.Conflict {
		t.Fatalf("re-invite within 90 days: %v", err)
	}
	if _, err := r.Move(w.contact.ID, "invited", true); err != nil {
		t.Fatalf("acknowledged re-invite: %v", err)
	}
	// do_not_contact wins over everything, but invents no decline: the
	// status stays, only declining is left, and a field user cannot clear it.
	if c, err = r.SetDoNotContact(w.contact.ID, true); err != nil || c.RecruitStatus != "invited" || !c.DoNotContact || !slices.Equal(c.Next, []string{"declined"}) {
		t.Fatalf("dnc: %+v %v", c, err)
	}
	if _, err := r.SetDoNotContact(w.contact.ID, false); code(err) != notebook.Forbidden {
		t.Fatalf("a field user cleared dnc: %v", err)
	}
	if _, err := r.Nominate(w.contact.ID, w.study.ID); code(err) != notebook.Forbidden {
		t.Fatalf("nominate dnc: %v", err)
	}
	if _, err := r.RecordConsent(w.contact.ID, ConsentInput{Wording: "w", Channel: "call", Given: true}); code(err) != notebook.Forbidden {
		t.Fatalf("consent dnc: %v", err)
	}
}

func TestBriefAndLists(t *testing.T) {
	w := newWorld(t)
	b, err := NewAccounts(w.d).Brief(w.acct.ID)
	if err != nil || len(b.Hypotheses) != 1 || len(b.Contacts) != 1 || len(b.Studies) != 1 {
		t.Fatalf("brief: %+v %v", b, err)
	}
	rows, err := NewAccounts(w.d).List("FREIGHT")
	if err != nil || len(rows) != 1 {
		t.Fatalf("filter: %+v %v", rows, err)
	}
	rows, _ = NewAccounts(w.d).List("nothing-like-this")
	if rows == nil || len(rows) != 0 {
		t.Fatalf("no match must be an empty list, not null: %#v", rows)
	}
	hs, err := NewHypotheses(w.d).List()
	if err != nil || len(hs) != 2 || hs[0].ID != w.hyp.ID {
		t.Fatalf("ranked: %+v %v", hs, err)
	}
}

type panicky struct{ Backend }

func (panicky) Get(context.Context, string, notebook.Record) error { panic("boom") }

func TestPanicsBecomeInternalErrors(t *testing.T) {
	w := newWorld(t)
	d := *w.d
	d.Store = panicky{w.d.Store}
	_, err := NewCalls(&d).View("x")
	if code(err) != notebook.Internal || strings.Contains(err.Error(), "boom") {
		t.Fatalf("panic → %v", err)
	}
}

func TestFormatErrorIsJSON(t *testing.T) {
	for _, err := range []error{notebook.Errorf(notebook.Forbidden, "no"), errors.New("raw")} {
		s, ok := FormatError(err).(string)
		var got notebook.Error
		if !ok || json.Unmarshal([]byte(s), &got) != nil || got.Code == "" || got.Message == "" {
			t.Fatalf("FormatError(%v) = %v", err, FormatError(err))
		}
	}
}

type recorder struct{ names []string }

func (r *recorder) Emit(name string, _ any) { r.names = append(r.names, name) }

type fakeDialogs struct{ path string }

func (f fakeDialogs) OpenFile(context.Context, string, []string) (string, error) { return f.path, nil }
func (f fakeDialogs) SaveFile(context.Context, string, string) (string, error)   { return f.path, nil }

type fakeTransfer struct{}

func (fakeTransfer) Preview(context.Context, string, map[string]string) (ImportPreview, error) {
	return ImportPreview{}, nil
}
func (fakeTransfer) Import(_ context.Context, path string, _ map[string]string) (ImportReport, error) {
	return ImportReport{Imported: 1, Errors: []LineError{{File: path, Line: 3, Message: "bad email"}}}, nil
}
func (fakeTransfer) Export(context.Context, string, string) (int, error) { return 7, nil }

func TestSettingsThroughDialogs(t *testing.T) {
	w := newWorld(t)
	rec := &recorder{}
	d := *w.d
	d.Emit, d.Transfer = rec, fakeTransfer{}
	d.Dialogs = fakeDialogs{}
	if r, err := NewSettings(&d).Import(); err != nil || !r.Cancelled {
		t.Fatalf("cancelled dialog: %+v %v", r, err)
	}
	d.Dialogs = fakeDialogs{path: "/tmp/contacts.csv"}
	r, err := NewSettings(&d).Import()
	if err != nil || r.Imported != 1 || r.Errors[0].Line != 3 || r.File != "/tmp/contacts.csv" {
		t.Fatalf("import: %+v %v", r, err)
	}
	if len(rec.names) != 0 {
		t.Fatalf("events: %v; an import answers with its report and sends no event of its own", rec.names)
	}
	backup := t.TempDir() + "/notebook.backup"
	d.Dialogs = fakeDialogs{path: backup}
	if res, err := NewSettings(&d).Backup(); err != nil || res.Path != backup {
		t.Fatalf("backup: %+v %v", res, err)
	}
	info, err := NewSettings(&d).Info()
	if err != nil || info.Author != "tester" || info.Pending == 0 {
		t.Fatalf("info: %+v %v", info, err)
	}
}
