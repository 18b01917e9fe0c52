package store

import (
	"testing"

	"fieldnotes/app/notebook"
)

// A deal is found by its account and by its name, the evidence said in it by
// the deal, and both indexes follow edits.
func TestOpportunitiesAreIndexedByAccountNameAndEvidence(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		a, h := seed(t, s)
		o := notebook.Opportunity{ID: notebook.NewID(), Name: "Globex renewal 2027", AccountID: a.ID, Amount: 48000, Currency: "EUR", Stage: "Negotiation", Status: notebook.DealOpen}
		must(s.Save(ctx, o))
		e := notebook.Evidence{ID: notebook.NewID(), HypothesisID: h.ID, AccountID: a.ID, OpportunityID: o.ID, Impact: notebook.ImpactBlocker, Signal: notebook.SignalSupports, CapturedAt: t0}
		must(s.Save(ctx, &e))

		deals := must(List[notebook.Opportunity](ctx, s, Query{AccountID: a.ID}))
		if len(deals) != 1 || deals[0].Name != o.Name || deals[0].Amount != 48000 {
			t.Fatalf("deals of the account: %+v", deals)
		}
		if ev := must(List[notebook.Evidence](ctx, s, Query{OpportunityID: o.ID})); len(ev) != 1 || ev[0].ID != e.ID {
			t.Fatalf("evidence of the deal: %+v", ev)
		}
		hits := must(s.Search(ctx, "renewal", 10))
		if len(hits) != 1 || hits[0].Type != notebook.TypeOpportunity || hits[0].Title != o.Name {
			t.Fatalf("search by deal name: %+v", hits)
		}

		e.OpportunityID = ""
		must(s.Save(ctx, &e))
		if n := len(must(List[notebook.Evidence](ctx, s, Query{OpportunityID: o.ID}))); n != 0 {
			t.Fatalf("evidence unlinked from the deal still listed under it: %d", n)
		}
		noErr(t, s.Delete(ctx, notebook.TypeOpportunity, o.ID))
		if n := len(must(List[notebook.Opportunity](ctx, s, Query{AccountID: a.ID}))); n != 0 {
			t.Fatalf("deleted deal still listed: %d", n)
		}
		if hits := must(s.Search(ctx, "renewal", 10)); len(hits) != 0 {
			t.Fatalf("deleted deal still found: %+v", hits)
		}
	})
}

// A deal that breaks the domain's rules never reaches the disk.
func TestOpportunityValidationOnSave(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		a, _ := seed(t, s)
		bad := notebook.Opportunity{ID: notebook.NewID(), Name: "x", AccountID: a.ID, Currency: "euro", Status: "maybe"}
		if _, err := s.Save(ctx, bad); !notebook.IsCode(err, notebook.Invalid) {
			t.Fatalf("invalid deal saved: %v", err)
		}
	})
}
