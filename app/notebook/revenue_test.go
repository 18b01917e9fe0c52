package notebook

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

func linked(id, account, deal string, impact Impact) Observation {
	return Observation{Evidence: Evidence{ID: id, HypothesisID: "h1", AccountID: account, OpportunityID: deal, Impact: impact}}
}

func deal(id, account string, amount float64, cur, stage string, status DealStatus, closed *time.Time) Opportunity {
	return Opportunity{ID: id, Name: id, AccountID: account, Amount: amount, Currency: cur, Stage: stage, Status: status, CloseDate: closed}
}

func tp(t time.Time) *time.Time { return &t }

func TestRevenueLinksAreDistinctAndSkipItemsThatCarryNoRevenue(t *testing.T) {
	items := []Observation{
		linked("e1", "acme", "d1", ImpactBlocker),
		linked("e2", "acme", "d1", ImpactBlocker), // same link again
		linked("e3", "acme", "d1", ImpactRetention),
		linked("e4", "", "", ImpactRetention), // says nothing about revenue
		linked("e5", "beta", "", ""),          // an account without a deal or a pricing impact
		linked("e6", "beta", "", ImpactBlocker),
		linked("e7", "beta", "", ImpactExpansion),
	}
	got := RevenueLinks(items)
	slices.SortFunc(got, func(a, b RevenueLink) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.OpportunityID, b.OpportunityID), cmp.Compare(a.Impact, b.Impact))
	})
	want := []RevenueLink{{"acme", "d1", ImpactBlocker}, {"acme", "d1", ImpactRetention}, {"beta", "", ImpactExpansion}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("links = %+v, want %+v", got, want)
	}
}

func TestRollupRevenueCountsEachDealOnceAndKeepsCurrenciesApart(t *testing.T) {
	deals := map[string]Opportunity{
		"d1": deal("d1", "acme", 1000, "EUR", "Negotiation", DealOpen, nil),
		"d2": deal("d2", "beta", 500, "EUR", "Discovery", DealOpen, nil),
		"d3": deal("d3", "gamma", 700, "USD", "Negotiation", "", nil),       // unset status is open
		"d4": deal("d4", "acme", 9999, "EUR", "Negotiation", DealOpen, nil), // not cited
	}
	items := []Observation{
		linked("e1", "acme", "d1", ImpactBlocker),
		linked("e2", "acme", "d1", ImpactBlocker),
		linked("e3", "acme", "d1", ImpactNiceToHave), // a third item of d1, another impact: still once
		linked("e4", "beta", "d2", ""),
		linked("e5", "gamma", "d3", ImpactBlocker),
		linked("e6", "gone", "d-deleted", ImpactBlocker), // a deal the hub does not hold
	}
	r := RollupRevenue(Hypothesis{ID: "h1"}, RevenueLinks(items), deals, nil, nil)
	wantOpen := []Money{{"EUR", 1500, 2}, {"USD", 700, 1}}
	if !reflect.DeepEqual(r.OpenPipeline, wantOpen) {
		t.Errorf("open pipeline = %+v, want %+v", r.OpenPipeline, wantOpen)
	}
	wantStages := []StageMoney{{"Discovery", "EUR", 500, 1}, {"Negotiation", "EUR", 1000, 1}, {"Negotiation", "USD", 700, 1}}
	if !reflect.DeepEqual(r.PipelineByStage, wantStages) {
		t.Errorf("by stage = %+v, want %+v", r.PipelineByStage, wantStages)
	}
	if len(r.ARRAtRisk) != 0 || len(r.ExpansionARR) != 0 || len(r.WonAfterDecision) != 0 || r.TimeToRevenue.FirstWonDealID != "" {
		t.Errorf("nothing else cited, got %+v", r)
	}
}

func TestRollupRevenueARRAtRiskAndExpansion(t *testing.T) {
	accounts := map[string]AccountWeight{"acme": {ARR: 120_000}, "beta": {ARR: 80_000}, "gamma": {ARR: 30_000}, "delta": {ARR: 5_000}}
	deals := map[string]Opportunity{
		"renew-acme": deal("renew-acme", "acme", 100_000, "EUR", "Renewal", DealOpen, nil),
		"up-gamma":   deal("up-gamma", "gamma", 20_000, "USD", "Proposal", DealOpen, nil),
		"renew-won":  deal("renew-won", "delta", 5_000, "EUR", "Closed", DealWon, tp(at(5))),
	}
	items := []Observation{
		linked("e1", "acme", "renew-acme", ImpactRetention),
		linked("e2", "acme", "renew-acme", ImpactRetention), // the same deal twice
		linked("e3", "acme", "", ImpactRetention),           // acme's ARR: its renewal deal is that money
		linked("e4", "beta", "", ImpactRetention),           // no deal: beta's ARR
		linked("e5", "beta", "", ImpactRetention),           // beta once
		linked("e6", "unknown", "", ImpactRetention),        // an account the hub does not hold
		linked("e7", "gamma", "up-gamma", ImpactExpansion),
		linked("e8", "acme", "", ImpactExpansion),           // acme's ARR as expansion: no expansion deal covers it
		linked("e9", "delta", "renew-won", ImpactRetention), // won: no longer at risk
	}
	r := RollupRevenue(Hypothesis{ID: "h1"}, RevenueLinks(items), deals, nil, accounts)
	wantRisk := []Money{{"", 80_000, 1}, {"EUR", 100_000, 1}}
	if !reflect.DeepEqual(r.ARRAtRisk, wantRisk) {
		t.Errorf("ARR at risk = %+v, want %+v", r.ARRAtRisk, wantRisk)
	}
	wantExp := []Money{{"", 120_000, 1}, {"USD", 20_000, 1}}
	if !reflect.DeepEqual(r.ExpansionARR, wantExp) {
		t.Errorf("expansion = %+v, want %+v", r.ExpansionARR, wantExp)
	}
	wantOpen := []Money{{"EUR", 100_000, 1}, {"USD", 20_000, 1}}
	if !reflect.DeepEqual(r.OpenPipeline, wantOpen) {
		t.Errorf("open pipeline = %+v, want %+v", r.OpenPipeline, wantOpen)
	}
}

