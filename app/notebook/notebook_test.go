package notebook

import (
	"sort"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestValidateNamesEveryBadField(t *testing.T) {
	bad := 7.0
	tests := []struct {
		name   string
		rec    Record
		fields []string
	}{
		{"hypothesis ok", Hypothesis{ID: "h1", Statement: "Teams pay for X", Questions: []Question{{ID: "q1", Text: "Would you?", Kind: AnswerSignal}}}, nil},
		{"hypothesis empty", Hypothesis{}, []string{"id", "statement"}},
		{"hypothesis bad enums", Hypothesis{ID: "h1", Statement: "s", Audience: "everyone", Status: "done", Stages: []Stage{"lead"}, Rank: -1}, []string{"audience", "rank", "stages", "status"}},
		{"hypothesis duplicate question", Hypothesis{ID: "h1", Statement: "s", Questions: []Question{{ID: "q", Text: "a"}, {ID: "q", Text: "b"}}}, []string{"questions"}},
		{"account ok", Account{ID: "a1", Name: "Acme", Domains: []string{"acme.com"}, Stage: StageCustomer, ARR: 1000}, nil},
		{"account bad", Account{ID: "a 1", Domains: []string{"Acme.COM"}, Stage: "lead", ARR: -1}, []string{"arr", "domains", "id", "name", "stage"}},
		{"contact ok", Contact{ID: "c1", Email: "ana@acme.com"}, nil},
		{"contact bad email", Contact{ID: "c1", Email: "Ana <ana@acme.com>"}, []string{"email"}},
		{"contact bad consent", Contact{ID: "c1", Email: "ana@acme.com", ConsentLog: []ConsentEntry{{Wording: "ok"}}}, []string{"consent_log"}},
		{"call ok", Call{ID: "k1", AccountID: "a1", StartedAt: t0, Kind: CallDemo}, nil},
		{"call bad", Call{ID: "k1", Kind: "lunch"}, []string{"account_id", "kind"}},
		{"evidence ok", Evidence{ID: "e1", HypothesisID: "h1", Signal: SignalSupports, Strength: 2, CapturedAt: t0, WTP: &WTP{Amount: 40, Currency: "EUR", Period: "seat_month"}}, nil},
		{"evidence bad", Evidence{ID: "e1", Signal: "yes", Strength: 5, WTP: &WTP{Amount: -bad, Currency: "eur", Period: "week"}}, []string{"hypothesis_id", "signal", "strength", "wtp"}},
		{"study bad", Study{ID: "s1", TargetCount: -2, Status: "maybe"}, []string{"status", "target_count", "title"}},
		{"email bad", Email{ID: "m1"}, []string{"message_id"}},
		{"invalid utf8", Account{ID: "a1", Name: "Ac\xffme"}, []string{"name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rec.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != Invalid {
				t.Fatalf("want Invalid *Error, got %#v", err)
			}
			var got []string
			for f := range e.Fields {
				got = append(got, f)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Fatalf("fields = %v, want %v (message %q)", got, tt.fields, e.Message)
			}
			for _, f := range tt.fields {
				if !strings.Contains(e.Message, f+":") {
					t.Errorf("message %q does not name %s", e.Message, f)
				}
			}
		})
	}
}

func TestHLCWireFormatAndOrder(t *testing.T) {
	h := HLC{Millis: 1795000000123, Counter: 10}
	if h.String() != "1795000000123-000a" {
		t.Fatalf("got %s", h)
	}
	back, err := ParseHLC(h.String())
	if err != nil || back != h {
		t.Fatalf("round trip: %v %v", back, err)
	}
	for _, bad := range []string{"", "1795000000123-000A", "179500000012-000a", "1795000000123_000a", "x795000000123-000a"} {
		if _, err := ParseHLC(bad); !IsCode(err, Invalid) {
			t.Errorf("ParseHLC(%q) = %v, want invalid", bad, err)
		}
	}
	now := t0
	c := NewClock(HLC{}, func() time.Time { return now })
	a, b := c.Now(), c.Now()
	if !a.Less(b) || a.String() >= b.String() {
		t.Fatalf("not increasing: %s %s", a, b)
	}
	c.Observe(HLC{Millis: t0.UnixMilli() + 5000})
	if d := c.Now(); d.Millis != t0.UnixMilli()+5000 || d.Counter != 1 {
		t.Fatalf("after observe: %s", d)
	}
	now = t0.Add(-time.Hour) // wall clock steps back: still increasing
	if e := c.Now(); !b.Less(e) {
		t.Fatalf("went back: %s", e)
	}
}

func TestNewIDIsUUIDv7AndSorted(t *testing.T) {
	prev := ""
	for i := 0; i < 1000; i++ {
		id := NewID()
		if len(id) != 36 || id[14] != '7' || !ValidID(id) {
			t.Fatalf("bad id %s", id)
		}
		if id <= prev {
			t.Fatalf("ids not increasing: %s then %s", prev, id)
		}
		prev = id
	}
}

func TestRecruitingPipeline(t *testing.T) {
	c := Contact{ID: "c1", Email: "ana@acme.com", Name: "Ana"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Recruit(RecruitInvited, "s1", false, t0); !IsCode(err, Invalid) {
		t.Fatalf("invite before nominate: %v", err)
	}
	must(c.Recruit(RecruitNominated, "s1", false, t0))
	must(c.Recruit(RecruitInvited, "", false, t0))
	if err := c.Recruit(RecruitConsented, "", false, t0); !IsCode(err, Invalid) {
		t.Fatalf("consent without log: %v", err)
	}
	must(c.RecordConsent(ConsentEntry{Wording: "We record the session", At: t0, Channel: "call", Given: true}))
	must(c.Recruit(RecruitConsented, "", false, t0))
	must(c.Recruit(RecruitScheduled, "", false, t0))
	must(c.Recruit(RecruitDone, "", false, t0))
	must(c.Recruit(RecruitNominated, "s2", false, t0.Add(24*time.Hour)))
	if err := c.Recruit(RecruitInvited, "", false, t0.Add(30*24*time.Hour)); !IsCode(err, Conflict) {
		t.Fatalf("re-invite within 90 days: %v", err)
	}
	must(c.Recruit(RecruitInvited, "", true, t0.Add(30*24*time.Hour)))
	c.DoNotContact = true
	c.RecruitStatus = RecruitDeclined
	if err := c.Recruit(RecruitNominated, "s3", true, t0); !IsCode(err, Forbidden) {
		t.Fatalf("do_not_contact: %v", err)
	}
	must(c.RecordConsent(ConsentEntry{Wording: "withdrawn", At: t0, Channel: "email", Given: false}))
	if c.RecruitStatus != RecruitDeclined {
		t.Fatal("withdrawal must decline")
	}
}

func TestDomains(t *testing.T) {
	for in, want := range map[string]string{"https://www.Acme.com/": "acme.com", "@eu.acme.io": "eu.acme.io", "acme": "", "ac me.com": "", "-a.com": ""} {
		if got := NormalizeDomain(in); got != want {
			t.Errorf("NormalizeDomain(%q) = %q, want %q", in, got, want)
		}
	}
	if !DomainMatches("eu.acme.com", "acme.com") || DomainMatches("notacme.com", "acme.com") {
		t.Fatal("subdomain matching")
	}
	if NormalizeEmail(" Ana@Acme.com ") != "ana@acme.com" || NormalizeEmail("ana") != "" || NormalizeEmail("a@b") != "" {
		t.Fatal("email normalisation")
	}
}
