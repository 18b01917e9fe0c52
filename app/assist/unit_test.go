package assist

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor(true, testContacts)
	cases := []struct{ in, want string }{
		{"mail ana.souza@acme.com or ANA.SOUZA@ACME.COM", "mail [EMAIL_1] or [EMAIL_2]"},
		{"again ana.souza@acme.com", "again [EMAIL_1]"}, // stable across calls
		{"call +1 (415) 555-0134 now", "call [PHONE_1] now"},
		{"or 4155550134.", "or [PHONE_2]."},
		{"Ana Souza and ana  souza", "[PERSON_1] and [PERSON_2]"},
		{"Björn said; Ana agreed", "[PERSON_3] said; [PERSON_4] agreed"},
		{"Anastasia and Banana are not Ana", "Anastasia and Banana are not [PERSON_4]"},
		{"a grand total of 1 000 000 EUR on 2026-12-01, 1.250.000 in 2024-2026", "a grand total of 1 000 000 EUR on 2026-12-01, 1.250.000 in 2024-2026"},
		{"order 123456 units, ref ABC1234567", "order 123456 units, ref ABC1234567"},
		{"Ek is too short alone", "Ek is too short alone"},
	}
	for _, tc := range cases {
		got := r.Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if back := r.Restore(got); back != tc.in {
			t.Errorf("Restore(Redact(%q)) = %q", tc.in, back)
		}
	}
	if got := r.Restore("[PERSON_99] and [SOMETHING_1]"); got != "[PERSON_99] and [SOMETHING_1]" {
		t.Errorf("unknown placeholders changed: %q", got)
	}
	off := NewRedactor(false, testContacts)
	if got := off.Redact("Ana Souza ana.souza@acme.com"); got != "Ana Souza ana.souza@acme.com" {
		t.Errorf("disabled redactor changed text: %q", got)
	}
	if n := r.Placeholders(); n["EMAIL"] != 2 || n["PHONE"] != 2 || n["PERSON"] != 4 {
		t.Errorf("placeholder counts = %v", n)
	}
}

func TestFindVerbatim(t *testing.T) {
	text := `She said "we'd pay 10k" — twice: we'd pay 10k.`
	cases := []struct {
		quote string
		start int
		ok    bool
	}{
		{"we'd pay 10k", 10, true},
		{`  "we'd pay 10k"  `, 10, true},
		{"“we'd pay 10k”", 10, true},
		{"We'd pay 10k", 0, false},
		{"we would pay 10k", 0, false},
		{"", 0, false},
		{`""`, 0, false},
	}
	for _, tc := range cases {
		q, start, end, ok := findVerbatim(text, tc.quote)
		if ok != tc.ok || (ok && (start != tc.start || text[start:end] != q)) {
			t.Errorf("findVerbatim(%q) = %q %d %d %v", tc.quote, q, start, end, ok)
		}
	}
}

func TestDecodeJSONToleratesFencesOnly(t *testing.T) {
	var v map[string]any
	if err := decodeJSON("```json\n{\"suggestions\":[]}\n```", &v); err != nil {
		t.Errorf("fenced JSON: %v", err)
	}
	for _, bad := range []string{"", "{} {}", "{\"a\":1} trailing", "\xff", strings.Repeat(" ", maxAnswerBytes+1)} {
		if err := decodeJSON(bad, &v); err == nil {
			t.Errorf("decodeJSON(%.20q) accepted", bad)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":     0,
		"3":    3 * time.Second,
		"0.5":  500 * time.Millisecond,
		"-1":   0,
		"NaN":  0,
		"1e9":  maxRetryAfter,
		"soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		now.Add(48 * time.Hour).Format(http.TimeFormat):   maxRetryAfter,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoffIsCappedWithJitter(t *testing.T) {
	a := &Assistant{cfg: Config{BackoffInitial: time.Second, BackoffMax: 8 * time.Second}}
	for _, j := range []float64{0, 0.999} {
		a.opts.Jitter = func() float64 { return j }
		prev := time.Duration(0)
		for attempt := 1; attempt <= 40; attempt++ {
			d := a.backoff(attempt)
			if d < prev || d > 8*time.Second || d < time.Second/2 {
				t.Fatalf("jitter %v attempt %d: backoff %v (previous %v)", j, attempt, d, prev)
			}
			prev = d
		}
		if prev < 4*time.Second {
			t.Errorf("backoff never reached the cap region: %v", prev)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	good := []Config{{}, {BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3"}, {BaseURL: "https://api.openai.com/v1/", Model: "gpt-4o-mini", OrgDisabled: true}}
	for _, c := range good {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	bad := []Config{{BaseURL: "api.openai.com", Model: "m"}, {BaseURL: "https://x/v1"}, {RequestTimeout: -1}, {MaxAttempts: -2}}
	for _, c := range bad {
		if err := c.Validate(); !notebook.IsCode(err, notebook.Invalid) {
			t.Errorf("%+v accepted: %v", c, err)
		}
	}
	if d := (Config{BaseURL: " https://x/v1/ "}).withDefaults(); d.BaseURL != "https://x/v1" || d.RequestTimeout != DefaultRequestTimeout || d.MaxAttempts != DefaultMaxAttempts {
		t.Errorf("defaults = %+v", d)
	}
}

func TestReadiness(t *testing.T) {
	cfg := Config{BaseURL: "http://127.0.0.1:1/v1", Model: "m"}
	if st := readiness(cfg, true, true); st.State != StateReady || st.Reason != "" {
		t.Errorf("ready: %+v", st)
	}
	if st := readiness(cfg, false, true); st.Reason != reasonOffline {
		t.Errorf("offline: %+v", st)
	}
	if st := readiness(cfg, true, false); st.Reason != reasonUnreachable {
		t.Errorf("unreachable: %+v", st)
	}
	cfg.OrgDisabled = true
	if st := readiness(cfg, true, true); st.State != StateDisabled {
		t.Errorf("disabled: %+v", st)
	}
}
