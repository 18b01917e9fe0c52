package bridge

import (
	"testing"
)

// The brief's deals, the capture's default deal and the rep's choice, through
// the bound methods on a real store.
func TestDealsOnTheBriefAndInCapture(t *testing.T) {
	w := newWorld(t)
	deals, calls, ev, accts := NewDeals(w.d), NewCalls(w.d), NewEvidence(w.d), NewAccounts(w.d)

	if _, err := deals.Save(DealDTO{AccountID: w.acct.ID, Name: "Acme platform", Amount: 40000, Currency: "eur", CloseDate: "next week"}); code(err) != "invalid" {
		t.Fatalf("a bad close date: %v", err)
	}
	platform, err := deals.Save(DealDTO{AccountID: w.acct.ID, Name: " Acme platform ", Amount: 40000, Currency: "eur", Stage: "Proposal", CloseDate: "2027-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	if platform.Name != "Acme platform" || platform.Currency != "EUR" || platform.Status != "open" || platform.Owner != "tester" || platform.CloseDate != "2027-03-31" {
		t.Fatalf("saved deal %+v", platform)
	}

	// One open deal: new evidence links to it by default.
	call, err := calls.Start(w.acct.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err := calls.View(call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.DefaultDealID != platform.ID || len(v.Deals) != 1 {
		t.Fatalf("capture view deals %+v default %q", v.Deals, v.DefaultDealID)
	}
	e1, err := ev.Save(EvidenceDTO{CallID: call.ID, HypothesisID: w.hyp.ID, QuestionID: "q1", Signal: "supports", Impact: "blocker"})
	if err != nil {
		t.Fatal(err)
	}
	if e1.OpportunityID != platform.ID || e1.Impact != "blocker" {
		t.Fatalf("evidence %+v: want the only open deal and impact blocker", e1)
	}
	// An autosave without a pick keeps the link; the rep may pick no deal.
	e1.OpportunityID = ""
	if e1, err = ev.Save(e1); err != nil || e1.OpportunityID != platform.ID {
		t.Fatalf("autosave re-linked: %+v %v", e1, err)
	}
	b, err := accts.Brief(w.acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Deals) != 1 || len(b.Deals[0].WaitingOn) != 1 || b.Deals[0].WaitingOn[0].Statement != w.hyp.Statement {
		t.Fatalf("brief deals %+v", b.Deals)
	}
	e1.OpportunityID = "none"
	if e1, err = ev.Save(e1); err != nil || e1.OpportunityID != "" {
		t.Fatalf("no deal: %+v %v", e1, err)
	}
	if _, err := ev.Save(EvidenceDTO{CallID: call.ID, HypothesisID: w.hyp.ID, QuestionID: "q2", Signal: "mixed", OpportunityID: "01JNOTADEAL0000000000000"}); code(err) != "invalid" {
		t.Fatalf("a deal of no account accepted: %v", err)
	}

	// A second open deal: the rep must choose; nothing links by default.
	if _, err := deals.Save(DealDTO{AccountID: w.acct.ID, Name: "Acme renewal", Amount: 9000, Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	// Search finds a deal by name and opens its account's brief.
	hits, err := NewSearch(w.d).Query("renewal", 10)
	if err != nil || len(hits) != 1 || hits[0].Type != "opportunity" || hits[0].Route != "#/accounts/"+w.acct.ID {
		t.Fatalf("search for the deal: %+v %v", hits, err)
	}
	if v, _ = calls.View(call.ID); v.DefaultDealID != "" || len(v.Deals) != 2 || v.Deals[0].ID != platform.ID {
		t.Fatalf("two deals: %+v default %q", v.Deals, v.DefaultDealID)
	}
	e2, err := ev.Save(EvidenceDTO{CallID: call.ID, HypothesisID: w.hyp.ID, QuestionID: "q2", Signal: "mixed"})
	if err != nil || e2.OpportunityID != "" {
		t.Fatalf("with two open deals: %+v %v", e2, err)
	}

	// Won: off the open list, and with it off the brief; its fields kept.
	platform.Status, platform.CloseDate = "won", "2027-01-15"
	if _, err := deals.Save(platform); err != nil {
		t.Fatal(err)
	}
	if b, _ = accts.Brief(w.acct.ID); len(b.Deals) != 1 || b.Deals[0].Name != "Acme renewal" {
		t.Fatalf("brief after the win %+v", b.Deals)
	}
	lost := b.Deals[0].DealDTO
	lost.Status, lost.LostReason = "lost", "budget cut"
	if got, err := deals.Save(lost); err != nil || got.LostReason != "budget cut" || got.Amount != 9000 {
		t.Fatalf("lost: %+v %v", got, err)
	}
	if err := deals.Delete(lost.ID); err != nil {
		t.Fatal(err)
	}
}
