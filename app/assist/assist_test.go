package assist

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"fieldnotes/app/notebook"
)

func checkSpans(t *testing.T, text string, list []Suggestion) {
	t.Helper()
	for _, s := range list {
		if s.Start < 0 || s.End > len(text) || s.Start > s.End || text[s.Start:s.End] != s.Quote {
			t.Errorf("suggestion span [%d,%d) does not hold its quote %q", s.Start, s.End, s.Quote)
		}
	}
}

func TestEvidenceJSONSchemaNotStreamed(t *testing.T) {
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, func(c *Config) { c.NoStream = true })
	job, err := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	if err != nil {
		t.Fatal(err)
	}
	job = env.wait(t, job.ID)
	if job.State != JobDone || job.Evidence == nil {
		t.Fatalf("job = %s, error %v", job.State, job.Error)
	}
	got := job.Evidence.Suggestions
	if len(got) != 3 || job.Evidence.Discarded != 0 {
		t.Fatalf("got %d suggestions (%d discarded), want 3: %+v", len(got), job.Evidence.Discarded, got)
	}
	checkSpans(t, testNotes, got)
	if got[2].Quote != "Björn Ek asked about a weekly digest; not a priority for him" {
		t.Errorf("placeholder not restored in quote: %q", got[2].Quote)
	}
	if w := got[1].WTP; w == nil || w.Amount != 12 || w.Currency != "EUR" || w.Period != "seat_month" {
		t.Errorf("wtp = %+v", w)
	}
	var req openai.ChatCompletionRequest
	if err := json.Unmarshal(ai.requests()[0], &req); err != nil {
		t.Fatal(err)
	}
	if req.Stream || req.ResponseFormat == nil || req.ResponseFormat.Type != openai.ChatCompletionResponseFormatTypeJSONSchema || !req.ResponseFormat.JSONSchema.Strict {
		t.Errorf("request did not ask for a strict JSON schema answer: %+v", req.ResponseFormat)
	}
	if ai.auth[0] != "Bearer sk-test-secret-key" {
		t.Errorf("Authorization header = %q", ai.auth[0])
	}
	if job.Usage.TotalTokens != 120 || env.a.Usage().Total.TotalTokens != 120 || env.a.Usage().Total.Requests != 1 {
		t.Errorf("usage job %+v total %+v", job.Usage, env.a.Usage().Total)
	}
}

func TestEvidenceStreamedReportsProgress(t *testing.T) {
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t), chunks: 12})
	var mu sync.Mutex
	var seen []Progress
	cfg := testConfig(ai)
	a, err := New(cfg, NewMemoryStore(), Options{OnProgress: func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, p)
	}})
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{a: a, ai: ai}
	env.serve(t)
	job, _ := a.SubmitEvidence(context.Background(), testEvidenceRequest())
	job = env.wait(t, job.ID)
	if job.State != JobDone || len(job.Evidence.Suggestions) != 3 {
		t.Fatalf("job %s %v: %+v", job.State, job.Error, job.Evidence)
	}
	mu.Lock()
	defer mu.Unlock()
	receiving, last := 0, 0
	for _, p := range seen {
		if p.JobID != job.ID || p.Kind != KindEvidence {
			t.Errorf("progress for the wrong job: %+v", p)
		}
		if p.Phase == "receiving" {
			receiving++
			if p.Received < last {
				t.Errorf("progress went backwards: %d after %d", p.Received, last)
			}
			last = p.Received
		}
	}
	if receiving < 10 || last != len(goodEvidenceAnswer(t)) {
		t.Errorf("got %d receiving updates ending at %d bytes, want ≥10 ending at %d", receiving, last, len(goodEvidenceAnswer(t)))
	}
	if job.Usage.TotalTokens != 120 {
		t.Errorf("streamed usage not recorded: %+v", job.Usage)
	}
}