func TestRollupRevenueWonLostAfterDecisionAndTimeToRevenue(t *testing.T) {
	published, decided := at(0), at(60)
	h := Hypothesis{ID: "h1", Status: StatusValidated, PublishedAt: &published, DecidedAt: &decided}
	deals := map[string]Opportunity{
		"before":    deal("before", "a", 10, "EUR", "Won", DealWon, tp(at(30))), // won before the decision
		"won-late":  deal("won-late", "b", 300, "EUR", "Won", DealWon, tp(at(600))),
		"won-first": deal("won-first", "c", 200, "EUR", "Won", DealWon, tp(at(120))),
		"won-usd":   deal("won-usd", "d", 50, "USD", "Won", DealWon, nil), // no close date: the hub's time
		"lost":      deal("lost", "e", 400, "EUR", "Lost", DealLost, tp(at(90))),
		"lost-old":  deal("lost-old", "f", 1, "EUR", "Lost", DealLost, tp(at(1))),
		"unknown":   deal("unknown", "g", 1, "EUR", "Won", DealWon, nil), // no close date, not seen closing
	}
	seen := map[string]time.Time{"won-usd": at(100)}
	var items []Observation
	for id := range deals {
		items = append(items, linked("e-"+id, deals[id].AccountID, id, ImpactBlocker), linked("e2-"+id, deals[id].AccountID, id, ImpactBlocker))
	}
	r := RollupRevenue(h, RevenueLinks(items), deals, seen, nil)
	if want := []Money{{"EUR", 500, 2}, {"USD", 50, 1}}; !reflect.DeepEqual(r.WonAfterDecision, want) {
		t.Errorf("won after decision = %+v, want %+v", r.WonAfterDecision, want)
	}
	if want := []Money{{"EUR", 400, 1}}; !reflect.DeepEqual(r.LostAfterDecision, want) {
		t.Errorf("lost after decision = %+v, want %+v", r.LostAfterDecision, want)
	}
	ttr := r.TimeToRevenue
	if ttr.FirstWonDealID != "won-usd" || !ttr.FirstWonAt.Equal(at(100)) {
		t.Fatalf("first won = %q at %v, want won-usd at %v", ttr.FirstWonDealID, ttr.FirstWonAt, at(100))
	}
	if *ttr.FromDecisionSeconds != 40*60 || *ttr.FromPublishSeconds != 100*60 {
		t.Errorf("time to revenue = %v s from decision, %v s from publish; want 2400, 6000", *ttr.FromDecisionSeconds, *ttr.FromPublishSeconds)
	}

	active := h
	active.Status, active.DecidedAt = StatusActive, nil
	r = RollupRevenue(active, RevenueLinks(items), deals, seen, nil)
	if len(r.WonAfterDecision) != 0 || len(r.LostAfterDecision) != 0 {
		t.Errorf("no decision, yet won/lost after it: %+v %+v", r.WonAfterDecision, r.LostAfterDecision)
	}
	if ttr := r.TimeToRevenue; ttr.FirstWonDealID != "before" || ttr.FromDecisionSeconds != nil || *ttr.FromPublishSeconds != 30*60 {
		t.Errorf("not validated: want the first won deal after publication (before, 1800 s), no decision seconds; got %+v", ttr)
	}
}

func TestRollupRevenueEmptyListsAreNotNil(t *testing.T) {
	r := RollupRevenue(Hypothesis{ID: "h1"}, nil, nil, nil, nil)
	if r.OpenPipeline == nil || r.PipelineByStage == nil || r.ARRAtRisk == nil || r.ExpansionARR == nil || r.WonAfterDecision == nil || r.LostAfterDecision == nil {
		t.Fatalf("nil lists would be null in JSON: %+v", r)
	}
	if r.TimeToRevenue.FromDecisionSeconds != nil || r.TimeToRevenue.FromPublishSeconds != nil {
		t.Fatalf("time to revenue without a won deal: %+v", r.TimeToRevenue)
	}
}

