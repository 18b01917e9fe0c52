package notebook

import "testing"

// The walk of issue 16: a rep marks Supports on Q1, then records a price on
// Q2 and a blocker on Q3 of the same hypothesis, without signals. Neither
// form may invent an answer, and the account must still count as Supports
// for the rep and for product alike.
func TestFormsWithoutSignalNeverReplaceTheGivenSignal(t *testing.T) {
	q1 := Evidence{ID: "e1", HypothesisID: "h1", QuestionID: "q1", AccountID: "a", Signal: SignalSupports, CapturedAt: at(1)}
	q2 := Evidence{ID: "e2", HypothesisID: "h1", QuestionID: "q2", AccountID: "a", CapturedAt: at(2),
		WTP: &WTP{Amount: 2000, Currency: "EUR", Period: "month"}}
	q3 := Evidence{ID: "e3", HypothesisID: "h1", QuestionID: "q3", AccountID: "a", CapturedAt: at(3), Blocker: "no SSO"}
	items := []Evidence{q1, q2, q3}
	for _, e := range items {
		if err := e.Validate(); err != nil {
			t.Fatalf("%s: %v", e.ID, err)
		}
	}

	got := TallyEvidence(items)
	want := Tally{Supports: 1, Accounts: 1, Items: 3}
	if got != want {
		t.Fatalf("rep's tally = %+v, want %+v", got, want)
	}

	obs := make([]Observation, len(items))
	for i, e := range items {
		obs[i] = Observation{Evidence: e}
	}
	r := RollupSignals(obs, map[string]Account{"a": {ID: "a", ARR: 1000}})
	if r.Overall[SignalSupports] != (SignalCount{1, 1000}) || r.Overall[SignalUnclear].Accounts != 0 || r.Accounts != 1 {
		t.Fatalf("product's roll-up = %+v, want 1 supports and 0 unclear", r.Overall)
	}
}

func TestTallyLatestGivenSignalWinsAndUnattributedApart(t *testing.T) {
	items := []Evidence{
		{ID: "1", AccountID: "a", Signal: SignalSupports, CapturedAt: at(1)},
		{ID: "2", AccountID: "a", Signal: SignalRefutes, CapturedAt: at(2)},
		{ID: "3", AccountID: "a", Quote: "later words, no signal", CapturedAt: at(3)},
		{ID: "4", AccountID: "b", Signal: SignalMixed, CapturedAt: at(1)},
		{ID: "6", AccountID: "b", Signal: SignalUnclear, CapturedAt: at(1)}, // same time: greater id wins
		{ID: "5", Signal: SignalSupports, CapturedAt: at(1)},                // no account: apart, never an account
	}
	want := Tally{Refutes: 1, Unclear: 1, Accounts: 2, Unattributed: 1, Items: 6}
	if got := TallyEvidence(items); got != want {
		t.Fatalf("tally = %+v, want %+v", got, want)
	}
}

func TestEvidenceNeedsASignalOrAFinding(t *testing.T) {
	empty := Evidence{ID: "018f0000-0000-7000-8000-000000000001", HypothesisID: "h1"}
	if err := empty.Validate(); err == nil || !IsCode(err, Invalid) {
		t.Fatalf("evidence with neither signal nor finding: err = %v, want invalid", err)
	}
	for _, e := range []Evidence{
		{Quote: "we would pay"}, {WTP: &WTP{Amount: 10, Currency: "EUR", Period: "month"}},
		{Capability: "SSO"}, {Problem: "audits"}, {Blocker: "no SAML"}, {Feature: "export", Usage: "weekly"},
	} {
		e.ID, e.HypothesisID = empty.ID, "h1"
		if err := e.Validate(); err != nil {
			t.Errorf("%+v without a signal: %v", e, err)
		}
	}
	bad := empty
	bad.Signal = "maybe"
	if err := bad.Validate(); err == nil {
		t.Fatal("unknown signal accepted")
	}
}
