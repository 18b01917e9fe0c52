package assist

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

var testHypotheses = []notebook.Hypothesis{
	{ID: "hyp-sso", Statement: "SSO is a must-have for mid-market buyers", Status: notebook.StatusActive,
		Questions: []notebook.Question{
			{ID: "q-sso-blocker", Text: "Is missing SSO a blocker to buying?", Kind: notebook.AnswerSignal},
			{ID: "q-sso-price", Text: "What would you pay for SSO?", Kind: notebook.AnswerWTP},
		}},
	{ID: "hyp-digest", Statement: "Team leads want a weekly digest email", Status: notebook.StatusActive,
		Questions: []notebook.Question{{ID: "q-digest-want", Text: "Would a weekly digest help?", Kind: notebook.AnswerSignal}}},
}

var testContacts = []notebook.Contact{
	{ID: "c-ana", Email: "ana.souza@acme.com", Name: "Ana Souza", AccountID: "acc-acme"},
	{ID: "c-bjorn", Email: "bjorn.ek@acme.com", Name: "Björn Ek", AccountID: "acc-acme"},
}

const testNotes = `Call with Ana Souza (ana.souza@acme.com, +1 415 555 0134) and Björn Ek.
Ana: "Without SSO we cannot roll this out to 400 people."
She said they would pay 12 EUR per seat per month for SSO, budget sits with IT.
Björn Ek asked about a weekly digest; not a priority for him right now.
Follow up on 2026-12-01, or call Björn on 020 7946 0958.
`

func testEvidenceRequest() EvidenceRequest {
	return EvidenceRequest{CallID: "call-1", AccountID: "acc-acme", Notes: testNotes, Hypotheses: testHypotheses, Contacts: testContacts}
}

// item is one suggestion as a model would write it.
func item(hyp, question, signal string, strength int, quote string, wtp map[string]any) map[string]any {
	var w any
	if wtp != nil {
		w = wtp
	}
	return map[string]any{"hypothesis_id": hyp, "question_id": question, "signal": signal, "strength": strength, "quote": quote, "wtp": w}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// goodEvidenceAnswer is what a well-behaved model answers for testNotes
// (it saw placeholders, so it quotes them).
func goodEvidenceAnswer(t testing.TB) string {
	return mustJSON(t, map[string]any{"suggestions": []any{
		item("hyp-sso", "q-sso-blocker", "supports", 3, "Without SSO we cannot roll this out to 400 people.", nil),
		item("hyp-sso", "q-sso-price", "supports", 2, "they would pay 12 EUR per seat per month for SSO",
			map[string]any{"amount": 12, "currency": "eur", "period": "seat_month", "budget_owner": "IT"}),
		item("hyp-digest", "q-digest-want", "refutes", 1, "[PERSON_2] asked about a weekly digest; not a priority for him", nil),
	}})
}

type testEnv struct {
	a     *Assistant
	ai    *fakeAI
	store *MemoryStore
	cfg   Config
}

func testConfig(ai *fakeAI) Config {
	return Config{BaseURL: ai.URL(), Model: "test-model", APIKey: "sk-test-secret-key",
		RequestTimeout: 5 * time.Second, BackoffInitial: 10 * time.Millisecond, BackoffMax: 40 * time.Millisecond, MaxAttempts: 4}
}

// newEnv makes an assistant against a fake AI server and runs its Serve loop
// for the test's lifetime.
func newEnv(t *testing.T, ai *fakeAI, mutate func(*Config)) *testEnv {
	t.Helper()
	cfg := testConfig(ai)
	if mutate != nil {
		mutate(&cfg)
	}
	st := NewMemoryStore()
	a, err := New(cfg, st, Options{Jitter: func() float64 { return 0.5 }})
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{a: a, ai: ai, store: st, cfg: cfg}
	env.serve(t)
	return env
}

func (e *testEnv) serve(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve returned %v", err)
		}
	})
}

func (e *testEnv) wait(t *testing.T, id string) Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	j, err := e.a.Wait(ctx, id)
	if err != nil {
		t.Fatalf("waiting for job %s: %v (state %s)", id, err, j.State)
	}
	return j
}

func wantCode(t *testing.T, err error, code notebook.Code) {
	t.Helper()
	if !notebook.IsCode(err, code) {
		t.Fatalf("error %v has code %q, want %q", err, notebook.ErrorCode(err), code)
	}
}
