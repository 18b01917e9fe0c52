package assist

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current prompts")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./app/assist -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed; review the diff and run with -update if it is intended.\n--- got ---\n%s", name, got)
	}
}

func testBriefRequest() BriefRequest {
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	return BriefRequest{
		Account:    notebook.Account{ID: "acc-acme", Name: "Acme GmbH", Segment: "mid-market", Stage: notebook.StageCustomer},
		Hypotheses: testHypotheses,
		Contacts:   testContacts,
		Evidence: []notebook.Evidence{
			{ID: "ev-1", HypothesisID: "hyp-sso", Signal: notebook.SignalSupports, Quote: "Ana Souza: no SSO, no deal", CapturedAt: at},
			{ID: "ev-2", HypothesisID: "hyp-sso", Signal: notebook.SignalSupports, Problem: "IT will not approve tools without SSO",
				WTP: &notebook.WTP{Amount: 12, Currency: "EUR", Period: "seat_month"}, CapturedAt: at.Add(time.Hour)},
		},
		Emails: []notebook.Email{{ID: "mail-1", Subject: "SSO again", Excerpt: "Reach me at bjorn.ek@acme.com or +46 8 123 456 78.", Date: at.Add(48 * time.Hour)}},
	}
}

func testTriageRequest() TriageRequest {
	return TriageRequest{
		Email: notebook.Email{ID: "mail-1", MessageID: "<1@acme.com>", Subject: "SSO question from Ana Souza", From: "ana.souza@acme.com",
			Excerpt: "Hi, we still can't buy without SSO. Call me on +44 20 7946 0958. — Ana"},
		Hypotheses: testHypotheses, Contacts: testContacts,
	}
}

func TestGoldenPrompts(t *testing.T) {
	cfg := Config{Model: "test-model"}
	render := func(cfg Config, p prompt, stream bool) []byte {
		raw, err := json.MarshalIndent(chatRequest(cfg, p, stream, ""), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return append(raw, '\n')
	}
	redactor := func(contacts []notebook.Contact) *Redactor { return NewRedactor(true, contacts) }
	golden(t, "evidence_prompt.golden", render(cfg, evidencePrompt(testEvidenceRequest(), redactor(testContacts)), true))
	tools := cfg
	tools.UseTools = true
	golden(t, "evidence_tools_prompt.golden", render(tools, evidencePrompt(testEvidenceRequest(), redactor(testContacts)), false))
	golden(t, "triage_prompt.golden", render(cfg, triagePrompt(testTriageRequest(), redactor(testContacts)), true))
	golden(t, "brief_prompt.golden", render(cfg, briefPrompt(testBriefRequest(), redactor(testContacts)), true))
}

// TestRedactionNothingReachesServer sends all three kinds of request and
// checks every byte the server received for addresses, phone numbers and
// contact names — then checks that answers still come back in the rep's own
// words.
func TestRedactionNothingReachesServer(t *testing.T) {
	triageAnswer := mustJSON(t, map[string]any{"summary": "[PERSON_1] cannot buy without SSO", "links": []any{
		item("hyp-sso", "q-sso-blocker", "supports", 3, "Call me on [PHONE_1]", nil)}})
	briefAnswer := mustJSON(t, map[string]any{"claims": []any{map[string]any{"text": "Reach [PERSON_1] at [EMAIL_1].", "sources": []string{"mail-1"}}}})
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t), chunks: 3}, reply{content: triageAnswer}, reply{content: briefAnswer})
	env := newEnv(t, ai, nil)
	ctx := context.Background()
	ev, err := env.a.ExtractEvidence(ctx, testEvidenceRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := env.a.TriageEmail(ctx, testTriageRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	br, err := env.a.Brief(ctx, testBriefRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}

	sent := ai.bodyText()
	secrets := []string{
		"ana.souza@acme.com", "bjorn.ek@acme.com", "acme.com\"", // addresses
		"415 555 0134", "7946 0958", "123 456 78", "0134", // phone numbers
		"Ana", "Souza", "Björn", "Bj\\u00f6rn", // names, raw or escaped
	}
	for _, s := range secrets {
		if strings.Contains(sent, s) {
			t.Errorf("%q reached the AI server", s)
		}
	}
	for _, placeholder := range []string{"[EMAIL_1]", "[PHONE_1]", "[PERSON_1]"} {
		if !strings.Contains(sent, placeholder) {
			t.Errorf("placeholder %s never sent; is redaction doing anything?", placeholder)
		}
	}
	if !strings.Contains(sent, "2026-12-01") || !strings.Contains(sent, "12 EUR") {
		t.Error("a date or a price was redacted as if it were a phone number")
	}
	if len(ev.Suggestions) != 3 || tr.Summary != "Ana Souza cannot buy without SSO" ||
		len(tr.Links) != 1 || tr.Links[0].Quote != "Call me on +44 20 7946 0958" ||
		len(br.Claims) != 1 || br.Claims[0].Text != "Reach Ana Souza at bjorn.ek@acme.com." {
		t.Errorf("answers not restored:\n%+v\n%+v\n%+v", ev, tr, br)
	}
}

func TestRedactionCanBeTurnedOff(t *testing.T) {
	ai := newFakeAI(t, reply{content: `{"suggestions":[]}`})
	env := newEnv(t, ai, func(c *Config) { c.DisableRedaction = true })
	if _, err := env.a.ExtractEvidence(context.Background(), testEvidenceRequest(), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ai.bodyText(), "ana.souza@acme.com") {
		t.Error("with redaction off the notes should be sent as written")
	}
}

// TestLogsHoldNoSecrets runs jobs with debug logging and checks the log for
// the key and for customer text.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	ai := newFakeAI(t, reply{content: "garbage"}, reply{content: goodEvidenceAnswer(t)},
		reply{status: 429, raw: `{"error":{"message":"slow down","type":"rate"}}`}, reply{content: goodEvidenceAnswer(t)})
	cfg := testConfig(ai)
	a, err := New(cfg, NewMemoryStore(), Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{a: a, ai: ai}
	env.serve(t)
	for range 2 {
		j, _ := a.SubmitEvidence(context.Background(), testEvidenceRequest())
		env.wait(t, j.ID)
	}
	out := logs.String()
	// the phone number whole: "415" alone also turns up inside job ids
	for _, s := range []string{"sk-test-secret-key", "Ana", "SSO we cannot", "415 555", "555 0134"} {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q:\n%s", s, out)
		}
	}
	if !regexp.MustCompile(`assist: job ran`).MatchString(out) {
		t.Errorf("expected a job log line:\n%s", out)
	}
}
