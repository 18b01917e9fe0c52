package notebook

import (
	"reflect"
	"testing"
	"time"
)

func TestDefaultDealIsTheOnlyOpenDeal(t *testing.T) {
	open := func(id, acct string) Opportunity {
		return Opportunity{ID: id, Name: id, AccountID: acct, Status: DealOpen}
	}
	won := Opportunity{ID: "won", AccountID: "a", Status: DealWon}
	lost := Opportunity{ID: "lost", AccountID: "a", Status: DealLost}
	noStatus := Opportunity{ID: "typed", AccountID: "a"}
	cases := []struct {
		name  string
		deals []Opportunity
		want  string
	}{
		{"no deals", nil, ""},
		{"one open deal", []Opportunity{open("d1", "a")}, "d1"},
		{"one open among closed ones", []Opportunity{won, open("d1", "a"), lost}, "d1"},
		{"a deal without status counts as open", []Opportunity{noStatus, won}, "typed"},
		{"two open deals: the rep must choose", []Opportunity{open("d1", "a"), open("d2", "a")}, ""},
		{"only closed deals", []Opportunity{won, lost}, ""},
		{"another account's deal", []Opportunity{open("d9", "b")}, ""},
		{"one here, one elsewhere", []Opportunity{open("d9", "b"), open("d1", "a")}, "d1"},
	}
	for _, c := range cases {
		if got := DefaultDeal(c.deals, "a"); got != c.want {
			t.Errorf("%s: default deal %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDealForRespectsTheRepsChoice(t *testing.T) {
	deals := []Opportunity{{ID: "d1", AccountID: "a", Status: DealOpen}, {ID: "d2", AccountID: "a", Status: DealWon}, {ID: "x", AccountID: "b", Status: DealOpen}}
	cases := []struct {
		name, chosen, current string
		isNew                 bool
		want                  string
	}{
		{"new, no pick: the default", "", "", true, "d1"},
		{"existing, no pick: unchanged", "", "d2", false, "d2"},
		{"existing without a deal stays without", "", "", false, ""},
		{"the rep picks no deal", NoDeal, "d1", false, ""},
		{"the rep picks a closed deal of the account", "d2", "d1", false, "d2"},
		{"new, the rep picked no deal", NoDeal, "", true, ""},
		{"existing, its deal deleted since: unchanged, still editable", "gone", "gone", false, "gone"},
	}
	for _, c := range cases {
		got, err := DealFor(c.chosen, c.current, c.isNew, deals, "a")
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.name, got, err, c.want)
		}
	}
	if _, err := DealFor("x", "", true, deals, "a"); !IsCode(err, Invalid) {
		t.Fatalf("another account's deal accepted: %v", err)
	}
}

func TestOpenDealsOrder(t *testing.T) {
	deals := []Opportunity{
		{ID: "s", Name: "Small", AccountID: "a", Amount: 10},
		{ID: "b", Name: "Big", AccountID: "a", Amount: 90, Status: DealOpen},
		{ID: "w", Name: "Won", AccountID: "a", Amount: 500, Status: DealWon},
		{ID: "t", Name: "Also small", AccountID: "a", Amount: 10},
	}
	var ids []string
	for _, o := range OpenDeals(deals, "a") {
		ids = append(ids, o.ID)
	}
	if !reflect.DeepEqual(ids, []string{"b", "t", "s"}) {
		t.Fatalf("open deals %v", ids)
	}
}

func TestWaitingOnCountsBlockersOncePerHypothesis(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 12, 1, h, 0, 0, 0, time.UTC) }
	ev := []Evidence{
		{ID: "1", HypothesisID: "h2", OpportunityID: "d1", Impact: ImpactBlocker, CapturedAt: at(9)},
		{ID: "2", HypothesisID: "h1", OpportunityID: "d1", Impact: ImpactBlocker, CapturedAt: at(8)},
		{ID: "3", HypothesisID: "h1", OpportunityID: "d1", Impact: ImpactBlocker, CapturedAt: at(10)},   // same hypothesis again
		{ID: "4", HypothesisID: "h3", OpportunityID: "d1", Impact: ImpactExpansion, CapturedAt: at(11)}, // not a blocker
		{ID: "5", HypothesisID: "h4", Impact: ImpactBlocker, CapturedAt: at(12)},                        // no deal
		{ID: "6", HypothesisID: "h3", OpportunityID: "d2", Impact: ImpactBlocker, CapturedAt: at(7)},
	}
	want := map[string][]string{"d1": {"h1", "h2"}, "d2": {"h3"}}
	if got := WaitingOn(ev); !reflect.DeepEqual(got, want) {
		t.Fatalf("waiting on %v, want %v", got, want)
	}
}

func TestPipelineKeepsCurrenciesApartAndCountsEachDealOnce(t *testing.T) {
	deals := []Opportunity{
		{ID: "1", Amount: 100, Currency: "EUR", Status: DealOpen},
		{ID: "1", Amount: 100, Currency: "EUR", Status: DealOpen}, // the same deal twice
		{ID: "2", Amount: 50, Currency: "USD"},
		{ID: "3", Amount: 25, Currency: "EUR", Status: DealOpen},
		{ID: "4", Amount: 999, Currency: "EUR", Status: DealWon},
	}
	want := []Money{{Currency: "EUR", Amount: 125, Count: 2}, {Currency: "USD", Amount: 50, Count: 1}}
	if got := PipelineByCurrency(deals); !reflect.DeepEqual(got, want) {
		t.Fatalf("pipeline %+v, want %+v", got, want)
	}
}
