package bridge

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/synctest"
)

// memSettings is replica.Settings in memory.
type memSettings struct {
	mu              sync.Mutex
	url, token, pin string
}

func (m *memSettings) HubURL(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.url, nil
}
func (m *memSettings) SetHubURL(_ context.Context, u string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.url = u
	return nil
}
func (m *memSettings) Token(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.token, nil
}
func (m *memSettings) SetToken(_ context.Context, t string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.token = t
	return nil
}
func (m *memSettings) CertPin(context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pin, nil
}
func (m *memSettings) SetCertPin(_ context.Context, p string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pin = p
	return nil
}

// idleEngine counts sync nudges.
type idleEngine struct{ nudges int }

func (e *idleEngine) Status() syncclient.Status              { return syncclient.Status{} }
func (e *idleEngine) ScheduleSync()                          { e.nudges++ }
func (e *idleEngine) Configure(string, string)               {}
func (e *idleEngine) ConfigurePinned(string, string, string) {}

type fixedDialogs struct{ path string }

func (f fixedDialogs) OpenFile(context.Context, string, []string) (string, error) { return f.path, nil }
func (f fixedDialogs) SaveFile(context.Context, string, string) (string, error)   { return f.path, nil }

// productWorld is a notebook signed in to a real hub over HTTP as role.
func productWorld(t *testing.T, h *synctest.Hub, role hubdb.Role) (*Product, *Deps, *idleEngine) {
	t.Helper()
	st, err := store.Open(store.Options{InMemory: true, Author: string(role)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng := &idleEngine{}
	settings := &memSettings{}
	if h != nil {
		u := h.AddUser(t, role)
		settings.url, settings.token = h.URL, u.Token
	}
	d := &Deps{Store: StoreBackend(st), Author: string(role), Dialogs: fixedDialogs{filepath.Join(t.TempDir(), "out.csv")},
		SyncArea: &SyncDeps{Engine: eng, Settings: settings, Store: st}}
	return NewProduct(d), d, eng
}

func TestProductAreaAgainstARealHub(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	pm, _, eng := productWorld(t, h, hubdb.RoleProduct)

	me, err := pm.Me()
	if err != nil || me.Role != "product" || !me.Product || !me.Online || me.Email == "" {
		t.Fatalf("Me = %+v, %v", me, err)
	}

	// Author two drafts, offline-first: they are records in the notebook.
	a, err := pm.SaveHypothesis(HypothesisInput{Statement: "SMB teams pay for SSO", Rationale: "deals stall on security review",
		Questions: []QuestionDTO{{Text: "Does SSO block the deal?"}, {Text: "What would you pay?", Kind: "wtp"}, {Text: " "}},
		Segments:  []string{"smb", " smb", ""}, Stages: []string{"prospect"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != "draft" || a.Rank != 1 || len(a.Questions) != 2 || a.Questions[0].ID != "q1" || a.Questions[0].Kind != "signal" ||
		a.Questions[1].Kind != "wtp" || len(a.Segments) != 1 || a.Audience != "all" {
		t.Fatalf("draft = %+v", a)
	}
	b, err := pm.SaveHypothesis(HypothesisInput{Statement: "CSMs want usage alerts", Questions: []QuestionDTO{{Text: "Would alerts help?"}}})
	if err != nil || b.Rank != 2 {
		t.Fatalf("second draft = %+v, %v", b, err)
	}
	if _, err := pm.SaveHypothesis(HypothesisInput{Statement: ""}); code(err) != notebook.Invalid {
		t.Fatalf("empty statement: %v", err)
	}
	rows, err := pm.Rank([]string{b.ID, a.ID})
	if err != nil || len(rows) != 2 || rows[0].ID != b.ID || rows[0].Rank != 1 || rows[1].Rank != 2 {
		t.Fatalf("Rank = %+v, %v", rows, err)
	}
	if _, err := pm.Rank([]string{a.ID, a.ID}); code(err) != notebook.Invalid {
		t.Fatalf("rank twice: %v", err)
	}
	if eng.nudges == 0 {
		t.Error("saving did not nudge the sync engine")
	}

	// Publish: the hub stamps published_at and a field user's pull sees it.
	pub, err := pm.Publish(a.ID)
	if err != nil || pub.Status != "active" || pub.PublishedAt == "" {
		t.Fatalf("Publish = %+v, %v", pub, err)
	}
	rep := h.AddUser(t, hubdb.RoleField)
	wc := &synctest.WireClient{BaseURL: h.URL, Token: rep.Token, ClientID: "c_rep"}
	recs, _, err := wc.PullAll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		found = found || (r.ID == a.ID && strings.Contains(string(r.Data["status"]), "active"))
	}
	if !found {
		t.Fatalf("the rep's pull does not hold the published hypothesis (%d records)", len(recs))
	}

	// The rep records evidence; the PM's insights show it with time to signal.
	hl := synctest.HLCAt(time.Now(), 1)
	if _, r, err := wc.Push(context.Background(),
		synctest.Upsert(1, "account", "acc-1", hl, map[string]any{"name": "Acme", "segment": "smb", "arr": 12000}),
		synctest.Upsert(2, "evidence", "ev-1", hl, map[string]any{"hypothesis_id": a.ID, "question_id": "q1", "account_id": "acc-1",
			"signal": "supports", "quote": "SSO is the blocker", "captured_at": time.Now().UTC().Format(time.RFC3339Nano)})); err != nil || r.Status != 200 {
		t.Fatalf("push: %v %d %s", err, r.Status, r.Body)
	}
	ins, err := pm.Insights(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins.Hypotheses) != 1 {
		t.Fatalf("insights: %d hypotheses: %+v", len(ins.Hypotheses), ins)
	}
	one := ins.Hypotheses[0]
	tts := one.TimeToSignal
	if tts.FirstEvidence.Seconds == nil || tts.FirstEvidence.At == nil {
		t.Errorf("no time to first evidence: %+v", tts)
	}
	if q := one.Quotes; len(q) != 1 || q[0].Quote != "SSO is the blocker" || q[0].CapturedAt == "" {
		t.Errorf("quotes = %+v", q)
	}
	if sc := one.Signals.Overall["supports"]; sc.Accounts != 1 || sc.ARR != 12000 {
		t.Errorf("supports = %+v, want 1 account worth 12000", sc)
	}
	if all, err := pm.Insights(""); err != nil || all.Headline.Hypotheses == 0 || all.GeneratedAt == "" {
		t.Errorf("unfiltered insights: %+v %v", all, err)
	}

	// Anonymised export through the dialog.
	ex, err := pm.ExportAnonymised(a.ID)
	if err != nil || ex.Cancelled || ex.Rows != 1 {
		t.Fatalf("export = %+v, %v", ex, err)
	}
	csv, _ := os.ReadFile(ex.Path)
	if strings.Contains(string(csv), "Acme") || !strings.Contains(string(csv), "Account-") {
		t.Errorf("export not anonymised:\n%s", csv)
	}

	// Decide: needs a note, then the hub stamps decided_at.
	if _, err := pm.Decide(a.ID, "validated", " "); code(err) != notebook.Invalid {
		t.Fatalf("decide without a note: %v", err)
	}
	if _, err := pm.Decide(a.ID, "maybe", "x"); code(err) != notebook.Invalid {
		t.Fatalf("decide maybe: %v", err)
	}
	if _, err := pm.Decide(b.ID, "validated", "x"); code(err) != notebook.Conflict {
		t.Fatalf("deciding a draft: %v", err)
	}
	dec, err := pm.Decide(a.ID, "validated", "Five accounts stalled on SSO; it ships in Q1.")
	if err != nil || dec.Status != "validated" || dec.DecisionNote == "" {
		t.Fatalf("Decide = %+v, %v", dec, err)
	}
	ins, err = pm.Insights(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := ins.Hypotheses[0].TimeToSignal.Decided; d.At == nil || *d.At == "" {
		t.Errorf("hub did not stamp decided_at: %+v", d)
	}
	if _, err := pm.Publish(a.ID); code(err) != notebook.Conflict {
		t.Errorf("re-publishing a decided hypothesis: %v", err)
	}
}

func TestProductAreaSaysWhyInWords(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	field, fd, _ := productWorld(t, h, hubdb.RoleField)
	me, err := field.Me()
	if err != nil || me.Role != "field" || me.Product {
		t.Fatalf("field Me = %+v, %v", me, err)
	}
	_, err = field.Insights("")
	if code(err) != notebook.Forbidden || !strings.Contains(err.Error(), "product managers") {
		t.Fatalf("field insights: %v", err)
	}
	x := notebook.Hypothesis{ID: notebook.NewID(), Statement: "Field cannot publish", Status: notebook.StatusDraft,
		Questions: []notebook.Question{{ID: "q1", Text: "Would you?", Kind: notebook.AnswerSignal}}}
	if _, err := fd.Store.Save(context.Background(), &x); err != nil {
		t.Fatal(err)
	}
	if _, err := field.Publish(x.ID); code(err) != notebook.Forbidden {
		t.Fatalf("field publish: %v", err)
	}
	if _, err := field.ExportAnonymised(x.ID); code(err) != notebook.Forbidden {
		t.Fatalf("field export: %v", err)
	}

	// A PM who was online once keeps the product screens offline.
	pm, pd, _ := productWorld(t, h, hubdb.RoleProduct)
	if me, err := pm.Me(); err != nil || !me.Product {
		t.Fatalf("pm Me = %+v, %v", me, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	pd.SyncArea.Settings.SetHubURL(context.Background(), dead)
	me, err = pm.Me()
	if err != nil || !me.Product || me.Online || !strings.Contains(me.Message, "cannot reach the hub") {
		t.Fatalf("offline Me = %+v, %v", me, err)
	}
	if _, err := pm.Insights(""); code(err) != notebook.Unavailable || !strings.Contains(err.Error(), "cannot reach the hub") {
		t.Fatalf("offline insights: %v", err)
	}

	// A revoked or wrong token, and no hub at all.
	pd.SyncArea.Settings.SetHubURL(context.Background(), h.URL)
	pd.SyncArea.Settings.SetToken(context.Background(), "fh_wrong")
	if _, err := pm.Insights(""); code(err) != notebook.Forbidden || !strings.Contains(err.Error(), "token") {
		t.Fatalf("wrong token: %v", err)
	}
	if me, _ := pm.Me(); me.Product || !strings.Contains(me.Message, "token") {
		t.Fatalf("wrong token Me = %+v", me)
	}
	none, _, _ := productWorld(t, nil, hubdb.RoleProduct)
	if _, err := none.Insights(""); code(err) != notebook.NotSetUp || !strings.Contains(err.Error(), "Settings") {
		t.Fatalf("no hub: %v", err)
	}
	if me, err := none.Me(); err != nil || me.Role != "" || me.Message == "" {
		t.Fatalf("no hub Me = %+v, %v", me, err)
	}
}

func TestOutcomesShowWhatTheFieldsEvidenceMoved(t *testing.T) {
	w := newWorld(t)
	p := NewProduct(w.d)
	ctx := context.Background()
	decided := w.now.Add(-time.Hour)
	h := w.hyp
	h.Status, h.DecisionNote, h.DecidedAt = notebook.StatusValidated, "Shipping it", &decided
	ev := notebook.Evidence{ID: notebook.NewID(), HypothesisID: h.ID, AccountID: w.acct.ID, Signal: notebook.SignalSupports, CapturedAt: w.now}
	for _, r := range []notebook.Record{&h, &ev} {
		if _, err := w.d.Store.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	out, err := p.Outcomes()
	if err != nil || len(out) != 1 || out[0].HypothesisID != h.ID || out[0].Evidence != 1 || out[0].Accounts != 1 || out[0].DecisionNote != "Shipping it" {
		t.Fatalf("Outcomes = %+v, %v", out, err)
	}
}

func TestStudiesAreAuthoredInTheNotebook(t *testing.T) {
	w := newWorld(t)
	p := NewProduct(w.d)
	s, err := p.SaveStudy(StudyInput{Title: " Close interviews Q1 ", HypothesisID: w.hyp.ID, TargetCount: 5, Deadline: "2026-12-31", Segments: []string{"smb"}})
	if err != nil || s.Status != "open" || s.Title != "Close interviews Q1" || s.Deadline == "" || s.HypothesisID != w.hyp.ID {
		t.Fatalf("SaveStudy = %+v, %v", s, err)
	}
	if _, err := p.SaveStudy(StudyInput{Title: "x", Deadline: "soon"}); code(err) != notebook.Invalid {
		t.Fatalf("bad deadline: %v", err)
	}
	if _, err := p.SaveStudy(StudyInput{Title: "x", HypothesisID: "nope"}); code(err) != notebook.Invalid {
		t.Fatalf("unknown hypothesis: %v", err)
	}
	if _, err := p.SaveStudy(StudyInput{Title: ""}); code(err) != notebook.Invalid {
		t.Fatalf("no title: %v", err)
	}
	s.Status = "closed"
	if _, err := p.SaveStudy(StudyInput{ID: s.ID, Title: s.Title, HypothesisID: s.HypothesisID, Status: "closed"}); err != nil {
		t.Fatal(err)
	}
	mine, err := p.Studies(w.hyp.ID)
	if err != nil || len(mine) != 1 || mine[0].Status != "closed" {
		t.Fatalf("Studies(h) = %+v, %v", mine, err)
	}
	all, err := p.Studies("")
	if err != nil || len(all) != 2 || all[0].Status != "open" {
		t.Fatalf("Studies() = %+v, %v", all, err)
	}
}

func TestOtherPeoplesDraftsStayOutOfTheFieldList(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	theirs := notebook.Hypothesis{ID: notebook.NewID(), Statement: "A PM's draft", Status: notebook.StatusDraft, Owner: "pm"}
	mine := notebook.Hypothesis{ID: notebook.NewID(), Statement: "My draft", Status: notebook.StatusDraft, Owner: w.d.Author}
	for _, r := range []notebook.Record{&theirs, &mine} {
		if _, err := w.d.Store.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := NewHypotheses(w.d).List()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.ID] = true
	}
	if seen[theirs.ID] || !seen[mine.ID] || !seen[w.hyp.ID] {
		t.Fatalf("list = %+v", rows)
	}
	all, err := NewProduct(w.d).ListHypotheses()
	if err != nil || len(all) != len(rows)+1 {
		t.Fatalf("product list has %d, field list %d: %v", len(all), len(rows), err)
	}
}

// A role an admin set on the hub wins over the rep's own pick, and the rep
// cannot change it from the notebook (issue 16.2).
func TestHubAudienceIsTheFieldRole(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	rep, d, _ := productWorld(t, h, hubdb.RoleField)
	settings := NewSettings(d)
	if _, err := settings.SetFieldRole("sales"); err != nil {
		t.Fatalf("the rep picks sales while the hub says nothing: %v", err)
	}
	me, err := rep.Me()
	if err != nil || me.Audience != "" {
		t.Fatalf("Me before the admin set a role = %+v, %v", me, err)
	}
	if err := hub.SetAudience(context.Background(), h.Store, me.ID, notebook.AudienceCS); err != nil {
		t.Fatal(err)
	}
	if me, err = rep.Me(); err != nil || me.Audience != "cs" {
		t.Fatalf("Me after the admin set cs = %+v, %v", me, err)
	}
	info, err := settings.Info()
	if err != nil || info.Role != "cs" || !info.RoleByHub {
		t.Fatalf("settings = %+v, %v; want role cs set by the hub", info, err)
	}
	if d.role() != notebook.AudienceCS {
		t.Fatalf("evidence would carry role %q", d.role())
	}
	if _, err := settings.SetFieldRole("sales"); code(err) != notebook.Forbidden {
		t.Fatalf("the rep overrides the admin's role: %v", err)
	}
}
