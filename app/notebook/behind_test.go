package notebook

import (
	"testing"
	"time"
)

func TestAccountsBehindAgreesWithTheTally(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	items := []Evidence{
		// acme: supports on Q1, then a price and a blocker without a signal (issue 16.1's sequence)
		{ID: "1", AccountID: "acme", CallID: "c1", Signal: SignalSupports, Quote: "We lose notes weekly", AuthorRole: AudienceSales, CapturedAt: at(1)},
		{ID: "2", AccountID: "acme", CallID: "c1", WTP: &WTP{Amount: 2000, Currency: "EUR", Period: "month"}, CapturedAt: at(2)},
		{ID: "3", AccountID: "acme", CallID: "c2", Blocker: "No SAML", Quote: "IT will say no", CapturedAt: at(3)},
		// kestrel: refutes, later supports from CS: supports wins overall, refutes within sales
		{ID: "4", AccountID: "kestrel", CallID: "c3", Signal: SignalRefutes, AuthorRole: AudienceSales, CapturedAt: at(1)},
		{ID: "5", AccountID: "kestrel", CallID: "c4", Signal: SignalSupports, AuthorRole: AudienceCS, CapturedAt: at(5)},
		// no account: never listed
		{ID: "6", Signal: SignalSupports, CapturedAt: at(6)},
	}
	tally := TallyEvidence(items)
	supports := AccountsBehind(items, SignalSupports, "")
	if len(supports) != tally.Supports || len(supports) != 2 {
		t.Fatalf("supports behind = %d accounts, tally says %d (want 2)", len(supports), tally.Supports)
	}
	acme := supports[0]
	if acme.AccountID != "acme" || acme.Latest.ID != "1" || acme.Items != 3 {
		t.Fatalf("acme = %+v, want latest item 1 of 3", acme)
	}
	if len(acme.Quotes) != 2 || acme.Quotes[0].ID != "3" || acme.Quotes[1].ID != "1" {
		t.Errorf("acme quotes = %+v, want items 3 then 1", acme.Quotes)
	}
	if len(acme.CallIDs) != 2 || acme.CallIDs[0] != "c2" || acme.CallIDs[1] != "c1" {
		t.Errorf("acme calls = %v, want c2, c1", acme.CallIDs)
	}
	if got := AccountsBehind(items, SignalRefutes, ""); len(got) != tally.Refutes || len(got) != 0 {
		t.Errorf("refutes behind = %+v, tally says %d", got, tally.Refutes)
	}
	sales := AccountsBehind(items, SignalRefutes, AudienceSales)
	if len(sales) != 1 || sales[0].AccountID != "kestrel" {
		t.Errorf("refutes within sales = %+v, want kestrel", sales)
	}
	if all := AccountsBehind(items, "", ""); len(all) != tally.Accounts {
		t.Errorf("every account behind = %d, tally accounts %d", len(all), tally.Accounts)
	}
}
