package bridge

import (
	"context"
	"sort"
	"strings"

	"fieldnotes/app/notebook"
)

// Evidence saves and deletes evidence items captured in a call.
type Evidence struct{ d *Deps }

// NewEvidence binds the evidence area.
func NewEvidence(d *Deps) *Evidence { return &Evidence{d} }

// Save creates (empty id) or replaces an evidence item. The account comes
// from the call, author and capture time from the first save, so the UI
// cannot forge them. A quote or a form filled in without a signal carries
// no signal: opening a form never invents an answer (issue 16).
func (ev *Evidence) Save(in EvidenceDTO) (out EvidenceDTO, err error) {
	defer guard(ev.d.Log, "Evidence.Save", &err)
	ctx := context.Background()
	rec, err := ev.merge(ctx, in)
	if err != nil {
		return out, err
	}
	if _, err := ev.d.Store.Save(ctx, rec); err != nil {
		return out, err
	}
	rememberCurrency(ctx, ev.d, rec)
	return evidenceDTO(rec), nil
}

func (ev *Evidence) merge(ctx context.Context, in EvidenceDTO) (notebook.Evidence, error) {
	var rec notebook.Evidence
	isNew := true
	if in.ID != "" {
		if err := ev.d.Store.Get(ctx, in.ID, &rec); err != nil && !notebook.IsCode(err, notebook.NotFound) {
			return rec, err
		}
	}
	if rec.ID != "" {
		isNew = false
	} else {
		rec = notebook.Evidence{ID: in.ID, Author: ev.d.author(), AuthorRole: ev.d.role(), CapturedAt: ev.d.now(), Source: "manual"}
		if rec.ID == "" {
			rec.ID = notebook.NewID()
		}
		if in.Source == "ai" || in.Source == "email" {
			rec.Source = in.Source
		}
	}
	rec.HypothesisID, rec.QuestionID, rec.CallID, rec.ContactID = in.HypothesisID, in.QuestionID, in.CallID, in.ContactID
	rec.AccountID = in.AccountID
	if in.CallID != "" {
		var call notebook.Call
		if err := ev.d.Store.Get(ctx, in.CallID, &call); err != nil {
			return rec, err
		}
		rec.AccountID = call.AccountID
	}
	if err := ev.linkDeal(ctx, &rec, in.OpportunityID, isNew); err != nil {
		return rec, err
	}
	rec.Impact = notebook.Impact(in.Impact)
	rec.Signal = notebook.Signal(in.Signal) // "" stays "": only the rep gives a signal
	rec.Strength, rec.Quote = in.Strength, in.Quote
	rec.Capability, rec.Problem, rec.Blocker, rec.Feature, rec.Usage = in.Capability, in.Problem, in.Blocker, in.Feature, in.Usage
	rec.Severity = notebook.Severity(in.Severity)
	rec.WTP = nil
	if w := in.WTP; w != nil && (w.Amount != 0 || w.Currency != "" || w.BudgetOwner != "") {
		rec.WTP = &notebook.WTP{Amount: w.Amount, Currency: strings.ToUpper(strings.TrimSpace(w.Currency)), Period: w.Period, BudgetOwner: w.BudgetOwner}
	}
	return rec, nil
}

// linkDeal applies notebook.DealFor with the account's deals.
func (ev *Evidence) linkDeal(ctx context.Context, rec *notebook.Evidence, chosen string, isNew bool) error {
	if rec.AccountID == "" {
		rec.OpportunityID = ""
		return nil
	}
	deals, err := accountDeals(ctx, ev.d, rec.AccountID)
	if err != nil {
		return err
	}
	rec.OpportunityID, err = notebook.DealFor(chosen, rec.OpportunityID, isNew, deals, rec.AccountID)
	return err
}

// Delete removes an evidence item (for example an answer marked by mistake).
func (ev *Evidence) Delete(id string) (err error) {
	defer guard(ev.d.Log, "Evidence.Delete", &err)
	return ev.d.Store.Delete(context.Background(), notebook.TypeEvidence, id)
}

// evidenceRows lists evidence newest first with names resolved.
func evidenceRows(ctx context.Context, d *Deps, q Query) ([]EvidenceRow, error) {
	ev, err := listOf[notebook.Evidence](ctx, d.Store, notebook.TypeEvidence, q)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].CapturedAt.After(ev[j].CapturedAt) })
	names := newNameCache(ctx, d)
	hyps := map[string]notebook.Hypothesis{}
	rows := make([]EvidenceRow, 0, len(ev))
	for _, e := range ev {
		h, ok := hyps[e.HypothesisID]
		if !ok {
			_ = d.Store.Get(ctx, e.HypothesisID, &h) // a missing hypothesis just shows no statement
			hyps[e.HypothesisID] = h
		}
		q, _ := h.Question(e.QuestionID)
		rows = append(rows, EvidenceRow{EvidenceDTO: evidenceDTO(e), AccountName: names.name(e.AccountID), Statement: h.Statement, Question: q.Text})
	}
	return rows, nil
}

// tally counts each account once, by its latest signal (the domain's rule).
func tally(ev []notebook.Evidence) Tally { return notebook.TallyEvidence(ev) }

func sortCallsNewest(calls []notebook.Call) {
	sort.SliceStable(calls, func(i, j int) bool { return calls[i].StartedAt.After(calls[j].StartedAt) })
}
