package bridge

import (
	"context"

	"fieldnotes/app/notebook"
)

// The willingness-to-pay form asks the domain whether a price needs
// confirming (notebook.WTPDoubt) and which currency to offer first: the
// rep's last choice (kept in this notebook's local state whenever a price
// is saved), else the latest the team used in this notebook, else EUR.

const lastCurrencyKey = "wtp/last_currency"

// WTPDefaults is what the form starts with.
type WTPDefaults struct {
	Currency string `json:"currency"`
	// Periods are the units in the order offered, each with its words.
	Units []WTPUnit `json:"units"`
}

// WTPUnit is one unit a price can be stated in.
type WTPUnit struct {
	Period string `json:"period"`
	Name   string `json:"name"`
}

// WTPCheck is the domain's opinion of a stated price.
type WTPCheck struct {
	Doubt string `json:"doubt"` // "" plausible; else the question to ask before saving
	Unit  string `json:"unit"`  // the period in words
}

// offeredUnits puts the three units a customer usually states first.
var offeredUnits = []string{"seat_month", "month", "year", "seat_year", "one_time"}

// WTPDefaults returns the currency and units the form offers.
func (ev *Evidence) WTPDefaults() (out WTPDefaults, err error) {
	defer guard(ev.d.Log, "Evidence.WTPDefaults", &err)
	out.Currency = lastCurrency(context.Background(), ev.d)
	for _, p := range offeredUnits {
		out.Units = append(out.Units, WTPUnit{Period: p, Name: notebook.WTPUnitName(p)})
	}
	return out, nil
}

// CheckWTP says whether a price should be confirmed before it is saved.
func (ev *Evidence) CheckWTP(in WTPDTO) (out WTPCheck, err error) {
	defer guard(ev.d.Log, "Evidence.CheckWTP", &err)
	w := notebook.WTP{Amount: in.Amount, Currency: in.Currency, Period: in.Period}
	return WTPCheck{Doubt: notebook.WTPDoubt(w), Unit: notebook.WTPUnitName(in.Period)}, nil
}

func lastCurrency(ctx context.Context, d *Deps) string {
	if ls := localOf(d); ls != nil {
		if b, err := ls.LocalGet(ctx, lastCurrencyKey); err == nil && len(b) == 3 {
			return string(b)
		}
	}
	recent, err := listOf[notebook.Evidence](ctx, d.Store, notebook.TypeEvidence, Query{Newest: true, Limit: 500})
	if err == nil {
		for _, e := range recent {
			if e.WTP != nil && len(e.WTP.Currency) == 3 {
				return e.WTP.Currency
			}
		}
	}
	return "EUR"
}

// rememberCurrency keeps the rep's last currency for the next price.
func rememberCurrency(ctx context.Context, d *Deps, e notebook.Evidence) {
	ls := localOf(d)
	if ls == nil || e.WTP == nil || len(e.WTP.Currency) != 3 {
		return
	}
	if err := ls.LocalPut(ctx, lastCurrencyKey, []byte(e.WTP.Currency)); err != nil {
		logger(d.Log).Warn("evidence: cannot remember the currency", "err", err)
	}
}
