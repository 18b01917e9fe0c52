package notebook

import (
	"cmp"
	"slices"
	"time"
)

// The revenue waiting on a hypothesis (issue 11): what the deals and accounts
// that cite it are worth, kept apart by currency, each deal counted once
// however many evidence items of it cite the hypothesis. The roll-up that
// fills these lives beside them in this package.

// Money is a sum in one currency and how many deals (or accounts) make it.
type Money struct {
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Count    int     `json:"count"`
}

// StageMoney is the open pipeline in one CRM stage.
type StageMoney struct {
	Stage    string  `json:"stage"`
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Count    int     `json:"count"`
}

// TimeToRevenue runs from the hypothesis's decision (validated) and from its
// publication to the first won deal that cites it. Nil seconds: not yet.
type TimeToRevenue struct {
	FirstWonDealID      string     `json:"first_won_deal_id,omitempty"`
	FirstWonAt          *time.Time `json:"first_won_at,omitempty"`
	FromDecisionSeconds *float64   `json:"from_decision_seconds"`
	FromPublishSeconds  *float64   `json:"from_publish_seconds"`
}

// HypothesisRevenue is the commercial weight of one hypothesis.
type HypothesisRevenue struct {
	OpenPipeline      []Money       `json:"open_pipeline"`     // open deals citing it, per currency
	PipelineByStage   []StageMoney  `json:"pipeline_by_stage"` // the same, per stage
	ARRAtRisk         []Money       `json:"arr_at_risk"`       // impact retention
	ExpansionARR      []Money       `json:"expansion_arr"`     // impact expansion
	WonAfterDecision  []Money       `json:"won_after_decision"`
	LostAfterDecision []Money       `json:"lost_after_decision"`
	TimeToRevenue     TimeToRevenue `json:"time_to_revenue"`
}

// RevenueLink is what one evidence item ties to revenue for its hypothesis:
// the account it was said at, the deal it was said in, and what it means for
// that revenue. A hypothesis's revenue depends on its items only through
// their distinct links, so a hub keeps the links (a few per account) and
// re-prices them when deals or accounts change, without re-reading items.
type RevenueLink struct {
	AccountID     string `json:"account_id,omitempty"`
	OpportunityID string `json:"opportunity_id,omitempty"`
	Impact        Impact `json:"impact,omitempty"`
}

// RevenueLinks returns the distinct links of items that can carry revenue
// (in no particular order; RollupRevenue does not depend on it): those naming a deal, and those whose impact (retention,
// expansion) prices the account. Any other item says nothing about revenue.
func RevenueLinks(items []Observation) []RevenueLink {
	seen := map[RevenueLink]bool{}
	for i := range items {
		e := &items[i].Evidence
		if e.OpportunityID == "" && (e.AccountID == "" || e.Impact != ImpactRetention && e.Impact != ImpactExpansion) {
			continue
		}
		seen[RevenueLink{AccountID: e.AccountID, OpportunityID: e.OpportunityID, Impact: e.Impact}] = true
	}
	out := make([]RevenueLink, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	return out
}

// DealClosedAt is when a deal was won or lost: its close_date, or else when
// the hub saw its status become won or lost (seen, zero when unknown). ok is
// false for an open deal or one whose closing time nobody knows.
func DealClosedAt(d Opportunity, seen time.Time) (time.Time, bool) {
	if d.Status != DealWon && d.Status != DealLost {
		return time.Time{}, false
	}
	if d.CloseDate != nil {
		return d.CloseDate.UTC(), true
	}
	return seen.UTC(), !seen.IsZero()
}

// RollupRevenue prices a hypothesis's links (RevenueLinks of its evidence):
//
//   - Every deal counts once, however many items or links cite it; a link
//     to a deal the hub does not hold (deleted, not yet synced) counts
//     nothing. Money is summed per currency, never across currencies.
//   - Open pipeline: the open deals cited (status open or unset), per
//     currency and per stage.
//   - ARR at risk (impact retention) and expansion ARR (impact expansion):
//     the open deals cited with that impact, each once; and for an account
//     cited with that impact but no deal, the account's ARR, each account
//     once — unless one of its own deals is already counted there (the
//     renewal deal is that ARR; counting both would count it twice). An
//     account's ARR carries no currency in the notebook: currency "".
//     A closed deal is no longer at risk or waiting, so it counts in
//     neither (nor does its account fall back to its ARR).
//   - Won and lost after the decision: deals cited whose closing time
//     (DealClosedAt) is at or after decided_at; none without a decision.
//   - Time to revenue: the first won deal cited (closing time, then id) at
//     or after the decision when the hypothesis is validated, else at or
//     after publication (any, when unpublished); seconds from decided_at
//     (validated only) and from published_at to it.
//
// closedSeen maps a deal id to when the hub saw its status become won or
// lost; accounts supplies ARR.
func RollupRevenue(h Hypothesis, links []RevenueLink, deals map[string]Opportunity, closedSeen map[string]time.Time, accounts map[string]AccountWeight) HypothesisRevenue {
	cited := map[string]bool{}
	byImpact := map[Impact]*impactSet{ImpactRetention: newImpactSet(), ImpactExpansion: newImpactSet()}
	for _, l := range links {
		set := byImpact[l.Impact]
		if l.OpportunityID != "" {
			if _, ok := deals[l.OpportunityID]; !ok {
				continue
			}
			cited[l.OpportunityID] = true
			if set != nil {
				set.deals[l.OpportunityID] = true
			}
		} else if set != nil && l.AccountID != "" {
			set.accounts[l.AccountID] = true
		}
	}
	r := HypothesisRevenue{OpenPipeline: []Money{}, PipelineByStage: []StageMoney{}, WonAfterDecision: []Money{}, LostAfterDecision: []Money{}}
	var open, won, lost moneyBook
	stages := map[[2]string]*StageMoney{}
	for _, id := range sortedKeys(cited) {
		d := deals[id]
		if dealOpen(d) {
			open.add(d.Currency, d.Amount)
			k := [2]string{d.Stage, d.Currency}
			if stages[k] == nil {
				stages[k] = &StageMoney{Stage: d.Stage, Currency: d.Currency}
			}
			stages[k].Amount += d.Amount
			stages[k].Count++
			continue
		}
		at, ok := DealClosedAt(d, closedSeen[id])
		if !ok || h.DecidedAt == nil || at.Before(*h.DecidedAt) {
			continue
		}
		if d.Status == DealWon {
			won.add(d.Currency, d.Amount)
		} else {
			lost.add(d.Currency, d.Amount)
		}
	}
	r.OpenPipeline, r.WonAfterDecision, r.LostAfterDecision = open.list(), won.list(), lost.list()
	for _, s := range stages {
		r.PipelineByStage = append(r.PipelineByStage, *s)
	}
	slices.SortFunc(r.PipelineByStage, func(a, b StageMoney) int {
		return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.Currency, b.Currency))
	})
	r.ARRAtRisk = byImpact[ImpactRetention].price(deals, accounts)
	r.ExpansionARR = byImpact[ImpactExpansion].price(deals, accounts)
	r.TimeToRevenue = timeToRevenue(h, cited, deals, closedSeen)
	return r
}

