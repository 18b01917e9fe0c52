package notebook

import (
	"strings"
	"testing"
)

func TestWTPDoubtAsksAboutImplausibleUnits(t *testing.T) {
	for _, c := range []struct {
		w     WTP
		doubt bool
	}{
		{WTP{Amount: 40, Currency: "EUR", Period: "seat_month"}, false},
		{WTP{Amount: 10_000, Currency: "EUR", Period: "seat_month"}, false},
		{WTP{Amount: 20_000, Currency: "EUR", Period: "seat_month"}, true},
		{WTP{Amount: 20_000, Currency: "EUR", Period: "month"}, false},
		{WTP{Amount: 200_000, Currency: "USD", Period: "seat_year"}, true},
		{WTP{Amount: 2_000_000, Currency: "USD", Period: "year"}, false},
	} {
		got := WTPDoubt(c.w)
		if (got != "") != c.doubt {
			t.Errorf("WTPDoubt(%+v) = %q, want doubt %v", c.w, got, c.doubt)
		}
	}
	msg := WTPDoubt(WTP{Amount: 20_000, Currency: "EUR", Period: "seat_month"})
	if !strings.Contains(msg, "EUR 20,000 per seat per month") || !strings.Contains(msg, "10,000") {
		t.Errorf("message %q should name the amount, the unit and the ceiling", msg)
	}
}

func TestWTPUnitName(t *testing.T) {
	for _, p := range WTPPeriods {
		if WTPUnitName(p) == p {
			t.Errorf("period %q has no name", p)
		}
	}
}
