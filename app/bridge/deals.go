package bridge

import (
	"context"
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

// Deals creates and edits an account's deals (notebook.Opportunity) from the
// account brief. The rules (which deals are open, which deal new evidence
// links to, what a deal waits on) are app/notebook's; this only maps DTOs.
type Deals struct{ d *Deps }

// NewDeals binds the deals area.
func NewDeals(d *Deps) *Deals { return &Deals{d} }

// DealDTO is a deal as the brief edits it. CloseDate is YYYY-MM-DD or "".
type DealDTO struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	AccountID  string  `json:"account_id"`
	Amount     float64 `json:"amount"`
	Currency   string  `json:"currency"`
	Stage      string  `json:"stage"`
	Status     string  `json:"status"` // open, won, lost
	CloseDate  string  `json:"close_date"`
	LostReason string  `json:"lost_reason"`
	Owner      string  `json:"owner"`
}

// DealRow is an open deal on the brief with the hypotheses it is stuck on.
type DealRow struct {
	DealDTO
	WaitingOn []WaitingHypothesis `json:"waiting_on"`
}

// WaitingHypothesis is a hypothesis a deal waits on (evidence citing the
// deal with impact blocker).
type WaitingHypothesis struct {
	ID        string `json:"id"`
	Statement string `json:"statement"`
	Status    string `json:"status"`
}

// Save creates (empty id) or changes a deal. Fields it does not show (CRM
// ids) are kept; a new deal belongs to the rep who typed it in.
func (ds *Deals) Save(in DealDTO) (out DealDTO, err error) {
	defer guard(ds.d.Log, "Deals.Save", &err)
	ctx := context.Background()
	var o notebook.Opportunity
	if in.ID != "" {
		if err := ds.d.Store.Get(ctx, in.ID, &o); err != nil {
			return out, err
		}
	} else {
		o = notebook.Opportunity{ID: notebook.NewID(), Owner: ds.d.Author, Status: notebook.DealOpen}
	}
	if in.AccountID != "" {
		o.AccountID = in.AccountID
	}
	o.Name, o.Stage = strings.TrimSpace(in.Name), strings.TrimSpace(in.Stage)
	o.Amount, o.Currency = in.Amount, strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Status != "" {
		o.Status = notebook.DealStatus(in.Status)
	}
	o.LostReason = strings.TrimSpace(in.LostReason)
	if strings.TrimSpace(in.Owner) != "" {
		o.Owner = strings.TrimSpace(in.Owner)
	}
	if o.CloseDate, err = parseDay("close_date", "close date", in.CloseDate); err != nil {
		return out, err
	}
	if _, err := ds.d.Store.Save(ctx, o); err != nil {
		return out, err
	}
	return dealDTO(o), nil
}

// Delete removes a deal typed in by mistake.
func (ds *Deals) Delete(id string) (err error) {
	defer guard(ds.d.Log, "Deals.Delete", &err)
	return ds.d.Store.Delete(context.Background(), notebook.TypeOpportunity, id)
}

// parseDay reads a YYYY-MM-DD (or RFC 3339) date; "" is no date.
func parseDay(field, what, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		t, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		return nil, &notebook.Error{Code: notebook.Invalid, Message: "The " + what + " is not a date (like 2027-03-31).",
			Fields: map[string]string{field: "not a date"}}
	}
	t = t.UTC()
	return &t, nil
}

func dealDTO(o notebook.Opportunity) DealDTO {
	d := DealDTO{ID: o.ID, Name: o.Name, AccountID: o.AccountID, Amount: o.Amount, Currency: o.Currency, Stage: o.Stage,
		Status: string(o.Status), LostReason: o.LostReason, Owner: o.Owner}
	if d.Status == "" {
		d.Status = string(notebook.DealOpen)
	}
	if o.CloseDate != nil {
		d.CloseDate = o.CloseDate.UTC().Format("2006-01-02")
	}
	return d
}

// accountDeals lists every deal of an account (open and closed).
func accountDeals(ctx context.Context, d *Deps, accountID string) ([]notebook.Opportunity, error) {
	return listOf[notebook.Opportunity](ctx, d.Store, notebook.TypeOpportunity, Query{AccountID: accountID})
}

// openDealDTOs are the account's open deals in notebook.OpenDeals' order.
func openDealDTOs(deals []notebook.Opportunity, accountID string) []DealDTO {
	open := notebook.OpenDeals(deals, accountID)
	out := make([]DealDTO, 0, len(open))
	for _, o := range open {
		out = append(out, dealDTO(o))
	}
	return out
}

// dealRows are the brief's open deals, each with the hypotheses it waits on.
func dealRows(ctx context.Context, d *Deps, accountID string) ([]DealRow, error) {
	deals, err := accountDeals(ctx, d, accountID)
	if err != nil {
		return nil, err
	}
	open := notebook.OpenDeals(deals, accountID)
	rows := make([]DealRow, 0, len(open))
	for _, o := range open {
		ev, err := listOf[notebook.Evidence](ctx, d.Store, notebook.TypeEvidence, Query{OpportunityID: o.ID})
		if err != nil {
			return nil, err
		}
		row := DealRow{DealDTO: dealDTO(o), WaitingOn: []WaitingHypothesis{}}
		for _, hid := range notebook.WaitingOn(ev)[o.ID] {
			w := WaitingHypothesis{ID: hid, Statement: "(a hypothesis not on this laptop)"}
			var h notebook.Hypothesis
			if d.Store.Get(ctx, hid, &h) == nil {
				w.Statement, w.Status = h.Statement, string(h.Status)
			}
			row.WaitingOn = append(row.WaitingOn, w)
		}
		rows = append(rows, row)
	}
	return rows, nil
}
