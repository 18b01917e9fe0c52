package hub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

func behind(t *testing.T, c *synctest.WireClient, query string) (hub.InsightAccounts, synctest.Reply) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep, err := c.Do(ctx, http.MethodGet, "/v1/insights/accounts"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out hub.InsightAccounts
	if rep.Status == http.StatusOK {
		if err := rep.Decode(&out); err != nil {
			t.Fatalf("decode: %v: %s", err, rep.Body)
		}
	}
	return out, rep
}

// The accounts behind each count are exactly the ones the count counted
// (issue 16.6), with ARR, the deciding item, quotes and calls.
func TestInsightAccountsOpenUpTheCounts(t *testing.T) {
	e := newEnv(t)
	publish(t, e.pm, sampleHypotheses)
	push(t, e.repA,
		synctest.Upsert(1, "account", "acc-a", hlc(), map[string]any{"name": "Acme", "segment": "Mid-Market", "arr": 20000}),
		synctest.Upsert(2, "account", "acc-b", hlc(), map[string]any{"name": "Bolt", "segment": "mid-market", "arr": 300000}),
		synctest.Upsert(3, "account", "acc-c", hlc(), map[string]any{"name": "Cogs", "segment": "smb", "arr": 10000}),
	)
	base := time.Now().Add(-time.Hour)
	ev := func(n uint64, account, sig string, minutes int, extra map[string]any) syncproto.Mutation {
		f := map[string]any{"account_id": account, "signal": sig, "captured_at": base.Add(time.Duration(minutes) * time.Minute).UTC().Format(time.RFC3339Nano), "author_role": "sales"}
		for k, v := range extra {
			f[k] = v
		}
		return evidence(n, id(), "sso-pricing", f)
	}
	noSignal := ev(8, "acc-a", "", 9, map[string]any{"quote": "IT will say no", "call_id": "call-2", "blocker": "No SAML"})
	push(t, e.repA,
		ev(4, "acc-a", "supports", 1, map[string]any{"quote": "We lose notes weekly", "call_id": "call-1"}),
		ev(5, "acc-b", "refutes", 2, map[string]any{"call_id": "call-3"}),
		ev(6, "acc-b", "supports", 3, map[string]any{"quote": "Okta or nothing", "call_id": "call-4", "author_role": "cs"}),
		ev(7, "acc-c", "refutes", 4, nil),
		noSignal, // a blocker without a signal never replaces acme's supports
	)

	got, rep := behind(t, e.pm, "?hypothesis_id=sso-pricing&signal=supports")
	if rep.Status != http.StatusOK {
		t.Fatalf("status %d: %s", rep.Status, rep.Body)
	}
	report := insights(t, e.pm, "?hypothesis_id=sso-pricing").Hypotheses[0].Signals.Overall["supports"]
	if got.Total != report.Accounts || got.Total != 2 || got.ARR != report.ARR {
		t.Fatalf("behind supports: %d accounts, ARR %v; insights count %d, ARR %v", got.Total, got.ARR, report.Accounts, report.ARR)
	}
	bolt, acme := got.Accounts[0], got.Accounts[1] // largest ARR first
	if bolt.Name != "Bolt" || bolt.ARR != 300000 || bolt.Latest.Quote != "Okta or nothing" || len(bolt.CallIDs) != 2 {
		t.Errorf("bolt = %+v", bolt)
	}
	if acme.Name != "Acme" || acme.Latest.Signal != "supports" || len(acme.Quotes) != 2 || acme.Quotes[0].Quote != "IT will say no" {
		t.Errorf("acme = %+v", acme)
	}
	if acme.CallIDs[0] != "call-2" || acme.CallIDs[1] != "call-1" {
		t.Errorf("acme calls = %v, want newest first", acme.CallIDs)
	}

	// By segment ("Mid-Market" and "mid-market" are one) and by role.
	if seg, _ := behind(t, e.pm, "?hypothesis_id=sso-pricing&signal=supports&segment=MID-MARKET"); seg.Total != 2 {
		t.Errorf("mid-market supports = %d, want 2", seg.Total)
	}
	if sales, _ := behind(t, e.pm, "?hypothesis_id=sso-pricing&signal=refutes&role=sales"); sales.Total != 2 {
		t.Errorf("refutes within sales = %+v, want bolt and cogs", sales.Accounts)
	}
	if lim, _ := behind(t, e.pm, "?hypothesis_id=sso-pricing&limit=1"); len(lim.Accounts) != 1 || !lim.Truncated || lim.Total != 3 {
		t.Errorf("limit 1: %+v", lim)
	}
}

// Attack: a field rep reads every rep's evidence through the drill-down,
// or sends a query built to be expensive or malformed.
func TestInsightAccountsRefusesFieldUsersAndBadQueries(t *testing.T) {
	e := newEnv(t)
	publish(t, e.pm, sampleHypotheses)
	if _, rep := behind(t, e.repA, "?hypothesis_id=sso-pricing&signal=supports"); rep.Status != http.StatusForbidden {
		t.Fatalf("field user: status %d, want 403", rep.Status)
	}
	for _, q := range []string{
		"", "?signal=supports", "?hypothesis_id=../../etc", "?hypothesis_id=sso-pricing&signal=maybe",
		"?hypothesis_id=sso-pricing&role=admin", "?hypothesis_id=sso-pricing&limit=100000", "?hypothesis_id=sso-pricing&limit=-1",
		"?hypothesis_id=sso-pricing&segment=" + strings.Repeat("x", 5000),
	} {
		if _, rep := behind(t, e.pm, q); rep.Status != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400 (%s)", q, rep.Status, rep.Body)
		}
	}
}