func TestEvidenceToolCalls(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "streamed"}[stream], func(t *testing.T) {
			ai := newFakeAI(t, reply{toolArgs: goodEvidenceAnswer(t), chunks: 5})
			env := newEnv(t, ai, func(c *Config) { c.UseTools, c.NoStream = true, !stream })
			job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
			job = env.wait(t, job.ID)
			if job.State != JobDone || len(job.Evidence.Suggestions) != 3 {
				t.Fatalf("job %s %v", job.State, job.Error)
			}
			var req openai.ChatCompletionRequest
			if err := json.Unmarshal(ai.requests()[0], &req); err != nil {
				t.Fatal(err)
			}
			if len(req.Tools) != 1 || req.ResponseFormat != nil || req.Tools[0].Function.Name != "evidence_suggestions" {
				t.Errorf("request did not force a tool call: tools %+v, format %+v", req.Tools, req.ResponseFormat)
			}
		})
	}
}

func TestQuoteNotInNotesIsDiscarded(t *testing.T) {
	answer := mustJSON(t, map[string]any{"suggestions": []any{
		item("hyp-sso", "q-sso-blocker", "supports", 3, "Without SSO we cannot roll this out to 400 people.", nil),
		item("hyp-sso", "q-sso-blocker", "supports", 3, "SSO is absolutely essential for us", nil),      // invented
		item("hyp-sso", "q-sso-blocker", "supports", 3, "without sso we cannot roll this out", nil),     // case changed
		item("hyp-unknown", "q-sso-blocker", "supports", 2, "Without SSO we cannot roll this out", nil), // unknown hypothesis
		item("hyp-sso", "q-digest-want", "supports", 2, "Without SSO we cannot roll this out", nil),     // question of another hypothesis
		item("hyp-sso", "q-sso-blocker", "delighted", 2, "Without SSO we cannot roll this out", nil),    // not a signal
		item("hyp-sso", "q-sso-blocker", "supports", 7, "Without SSO we cannot roll this out", nil),     // strength out of range
		item("hyp-sso", "q-sso-blocker", "supports", 2, "   ", nil),                                     // empty
		// quote marks are trimmed; the unusable price is dropped, the quote kept
		item("hyp-sso", "", "mixed", 1, `"budget sits with IT"`, map[string]any{"amount": 5, "currency": "euros", "period": "month", "budget_owner": ""}),
	}})
	ai := newFakeAI(t, reply{content: answer})
	env := newEnv(t, ai, nil)
	res, err := env.a.ExtractEvidence(context.Background(), testEvidenceRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Suggestions) != 2 || res.Discarded != 7 {
		t.Fatalf("kept %d, discarded %d; want 2 and 7: %+v", len(res.Suggestions), res.Discarded, res.Suggestions)
	}
	checkSpans(t, testNotes, res.Suggestions)
	if s := res.Suggestions[1]; s.Quote != "budget sits with IT" || s.WTP != nil || s.QuestionID != "" {
		t.Errorf("second suggestion = %+v", s)
	}
}

func TestMalformedAnswersAreRetriedOnce(t *testing.T) {
	partial := goodEvidenceAnswer(t)[:60]
	cases := []struct {
		name   string
		first  reply
		stream bool
	}{
		{"partial then good", reply{content: partial, finish: "length"}, true},
		{"garbage JSON content", reply{content: "Sure! Here are the suggestions: {oops"}, true},
		{"missing required field", reply{content: `{"suggestions":[{"hypothesis_id":"hyp-sso","signal":"supports"}]}`}, false},
		{"garbage HTTP body", reply{raw: "<html>proxy error</html>"}, false},
		{"wrong shape", reply{content: `{"items":[]}`}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ai := newFakeAI(t, tc.first, reply{content: goodEvidenceAnswer(t), chunks: 3})
			env := newEnv(t, ai, func(c *Config) { c.NoStream = !tc.stream })
			job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
			job = env.wait(t, job.ID)
			if job.State != JobDone || len(job.Evidence.Suggestions) != 3 {
				t.Fatalf("job %s %v", job.State, job.Error)
			}
			bodies := ai.requests()
			if len(bodies) != 2 || !strings.Contains(string(bodies[1]), "previous answer could not be used") {
				t.Errorf("want exactly one retry carrying the retry note; got %d requests", len(bodies))
			}
		})
	}
}

