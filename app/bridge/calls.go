package bridge

import (
	"context"
	"fmt"

	"fieldnotes/app/notebook"
)

// Calls starts calls, saves their notes and builds the capture screen.
type Calls struct{ d *Deps }

// NewCalls binds the calls area.
func NewCalls(d *Deps) *Calls { return &Calls{d} }

// Start creates a call with the account now and returns its id.
func (c *Calls) Start(accountID, kind string) (call CallDTO, err error) {
	defer guard(c.d.Log, "Calls.Start", &err)
	ctx := context.Background()
	var acct notebook.Account
	if err := c.d.Store.Get(ctx, accountID, &acct); err != nil {
		return call, err
	}
	if kind == "" {
		kind = string(notebook.CallDiscovery)
	}
	rec := notebook.Call{ID: notebook.NewID(), AccountID: acct.ID, StartedAt: c.d.now(), Kind: notebook.CallKind(kind),
		Title: fmt.Sprintf("%s call with %s", kindName(kind), acct.Name), Author: c.d.author(), ContactIDs: []string{}}
	if _, err := c.d.Store.Save(ctx, rec); err != nil {
		return call, err
	}
	return callDTO(rec), nil
}

func kindName(kind string) string {
	switch notebook.CallKind(kind) {
	case notebook.CallQBR:
		return "QBR"
	case notebook.CallDiscovery:
		return "Discovery"
	case notebook.CallDemo:
		return "Demo"
	case notebook.CallSupport:
		return "Support"
	}
	return "Other"
}

// View returns everything the capture screen shows for one call.
func (c *Calls) View(id string) (v CallView, err error) {
	defer guard(c.d.Log, "Calls.View", &err)
	ctx := context.Background()
	var call notebook.Call
	if err := c.d.Store.Get(ctx, id, &call); err != nil {
		return v, err
	}
	var acct notebook.Account
	if err := c.d.Store.Get(ctx, call.AccountID, &acct); err != nil && !notebook.IsCode(err, notebook.NotFound) {
		return v, err
	}
	v.Call, v.Account = callDTO(call), accountDTO(acct)
	if v.Hypotheses, err = relevantHypotheses(ctx, c.d, acct); err != nil {
		return v, err
	}
	ev, err := listOf[notebook.Evidence](ctx, c.d.Store, notebook.TypeEvidence, Query{CallID: id})
	if err != nil {
		return v, err
	}
	v.Evidence = make([]EvidenceDTO, 0, len(ev))
	for _, e := range ev {
		v.Evidence = append(v.Evidence, evidenceDTO(e))
	}
	v.Hypotheses = withAnswered(ctx, c.d, v.Hypotheses, ev)
	deals, err := accountDeals(ctx, c.d, call.AccountID)
	if err != nil {
		return v, err
	}
	v.Deals, v.DefaultDealID = openDealDTOs(deals, call.AccountID), notebook.DefaultDeal(deals, call.AccountID)
	v.Contacts, err = contactsOf(ctx, c.d, acct)
	return v, err
}

// withAnswered adds hypotheses that have evidence on this call but no longer
// target the account (e.g. since archived), so no captured answer is hidden.
func withAnswered(ctx context.Context, d *Deps, hs []HypothesisDTO, ev []notebook.Evidence) []HypothesisDTO {
	have := map[string]bool{}
	for _, h := range hs {
		have[h.ID] = true
	}
	for _, e := range ev {
		if have[e.HypothesisID] {
			continue
		}
		var h notebook.Hypothesis
		if d.Store.Get(ctx, e.HypothesisID, &h) == nil {
			hs = append(hs, hypothesisDTO(h))
			have[h.ID] = true
		}
	}
	return hs
}

// SaveNotes stores the call's free notes durably; the UI shows "saved" only
// after this returns.
func (c *Calls) SaveNotes(id, notes string) (r SaveResult, err error) {
	defer guard(c.d.Log, "Calls.SaveNotes", &err)
	return c.update(id, func(call *notebook.Call) error { call.Notes = notes; return nil })
}

// SaveDetails stores the title, kind and contacts of a call.
func (c *Calls) SaveDetails(id, title, kind string, contactIDs []string) (r SaveResult, err error) {
	defer guard(c.d.Log, "Calls.SaveDetails", &err)
	return c.update(id, func(call *notebook.Call) error {
		call.Title, call.Kind, call.ContactIDs = title, notebook.CallKind(kind), nonNil(contactIDs)
		return nil
	})
}

// End stamps the end of the call (idempotent: a second End keeps the first time).
func (c *Calls) End(id string) (r SaveResult, err error) {
	defer guard(c.d.Log, "Calls.End", &err)
	return c.update(id, func(call *notebook.Call) error {
		if call.EndedAt == nil {
			t := c.d.now()
			call.EndedAt = &t
		}
		return nil
	})
}

func (c *Calls) update(id string, change func(*notebook.Call) error) (SaveResult, error) {
	ctx := context.Background()
	var call notebook.Call
	if err := c.d.Store.Get(ctx, id, &call); err != nil {
		return SaveResult{}, err
	}
	if err := change(&call); err != nil {
		return SaveResult{}, err
	}
	saved, err := c.d.Store.Save(ctx, call)
	if err != nil {
		return SaveResult{}, err
	}
	return SaveResult{ID: id, Seq: saved.Seq, SavedAt: ts(c.d.now())}, nil
}

// Recent lists the newest calls across accounts.
func (c *Calls) Recent(limit int) (rows []CallRow, err error) {
	defer guard(c.d.Log, "Calls.Recent", &err)
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return callRows(context.Background(), c.d, Query{Newest: true}, limit)
}

func callRows(ctx context.Context, d *Deps, q Query, limit int) ([]CallRow, error) {
	if q.AccountID == "" {
		q.Limit = limit // newest first from the store's time index: no full scan
	}
	calls, err := listOf[notebook.Call](ctx, d.Store, notebook.TypeCall, q)
	if err != nil {
		return nil, err
	}
	sortCallsNewest(calls)
	if len(calls) > limit {
		calls = calls[:limit]
	}
	rows := make([]CallRow, 0, len(calls))
	names := newNameCache(ctx, d)
	for _, c := range calls {
		ev, err := d.Store.List(ctx, notebook.TypeEvidence, Query{CallID: c.ID})
		if err != nil {
			return nil, err
		}
		rows = append(rows, CallRow{ID: c.ID, AccountID: c.AccountID, AccountName: names.name(c.AccountID), Title: c.Title,
			Kind: string(c.Kind), StartedAt: ts(c.StartedAt), EndedAt: tsp(c.EndedAt), Evidence: len(ev)})
	}
	return rows, nil
}