func dealOpen(d Opportunity) bool { return d.Status == DealOpen || d.Status == "" }

// impactSet is what one impact (retention, expansion) cites.
type impactSet struct{ deals, accounts map[string]bool }

func newImpactSet() *impactSet {
	return &impactSet{deals: map[string]bool{}, accounts: map[string]bool{}}
}

// price sums the set's open deals, then the ARR of its accounts that none
// of those deals belongs to.
func (s *impactSet) price(deals map[string]Opportunity, accounts map[string]AccountWeight) []Money {
	var book moneyBook
	covered := map[string]bool{}
	for _, id := range sortedKeys(s.deals) {
		if d := deals[id]; dealOpen(d) {
			book.add(d.Currency, d.Amount)
			covered[d.AccountID] = true
		}
	}
	for _, id := range sortedKeys(s.accounts) {
		if a, ok := accounts[id]; ok && !covered[id] {
			book.add("", a.ARR)
		}
	}
	return book.list()
}

func timeToRevenue(h Hypothesis, cited map[string]bool, deals map[string]Opportunity, closedSeen map[string]time.Time) TimeToRevenue {
	validated := h.Status == StatusValidated && h.DecidedAt != nil
	anchor := h.PublishedAt
	if validated {
		anchor = h.DecidedAt
	}
	var t TimeToRevenue
	var first time.Time
	for _, id := range sortedKeys(cited) {
		d := deals[id]
		at, ok := DealClosedAt(d, closedSeen[id])
		if d.Status != DealWon || !ok || anchor != nil && at.Before(*anchor) {
			continue
		}
		if t.FirstWonDealID == "" || at.Before(first) {
			t.FirstWonDealID, first = id, at
		}
	}
	if t.FirstWonDealID == "" {
		return t
	}
	t.FirstWonAt = &first
	if validated {
		s := first.Sub(*h.DecidedAt).Seconds()
		t.FromDecisionSeconds = &s
	}
	if h.PublishedAt != nil {
		s := first.Sub(*h.PublishedAt).Seconds()
		t.FromPublishSeconds = &s
	}
	return t
}

// moneyBook sums amounts per currency.
type moneyBook map[string]*Money

func (b *moneyBook) add(currency string, amount float64) {
	if *b == nil {
		*b = moneyBook{}
	}
	m := (*b)[currency]
	if m == nil {
		m = &Money{Currency: currency}
		(*b)[currency] = m
	}
	m.Amount += amount
	m.Count++
}

// list returns the sums by currency ("" first), never nil.
func (b moneyBook) list() []Money {
	out := make([]Money, 0, len(b))
	for _, m := range b {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(x, y Money) int { return cmp.Compare(x.Currency, y.Currency) })
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
