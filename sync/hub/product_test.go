package hub_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// do sends a request and fails the test on a transport error.
func do(t testing.TB, c *synctest.WireClient, method, path string, body []byte) synctest.Reply {
	t.Helper()
	rep, err := c.Do(ctx, method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return rep
}

// withQuestions gives every published hypothesis of a JSON list that has
// none a question: the lifecycle refuses to publish without one, and most
// tests are about something else.
func withQuestions(t testing.TB, doc string) []byte {
	var list []map[string]any
	if json.Unmarshal([]byte(doc), &list) != nil {
		return []byte(doc) // YAML or a wrapped list: sent as written
	}
	for _, h := range list {
		if _, ok := h["questions"]; !ok && (h["status"] == nil || h["status"] != "draft") {
			h["questions"] = []map[string]any{{"id": "q1", "text": "Would you pay for it?", "kind": "signal"}}
		}
	}
	out, _ := json.Marshal(list)
	return out
}

func publish(t testing.TB, c *synctest.WireClient, doc string) []hub.PublishResult {
	t.Helper()
	rep := do(t, c, http.MethodPost, "/v1/hypotheses", withQuestions(t, doc))
	if rep.Status != http.StatusOK {
		t.Fatalf("publish: %d %s", rep.Status, rep.Body)
	}
	var out struct{ Results []hub.PublishResult }
	if err := rep.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Results
}

func insights(t testing.TB, c *synctest.WireClient, query string) hub.InsightsReport {
	t.Helper()
	rep := do(t, c, http.MethodGet, "/v1/insights/hypotheses"+query, nil)
	if rep.Status != http.StatusOK {
		t.Fatalf("insights: %d %s", rep.Status, rep.Body)
	}
	var r hub.InsightsReport
	if err := rep.Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestProductEndpointsForbidFieldUsers(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		method, path string
		body         string
	}{
		{"GET", "/v1/insights/hypotheses", ""},
		{"GET", "/v1/insights/hypotheses?hypothesis_id=h1", ""},
		{"GET", "/v1/export/evidence.csv", ""},
		{"GET", "/v1/export/evidence.ndjson", ""},
		{"GET", "/v1/export/evidence.csv?anonymise=1", ""},
		{"POST", "/v1/hypotheses", `[{"id":"h1","statement":"x"}]`},
		{"GET", "/v1/webhooks", ""},
		{"POST", "/v1/webhooks", `{"url":"http://127.0.0.1:1/"}`},
		{"DELETE", "/v1/webhooks/wh_1", ""},
	}
	for _, tc := range cases {
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		if rep := do(t, e.repA, tc.method, tc.path, body); rep.Status != http.StatusForbidden || rep.Error().Code != "forbidden" {
			t.Errorf("field %s %s: %d %s, want 403 forbidden", tc.method, tc.path, rep.Status, rep.Body)
		}
		if strings.Contains(tc.path, "webhooks") {
			if rep := do(t, e.pm, tc.method, tc.path, body); rep.Status != http.StatusForbidden {
				t.Errorf("product %s %s: %d, want 403 (webhooks are admin only)", tc.method, tc.path, rep.Status)
			}
		}
	}
	// Without a token: 401, not 403.
	anon := *e.repA
	anon.Token = ""
	if rep := do(t, &anon, "GET", "/v1/insights/hypotheses", nil); rep.Status != http.StatusUnauthorized {
		t.Errorf("no token: %d", rep.Status)
	}
	// A hypothesis write through push is rejected for field too.
	r := pushOne(t, e.repA, synctest.Upsert(1, "hypothesis", id(), hlc(), map[string]any{"statement": "mine"}))
	wantStatus(t, r, syncproto.StatusRejected, "forbidden")
	// And the product user may read insights.
	if rep := do(t, e.pm, "GET", "/v1/insights/hypotheses", nil); rep.Status != http.StatusOK {
		t.Errorf("product insights: %d %s", rep.Status, rep.Body)
	}
}

const sampleHypotheses = `
hypotheses:
  - id: sso-pricing
    statement: Mid-market teams will pay for SSO
    rank: 1
    audience: all
    segments: [smb, enterprise]
    questions:
      - text: Would SSO change your decision?
      - id: q-price
        text: What would you pay per seat?
        kind: wtp
  - id: audit-log
    statement: Admins need an audit log export
    rank: 2
    questions:
      - text: How do you audit access today?
`

// TestInsightsEndToEnd: a PM publishes, reps push accounts and evidence,
// the PM reads insights — once per account, ARR weights, roles, WTP,
// capabilities, quotes with authors, time to signal, first seen by product.
func TestInsightsEndToEnd(t *testing.T) {
	e := newEnv(t)
	res := publish(t, e.pm, sampleHypotheses)
	if len(res) != 2 || res[0].Status != "applied" || res[0].PublishedAt == nil {
		t.Fatalf("publish: %+v", res)
	}
	published := *res[0].PublishedAt
	// A rep sees it on the next pull.
	if recs := pullAll(t, e.repB); field(t, recs["sso-pricing"], "statement") != "Mid-market teams will pay for SSO" {
		t.Fatalf("rep did not receive the hypothesis: %v", recs["sso-pricing"])
	}

	accts := map[string]map[string]any{
		"acc-a": {"name": "Acme", "segment": "smb", "arr": 20000},
		"acc-b": {"name": "Bolt", "segment": "enterprise", "arr": 300000},
		"acc-c": {"name": "Cogs", "segment": "smb", "arr": 10000},
		"acc-d": {"name": "Dyno", "segment": "smb", "arr": 5000},
		"acc-e": {"name": "Echo", "segment": "enterprise", "arr": 100000},
	}
	var n uint64
	var muts []syncproto.Mutation
	for _, aid := range []string{"acc-a", "acc-b", "acc-c", "acc-d", "acc-e"} {
		n++
		muts = append(muts, synctest.Upsert(n, "account", aid, hlc(), accts[aid]))
	}
	push(t, e.repA, muts...)

	e.clock.advance(time.Hour) // first evidence an hour after publishing
	base := e.clock.now().Add(-10 * time.Minute)
	ev := func(n uint64, account, sig string, minutes int, extra map[string]any) syncproto.Mutation {
		f := map[string]any{"account_id": account, "signal": sig, "captured_at": base.Add(time.Duration(minutes) * time.Minute).UTC().Format(time.RFC3339Nano), "author_role": "sales"}
		for k, v := range extra {
			f[k] = v
		}
		return evidence(n, id(), "sso-pricing", f)
	}
	push(t, e.repA,
		ev(6, "acc-a", "supports", 0, map[string]any{"quote": "Acme would pay 8 a seat", "wtp": map[string]any{"amount": 8, "currency": "EUR", "period": "seat_month"}, "capability": "SSO"}),
		ev(7, "acc-a", "refutes", 5, map[string]any{"quote": "Actually no", "capability": "sso."}), // latest for acc-a
		ev(8, "acc-b", "supports", 1, map[string]any{"wtp": map[string]any{"amount": 12, "currency": "EUR", "period": "seat_month"}, "capability": "Okta SSO", "blocker": "No SCIM"}),
	)
	e.clock.advance(time.Hour)
	push(t, e.repB,
		ev(1, "acc-b", "mixed", 2, map[string]any{"author_role": "cs", "wtp": map[string]any{"amount": 100, "currency": "USD", "period": "month"}}),
		ev(2, "acc-c", "supports", 3, map[string]any{"author_role": "cs"}),
		ev(3, "acc-d", "supports", 3, nil),
	)
	e.clock.advance(time.Hour)
	push(t, e.repB, ev(4, "acc-e", "supports", 3, map[string]any{"blocker": "no scim"}))

	r := insights(t, e.pm, "?hypothesis_id=sso-pricing") // filtered: does not mark seen
	if len(r.Hypotheses) != 1 {
		t.Fatalf("hypotheses %d", len(r.Hypotheses))
	}
	in := r.Hypotheses[0]
	s := in.Signals
	if s.Accounts != 5 || s.Items != 7 || s.ARR != 435000 {
		t.Fatalf("signals accounts %d items %d arr %v", s.Accounts, s.Items, s.ARR)
	}
	if got := s.Overall[notebook.SignalSupports]; got != (notebook.SignalCount{Accounts: 3, ARR: 115000}) {
		t.Errorf("supports %+v", got)
	}
	if got := s.Overall[notebook.SignalRefutes]; got != (notebook.SignalCount{Accounts: 1, ARR: 20000}) {
		t.Errorf("refutes %+v", got)
	}
	if got := s.Overall[notebook.SignalMixed]; got != (notebook.SignalCount{Accounts: 1, ARR: 300000}) {
		t.Errorf("mixed (acc-b's latest, by cs) %+v", got)
	}
	if got := s.ByRole["sales"][notebook.SignalSupports]; got.Accounts != 3 { // acc-b (sales said supports), acc-d, acc-e
		t.Errorf("sales supports %+v", got)
	}
	if got := s.BySegment["enterprise"][notebook.SignalSupports]; got != (notebook.SignalCount{Accounts: 1, ARR: 100000}) {
		t.Errorf("enterprise supports %+v", got)
	}
	if len(in.WTP) != 2 || in.WTP[0].Currency != "EUR" || in.WTP[0].N != 2 || in.WTP[0].Median != 10 || in.WTP[1].Currency != "USD" {
		t.Errorf("wtp %+v", in.WTP)
	}
	if len(in.Capabilities) < 1 || in.Capabilities[0].Text != "sso" || in.Capabilities[0].Count != 2 || in.Capabilities[0].Accounts != 1 {
		t.Errorf("capabilities %+v", in.Capabilities)
	}
	if len(in.Blockers) != 1 || in.Blockers[0].Accounts != 2 {
		t.Errorf("blockers %+v", in.Blockers)
	}
	if in.QuotesTotal != 2 || in.Quotes[0].Quote != "Actually no" || in.Quotes[0].AccountName != "Acme" || !strings.Contains(in.Quotes[0].Author, "@example.com") {
		t.Errorf("quotes %+v", in.Quotes)
	}
	tts := in.TimeToSignal
	if tts.PublishedAt == nil || !tts.PublishedAt.Equal(published) {
		t.Errorf("published_at %v vs %v", tts.PublishedAt, published)
	}
	if sec := tts.FirstEvidence.Seconds; sec == nil || *sec < 3599 || *sec > 3700 {
		t.Errorf("first evidence after %v s, want ~3600", sec)
	}
	if sec := tts.DistinctAccounts.Seconds; sec == nil || *sec < 3*3600-1 || *sec > 3*3600+100 {
		t.Errorf("five accounts after %v s, want ~10800", sec)
	}
	if tts.EdgeToHub.N != 7 || tts.EdgeToHub.P95 <= 0 || tts.Decided.At != nil {
		t.Errorf("edge to hub %+v decided %v", tts.EdgeToHub, tts.Decided)
	}
	if tts.SeenByProduct != 0 || tts.FirstSeen.At != nil {
		t.Errorf("nothing seen yet: %+v", tts)
	}

	if more := insights(t, e.pm, "?hypothesis_id=sso-pricing&quotes=1").Hypotheses[0]; len(more.Quotes) != 1 || more.QuotesTotal != 2 {
		t.Errorf("quotes=1: %+v", more.Quotes)
	}
	if rep := do(t, e.pm, "GET", "/v1/insights/hypotheses?quotes=0", nil); rep.Status != http.StatusBadRequest {
		t.Errorf("quotes=0: %d", rep.Status)
	}
	// The PM pulls: that is product seeing the evidence.
	e.clock.advance(30 * time.Minute)
	pullAll(t, e.pm)
	in = insights(t, e.pm, "?hypothesis_id=sso-pricing").Hypotheses[0]
	if in.TimeToSignal.SeenByProduct != 7 || in.TimeToSignal.FirstSeen.At == nil || in.TimeToSignal.HubToProduct.N != 7 {
		t.Errorf("after a product pull: %+v", in.TimeToSignal)
	}

	// Decide: validated with a note; decided_at is set once, published_at kept.
	e.clock.advance(time.Hour)
	res = publish(t, e.pm, `[{"id":"sso-pricing","statement":"Mid-market teams will pay for SSO","status":"validated","decision_note":"ship it","rank":1}]`)
	if res[0].Status != "applied" || !res[0].PublishedAt.Equal(published) {
		t.Fatalf("decide: %+v", res[0])
	}
	all := insights(t, e.pm, "")
	in = all.Hypotheses[0]
	if hl := all.Headline; hl.Hypotheses != 2 || hl.FirstEvidence.Reached != 1 || hl.Decided.Reached != 1 || *hl.FiveAccounts.MedianSeconds < 3*3600-1 {
		t.Errorf("headline %+v", hl)
	}
	if in.Status != notebook.StatusValidated || in.TimeToSignal.Decided.Seconds == nil || *in.TimeToSignal.Decided.Seconds < 4*3600 {
		t.Errorf("decided: %s %+v", in.Status, in.TimeToSignal.Decided)
	}
}

func TestInsightsRecruitingPipelineAndOrder(t *testing.T) {
	e := newEnv(t)
	publish(t, e.pm, `[{"id":"h-b","statement":"B","rank":2},{"id":"h-a","statement":"A","rank":1},{"id":"h-z","statement":"unranked"}]`)
	push(t, e.pm, synctest.Upsert(1, "study", "st1", hlc(), map[string]any{"title": "SSO interviews", "hypothesis_id": "h-a", "target_count": 5}))
	push(t, e.repA,
		synctest.Upsert(1, "contact", "c1", hlc(), map[string]any{"email": "ana@acme.com", "study_id": "st1", "recruit_status": "nominated"}),
		synctest.Upsert(2, "contact", "c2", hlc(), map[string]any{"email": "bo@acme.com", "study_id": "st1", "recruit_status": "invited"}),
		synctest.Upsert(3, "contact", "c3", hlc(), map[string]any{"email": "cy@acme.com", "study_id": "st1", "recruit_status": "invited"}),
	)
	r := insights(t, e.pm, "")
	var order []string
	for _, h := range r.Hypotheses {
		order = append(order, h.HypothesisID)
	}
	if strings.Join(order, ",") != "h-a,h-b,h-z" {
		t.Errorf("order %v", order)
	}
	st := r.Hypotheses[0].Studies
	if len(st) != 1 || st[0].Counts["invited"] != 2 || st[0].Counts["nominated"] != 1 || st[0].TargetCount != 5 || len(r.Studies) != 1 {
		t.Errorf("pipeline %+v", st)
	}
}

func TestPublishReportsLineAccurateErrors(t *testing.T) {
	e := newEnv(t)
	rep := do(t, e.pm, http.MethodPost, "/v1/hypotheses", []byte("- id: ok\n  statement: fine\n- id: bad id\n  statement: \"\"\n  colour: red\n"))
	msg := rep.Error().Message
	if rep.Status != http.StatusBadRequest || !strings.Contains(msg, "body:3: id:") || !strings.Contains(msg, "body:4: statement: is required") ||
		!strings.Contains(msg, "body:5: colour: unknown field") {
		t.Fatalf("%d %s", rep.Status, msg)
	}
}

func TestExportsAndAnonymisedExport(t *testing.T) {
	e := newEnv(t)
	publish(t, e.pm, `[{"id":"h1","statement":"Teams pay for SSO","questions":[{"id":"q1","text":"Would you pay?"}]}]`)
	push(t, e.repA,
		synctest.Upsert(1, "account", "acc-1", hlc(), map[string]any{"name": "Acme Corp", "segment": "smb", "arr": 42000}),
		synctest.Upsert(2, "contact", "con-1", hlc(), map[string]any{"email": "ana@acme.com", "name": "Ana Lima", "account_id": "acc-1"}),
		evidence(3, "ev-1", "h1", map[string]any{"account_id": "acc-1", "contact_id": "con-1", "question_id": "q1",
			"quote": "Ana Lima here: Acme Corp would pay", "wtp": map[string]any{"amount": 9.5, "currency": "EUR", "period": "seat_month"}}),
		evidence(4, "ev-2", "h1", map[string]any{"quote": "=HYPERLINK(\"http://evil\")"}),
	)
	csvRep := do(t, e.pm, "GET", "/v1/export/evidence.csv", nil)
	rows, err := csv.NewReader(strings.NewReader(string(csvRep.Body))).ReadAll()
	if csvRep.Status != 200 || err != nil || len(rows) != 3 || rows[0][0] != "evidence_id" {
		t.Fatalf("csv: %d %v %q", csvRep.Status, err, csvRep.Body)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	var acme, evil []string
	for _, r := range rows[1:] {
		if r[col["evidence_id"]] == "ev-1" {
			acme = r
		} else {
			evil = r
		}
	}
	if acme[col["account"]] != "Acme Corp" || acme[col["arr"]] != "42000" || acme[col["question"]] != "Would you pay?" || acme[col["wtp_amount"]] != "9.5" {
		t.Errorf("csv row %v", acme)
	}
	if !strings.HasPrefix(evil[col["quote"]], "'=") {
		t.Errorf("formula not defused: %q", evil[col["quote"]])
	}

	anon := func() hub.ExportRow {
		rep := do(t, e.pm, "GET", "/v1/export/evidence.ndjson?anonymise=1&hypothesis_id=h1", nil)
		if rep.Status != 200 || rep.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("ndjson: %d %s", rep.Status, rep.Body)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(rep.Body)), "\n") {
			var row hub.ExportRow
			if err := json.Unmarshal([]byte(line), &row); err != nil {
				t.Fatal(err)
			}
			if row.EvidenceID == "ev-1" {
				return row
			}
		}
		t.Fatal("ev-1 not exported")
		return hub.ExportRow{}
	}
	a1, a2 := anon(), anon()
	if a1.Account == "" || a1.Account != a2.Account || a1.Contact != a2.Contact || !strings.HasPrefix(a1.Account, "Account-") {
		t.Errorf("pseudonyms not stable: %q %q", a1.Account, a2.Account)
	}
	body, _ := json.Marshal(a1)
	for _, secret := range []string{"Acme", "Ana", "acc-1", "con-1", "42000", "@example.com"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("anonymised row leaks %q: %s", secret, body)
		}
	}
	if a1.Segment != "smb" || a1.ARRBand != "10k-50k" || a1.ARR != nil || !strings.Contains(a1.Quote, a1.Account) || !strings.Contains(a1.Quote, a1.Contact) {
		t.Errorf("anonymised row %+v", a1)
	}
	if rep := do(t, e.pm, "GET", "/v1/export/evidence.csv?anonymise=maybe", nil); rep.Status != 400 {
		t.Errorf("bad anonymise: %d", rep.Status)
	}
}

