package bridge

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/assist"
	"fieldnotes/app/notebook"
)

// fakeOpenAI speaks just enough of the chat-completions API (streamed, as
// the assistant asks by default) for the Assist area: it answers with
// whatever JSON answer() returns and keeps every request for leak checks.
type fakeOpenAI struct {
	srv    *httptest.Server
	answer func(body string) string
	mu     sync.Mutex
	bodies []string
	auth   []string
}

func newFakeOpenAI(t *testing.T, answer func(body string) string) *fakeOpenAI {
	f := &fakeOpenAI{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOpenAI) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies, f.auth = append(f.bodies, string(raw)), append(f.auth, r.Header.Get("Authorization"))
	answerFn := f.answer
	f.mu.Unlock()
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	answer := answerFn(string(raw))
	w.Header().Set("Content-Type", "text/event-stream")
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	half := len(answer) / 2
	for i, piece := range []string{answer[:half], answer[half:]} {
		delta := map[string]any{"content": piece}
		if i == 0 {
			delta["role"] = "assistant"
		}
		send(map[string]any{"id": "c1", "object": "chat.completion.chunk", "choices": []any{map[string]any{"index": 0, "delta": delta}}})
	}
	send(map[string]any{"id": "c1", "object": "chat.completion.chunk", "choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}})
	send(map[string]any{"id": "c1", "object": "chat.completion.chunk", "choices": []any{},
		"usage": map[string]int{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (f *fakeOpenAI) setAnswer(fn func(string) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer = fn
}

func (f *fakeOpenAI) sent() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.bodies, "\n")
}

const callNotes = `Ana Lopez (ana@acme.com, +44 20 7946 0958) said month-end close takes nine days.
She said: "we would pay 500 EUR a month if reconciliation were automatic".
Also: the current tool is fine for small teams.`

type assistWorld struct {
	*mailWorld
	ai     *fakeOpenAI
	a      *Assist
	assist *assist.Assistant
}

func newAssistWorld(t *testing.T) *assistWorld {
	w := &assistWorld{mailWorld: newMailWorld(t)}
	w.call.Notes = callNotes
	if _, err := w.st.Save(context.Background(), &w.call); err != nil {
		t.Fatal(err)
	}
	w.drainOutbox(t)
	w.ai = newFakeOpenAI(t, w.answer)
	ev := NewAssistEvents(w.events)
	a, err := assist.New(assist.Config{}, w.st, assist.Options{OnProgress: ev.OnProgress, OnDone: ev.OnDone})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	w.assist = a
	w.d.Assist = &AssistDeps{Assistant: a, Local: w.st, Secrets: w.d.Mail.Secrets, Mail: w.d.Mail.Store}
	w.a = NewAssist(w.d)
	return w
}

// answer proposes two suggestions quoted from the notes and one quote the
// notes do not contain (assist must discard it).
func (w *assistWorld) answer(body string) string {
	s := func(signal, quote string) map[string]any {
		return map[string]any{"hypothesis_id": w.hyp.ID, "question_id": "q1", "signal": signal, "strength": 2, "quote": quote, "wtp": nil}
	}
	out, _ := json.Marshal(map[string]any{"suggestions": []any{
		s("supports", "we would pay 500 EUR a month if reconciliation were automatic"),
		s("refutes", "the current tool is fine for small teams"),
		s("supports", "we would pay anything"),
	}})
	return string(out)
}

func (w *assistWorld) configure(t *testing.T) {
	t.Helper()
	in := AssistSettingsInput{AssistSettingsDTO: AssistSettingsDTO{BaseURL: w.ai.srv.URL + "/v1", Model: "test-model", Redaction: true}, APIKey: "sk-test-secret"}
	out, err := w.a.SaveSettings(in)
	if err != nil {
		t.Fatal(err)
	}
	if !out.HasKey || !out.Redaction {
		t.Fatalf("settings = %+v", out)
	}
}

func (w *assistWorld) waitDone(t *testing.T, jobID string) AssistJobDTO {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := w.assist.Wait(ctx, jobID); err != nil {
		t.Fatal(err)
	}
	j, err := w.a.Job(jobID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestAssistOnlyAcceptedSuggestionsBecomeEvidence(t *testing.T) {
	w := newAssistWorld(t)
	if s, _ := w.a.Status(); s.State != "waiting" || !strings.HasPrefix(s.Message, "Waiting because") {
		t.Fatalf("status before settings = %+v", s)
	}
	w.configure(t)
	job, err := w.a.SuggestEvidence(w.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	j := w.waitDone(t, job.ID)
	if j.State != "done" || len(j.Suggestions) != 2 || j.Discarded != 1 || j.CallID != w.call.ID || j.TotalTokens == 0 {
		t.Fatalf("job = %+v", j)
	}
	if j.Suggestions[0].Statement != w.hyp.Statement || j.Suggestions[0].Question != "Would you pay for it?" {
		t.Fatalf("names not resolved: %+v", j.Suggestions[0])
	}
	if ev, _ := listOf[notebook.Evidence](context.Background(), w.d.Store, notebook.TypeEvidence, Query{CallID: w.call.ID}); len(ev) != 0 {
		t.Fatalf("evidence before any accept: %+v", ev)
	}
	keep, drop := j.Suggestions[0], j.Suggestions[1]
	if _, err := w.a.Accept(j.ID, keep.ID, SuggestionEdits{Quote: "we would pay 900 EUR"}); codeOf(err) != notebook.Invalid {
		t.Fatalf("an edited quote that is not in the notes: %v", err)
	}
	ev, err := w.a.Accept(j.ID, keep.ID, SuggestionEdits{Strength: 3, Quote: "we would pay 500 EUR a month"})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Source != "ai" || ev.Strength != 3 || ev.Quote != "we would pay 500 EUR a month" || ev.CallID != w.call.ID || ev.AccountID != w.acct.ID {
		t.Fatalf("accepted evidence = %+v", ev)
	}
	if err := w.a.Reject(j.ID, drop.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Accept(j.ID, drop.ID, SuggestionEdits{}); codeOf(err) != notebook.Conflict {
		t.Fatalf("accepting a rejected suggestion: %v", err)
	}
	if _, err := w.a.Accept(j.ID, keep.ID, SuggestionEdits{}); codeOf(err) != notebook.Conflict {
		t.Fatalf("accepting twice: %v", err)
	}
	after, _ := w.a.Job(j.ID)
	if len(after.Suggestions) != 0 || after.Accepted != 1 || after.Rejected != 1 {
		t.Fatalf("job after review = %+v", after)
	}
	all, _ := listOf[notebook.Evidence](context.Background(), w.d.Store, notebook.TypeEvidence, Query{CallID: w.call.ID})
	if len(all) != 1 || all[0].ID != ev.ID {
		t.Fatalf("evidence on the call = %+v", all)
	}
	if q := w.outboxIDs(t, notebook.TypeEvidence); len(q) != 1 || q[ev.ID] == nil {
		t.Fatalf("outbox evidence = %v", q)
	}
	again, err := w.a.SuggestEvidence(w.call.ID) // asking again about the same notes
	if err != nil {
		t.Fatal(err)
	}
	if j2 := w.waitDone(t, again.ID); j2.ID == j.ID || len(j2.Suggestions) != 0 || j2.Accepted != 1 || j2.Rejected != 1 {
		t.Fatalf("decided proposals shown again: %+v", j2)
	}
	w.assertPrivate(t)
	if len(w.events.named("assist:done")) == 0 || len(w.events.named("assist:progress")) == 0 {
		t.Fatalf("events: done %d, progress %d", len(w.events.named("assist:done")), len(w.events.named("assist:progress")))
	}
}

// assertPrivate: redaction kept the contact's name, address and phone number
// away from the endpoint, and the key stayed out of the settings blob.
func (w *assistWorld) assertPrivate(t *testing.T) {
	t.Helper()
	sent := w.ai.sent()
	for _, secret := range []string{"Ana Lopez", "ana@acme.com", "7946 0958"} {
		if strings.Contains(sent, secret) {
			t.Errorf("%q reached the AI endpoint", secret)
		}
	}
	raw, _ := w.st.LocalGet(context.Background(), assist.SettingsKey)
	if strings.Contains(string(raw), "sk-test-secret") {
		t.Error("the API key is in the settings blob")
	}
	w.ai.mu.Lock()
	auth := append([]string{}, w.ai.auth...)
	w.ai.mu.Unlock()
	if len(auth) == 0 || auth[0] != "Bearer sk-test-secret" {
		t.Errorf("the key did not reach the endpoint: %q", auth)
	}
	if s, _ := w.a.Settings(); !s.HasKey {
		t.Error("settings lost the key")
	}
}

func TestAssistWaitsWithoutEndpointAndCancels(t *testing.T) {
	w := newAssistWorld(t)
	job, err := w.a.SuggestEvidence(w.call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if job.State != "queued" || !strings.HasPrefix(job.Waiting, "Waiting because") {
		t.Fatalf("job without endpoint = %+v", job)
	}
	if err := w.a.Cancel(job.ID); err != nil {
		t.Fatal(err)
	}
	if j, _ := w.a.Job(job.ID); j.State != "cancelled" {
		t.Fatalf("after cancel = %+v", j)
	}
	if err := w.a.Forget(job.ID); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := w.a.Jobs(); len(jobs) != 0 {
		t.Fatalf("jobs after forget = %+v", jobs)
	}
	empty := notebook.Call{ID: notebook.NewID(), AccountID: w.acct.ID, StartedAt: time.Now(), Kind: notebook.CallDemo, Title: "x", Author: "rep", ContactIDs: []string{}}
	w.st.Save(context.Background(), &empty)
	if _, err := w.a.SuggestEvidence(empty.ID); codeOf(err) != notebook.Invalid {
		t.Fatalf("a call without notes: %v", err)
	}
}

func TestAssistTriageAcceptSharesTheEmail(t *testing.T) {
	w := newAssistWorld(t)
	w.mailWorld.configure(t)
	htmlID, plainID := w.deliverCorpus(t)
	w.mail.SyncNow()
	w.ai.setAnswer(func(string) string {
		out, _ := json.Marshal(map[string]any{"summary": "Acme would pay for reconciliation.", "links": []any{map[string]any{
			"hypothesis_id": w.hyp.ID, "question_id": "q1", "signal": "supports", "strength": 2,
			"quote": "We would pay 500 EUR a month for automatic reconciliation.", "wtp": nil}}})
		return string(out)
	})
	w.configure(t)
	job, err := w.a.TriageEmail(htmlID)
	if err != nil {
		t.Fatal(err)
	}
	j := w.waitDone(t, job.ID)
	if j.Summary == "" || len(j.Suggestions) != 1 || j.EmailID != htmlID {
		t.Fatalf("triage job = %+v", j)
	}
	ev, err := w.a.Accept(j.ID, j.Suggestions[0].ID, SuggestionEdits{})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Source != "email" {
		t.Fatalf("evidence from an email = %+v", ev)
	}
	q := w.outboxIDs(t, notebook.TypeEmail)
	if q[htmlID] == nil || q[plainID] != nil {
		t.Fatalf("only the accepted email may sync: %v", q)
	}
}

func TestAssistEventsThrottleProgress(t *testing.T) {
	log := &eventLog{}
	ev := NewAssistEvents(log)
	for i := range 500 {
		ev.OnProgress(assist.Progress{JobID: "j1", Kind: assist.KindEvidence, Phase: "receiving", Received: i})
	}
	ev.OnProgress(assist.Progress{JobID: "j2", Kind: assist.KindBrief, Phase: "sending"})
	if n := len(log.named("assist:progress")); n < 2 || n > 10 {
		t.Fatalf("%d progress events for 501 chunks", n)
	}
	ev.OnDone(assist.Job{ID: "j1", Kind: assist.KindEvidence, State: assist.JobFailed, Error: notebook.Errorf(notebook.Internal, "the endpoint failed"),
		Request: assist.JobRequest{Evidence: &assist.EvidenceRequest{CallID: "c1", AccountID: "a1"}}})
	done := log.named("assist:done")
	if len(done) != 1 || done[0].(AssistDone).CallID != "c1" || done[0].(AssistDone).Message == "" {
		t.Fatalf("done = %+v", done)
	}
}

func TestAssistOrgSwitchFromEnvironment(t *testing.T) {
	w := newAssistWorld(t)
	w.configure(t)
	t.Setenv(assist.EnvDisabled, "1")
	in := AssistSettingsInput{AssistSettingsDTO: AssistSettingsDTO{BaseURL: w.ai.srv.URL + "/v1", Model: "test-model", Redaction: true}}
	out, err := w.a.SaveSettings(in)
	if err != nil || !out.OrgDisabled {
		t.Fatalf("settings under the org switch = %+v %v", out, err)
	}
	if s, _ := w.a.Status(); s.State != "disabled" {
		t.Fatalf("status = %+v", s)
	}
	if _, err := w.a.SuggestEvidence(w.call.ID); codeOf(err) != notebook.Forbidden {
		t.Fatalf("AI request with AI switched off: %v", err)
	}
}