func TestMalformedTwiceFailsWithNothingApplied(t *testing.T) {
	half := `{"suggestions":[` + mustJSON(t, item("hyp-sso", "q-sso-blocker", "supports", 3, "Without SSO we cannot roll this out to 400 people.", nil)) + `,{"hyp`
	ai := newFakeAI(t, reply{content: half, finish: "length"}, reply{content: "not json"})
	env := newEnv(t, ai, nil)
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	job = env.wait(t, job.ID)
	if job.State != JobFailed || job.Evidence != nil {
		t.Fatalf("job %s with result %+v; want failed with no result", job.State, job.Evidence)
	}
	if job.Error == nil || job.Error.Code != notebook.Invalid || !strings.Contains(job.Error.Message, "nothing was applied") {
		t.Errorf("error = %+v", job.Error)
	}
	if len(ai.requests()) != 2 {
		t.Errorf("want 2 requests, got %d", len(ai.requests()))
	}
	if job.Usage.Requests != 2 || job.Usage.TotalTokens != 240 {
		t.Errorf("usage of both attempts not recorded: %+v", job.Usage)
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	ai := newFakeAI(t,
		reply{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": "1"},
			raw: `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`},
		reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, nil)
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	deadline := time.Now().Add(2 * time.Second)
	for { // while waiting, the job says why
		j, _ := env.a.Job(job.ID)
		if j.Attempts == 1 && j.State == JobQueued {
			if j.Waiting != reasonRetryingLater {
				t.Errorf("waiting reason = %q", j.Waiting)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job never went back to the queue: %+v", j)
		}
		time.Sleep(5 * time.Millisecond)
	}
	job = env.wait(t, job.ID)
	if job.State != JobDone {
		t.Fatalf("job %s %v", job.State, job.Error)
	}
	times := ai.requestTimes()
	if gap := times[1].Sub(times[0]); gap < 950*time.Millisecond {
		t.Errorf("retried after %v; Retry-After asked for 1s", gap)
	}
}

func TestServerErrorsBackOffThenSucceed(t *testing.T) {
	ai := newFakeAI(t,
		reply{status: http.StatusServiceUnavailable, raw: `{"error":{"message":"overloaded","type":"server_error"}}`},
		reply{status: http.StatusBadGateway, raw: `bad gateway`},
		reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, nil)
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	job = env.wait(t, job.ID)
	if job.State != JobDone || job.Attempts != 2 {
		t.Fatalf("job %s after %d attempts: %v", job.State, job.Attempts, job.Error)
	}
	times := ai.requestTimes()
	if gap := times[1].Sub(times[0]); gap < 5*time.Millisecond {
		t.Errorf("no backoff between attempts: %v", gap)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	var script []reply
	for range 4 {
		script = append(script, reply{status: 500, raw: `{"error":{"message":"boom","type":"server_error"}}`})
	}
	ai := newFakeAI(t, script...)
	env := newEnv(t, ai, nil)
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	job = env.wait(t, job.ID)
	if job.State != JobFailed || job.Error == nil || !strings.Contains(job.Error.Message, "gave up after 4 tries") {
		t.Fatalf("job %s: %+v", job.State, job.Error)
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	// spare good replies: on a loaded machine a good attempt may time out too
	ai := newFakeAI(t, reply{hang: true}, reply{content: goodEvidenceAnswer(t)}, reply{content: goodEvidenceAnswer(t)}, reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, func(c *Config) { c.RequestTimeout = 300 * time.Millisecond })
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	job = env.wait(t, job.ID)
	if job.State != JobDone || job.Attempts < 1 {
		t.Fatalf("job %s after %d attempts: %v", job.State, job.Attempts, job.Error)
	}
}

func TestPermanentErrorsFailWithHumanMessages(t *testing.T) {
	cases := []struct {
		status int
		code   notebook.Code
		want   string
	}{
		{http.StatusUnauthorized, notebook.Forbidden, "refused the API key"},
		{http.StatusNotFound, notebook.Invalid, "does not know this model"},
		{http.StatusBadRequest, notebook.Invalid, "response_format is not supported"},
	}
	for _, tc := range cases {
		ai := newFakeAI(t, reply{status: tc.status, raw: `{"error":{"message":"response_format is not supported","type":"invalid_request_error"}}`})
		env := newEnv(t, ai, nil)
		job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
		job = env.wait(t, job.ID)
		if job.State != JobFailed || job.Error.Code != tc.code || !strings.Contains(job.Error.Message, tc.want) {
			t.Errorf("HTTP %d: job %s, error %+v", tc.status, job.State, job.Error)
		}
		if strings.Contains(job.Error.Message, "sk-test") {
			t.Errorf("error message shows the key: %s", job.Error.Message)
		}
	}
}

func TestCancelRunningJob(t *testing.T) {
	ai := newFakeAI(t, reply{hang: true})
	env := newEnv(t, ai, nil)
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	for env.a.Status().Running != job.ID || len(ai.requests()) == 0 {
		time.Sleep(2 * time.Millisecond)
	}
	if err := env.a.Cancel(context.Background(), job.ID); err != nil {
		t.Fatal(err)
	}
	job = env.wait(t, job.ID)
	if job.State != JobCancelled {
		t.Fatalf("job %s, want cancelled", job.State)
	}
	wantCode(t, env.a.Cancel(context.Background(), "nope"), notebook.NotFound)
	if err := env.a.Cancel(context.Background(), job.ID); err != nil {
		t.Errorf("cancelling twice: %v", err)
	}
}

func TestCancelQueuedJobAndForget(t *testing.T) {
	env := newEnv(t, newFakeAI(t), func(c *Config) { c.BaseURL = "" })
	job, err := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, env.a.Forget(context.Background(), job.ID), notebook.Conflict)
	if err := env.a.Cancel(context.Background(), job.ID); err != nil {
		t.Fatal(err)
	}
	if j, _ := env.a.Job(job.ID); j.State != JobCancelled {
		t.Fatalf("state %s", j.State)
	}
	if err := env.a.Forget(context.Background(), job.ID); err != nil {
		t.Fatal(err)
	}
	if len(env.store.Keys()) != 0 {
		t.Errorf("store still holds %v", env.store.Keys())
	}
}

func TestWaitingReasonsAndOrgSwitch(t *testing.T) {
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, func(c *Config) { c.BaseURL = "" })
	ctx := context.Background()
	if st := env.a.Status(); st.State != StateWaiting || st.Reason != reasonNoEndpoint {
		t.Errorf("status = %+v", st)
	}
	job, err := env.a.SubmitEvidence(ctx, testEvidenceRequest())
	if err != nil || job.State != JobQueued || !strings.HasPrefix(job.Waiting, "waiting because no AI endpoint") {
		t.Fatalf("job %+v, err %v", job, err)
	}
	_, err = env.a.ExtractEvidence(ctx, testEvidenceRequest(), nil)
	wantCode(t, err, notebook.Conflict)

	cfg := env.cfg
	cfg.BaseURL = ai.URL()
	env.a.SetOnline(false)
	if err := env.a.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	if j, _ := env.a.Job(job.ID); j.Waiting != reasonOffline {
		t.Errorf("offline job says %q", j.Waiting)
	}
	time.Sleep(30 * time.Millisecond)
	if len(ai.requests()) != 0 {
		t.Fatal("a request went out while offline")
	}
	env.a.SetOnline(true)
	if job = env.wait(t, job.ID); job.State != JobDone {
		t.Fatalf("job %s %v", job.State, job.Error)
	}

	cfg.OrgDisabled = true
	if err := env.a.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	if st := env.a.Status(); st.State != StateDisabled || st.Reason != reasonOrgDisabled {
		t.Errorf("status = %+v", st)
	}
	_, err = env.a.SubmitEvidence(ctx, testEvidenceRequest())
	wantCode(t, err, notebook.Forbidden)
	_, err = env.a.Brief(ctx, BriefRequest{Account: notebook.Account{ID: "acc-acme"}, Emails: []notebook.Email{{ID: "m1"}}}, nil)
	wantCode(t, err, notebook.Forbidden)
}

func TestUnreachableEndpointWaitsThenRuns(t *testing.T) {
	dead := newFakeAI(t)
	deadURL := dead.URL()
	dead.srv.Close()
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, func(c *Config) { c.BaseURL = deadURL })
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	deadline := time.Now().Add(3 * time.Second)
	for env.a.Status().Reason != reasonUnreachable {
		if time.Now().After(deadline) {
			t.Fatalf("status never said unreachable: %+v", env.a.Status())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if j, _ := env.a.Job(job.ID); j.State != JobQueued || j.Attempts != 0 || j.Waiting != reasonUnreachable {
		t.Errorf("job while unreachable: %s, %d attempts, %q", j.State, j.Attempts, j.Waiting)
	}
	cfg := env.cfg
	cfg.BaseURL = ai.URL()
	if err := env.a.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	if job = env.wait(t, job.ID); job.State != JobDone {
		t.Fatalf("job %s %v", job.State, job.Error)
	}
	if st := env.a.Status(); st.State != StateReady {
		t.Errorf("status after success = %+v", st)
	}
}

func TestQueueSurvivesRestart(t *testing.T) {
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t)})
	st := NewMemoryStore()
	cfg := testConfig(ai)
	cfg.BaseURL = ""
	first, err := New(cfg, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := first.SubmitEvidence(context.Background(), testEvidenceRequest())

	cfg.BaseURL = ai.URL()
	second, err := New(cfg, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{a: second, ai: ai, store: st}
	env.serve(t)
	got := env.wait(t, job.ID)
	if got.State != JobDone || len(got.Evidence.Suggestions) != 3 {
		t.Fatalf("job after restart: %s %v", got.State, got.Error)
	}
	third, err := New(cfg, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if j, err := third.Job(job.ID); err != nil || j.State != JobDone || third.Usage().Total.TotalTokens != 120 {
		t.Errorf("result or usage not durable: %+v %v %+v", j.State, err, third.Usage())
	}
}

func TestSubmitRejectsBadRequests(t *testing.T) {
	env := newEnv(t, newFakeAI(t), nil)
	ctx := context.Background()
	r := testEvidenceRequest()
	r.Notes = "  "
	_, err := env.a.SubmitEvidence(ctx, r)
	wantCode(t, err, notebook.Invalid)
	r = testEvidenceRequest()
	r.Hypotheses = nil
	_, err = env.a.SubmitEvidence(ctx, r)
	wantCode(t, err, notebook.Invalid)
	_, err = env.a.Submit(ctx, JobRequest{})
	wantCode(t, err, notebook.Invalid)
	_, err = env.a.SubmitTriage(ctx, TriageRequest{Hypotheses: testHypotheses})
	wantCode(t, err, notebook.Invalid)
	_, err = env.a.SubmitBrief(ctx, BriefRequest{Account: notebook.Account{ID: "acc-acme"}})
	wantCode(t, err, notebook.Invalid)
	_, err = env.a.Job("missing")
	wantCode(t, err, notebook.NotFound)
	_, err = New(Config{BaseURL: "ftp://x", Model: ""}, NewMemoryStore(), Options{})
	wantCode(t, err, notebook.Invalid)
	_, err = New(Config{}, nil, Options{})
	wantCode(t, err, notebook.Invalid)
}

func TestAcceptOneRejectAnother(t *testing.T) {
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, nil)
	res, err := env.a.ExtractEvidence(context.Background(), testEvidenceRequest(), nil)
	if err != nil {
		t.Fatal(err)
	}
	accepted, rejected := res.Suggestions[1], res.Suggestions[0]
	var saved []notebook.Evidence
	for _, s := range []Suggestion{accepted} { // the rep clicked accept on one only
		ev, err := s.ToEvidence(Origin{AccountID: "acc-acme", CallID: "call-1", Author: "u_rep", AuthorRole: notebook.AudienceSales})
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, ev)
	}
	if len(saved) != 1 || saved[0].Quote != accepted.Quote || saved[0].Source != "ai" || saved[0].WTP.Amount != 12 ||
		saved[0].CallID != "call-1" || saved[0].QuestionID != "q-sso-price" || saved[0].ID == "" {
		t.Errorf("evidence = %+v", saved)
	}
	if saved[0].Quote == rejected.Quote {
		t.Error("the rejected suggestion became evidence")
	}
	if err := saved[0].Validate(); err != nil {
		t.Error(err)
	}
	bad := accepted
	bad.Signal = "maybe"
	_, err = bad.ToEvidence(Origin{})
	wantCode(t, err, notebook.Invalid)
}

func TestTriage(t *testing.T) {
	emailText := "Hi, following up: we still can't buy without SSO. Call me on +44 20 7946 0958. — Ana Souza"
	answer := mustJSON(t, map[string]any{"summary": "  [PERSON_1] says SSO\nis still a blocker.  ", "links": []any{
		item("hyp-sso", "q-sso-blocker", "supports", 3, "we still can't buy without SSO", nil),
		item("hyp-digest", "", "supports", 1, "they love digests", nil),
	}})
	ai := newFakeAI(t, reply{content: answer})
	env := newEnv(t, ai, nil)
	email := notebook.Email{ID: "mail-1", MessageID: "<1@acme.com>", Subject: "SSO", From: "ana.souza@acme.com", Excerpt: emailText}
	job, err := env.a.SubmitTriage(context.Background(), TriageRequest{Email: email, Hypotheses: testHypotheses, Contacts: testContacts})
	if err != nil {
		t.Fatal(err)
	}
	job = env.wait(t, job.ID)
	tr := job.Triage
	if job.State != JobDone || tr == nil {
		t.Fatalf("job %s %v", job.State, job.Error)
	}
	if tr.Summary != "Ana Souza says SSO is still a blocker." || len(tr.Links) != 1 || tr.Discarded != 1 {
		t.Fatalf("triage = %+v", tr)
	}
	checkSpans(t, emailText, tr.Links)
	ev, err := tr.Links[0].ToEvidence(Origin{AccountID: "acc-acme"})
	if err != nil || ev.Source != "email" || len(ev.Links) != 1 || ev.Links[0] != "mail-1" {
		t.Errorf("evidence from triage = %+v, %v", ev, err)
	}
	for _, leak := range []string{"Ana Souza", "ana.souza@acme.com", "7946 0958"} {
		if strings.Contains(ai.bodyText(), leak) {
			t.Errorf("%q reached the server", leak)
		}
	}
}

func TestBriefKeepsOnlyCitedClaims(t *testing.T) {
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	req := BriefRequest{
		Account:    notebook.Account{ID: "acc-acme", Name: "Acme", Segment: "mid-market", Stage: notebook.StageCustomer},
		Hypotheses: testHypotheses,
		Contacts:   testContacts,
		Evidence: []notebook.Evidence{
			{ID: "ev-1", HypothesisID: "hyp-sso", Signal: notebook.SignalSupports, Quote: "Ana Souza: no SSO, no deal", CapturedAt: at},
			{ID: "ev-2", HypothesisID: "hyp-sso", Signal: notebook.SignalSupports, WTP: &notebook.WTP{Amount: 12, Currency: "EUR", Period: "seat_month"}, CapturedAt: at.Add(time.Hour)},
		},
		Emails: []notebook.Email{{ID: "mail-1", Subject: "SSO again", Excerpt: "still blocked on SSO", Date: at.Add(48 * time.Hour)}},
	}
	answer := mustJSON(t, map[string]any{"claims": []any{
		map[string]any{"text": "[PERSON_1] said there is no deal without SSO.", "sources": []string{"ev-1", "ev-1"}},
		map[string]any{"text": "They would pay 12 EUR per seat per month.", "sources": []string{"ev-2", "mail-1"}},
		map[string]any{"text": "They plan to churn.", "sources": []string{"ev-99"}},
		map[string]any{"text": "They love us.", "sources": []string{}},
		map[string]any{"text": "Mixed.", "sources": []string{"ev-1", "invented"}},
	}})
	ai := newFakeAI(t, reply{content: answer, chunks: 4})
	env := newEnv(t, ai, nil)
	res, err := env.a.Brief(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Claims) != 2 || res.Dropped != 3 {
		t.Fatalf("brief = %+v", res)
	}
	if res.Claims[0].Text != "Ana Souza said there is no deal without SSO." || len(res.Claims[0].Sources) != 1 {
		t.Errorf("claim 0 = %+v", res.Claims[0])
	}
	if strings.Contains(ai.bodyText(), "Ana Souza") {
		t.Error("contact name reached the server")
	}
}

func TestClientSideRefusalFailsInsteadOfWaiting(t *testing.T) {
	ai := newFakeAI(t)
	env := newEnv(t, ai, func(c *Config) { c.Model, c.UseTools = openai.GPT6Sol, true })
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	job = env.wait(t, job.ID)
	if job.State != JobFailed || job.Error.Code != notebook.Invalid || !strings.Contains(job.Error.Message, "could not be made with these settings") {
		t.Fatalf("job %s: %+v", job.State, job.Error)
	}
	if len(ai.requests()) != 0 {
		t.Error("a request was sent")
	}
}

func TestConnectionDroppedMidAnswerIsRetried(t *testing.T) {
	ai := newFakeAI(t, reply{raw: "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"sugg\"}}]}\n\n"}, reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, nil)
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	if job = env.wait(t, job.ID); job.State != JobDone || len(ai.requests()) != 2 {
		t.Fatalf("job %s after %d requests: %v", job.State, len(ai.requests()), job.Error)
	}
}

func TestOnlyOneServeAndOnDone(t *testing.T) {
	ai := newFakeAI(t, reply{content: `{"suggestions":[]}`})
	done := make(chan Job, 1)
	a, err := New(testConfig(ai), NewMemoryStore(), Options{OnDone: func(j Job) { done <- j }})
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{a: a, ai: ai}
	env.serve(t)
	job, _ := a.SubmitEvidence(context.Background(), testEvidenceRequest())
	select {
	case j := <-done:
		if j.ID != job.ID || j.State != JobDone || j.Evidence == nil || len(j.Evidence.Suggestions) != 0 {
			t.Errorf("OnDone got %+v", j)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnDone never called")
	}
	// the job ran, so the first Serve is running: a second one must refuse
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	wantCode(t, a.Serve(ctx), notebook.Conflict)
}

func TestJobSuggestionLookupAndRetryNow(t *testing.T) {
	ai := newFakeAI(t, reply{status: 503, header: map[string]string{"Retry-After": "600"}, raw: `{"error":{"message":"busy"}}`},
		reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, nil)
	job, _ := env.a.SubmitEvidence(context.Background(), testEvidenceRequest())
	for {
		if j, _ := env.a.Job(job.ID); j.Attempts == 1 {
			if time.Until(j.NextAttemptAt) < 9*time.Minute {
				t.Errorf("Retry-After 600 not honoured: next attempt at %v", j.NextAttemptAt)
			}
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	env.a.RetryNow()
	job = env.wait(t, job.ID)
	if job.State != JobDone {
		t.Fatalf("job %s", job.State)
	}
	want := job.Evidence.Suggestions[2]
	if got, ok := job.Suggestion(want.ID); !ok || got.Quote != want.Quote {
		t.Errorf("Suggestion(%s) = %+v, %v", want.ID, got, ok)
	}
	if _, ok := job.Suggestion("nope"); ok {
		t.Error("found a suggestion that does not exist")
	}
}

func TestAzureOpenAI(t *testing.T) {
	ai := newFakeAI(t, reply{content: goodEvidenceAnswer(t)})
	env := newEnv(t, ai, func(c *Config) { c.BaseURL, c.Model, c.AzureAPIVersion = ai.srv.URL, "fieldnotes-gpt4o", "2024-10-21" })
	res, err := env.a.ExtractEvidence(context.Background(), testEvidenceRequest(), nil)
	if err != nil || len(res.Suggestions) != 3 {
		t.Fatalf("%v: %+v", err, res)
	}
	if ai.paths[0] != "/openai/deployments/fieldnotes-gpt4o/chat/completions?api-version=2024-10-21" || ai.auth[0] != "sk-test-secret-key" {
		t.Errorf("azure request went to %s with key header %q", ai.paths[0], ai.auth[0])
	}
}

func TestDuplicateSubmitReturnsTheWaitingJob(t *testing.T) {
	env := newEnv(t, newFakeAI(t), func(c *Config) { c.BaseURL = "" })
	ctx := context.Background()
	first, _ := env.a.SubmitEvidence(ctx, testEvidenceRequest())
	again, _ := env.a.SubmitEvidence(ctx, testEvidenceRequest())
	other := testEvidenceRequest()
	other.Notes += "More notes."
	third, _ := env.a.SubmitEvidence(ctx, other)
	if again.ID != first.ID || third.ID == first.ID || len(env.a.Jobs()) != 2 {
		t.Errorf("first %s, again %s, third %s, %d jobs", first.ID, again.ID, third.ID, len(env.a.Jobs()))
	}
	if err := env.a.Cancel(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if fresh, _ := env.a.SubmitEvidence(ctx, testEvidenceRequest()); fresh.ID == first.ID {
		t.Error("a cancelled job was reused")
	}
}