// TestInsightsFollowDeletesAndAccountEdits: a deleted evidence item leaves
// the roll-up; an ARR edit re-weighs without new evidence; a deleted
// hypothesis leaves the report.
func TestInsightsFollowDeletesAndAccountEdits(t *testing.T) {
	e := newEnv(t)
	publish(t, e.pm, `[{"id":"h1","statement":"One"},{"id":"h2","statement":"Two"}]`)
	push(t, e.repA,
		synctest.Upsert(1, "account", "acc-1", hlc(), map[string]any{"name": "Acme", "arr": 1000}),
		evidence(2, "ev-1", "h1", map[string]any{"account_id": "acc-1", "signal": "supports"}),
		evidence(3, "ev-2", "h1", map[string]any{"account_id": "acc-1", "signal": "refutes", "captured_at": "2030-01-01T00:00:00Z"}),
	)
	sig := func() notebook.SignalRollup { return insights(t, e.pm, "?hypothesis_id=h1").Hypotheses[0].Signals }
	if s := sig(); s.Overall[notebook.SignalRefutes].ARR != 1000 || s.Items != 2 {
		t.Fatalf("before: %+v", s)
	}
	push(t, e.repA, synctest.Delete(4, "evidence", "ev-2", hlc()))
	if s := sig(); s.Overall[notebook.SignalSupports].ARR != 1000 || s.Overall[notebook.SignalRefutes].Accounts != 0 || s.Items != 1 {
		t.Fatalf("after delete: %+v", s)
	}
	push(t, e.repB, synctest.Upsert(1, "account", "acc-1", hlc(), map[string]any{"arr": 5000}))
	if s := sig(); s.Overall[notebook.SignalSupports].ARR != 5000 {
		t.Fatalf("after ARR edit: %+v", s)
	}
	if wr := pushOne(t, e.pm, synctest.Delete(1, "hypothesis", "h2", hlc())); wr.Status != "applied" {
		t.Fatalf("delete hypothesis: %+v", wr)
	}
	if r := insights(t, e.pm, ""); len(r.Hypotheses) != 1 || r.Hypotheses[0].HypothesisID != "h1" {
		t.Fatalf("after deleting h2: %+v", r.Hypotheses)
	}
}
