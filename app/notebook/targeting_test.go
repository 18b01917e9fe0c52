package notebook

import "testing"

func TestSegmentKeyFoldsSpellings(t *testing.T) {
	for in, want := range map[string]string{
		"Mid-Market": "mid-market", "mid market": "mid-market", " Mid__Market ": "mid-market",
		"mid-market": "mid-market", "SMB": "smb", "smb": "smb", "Enterprise": "enterprise",
		"-x-": "x", "": "", "Öffentlich": "öffentlich", "a  -  b": "a-b",
	} {
		if got := SegmentKey(in); got != want {
			t.Errorf("SegmentKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTargetsIgnoresCaseAndSeparators(t *testing.T) {
	h := Hypothesis{Segments: []string{"mid-market", "SMB"}, Stages: []Stage{StageCustomer}}
	for _, c := range []struct {
		seg   string
		stage Stage
		want  bool
	}{
		{"Mid-Market", "customer", true},
		{"smb", "Customer", true},
		{"Mid Market", "customer", true},
		{"enterprise", "customer", false},
		{"smb", "prospect", false},
		{"", "customer", false},
	} {
		if got := h.Targets(c.seg, c.stage); got != c.want {
			t.Errorf("Targets(%q, %q) = %v, want %v", c.seg, c.stage, got, c.want)
		}
	}
	if !(Hypothesis{}).Targets("anything", "") {
		t.Error("a hypothesis without targets targets every account")
	}
	s := Study{Segments: []string{"Mid-Market"}}
	if !s.Fits("mid-market", StageProspect) {
		t.Error("a study for Mid-Market must fit a mid-market account")
	}
}

func TestTargetReasonSaysWhy(t *testing.T) {
	h := Hypothesis{Segments: []string{"mid-market"}, Stages: []Stage{StageCustomer}}
	if got, want := h.TargetReason("Mid-Market", StageCustomer), "Targets segment Mid-Market, stage customer"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (Hypothesis{}).TargetReason("smb", ""); got != "Targets every account" {
		t.Errorf("got %q", got)
	}
	if got := (Hypothesis{Stages: []Stage{StageProspect}}).TargetReason("", StageProspect); got != "Targets any segment, stage prospect" {
		t.Errorf("got %q", got)
	}
}

func TestRollupBySegmentIsOneSegmentPerSpelling(t *testing.T) {
	accts := map[string]Account{"a": {ID: "a", Segment: "Mid-Market", ARR: 10}, "b": {ID: "b", Segment: "mid-market", ARR: 5}}
	items := []Observation{
		{Evidence: Evidence{ID: "1", AccountID: "a", Signal: SignalSupports}},
		{Evidence: Evidence{ID: "2", AccountID: "b", Signal: SignalSupports}},
	}
	r := RollupSignals(items, accts)
	if len(r.BySegment) != 1 || r.BySegment["mid-market"][SignalSupports].Accounts != 2 {
		t.Fatalf("by segment = %+v, want one mid-market segment with 2 accounts", r.BySegment)
	}
}

func TestNormalStage(t *testing.T) {
	if NormalStage(" Customer ") != StageCustomer || NormalStage("PROSPECT") != StageProspect || NormalStage("lead") != "lead" {
		t.Error("NormalStage")
	}
}

func FuzzSegmentKey(f *testing.F) {
	for _, s := range []string{"Mid-Market", "a--b", "  ", "é_É", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := SegmentKey(s)
		if SegmentKey(k) != k {
			t.Fatalf("SegmentKey is not idempotent on %q: %q then %q", s, k, SegmentKey(k))
		}
	})
}
