package notebook

import (
	"math"
	"reflect"
	"testing"
	"time"
)

var rollupT0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func at(min int) time.Time { return rollupT0.Add(time.Duration(min) * time.Minute) }

func obs(id, account string, sig Signal, capturedMin int, role Audience) Observation {
	return Observation{Evidence: Evidence{ID: id, HypothesisID: "h1", AccountID: account, Signal: sig,
		CapturedAt: at(capturedMin), AuthorRole: role}}
}

func TestRollupSignalsOncePerAccount(t *testing.T) {
	accounts := map[string]Account{
		"a": {ID: "a", Segment: "smb", ARR: 10_000},
		"b": {ID: "b", Segment: "enterprise", ARR: 500_000},
		"c": {ID: "c", Segment: "smb", ARR: 20_000},
	}
	tests := []struct {
		name      string
		items     []Observation
		overall   map[Signal]SignalCount
		bySegment map[string]map[Signal]SignalCount
		byRole    map[string]map[Signal]SignalCount
		unattrib  map[Signal]int
	}{
		{name: "empty", overall: map[Signal]SignalCount{}},
		{
			name:    "three items one account: latest wins",
			items:   []Observation{obs("1", "a", SignalSupports, 1, AudienceSales), obs("2", "a", SignalRefutes, 3, AudienceSales), obs("3", "a", SignalSupports, 2, AudienceSales)},
			overall: map[Signal]SignalCount{SignalRefutes: {1, 10_000}},
			byRole:  map[string]map[Signal]SignalCount{"sales": {SignalRefutes: {1, 10_000}}},
		},
		{
			name:    "same captured_at: greater id wins",
			items:   []Observation{obs("x2", "a", SignalMixed, 5, ""), obs("x1", "a", SignalSupports, 5, "")},
			overall: map[Signal]SignalCount{SignalMixed: {1, 10_000}},
			byRole:  map[string]map[Signal]SignalCount{"": {SignalMixed: {1, 10_000}}},
		},
		{
			name: "weighted by ARR, by segment",
			items: []Observation{obs("1", "a", SignalSupports, 1, AudienceSales), obs("2", "b", SignalRefutes, 1, AudienceCS),
				obs("3", "c", SignalSupports, 1, AudienceSales)},
			overall: map[Signal]SignalCount{SignalSupports: {2, 30_000}, SignalRefutes: {1, 500_000}},
			bySegment: map[string]map[Signal]SignalCount{"smb": {SignalSupports: {2, 30_000}},
				"enterprise": {SignalRefutes: {1, 500_000}}},
			byRole: map[string]map[Signal]SignalCount{"sales": {SignalSupports: {2, 30_000}}, "cs": {SignalRefutes: {1, 500_000}}},
		},
		{
			name:    "roles disagree on one account: each role once, overall the latest",
			items:   []Observation{obs("1", "b", SignalSupports, 1, AudienceSales), obs("2", "b", SignalRefutes, 2, AudienceCS)},
			overall: map[Signal]SignalCount{SignalRefutes: {1, 500_000}},
			byRole:  map[string]map[Signal]SignalCount{"sales": {SignalSupports: {1, 500_000}}, "cs": {SignalRefutes: {1, 500_000}}},
		},
		{
			name:     "no account: unattributed, not counted",
			items:    []Observation{obs("1", "", SignalSupports, 1, ""), obs("2", "", SignalSupports, 2, "")},
			overall:  map[Signal]SignalCount{},
			unattrib: map[Signal]int{SignalSupports: 2},
		},
		{
			name:      "unknown account: counted with ARR 0",
			items:     []Observation{obs("1", "zz", SignalUnclear, 1, "")},
			overall:   map[Signal]SignalCount{SignalUnclear: {1, 0}},
			bySegment: map[string]map[Signal]SignalCount{"": {SignalUnclear: {1, 0}}},
			byRole:    map[string]map[Signal]SignalCount{"": {SignalUnclear: {1, 0}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := RollupSignals(tt.items, accounts)
			if got := nonZero(r.Overall); !reflect.DeepEqual(got, tt.overall) {
				t.Errorf("overall %v, want %v", got, tt.overall)
			}
			if tt.bySegment != nil {
				for seg, want := range tt.bySegment {
					if got := nonZero(r.BySegment[seg]); !reflect.DeepEqual(got, want) {
						t.Errorf("segment %q: %v, want %v", seg, got, want)
					}
				}
			}
			if len(r.ByRole) != len(tt.byRole) {
				t.Errorf("roles %v, want %v", r.ByRole, tt.byRole)
			}
			for role, want := range tt.byRole {
				if got := nonZero(r.ByRole[role]); !reflect.DeepEqual(got, want) {
					t.Errorf("role %q: %v, want %v", role, got, want)
				}
			}
			if len(r.Unattributed) != len(tt.unattrib) {
				t.Errorf("unattributed %v, want %v", r.Unattributed, tt.unattrib)
			}
			total := 0.0
			for _, c := range r.Overall {
				total += c.ARR
			}
			if total != r.ARR || r.Items != len(tt.items) {
				t.Errorf("ARR %v vs sum %v, items %d", r.ARR, total, r.Items)
			}
		})
	}
}

func nonZero(b SignalBreakdown) map[Signal]SignalCount {
	out := map[Signal]SignalCount{}
	for s, c := range b {
		if c != (SignalCount{}) {
			out[s] = c
		}
	}
	return out
}

func TestQuantileType7(t *testing.T) {
	tests := []struct {
		name        string
		v           []float64
		q1, med, q3 float64
	}{
		{"n=1", []float64{40}, 40, 40, 40},
		{"n=2", []float64{10, 20}, 12.5, 15, 17.5},
		{"n=3", []float64{10, 20, 40}, 15, 20, 30},
		{"n=4", []float64{1, 2, 3, 4}, 1.75, 2.5, 3.25},
		{"n=5", []float64{1, 2, 3, 4, 5}, 2, 3, 4},
		{"ties", []float64{7, 7, 7}, 7, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := [3]float64{Quantile(tt.v, .25), Quantile(tt.v, .5), Quantile(tt.v, .75)}
			if want := [3]float64{tt.q1, tt.med, tt.q3}; got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	if !math.IsNaN(Quantile(nil, .5)) {
		t.Error("empty: want NaN")
	}
	if Quantile([]float64{1, 2}, 2) != 2 || Quantile([]float64{1, 2}, -1) != 1 || !math.IsNaN(Quantile([]float64{1}, math.NaN())) {
		t.Error("q outside [0,1] must clamp; NaN q gives NaN")
	}
}

func wtp(id, account string, amount float64, cur, per string) Observation {
	o := obs(id, account, SignalSupports, 1, "")
	o.WTP = &WTP{Amount: amount, Currency: cur, Period: per}
	return o
}

func TestRollupWTPNeverMixesCurrenciesOrPeriods(t *testing.T) {
	items := []Observation{
		wtp("1", "a", 10, "EUR", "seat_month"), wtp("2", "b", 20, "EUR", "seat_month"), wtp("3", "b", 40, "EUR", "seat_month"),
		wtp("4", "a", 1000, "USD", "seat_month"),
		wtp("5", "c", 12, "EUR", "year"),
		obs("6", "c", SignalSupports, 1, ""),  // no WTP
		wtp("7", "", 30, "eur", "seat_month"), // lower-case currency folds, no account
	}
	got := RollupWTP(items)
	want := []WTPStats{
		{Currency: "EUR", Period: "seat_month", N: 4, Accounts: 2, Min: 10, Q1: 17.5, Median: 25, Q3: 32.5, Max: 40},
		{Currency: "EUR", Period: "year", N: 1, Accounts: 1, Min: 12, Q1: 12, Median: 12, Q3: 12, Max: 12},
		{Currency: "USD", Period: "seat_month", N: 1, Accounts: 1, Min: 1000, Q1: 1000, Median: 1000, Q3: 1000, Max: 1000},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if len(RollupWTP(nil)) != 0 {
		t.Fatal("no items: want no rows")
	}
}

func TestNormalizeMention(t *testing.T) {
	for in, want := range map[string]string{
		"  SSO ":              "sso",
		"Sso.":                "sso",
		"audit\tlog  export!": "audit log export",
		"¿Qué?":               "qué",
		"...":                 "",
		"":                    "",
		"C++ SDK":             "c++ sdk",
	} {
		if got := NormalizeMention(in); got != want {
			t.Errorf("NormalizeMention(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTopMentions(t *testing.T) {
	mk := func(id, account, capability string) Observation {
		o := obs(id, account, SignalSupports, 1, "")
		o.Capability = capability
		return o
	}
	items := []Observation{mk("1", "a", "SSO"), mk("2", "a", "sso."), mk("3", "b", "Sso"), mk("4", "a", "Audit log"),
		mk("5", "a", "audit log"), mk("6", "a", "audit  LOG"), mk("7", "c", ""), mk("8", "", "Zapier")}
	got := TopMentions(items, Capability, 2)
	want := []Mention{{Text: "sso", Label: "SSO", Count: 3, Accounts: 2}, {Text: "audit log", Label: "Audit log", Count: 3, Accounts: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if all := TopMentions(items, Capability, 0); len(all) != 3 || all[2].Accounts != 0 {
		t.Fatalf("all: %+v", all)
	}
}

func TestQuotesLatestFirstWithAccountAndAuthor(t *testing.T) {
	accounts := map[string]Account{"a": {ID: "a", Name: "Acme", Segment: "smb"}}
	q := func(id string, m int, text string) Observation {
		o := obs(id, "a", SignalSupports, m, AudienceCS)
		o.Quote, o.Author = text, "u_ana"
		return o
	}
	got, total := Quotes([]Observation{q("1", 1, "old"), q("2", 3, "new"), q("3", 2, "  "), q("4", 2, "mid")}, accounts, 2)
	if total != 3 || len(got) != 2 || got[0].Quote != "new" || got[1].Quote != "mid" ||
		got[0].AccountName != "Acme" || got[0].Author != "u_ana" || got[0].AuthorRole != AudienceCS {
		t.Fatalf("got %+v total %d", got, total)
	}
}

func TestRecruitingPipelines(t *testing.T) {
	studies := []Study{{ID: "s2", Title: "Beta"}, {ID: "s1", Title: "Alpha", TargetCount: 5, HypothesisID: "h1"}}
	contacts := []Contact{
		{ID: "1", StudyID: "s1", RecruitStatus: RecruitNominated},
		{ID: "2", StudyID: "s1", RecruitStatus: RecruitNominated},
		{ID: "3", StudyID: "s1", RecruitStatus: RecruitConsented, DoNotContact: true},
		{ID: "4", StudyID: "s2", RecruitStatus: RecruitDone},
		{ID: "5", StudyID: "gone", RecruitStatus: RecruitInvited},
		{ID: "6", StudyID: "s2"},
	}
	got := RecruitingPipelines(studies, contacts)
	if len(got) != 2 || got[0].StudyID != "s1" || got[0].Counts[RecruitNominated] != 2 || got[0].Counts[RecruitConsented] != 1 ||
		got[0].DoNotContact != 1 || got[0].TargetCount != 5 || got[1].Counts[RecruitDone] != 1 || len(got[1].Counts) != 6 {
		t.Fatalf("got %+v", got)
	}
}

func TestTimeToSignal(t *testing.T) {
	pub := at(0)
	decided := at(600)
	h := Hypothesis{ID: "h1", PublishedAt: &pub, DecidedAt: &decided}
	var items []Observation
	// Six items from five accounts; account a twice; received 10, 20, … min.
	for i, acc := range []string{"a", "a", "b", "c", "d", "e"} {
		o := obs(string(rune('1'+i)), acc, SignalSupports, 10*(i+1)-2, "")
		o.ReceivedAt = at(10 * (i + 1))
		items = append(items, o)
	}
	items[1].FirstSeenAt = at(25) // seen 5 min after it arrived
	items[4].FirstSeenAt = at(90)
	items = append(items, Observation{Evidence: Evidence{ID: "x"}}) // never received: ignored
	got := ComputeTimeToSignal(h, items)
	sec := func(m Milestone) float64 {
		if m.Seconds == nil {
			return -1
		}
		return *m.Seconds
	}
	if sec(got.FirstEvidence) != 600 || sec(got.DistinctAccounts) != 3600 || sec(got.Decided) != 36000 || sec(got.FirstSeen) != 1500 {
		t.Fatalf("milestones: first %v five %v decided %v seen %v", sec(got.FirstEvidence), sec(got.DistinctAccounts), sec(got.Decided), sec(got.FirstSeen))
	}
	if got.EdgeToHub != (Delay{N: 6, P50: 120, P95: 120, Max: 120}) {
		t.Fatalf("edge to hub %+v", got.EdgeToHub)
	}
	if got.SeenByProduct != 2 || got.NotYetSeen != 4 || got.HubToProduct.N != 2 || got.HubToProduct.P50 != 1350 || got.AccountsSoFar != 5 {
		t.Fatalf("seen %+v", got)
	}

	// Four accounts only, no publication date, nothing decided.
	got = ComputeTimeToSignal(Hypothesis{ID: "h1"}, items[:4])
	if got.DistinctAccounts.At != nil || got.Decided.At != nil || got.FirstEvidence.At == nil || got.FirstEvidence.Seconds != nil {
		t.Fatalf("partial: %+v", got)
	}
}

func TestDelayOfClampsNegativeAndUsesType7(t *testing.T) {
	d := DelayOf([]float64{-30, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100})
	if d.N != 11 || d.P50 != 50 || d.P95 != 95 || d.Max != 100 {
		t.Fatalf("%+v", d)
	}
	if DelayOf(nil) != (Delay{}) {
		t.Fatal("empty")
	}
}

func TestRollupWhole(t *testing.T) {
	pub := at(0)
	h := Hypothesis{ID: "h1", Statement: "Teams pay for SSO", Status: StatusActive, PublishedAt: &pub}
	o := wtp("1", "a", 10, "EUR", "month")
	o.Quote, o.Capability, o.Blocker, o.ReceivedAt = "we'd pay", "SSO", "no SCIM", at(5)
	in := Rollup(h, []Observation{o}, map[string]Account{"a": {ID: "a", ARR: 5}}, nil, RollupLimits{})
	if in.Signals.Accounts != 1 || len(in.WTP) != 1 || len(in.Capabilities) != 1 || len(in.Blockers) != 1 ||
		in.QuotesTotal != 1 || in.Studies == nil || in.TimeToSignal.FirstEvidence.At == nil {
		t.Fatalf("%+v", in)
	}
}

func TestSummariseTimeToSignal(t *testing.T) {
	secs := func(s float64) Milestone { return Milestone{Seconds: &s} }
	ins := []HypothesisInsight{
		{TimeToSignal: TimeToSignal{FirstEvidence: secs(100), DistinctAccounts: secs(1000), EdgeToHub: Delay{N: 3, P50: 10, P95: 20}}},
		{TimeToSignal: TimeToSignal{FirstEvidence: secs(300), Decided: secs(9000), EdgeToHub: Delay{N: 1, P50: 30, P95: 30}}},
		{TimeToSignal: TimeToSignal{}}, // nothing yet
	}
	h := SummariseTimeToSignal(ins)
	if h.Hypotheses != 3 || *h.FirstEvidence.MedianSeconds != 200 || h.FirstEvidence.Reached != 2 ||
		*h.FiveAccounts.MedianSeconds != 1000 || h.FirstSeen.MedianSeconds != nil || h.Decided.Reached != 1 ||
		*h.EdgeToHubP50.MedianSeconds != 20 || *h.EdgeToHubP95.MedianSeconds != 25 {
		t.Fatalf("%+v", h)
	}
	if got := SummariseTimeToSignal(nil); got.FirstEvidence.MedianSeconds != nil || got.Hypotheses != 0 {
		t.Fatalf("empty: %+v", got)
	}
}
