package notebook

import (
	"fmt"
	"strings"
)

// "2000, Enter" used to save "€2,000 per seat per month" for a customer who
// said €2,000 a month in total (issue 16): the unit is what makes a price
// comparable, so the rep must choose it, and a figure that is implausible
// for its unit is confirmed before it is saved. Roll-ups keep every
// (currency, period) apart; see RollupWTP.

// WTPUnitName says a period in words, as the capture form and Insights show it.
func WTPUnitName(period string) string {
	switch period {
	case "seat_month":
		return "per seat per month"
	case "seat_year":
		return "per seat per year"
	case "month":
		return "per month in total"
	case "year":
		return "per year in total"
	case "one_time":
		return "once"
	}
	return period
}

// wtpCeilings are amounts above which a price for the unit is probably a
// slip (a total entered as per seat, a yearly figure as monthly). They are
// deliberately generous: the rep can still confirm.
var wtpCeilings = map[string]float64{
	"seat_month": 10_000,
	"seat_year":  120_000,
	"month":      10_000_000,
	"year":       100_000_000,
	"one_time":   100_000_000,
}

// WTPDoubt returns why a stated price needs the rep's confirmation before
// it is saved ("" when it looks plausible). Validate still decides what is
// allowed at all.
func WTPDoubt(w WTP) string {
	ceiling, ok := wtpCeilings[w.Period]
	if !ok || w.Amount <= ceiling {
		return ""
	}
	return fmt.Sprintf("%s %s %s is unusually high for that unit (more than %s). Did the customer mean a total, or another unit?",
		strings.ToUpper(w.Currency), trimAmount(w.Amount), WTPUnitName(w.Period), trimAmount(ceiling))
}

func trimAmount(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	// thousands separators, for reading at a glance during a call
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}
