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
// (in the order of the items; RollupRevenue does not depend on it): those
// naming a deal, and those whose impact (retention, expansion) prices the
// account. Any other item says nothing about revenue.
func RevenueLinks(items []Observation) []RevenueLink {
	// Repeats are found through a set of deal ids (or, without a deal, of
	// account ids) chaining the links seen with each: one string hash per
	// item instead of a three-string key's, sized once.
	n := 0
	for i := range items {
		if carriesRevenue(&items[i].Evidence) {
			n++
		}
	}
	out := make([]RevenueLink, 0, n)
	next := make([]int32, 0, n) // the link before it with the same deal (or account), -1: none
	byDeal := make(map[string]int32, n)
	var byAccount map[string]int32
	for i := range items {
		e := &items[i].Evidence
		if !carriesRevenue(e) {
			continue
		}
		l := RevenueLink{AccountID: e.AccountID, OpportunityID: e.OpportunityID, Impact: e.Impact}
		heads, key := byDeal, l.OpportunityID
		if key == "" {
			if byAccount == nil {
				byAccount = map[string]int32{}
			}
			heads, key = byAccount, l.AccountID
		}
		head, ok := heads[key]
		if !ok {
			head = -1
		}
		j := head
		for j >= 0 && out[j] != l {
			j = next[j]
		}
		if j >= 0 {
			continue // seen
		}
		heads[key] = int32(len(out))
		out = append(out, l)
		next = append(next, head)
	}
	return out
}

func carriesRevenue(e *Evidence) bool {
	return e.OpportunityID != "" || e.AccountID != "" && (e.Impact == ImpactRetention || e.Impact == ImpactExpansion)
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
	// Sets, not sorted lists, and one set for all impacts (a bit each):
	// sums are exact (exactSum), so the order the deals are walked in
	// changes nothing, and sorting thousands of ids was most of the
	// roll-up's cost (issue 11: at most +20% beside the rest of a
	// hypothesis's roll-up).
	cited := make(map[string]impactBits, min(len(links), len(deals)))
	var accountsCited map[string]impactBits // cited with an impact, without a deal
	for _, l := range links {
		bit := impactBit(l.Impact)
		if l.OpportunityID != "" {
			cited[l.OpportunityID] |= bit
		} else if bit != 0 && l.AccountID != "" {
			if accountsCited == nil {
				accountsCited = map[string]impactBits{}
			}
			accountsCited[l.AccountID] |= bit
		}
	}
	var open, won, lost, atRisk, expansion moneyBook
	var covered map[string]impactBits // accounts whose own open deal is counted for an impact
	stages := map[[2]string]*stageSum{}
	first := firstWon{anchor: revenueAnchor(h)}
	for id, bits := range cited {
		d, ok := deals[id]
		if !ok { // a deal the hub does not hold counts nothing
			continue
		}
		if dealOpen(d) {
			open.add(d.Currency, d.Amount)
			k := [2]string{d.Stage, d.Currency}
			st := stages[k]
			if st == nil {
				st = &stageSum{}
				stages[k] = st
			}
			st.sum.add(d.Amount)
			st.count++
			if bits&retention != 0 {
				atRisk.add(d.Currency, d.Amount)
			}
			if bits&expanding != 0 {
				expansion.add(d.Currency, d.Amount)
			}
			if bits != 0 && accountsCited != nil {
				if covered == nil {
					covered = map[string]impactBits{}
				}
				covered[d.AccountID] |= bits
			}
			continue
		}
		at, ok := DealClosedAt(d, closedSeen[id])
		if !ok {
			continue
		}
		if d.Status == DealWon {
			first.consider(id, at)
		}
		if h.DecidedAt == nil || at.Before(*h.DecidedAt) {
			continue
		}
		if d.Status == DealWon {
			won.add(d.Currency, d.Amount)
		} else {
			lost.add(d.Currency, d.Amount)
		}
	}
	for id, bits := range accountsCited {
		a, ok := accounts[id]
		if !ok {
			continue
		}
		bits &^= covered[id] // its renewal or upsell deal is that ARR: not twice
		if bits&retention != 0 {
			atRisk.add("", a.ARR)
		}
		if bits&expanding != 0 {
			expansion.add("", a.ARR)
		}
	}
	r := HypothesisRevenue{OpenPipeline: open.list(), WonAfterDecision: won.list(), LostAfterDecision: lost.list(),
		ARRAtRisk: atRisk.list(), ExpansionARR: expansion.list(), PipelineByStage: make([]StageMoney, 0, len(stages))}
	for k, st := range stages {
		r.PipelineByStage = append(r.PipelineByStage, StageMoney{Stage: k[0], Currency: k[1], Amount: st.sum.value(), Count: st.count})
	}
	slices.SortFunc(r.PipelineByStage, func(a, b StageMoney) int {
		return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.Currency, b.Currency))
	})
	r.TimeToRevenue = first.timeToRevenue(h)
	return r
}

// impactBits says which of the impacts that price revenue (retention,
// expansion) cite a deal or an account.
type impactBits uint8

const (
	retention impactBits = 1 << iota
	expanding
)

func impactBit(i Impact) impactBits {
	switch i {
	case ImpactRetention:
		return retention
	case ImpactExpansion:
		return expanding
	}
	return 0
}

// stageSum is an exact sum and how many deals (or accounts) make it.
type stageSum struct {
	sum   exactSum
	count int
}

func dealOpen(d Opportunity) bool { return d.Status == DealOpen || d.Status == "" }

// revenueAnchor is when time to revenue starts: the decision of a
// validated hypothesis, else its publication (nil: any won deal counts).
func revenueAnchor(h Hypothesis) *time.Time {
	if h.Status == StatusValidated && h.DecidedAt != nil {
		return h.DecidedAt
	}
	return h.PublishedAt
}

// firstWon finds the first won deal at or after the anchor: the earliest
// closing time, then the smallest id (so the answer does not depend on the
// order deals are considered in).
type firstWon struct {
	anchor *time.Time
	id     string
	at     time.Time
}

func (f *firstWon) consider(id string, at time.Time) {
	if f.anchor != nil && at.Before(*f.anchor) {
		return
	}
	if f.id == "" || at.Before(f.at) || at.Equal(f.at) && id < f.id {
		f.id, f.at = id, at
	}
}

func (f *firstWon) timeToRevenue(h Hypothesis) TimeToRevenue {
	var t TimeToRevenue
	if f.id == "" {
		return t
	}
	first := f.at
	t.FirstWonDealID, t.FirstWonAt = f.id, &first
	if h.Status == StatusValidated && h.DecidedAt != nil {
		s := first.Sub(*h.DecidedAt).Seconds()
		t.FromDecisionSeconds = &s
	}
	if h.PublishedAt != nil {
		s := first.Sub(*h.PublishedAt).Seconds()
		t.FromPublishSeconds = &s
	}
	return t
}

// moneyBook sums amounts per currency, exactly (exactSum).
type moneyBook map[string]*stageSum

func (b *moneyBook) add(currency string, amount float64) {
	if *b == nil {
		*b = moneyBook{}
	}
	m := (*b)[currency]
	if m == nil {
		m = &stageSum{}
		(*b)[currency] = m
	}
	m.sum.add(amount)
	m.count++
}

// list returns the sums by currency ("" first), never nil.
func (b moneyBook) list() []Money {
	out := make([]Money, 0, len(b))
	for c, m := range b {
		out = append(out, Money{Currency: c, Amount: m.sum.value(), Count: m.count})
	}
	slices.SortFunc(out, func(x, y Money) int { return cmp.Compare(x.Currency, y.Currency) })
	return out
}
