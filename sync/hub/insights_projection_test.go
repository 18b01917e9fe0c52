package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// pullCounter is a real store that counts the pages read from it.
type pullCounter struct {
	hubdb.Store
	pulls   atomic.Int64
	records atomic.Int64
}

func (c *pullCounter) Pull(ctx2 context.Context, q hubdb.PullQuery) (hubdb.PullPage, error) {
	page, err := c.Store.Pull(ctx2, q)
	c.pulls.Add(1)
	c.records.Add(int64(len(page.Records)))
	return page, err
}

// TestInsightsSurviveRestart: a hub restarted on its data answers from
// the stored projection — it reads no record of the change feed again —
// with the same numbers, and keeps following edits and deletes.
func TestInsightsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func() (*pullCounter, *hub.Server, *httptest.Server) {
		store, err := hubdb.OpenBadger(hubdb.Options{Dir: dir, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		counted := &pullCounter{Store: store}
		srv, err := hub.NewServer(hub.Options{Store: counted, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		return counted, srv, httptest.NewServer(srv.Handler())
	}
	store, srv, ts := start()
	pmUser, err := hub.AddUser(ctx, store, "pm@example.com", hubdb.RoleProduct, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	repUser, err := hub.AddUser(ctx, store, "rep@example.com", hubdb.RoleField, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pm := &synctest.WireClient{BaseURL: ts.URL, Token: pmUser.Token, ClientID: "c_pm"}
	rep := &synctest.WireClient{BaseURL: ts.URL, Token: repUser.Token, ClientID: "c_rep"}
	publish(t, pm, `[{"id":"h1","statement":"One"},{"id":"h2","statement":"Two"}]`)
	var muts []syncproto.Mutation
	n := uint64(0)
	for i := 0; i < 40; i++ {
		n++
		muts = append(muts, synctest.Upsert(n, "account", fmt.Sprintf("acc-%d", i), hlc(), map[string]any{"name": "A", "arr": 100}))
	}
	for i := 0; i < 600; i++ { // more than one page of the feed
		n++
		sig := []string{"supports", "refutes"}[i%2]
		muts = append(muts, evidence(n, fmt.Sprintf("ev-%03d", i), []string{"h1", "h2"}[i%2], map[string]any{"account_id": fmt.Sprintf("acc-%d", i%40), "signal": sig, "quote": "q"}))
	}
	for i := 0; i < len(muts); i += 200 {
		push(t, rep, muts[i:min(i+200, len(muts))]...)
	}
	before := insights(t, pm, "")
	if before.Evidence != 600 || len(before.Hypotheses) != 2 || before.Hypotheses[0].Signals.Items != 300 {
		t.Fatalf("before restart: evidence %d, %d hypotheses", before.Evidence, len(before.Hypotheses))
	}
	ts.Close()
	srv.Close()
	store.Close()

	store, srv, ts = start()
	defer func() { ts.Close(); srv.Close(); store.Close() }()
	pm.BaseURL, rep.BaseURL = ts.URL, ts.URL
	after := insights(t, pm, "")
	if got := store.records.Load(); got != 0 {
		t.Fatalf("the restarted hub read %d records of the feed again (%d pages); want 0", got, store.pulls.Load())
	}
	if !reflect.DeepEqual(signalsAndCounts(before), signalsAndCounts(after)) {
		t.Fatalf("numbers changed across a restart:\nbefore %+v\nafter  %+v", signalsAndCounts(before), signalsAndCounts(after))
	}

	// An edit (a new signal) and a delete, after the restart.
	n++
	push(t, rep, evidence(n, "ev-000", "h1", map[string]any{"account_id": "acc-0", "signal": "refutes", "captured_at": "2031-01-01T00:00:00Z"}),
		synctest.Delete(n+1, "evidence", "ev-002", hlc()))
	got := insights(t, pm, "?hypothesis_id=h1").Hypotheses[0].Signals
	if got.Items != 299 || got.Overall[notebook.SignalRefutes].Accounts != 1 {
		t.Fatalf("after edit and delete: items %d, refutes %+v", got.Items, got.Overall[notebook.SignalRefutes])
	}
	// An item moved to the other hypothesis leaves the first.
	push(t, rep, synctest.Upsert(n+2, "evidence", "ev-004", hlc(), map[string]any{"hypothesis_id": "h2"}))
	r := insights(t, pm, "")
	if r.Evidence != 599 || r.Hypotheses[0].Signals.Items != 298 || r.Hypotheses[1].Signals.Items != 301 {
		t.Fatalf("after a move: evidence %d, h1 %d items, h2 %d items", r.Evidence, r.Hypotheses[0].Signals.Items, r.Hypotheses[1].Signals.Items)
	}
}

// signalsAndCounts is what every replica and every restart must agree on.
func signalsAndCounts(r hub.InsightsReport) any {
	type row struct {
		ID      string
		Signals notebook.SignalRollup
		Revenue notebook.HypothesisRevenue
		WTP     []notebook.WTPStats
		Quotes  int
	}
	out := []row{{ID: fmt.Sprintf("evidence=%d accounts=%d", r.Evidence, r.Accounts)}}
	for _, h := range r.Hypotheses {
		out = append(out, row{h.HypothesisID, h.Signals, h.Revenue, h.WTP, h.QuotesTotal})
	}
	return out
}

// TestInsightsRevenueOverHTTP: deals and impacts pushed by reps become each
// hypothesis's revenue, each deal once however many items cite it.
func TestInsightsRevenueOverHTTP(t *testing.T) {
	e := newEnv(t)
	publish(t, e.pm, `[{"id":"h1","statement":"One"}]`)
	push(t, e.repA,
		synctest.Upsert(1, "account", "acme", hlc(), map[string]any{"name": "Acme", "arr": 50000}),
		synctest.Upsert(2, "account", "beta", hlc(), map[string]any{"name": "Beta", "arr": 20000}),
		synctest.Upsert(3, "opportunity", "deal-1", hlc(), map[string]any{"name": "Acme renewal", "account_id": "acme", "amount": 40000, "currency": "EUR", "stage": "Negotiation", "status": "open"}),
		synctest.Upsert(4, "opportunity", "deal-2", hlc(), map[string]any{"name": "Beta new", "account_id": "beta", "amount": 9000, "currency": "USD", "stage": "Discovery", "status": "open"}),
		evidence(5, "ev-1", "h1", map[string]any{"account_id": "acme", "opportunity_id": "deal-1", "impact": "retention"}),
		evidence(6, "ev-2", "h1", map[string]any{"account_id": "acme", "opportunity_id": "deal-1", "impact": "retention"}),
		evidence(7, "ev-3", "h1", map[string]any{"account_id": "beta", "opportunity_id": "deal-2", "impact": "blocker"}),
		evidence(8, "ev-4", "h1", map[string]any{"account_id": "beta", "impact": "expansion"}),
	)
	rev := func() notebook.HypothesisRevenue { return insights(t, e.pm, "?hypothesis_id=h1").Hypotheses[0].Revenue }
	r := rev()
	if want := []notebook.Money{{Currency: "EUR", Amount: 40000, Count: 1}, {Currency: "USD", Amount: 9000, Count: 1}}; !reflect.DeepEqual(r.OpenPipeline, want) {
		t.Fatalf("open pipeline %+v, want %+v", r.OpenPipeline, want)
	}
	if want := []notebook.Money{{Currency: "EUR", Amount: 40000, Count: 1}}; !reflect.DeepEqual(r.ARRAtRisk, want) {
		t.Fatalf("ARR at risk %+v, want %+v", r.ARRAtRisk, want)
	}
	if want := []notebook.Money{{Currency: "", Amount: 20000, Count: 1}}; !reflect.DeepEqual(r.ExpansionARR, want) {
		t.Fatalf("expansion %+v, want %+v", r.ExpansionARR, want)
	}

	// Validate, then win deal-2 without a close date: the hub's time counts.
	if wr := pushOne(t, e.pm, synctest.Upsert(1, "hypothesis", "h1", hlc(), map[string]any{"status": "validated", "decided_at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)})); wr.Status != syncproto.StatusApplied {
		t.Fatalf("validate: %+v", wr)
	}
	wonAt := time.Now()
	push(t, e.repB, synctest.Upsert(1, "opportunity", "deal-2", hlc(), map[string]any{"status": "won"}))
	r = rev()
	if want := []notebook.Money{{Currency: "USD", Amount: 9000, Count: 1}}; !reflect.DeepEqual(r.WonAfterDecision, want) {
		t.Fatalf("won after decision %+v, want %+v", r.WonAfterDecision, want)
	}
	ttr := r.TimeToRevenue
	if ttr.FirstWonDealID != "deal-2" || ttr.FromDecisionSeconds == nil || *ttr.FromDecisionSeconds < 3500 || ttr.FirstWonAt.Before(wonAt.Add(-time.Minute)) {
		t.Fatalf("time to revenue %+v", ttr)
	}
	if want := []notebook.Money{{Currency: "EUR", Amount: 40000, Count: 1}}; !reflect.DeepEqual(r.OpenPipeline, want) {
		t.Fatalf("open pipeline after the win %+v, want %+v", r.OpenPipeline, want)
	}
	// An edit of another field keeps the first time the hub saw it won.
	push(t, e.repB, synctest.Upsert(2, "opportunity", "deal-2", hlc(), map[string]any{"stage": "Closed Won"}))
	if again := rev().TimeToRevenue; !again.FirstWonAt.Equal(*ttr.FirstWonAt) {
		t.Fatalf("won time moved from %v to %v on an unrelated edit", ttr.FirstWonAt, again.FirstWonAt)
	}

	// The exports carry the deal of each item.
	rows := exportRows(t, e.pm, "")
	if r := rows["ev-3"]; r.Impact != "blocker" || r.Opportunity != "Beta new" || r.DealStatus != "won" || r.DealStage != "Closed Won" ||
		r.DealAmount == nil || *r.DealAmount != 9000 || r.DealCurrency != "USD" || r.DealClosedAt != ttr.FirstWonAt.UTC().Format(hubdb.TimeFormat) {
		t.Fatalf("export row of ev-3: %+v", r)
	}
	if r := rows["ev-4"]; r.Impact != "expansion" || r.OpportunityID != "" || r.DealAmount != nil {
		t.Fatalf("export row of ev-4 (no deal): %+v", r)
	}
	anon := exportRows(t, e.pm, "?anonymise=1")["ev-1"]
	if anon.DealAmount != nil || !strings.HasPrefix(anon.Opportunity, "Deal-") || anon.Opportunity != anon.OpportunityID || anon.DealStage != "Negotiation" {
		t.Fatalf("anonymised deal columns: %+v", anon)
	}
	csvRep := do(t, e.pm, "GET", "/v1/export/evidence.csv", nil)
	if head, _, _ := strings.Cut(string(csvRep.Body), "\n"); !strings.HasSuffix(head, ",impact,opportunity_id,opportunity,deal_stage,deal_status,deal_amount,deal_currency,deal_closed_at") {
		t.Fatalf("csv header: %s", head)
	}
}

func exportRows(t *testing.T, c *synctest.WireClient, query string) map[string]hub.ExportRow {
	t.Helper()
	rep := do(t, c, "GET", "/v1/export/evidence.ndjson"+query, nil)
	if rep.Status != 200 {
		t.Fatalf("ndjson: %d %s", rep.Status, rep.Body)
	}
	out := map[string]hub.ExportRow{}
	for _, line := range strings.Split(strings.TrimSpace(string(rep.Body)), "\n") {
		var row hub.ExportRow
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		out[row.EvidenceID] = row
	}
	return out
}

// TestInsightsSameOnTwoPostgresReplicas: both replicas answer the same
// numbers from the one stored projection, whichever took the push.
func TestInsightsSameOnTwoPostgresReplicas(t *testing.T) {
	h := synctest.StartReplicas(t, 2, synctest.HubOptions{})
	pmUser, repUser := h.AddUser(t, hubdb.RoleProduct), h.AddUser(t, hubdb.RoleField)
	at := func(i int, u hub.NewUser) *synctest.WireClient {
		return &synctest.WireClient{BaseURL: h.Replicas[i].URL, Token: u.Token, ClientID: fmt.Sprintf("c_r%d_%s", i, u.ID)}
	}
	publish(t, at(0, pmUser), `[{"id":"h1","statement":"One"},{"id":"h2","statement":"Two"}]`)
	var muts []syncproto.Mutation
	for i := 0; i < 300; i++ {
		muts = append(muts, evidence(uint64(i+1), fmt.Sprintf("ev-%03d", i), []string{"h1", "h2"}[i%2], map[string]any{"account_id": fmt.Sprintf("acc-%d", i%25), "signal": []string{"supports", "refutes", "mixed"}[i%3]}))
	}
	push(t, at(1, repUser), muts[:150]...)
	a := insights(t, at(0, pmUser), "")
	push(t, at(1, repUser), muts[150:]...)
	push(t, at(0, repUser), synctest.Delete(1, "evidence", "ev-007", hlc()))
	a, b := insights(t, at(0, pmUser), ""), insights(t, at(1, pmUser), "")
	if a.Evidence != 299 || !reflect.DeepEqual(signalsAndCounts(a), signalsAndCounts(b)) {
		ja, _ := json.Marshal(signalsAndCounts(a))
		jb, _ := json.Marshal(signalsAndCounts(b))
		t.Fatalf("replicas disagree (or miss evidence):\n0: %s\n1: %s", ja, jb)
	}
	raw, _ := json.Marshal(signalsAndCounts(a))
	if len(raw) < 100 {
		t.Fatalf("suspiciously empty report: %s", raw)
	}
}

// TestInsightsWinnersOutgrowOneDocument: a hypothesis cited by more
// accounts than one document holds (hubdb.MaxDocBytes) keeps working, and
// an ARR edit re-weighs it from the stored winners.
func TestInsightsWinnersOutgrowOneDocument(t *testing.T) {
	e := newEnv(t)
	publish(t, e.pm, `[{"id":"h1","statement":"One"}]`)
	const accounts = 12000 // ≈ 100 bytes of winners each: over 1 MB
	var muts []syncproto.Mutation
	for i := 0; i < accounts; i++ {
		acc := fmt.Sprintf("account-with-a-long-identifier-%06d", i)
		muts = append(muts, evidence(uint64(i+1), fmt.Sprintf("ev-%06d", i), "h1", map[string]any{"account_id": acc, "author_role": "sales",
			"impact": "retention", "signal": []string{"supports", "refutes"}[i%2]}))
	}
	for i := 0; i < len(muts); i += 500 {
		push(t, e.repA, muts[i:i+500]...)
	}
	if s := insights(t, e.pm, "").Hypotheses[0].Signals; s.Accounts != accounts || s.Overall[notebook.SignalSupports].Accounts != accounts/2 {
		t.Fatalf("signals over %d accounts: %+v", accounts, s.Overall)
	}
	push(t, e.repB, synctest.Upsert(1, "account", "account-with-a-long-identifier-000000", hlc(), map[string]any{"name": "A", "arr": 777}))
	h := insights(t, e.pm, "").Hypotheses[0]
	if h.Signals.Overall[notebook.SignalSupports].ARR != 777 || !reflect.DeepEqual(h.Revenue.ARRAtRisk, []notebook.Money{{Currency: "", Amount: 777, Count: 1}}) {
		t.Fatalf("after an ARR edit: %+v, at risk %+v", h.Signals.Overall, h.Revenue.ARRAtRisk)
	}
}
