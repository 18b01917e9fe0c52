package notebook

import "sort"

// The rules of deals in the rep's notebook (issue 11 §2): which deal new
// evidence links to, which hypotheses a deal waits on, and how a prospect's
// weight is stated. The hub's revenue roll-up lives beside HypothesisRevenue.

// IsOpen reports whether the deal is still to be won: status open, or no
// status yet (a deal typed in before its status was set is not closed).
func (o Opportunity) IsOpen() bool { return o.Status == DealOpen || o.Status == "" }

// OpenDeals returns the account's open deals, largest first then by name,
// so every screen lists them in one order.
func OpenDeals(deals []Opportunity, accountID string) []Opportunity {
	var out []Opportunity
	for _, o := range deals {
		if o.AccountID == accountID && o.IsOpen() {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Amount != out[j].Amount {
			return out[i].Amount > out[j].Amount
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// DefaultDeal is the deal new evidence captured on the account links to when
// the rep does not choose one: the account's only open deal. With none, or
// with several (the rep must say which), it is "" — a guess would put
// revenue on the wrong deal.
func DefaultDeal(deals []Opportunity, accountID string) string {
	open := OpenDeals(deals, accountID)
	if len(open) != 1 {
		return ""
	}
	return open[0].ID
}

// DealFor is the deal an evidence item being saved links to. chosen is the
// rep's pick: "" (no pick), NoDeal, or a deal id, which must be one of the
// account's deals. Without a pick a new item gets the default deal and an
// existing item keeps current — so an autosave never re-links what the rep
// set. deals are the account's deals.
func DealFor(chosen, current string, isNew bool, deals []Opportunity, accountID string) (string, error) {
	switch {
	case chosen == "" && isNew:
		return DefaultDeal(deals, accountID), nil
	case chosen == "" || chosen == current && !isNew:
		return current, nil // unchanged, even if the deal has since been deleted
	case chosen == NoDeal:
		return "", nil
	}
	for _, o := range deals {
		if o.ID == chosen && o.AccountID == accountID {
			return chosen, nil
		}
	}
	return "", &Error{Code: Invalid, Message: "That deal is not one of this account's deals; choose one of them or no deal.",
		Fields: map[string]string{"opportunity_id": "not a deal of the account"}}
}

// NoDeal is the rep's explicit choice of no deal for an evidence item.
const NoDeal = "none"

// WaitingOn returns, for each deal, the hypotheses it is stuck on: those
// with evidence citing the deal with impact blocker, each once, in the order
// they were first captured.
func WaitingOn(evidence []Evidence) map[string][]string {
	sorted := append([]Evidence(nil), evidence...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].CapturedAt.Before(sorted[j].CapturedAt) })
	out := map[string][]string{}
	seen := map[[2]string]bool{}
	for _, e := range sorted {
		if e.OpportunityID == "" || e.Impact != ImpactBlocker || e.HypothesisID == "" {
			continue
		}
		k := [2]string{e.OpportunityID, e.HypothesisID}
		if !seen[k] {
			seen[k] = true
			out[e.OpportunityID] = append(out[e.OpportunityID], e.HypothesisID)
		}
	}
	return out
}

// PipelineByCurrency sums open deals per currency, each deal once; a deal
// without a currency counts under "". Currencies are never added together.
func PipelineByCurrency(deals []Opportunity) []Money {
	sums := map[string]*Money{}
	seen := map[string]bool{}
	for _, o := range deals {
		if !o.IsOpen() || seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		m := sums[o.Currency]
		if m == nil {
			m = &Money{Currency: o.Currency}
			sums[o.Currency] = m
		}
		m.Amount += o.Amount
		m.Count++
	}
	out := make([]Money, 0, len(sums))
	for _, m := range sums {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}
