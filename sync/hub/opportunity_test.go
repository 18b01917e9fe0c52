package hub_test

import (
	"strings"
	"testing"
	"time"

	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

func deal(n uint64, dealID, accountID, at string, fields map[string]any) syncproto.Mutation {
	f := map[string]any{"name": "Acme platform", "account_id": accountID, "amount": 48000, "currency": "EUR", "stage": "Discovery", "status": "open"}
	for k, v := range fields {
		f[k] = v
	}
	return synctest.Upsert(n, "opportunity", dealID, at, f)
}

// sync-protocol.md: opportunity lives in org; field, product and admin write
// it; everyone reads it.
func TestOpportunityIsOrgScopedAndWrittenByEveryRole(t *testing.T) {
	e := newEnv(t)
	acc, d1, d2, d3 := id(), id(), id(), id()
	wantStatus(t, pushOne(t, e.repA, deal(1, d1, acc, hlc(), nil)), "applied", "")
	wantStatus(t, pushOne(t, e.pm, deal(1, d2, acc, hlc(), map[string]any{"name": "Acme expansion"})), "applied", "")
	wantStatus(t, pushOne(t, e.admin, deal(1, d3, acc, hlc(), map[string]any{"status": "won"})), "applied", "")
	// rep B edits rep A's deal: an org record, so it is B's to change too.
	wantStatus(t, pushOne(t, e.repB, synctest.Upsert(1, "opportunity", d1, hlc(), map[string]any{"stage": "Proposal"})), "applied", "")
	for _, c := range []*synctest.WireClient{e.repA, e.repB, e.pm, e.admin} {
		all := pullAll(t, c)
		for _, want := range []string{d1, d2, d3} {
			rec, ok := all[want]
			if !ok || rec.Scope != syncproto.OrgScope || rec.Type != "opportunity" {
				t.Fatalf("deal %s as pulled: %+v (present %v)", want, rec, ok)
			}
		}
		if got := field(t, all[d1], "stage"); got != "Proposal" {
			t.Fatalf("stage %v, want rep B's Proposal", got)
		}
	}
}

// Per-field last-writer-wins by HLC: two reps offline change different fields
// of one deal and both changes survive; of two writes to one field the later
// HLC wins whatever order they arrive in.
func TestOpportunityMergesPerFieldLWW(t *testing.T) {
	e := newEnv(t)
	acc, d := id(), id()
	base := time.Now()
	wantStatus(t, pushOne(t, e.repA, deal(1, d, acc, synctest.HLCAt(base, 1), nil)), "applied", "")
	later, earlier := synctest.HLCAt(base.Add(2*time.Second), 0), synctest.HLCAt(base.Add(time.Second), 0)
	wantStatus(t, pushOne(t, e.repB, synctest.Upsert(1, "opportunity", d, later, map[string]any{"amount": 60000})), "applied", "")
	// A's edit was made earlier (offline) and arrives last: its amount loses,
	// its stage (a field B did not touch) wins.
	wantStatus(t, pushOne(t, e.repA, synctest.Upsert(2, "opportunity", d, earlier, map[string]any{"amount": 52000, "stage": "Negotiation"})), "applied", "")
	rec := pullAll(t, e.pm)[d]
	if field(t, rec, "amount") != float64(60000) || field(t, rec, "stage") != "Negotiation" || field(t, rec, "currency") != "EUR" {
		t.Fatalf("merged deal: %s", rec.Data)
	}
	if rec.FieldHLC["amount"] != later || rec.FieldHLC["stage"] != earlier {
		t.Fatalf("field_hlc: %+v", rec.FieldHLC)
	}
	// A delete wins over a later edit.
	wantStatus(t, pushOne(t, e.repB, synctest.Delete(2, "opportunity", d, hlc())), "applied", "")
	wantStatus(t, pushOne(t, e.repA, synctest.Upsert(3, "opportunity", d, hlc(), map[string]any{"stage": "Closed"})), "rejected", "not_found")
	if rec := pullAll(t, e.repA)[d]; !rec.Deleted {
		t.Fatalf("deleted deal came back: %+v", rec)
	}
}

// The hub validates deals with the domain's rules: each bad field is refused
// by name, and the rest of the batch still goes through.
func TestOpportunityValidation(t *testing.T) {
	e := newEnv(t)
	acc := id()
	cases := []struct {
		name   string
		fields map[string]any
		field  string
	}{
		{"no account", map[string]any{"account_id": nil}, "account_id"},
		{"no name", map[string]any{"name": ""}, "name"},
		{"status outside its set", map[string]any{"status": "pending"}, "status"},
		{"currency not a code", map[string]any{"currency": "euro"}, "currency"},
		{"negative amount", map[string]any{"amount": -5}, "amount"},
		{"amount as text", map[string]any{"amount": "48k"}, "amount"},
		{"close date not a time", map[string]any{"close_date": "next week"}, "close_date"},
		{"crm id without vendor", map[string]any{"crm_ids": []string{"0065g000"}}, "crm_ids"},
	}
	muts := make([]syncproto.Mutation, 0, len(cases)+1)
	for i, c := range cases {
		muts = append(muts, deal(uint64(i+1), id(), acc, hlc(), c.fields))
	}
	good := id()
	muts = append(muts, deal(uint64(len(cases)+1), good, acc, hlc(), map[string]any{"close_date": "2027-03-31T00:00:00Z", "crm_ids": []string{"salesforce:0065g000"}}))
	res := push(t, e.repA, muts...)
	for i, c := range cases {
		wantStatus(t, res[i], "rejected", "invalid")
		if !strings.Contains(res[i].Message, c.field) {
			t.Errorf("%s: message %q does not name %s", c.name, res[i].Message, c.field)
		}
	}
	wantStatus(t, res[len(cases)], "applied", "")
	if _, ok := pullAll(t, e.repB)[good]; !ok {
		t.Fatal("the valid deal of the batch is missing")
	}
}

// Evidence carries its deal and impact; an impact outside the set is refused;
// a deal id cannot be reused for another type (nor the other way round).
func TestEvidenceCitesADeal(t *testing.T) {
	e := newEnv(t)
	acc, d, hyp, ev, bad := id(), id(), id(), id(), id()
	wantStatus(t, pushOne(t, e.pm, synctest.Upsert(1, "hypothesis", hyp, hlc(), map[string]any{"statement": "Teams pay for X"})), "applied", "")
	res := push(t, e.repA, deal(1, d, acc, hlc(), nil),
		evidence(2, ev, hyp, map[string]any{"opportunity_id": d, "impact": "blocker", "account_id": acc}),
		evidence(3, bad, hyp, map[string]any{"opportunity_id": d, "impact": "urgent"}),
		synctest.Upsert(4, "opportunity", ev, hlc(), map[string]any{"name": "x", "account_id": acc}))
	wantStatus(t, res[0], "applied", "")
	wantStatus(t, res[1], "applied", "")
	wantStatus(t, res[2], "rejected", "invalid")
	if !strings.Contains(res[2].Message, "impact") {
		t.Fatalf("impact refusal does not name the field: %q", res[2].Message)
	}
	wantStatus(t, res[3], "rejected", "invalid")
	rec := pullAll(t, e.pm)[ev]
	if field(t, rec, "opportunity_id") != d || field(t, rec, "impact") != "blocker" {
		t.Fatalf("evidence as the PM reads it: %s", rec.Data)
	}
}
