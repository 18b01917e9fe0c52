package notebook

import "sort"

// Every count on Insights must open up: which accounts back or refute a
// hypothesis, with their ARR, their latest evidence, quotes and calls
// (issue 16). The accounts behind a count are found by the same rule that
// made the count (latestPerAccount), never by a second reading of it.

// AccountBehind is one account counted under a signal.
type AccountBehind struct {
	AccountID string     `json:"account_id"`
	Signal    Signal     `json:"signal"`   // the account's winning signal
	Latest    Evidence   `json:"latest"`   // the item that gave it
	Quotes    []Evidence `json:"quotes"`   // the account's items with a quote, newest first (at most MaxQuotesBehind)
	CallIDs   []string   `json:"call_ids"` // the calls its items came from, newest first
	Items     int        `json:"items"`    // all of the account's items on the hypothesis
}

// MaxQuotesBehind caps the quotes listed per account.
const MaxQuotesBehind = 5

// AccountsBehind lists the accounts the tally counts under signal (every
// signal when signal is ""), each with the item that decided it. With role
// set, the winners within that author role are used, as ByRole counts them.
// Order: by account id; the caller weighs and sorts by ARR.
func AccountsBehind(items []Evidence, signal Signal, role Audience) []AccountBehind {
	winners := map[string]*Evidence{}
	for i := range items {
		e := &items[i]
		if !e.HasSignal() || e.AccountID == "" || (role != "" && e.AuthorRole != role) {
			continue
		}
		if cur := winners[e.AccountID]; cur == nil || later(e, cur) {
			winners[e.AccountID] = e
		}
	}
	byAccount := map[string][]*Evidence{}
	for i := range items {
		if _, ok := winners[items[i].AccountID]; ok {
			byAccount[items[i].AccountID] = append(byAccount[items[i].AccountID], &items[i])
		}
	}
	out := []AccountBehind{}
	for id, w := range winners {
		if signal != "" && w.Signal != signal {
			continue
		}
		all := byAccount[id]
		sort.Slice(all, func(i, j int) bool { return later(all[i], all[j]) })
		b := AccountBehind{AccountID: id, Signal: w.Signal, Latest: *w, Quotes: []Evidence{}, CallIDs: []string{}, Items: len(all)}
		seen := map[string]bool{}
		for _, e := range all {
			if e.Quote != "" && len(b.Quotes) < MaxQuotesBehind {
				b.Quotes = append(b.Quotes, *e)
			}
			if e.CallID != "" && !seen[e.CallID] {
				seen[e.CallID] = true
				b.CallIDs = append(b.CallIDs, e.CallID)
			}
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AccountID < out[j].AccountID })
	return out
}