// BenchmarkRevenueOverhead measures what the revenue roll-up adds to one
// hypothesis's roll-up at the 50 × 500k scale (10,000 items, 5,000
// accounts, 2,000 deals, a third of the items in a deal): "base" is what
// the hub computed before (RollupItems, LatestPerAccount, WeighSignals),
// "revenue" is RevenueLinks + RollupRevenue. Goal (issue 11): ≤ +20%.
// overhead-% is the ratio of the total times; overhead-min-% that of the
// fastest iteration of each, which a shared machine's other work disturbs
// least (both are reported; make bench shows both).
//
//	go test -run '^$' -bench RevenueOverhead ./app/notebook/
func BenchmarkRevenueOverhead(b *testing.B) {
	items, accounts, deals := revenueBenchData(10_000, 5_000, 2_000)
	weights := Weights(accounts)
	h := Hypothesis{ID: "h1", Status: StatusValidated, PublishedAt: tp(at(0)), DecidedAt: tp(at(600))}
	var base, rev time.Duration
	minBase, minRev := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		in := RollupItems(h, items, accounts, RollupLimits{})
		in.Signals = WeighSignals(LatestPerAccount(items), weights)
		t1 := time.Now()
		in.Revenue = RollupRevenue(h, RevenueLinks(items), deals, nil, weights)
		t2 := time.Now()
		base, rev = base+t1.Sub(t0), rev+t2.Sub(t1)
		minBase, minRev = min(minBase, t1.Sub(t0)), min(minRev, t2.Sub(t1))
	}
	b.ReportMetric(float64(base.Microseconds())/1000/float64(b.N), "base-ms/op")
	b.ReportMetric(float64(rev.Microseconds())/1000/float64(b.N), "revenue-ms/op")
	b.ReportMetric(100*float64(rev)/float64(base), "overhead-%")
	b.ReportMetric(100*float64(minRev)/float64(minBase), "overhead-min-%")
}

func revenueBenchData(n, nAccounts, nDeals int) ([]Observation, map[string]Account, map[string]Opportunity) {
	accounts := map[string]Account{}
	for i := 0; i < nAccounts; i++ {
		id := fmt.Sprintf("acc-%d", i)
		accounts[id] = Account{ID: id, Name: id, Segment: []string{"smb", "mid", "ent"}[i%3], ARR: float64(1000 * (i % 500))}
	}
	deals := map[string]Opportunity{}
	for i := 0; i < nDeals; i++ {
		id := fmt.Sprintf("deal-%d", i)
		deals[id] = deal(id, fmt.Sprintf("acc-%d", i%nAccounts), float64(1000*(1+i%97)), []string{"EUR", "USD", "GBP"}[i%3],
			[]string{"Discovery", "Proposal", "Negotiation"}[i%3], []DealStatus{DealOpen, DealOpen, DealWon, DealLost}[i%4], tp(at(i)))
	}
	items := make([]Observation, n)
	signals := []Signal{SignalSupports, SignalRefutes, SignalMixed, SignalUnclear}
	for i := range items {
		e := Evidence{ID: fmt.Sprintf("ev-%06d", i), HypothesisID: "h1", AccountID: fmt.Sprintf("acc-%d", (i*7919)%nAccounts),
			Signal: signals[i%4], CapturedAt: at(i % 40000), AuthorRole: "sales"}
		if i%3 == 0 {
			e.OpportunityID, e.Impact = fmt.Sprintf("deal-%d", (i*31)%nDeals), Impacts[i%4]
		}
		if i%5 == 0 {
			e.Quote, e.Capability = "we would pay", "SSO"
		}
		items[i] = Observation{Evidence: e, ReceivedAt: at(i%40000 + 5)}
	}
	return items, accounts, deals
}

// The roll-up walks its sets in map order; its sums are exact, so any order
// of the links (and of the map walks) gives the same figures to the bit.
func TestRollupRevenueDoesNotDependOnTheOrderOfLinks(t *testing.T) {
	items, accounts, deals := revenueBenchData(3_000, 401, 301)
	for id, d := range deals { // amounts whose naive sum depends on the order
		d.Amount = d.Amount/7 + 0.1
		deals[id] = d
	}
	weights := Weights(accounts)
	for id, w := range weights {
		w.ARR = w.ARR/3 + 0.01
		weights[id] = w
	}
	h := Hypothesis{ID: "h1", Status: StatusValidated, PublishedAt: tp(at(0)), DecidedAt: tp(at(100))}
	links := RevenueLinks(items)
	want := RollupRevenue(h, links, deals, nil, weights)
	r := rand.New(rand.NewPCG(7, 11))
	for round := 0; round < 10; round++ {
		r.Shuffle(len(links), func(i, j int) { links[i], links[j] = links[j], links[i] })
		if got := RollupRevenue(h, links, deals, nil, weights); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: the figures changed with the order of the links:\n%+v\n%+v", round, got, want)
		}
	}
	if len(want.OpenPipeline) == 0 || len(want.ARRAtRisk) == 0 || len(want.WonAfterDecision) == 0 || len(want.LostAfterDecision) == 0 || want.TimeToRevenue.FirstWonDealID == "" {
		t.Fatalf("the data should exercise every figure: %+v", want)
	}
}
