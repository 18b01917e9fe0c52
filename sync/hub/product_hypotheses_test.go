package hub_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/syncproto"
)

func TestDecodeHypotheses(t *testing.T) {
	tests := []struct {
		name, doc string
		n         int
		errs      []string // substrings of the message, each "name:line: field: …"
	}{
		{name: "list", doc: "- id: a\n  statement: A\n", n: 1},
		{name: "mapping", doc: "hypotheses:\n  - id: a\n    statement: A\n  - id: b\n    statement: B\n", n: 2},
		{name: "json", doc: `{"hypotheses":[{"id":"a","statement":"A","questions":[{"id":"q","text":"Q?","kind":"wtp"}],"segments":["smb"],"stages":["customer"],"published_at":"2026-11-01T00:00:00Z"}]}`, n: 1},
		{name: "empty", doc: "", errs: []string{"x:1: file: is empty"}},
		{name: "not a list", doc: "hypotheses: 3\n", errs: []string{"x:1: hypotheses: want a list"}},
		{name: "bad yaml", doc: "- id: a\n  statement: [unclosed\n", errs: []string{"x:", "file: not valid YAML or JSON"}},
		{name: "duplicate id", doc: "- id: a\n  statement: A\n- id: a\n  statement: B\n", errs: []string{"x:3: id: \"a\" is also used at line 1"}},
		{name: "duplicate key", doc: "- id: a\n  statement: A\n  statement: B\n", errs: []string{"x:3: statement: is given twice"}},
		{name: "wrong kinds", doc: "- id: a\n  statement: [x]\n  segments: smb\n  questions: {a: b}\n", errs: []string{
			"x:2: statement: want text, got a list", "x:3: segments: want a list", "x:4: questions: want a list"}},
		{name: "bad time", doc: "- id: a\n  statement: A\n  published_at: yesterday\n", errs: []string{"x:3: published_at: want an RFC 3339 time"}},
		{name: "item not a mapping", doc: "- just text\n", errs: []string{"x:1: hypothesis: want a mapping"}},
		{name: "question problems", doc: "- id: a\n  statement: A\n  questions:\n    - id: q\n    - text: B\n      kind: [x]\n", errs: []string{
			"x:4: questions[1].text: is required", "x:6: questions[2].kind: want text"}},
		{name: "alias", doc: "- &x {id: a, statement: A}\n- *x\n", errs: []string{"x:2: hypothesis: want a mapping"}},
		{name: "long statement", doc: "- id: a\n  statement: " + strings.Repeat("s", 600) + "\n", errs: []string{"x:2: statement: is 600 bytes long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hyps, err := hub.DecodeHypotheses("x", []byte(tt.doc))
			if tt.errs == nil {
				if err != nil || len(hyps) != tt.n {
					t.Fatalf("got %d, %v", len(hyps), err)
				}
				for _, h := range hyps {
					if h.Status != notebook.StatusActive || h.Validate() != nil {
						t.Fatalf("%+v", h)
					}
				}
				return
			}
			if !notebook.IsCode(err, notebook.Invalid) {
				t.Fatalf("want invalid, got %v", err)
			}
			for _, want := range tt.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("missing %q in %q", want, err)
				}
			}
		})
	}
}

var problemLine = regexp.MustCompile(`^f:\d+: [^:]+: .+`)

// FuzzDecodeHypotheses: any input gives either valid hypotheses or an
// Invalid error made only of "f:line: field: problem" lines — never a panic.
func FuzzDecodeHypotheses(f *testing.F) {
	for _, seed := range []string{
		"hypotheses:\n  - id: a\n    statement: A\n    questions:\n      - text: q\n",
		`[{"id":"a","statement":"A","rank":2,"stages":["prospect"]}]`,
		"- &a [*a]\n", "{", "- id: a\n  statement: \"\\u00e9\"\n", "!!binary AAAA", "- {id: a, statement: A, rank: 99999999999999999999}",
		"---\n- id: a\n...\n---\n- id: b\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hyps, err := hub.DecodeHypotheses("f", data)
		if err == nil {
			for _, h := range hyps {
				if verr := h.Validate(); verr != nil {
					t.Fatalf("accepted an invalid hypothesis: %v", verr)
				}
			}
			return
		}
		if !notebook.IsCode(err, notebook.Invalid) {
			t.Fatalf("code %s: %v", notebook.ErrorCode(err), err)
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !problemLine.MatchString(line) {
				t.Fatalf("problem line %q is not file:line: field: problem", line)
			}
		}
	})
}

func TestDecodeHypothesesCapsProblemsAndSize(t *testing.T) {
	doc := strings.Repeat("- id: a\n  statement: \"\"\n", 80)
	_, err := hub.DecodeHypotheses("f", []byte(doc))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 51 || !strings.Contains(lines[50], "more problems not shown") {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	_, err = hub.DecodeHypotheses("f", []byte(strings.Repeat("- {id: a, statement: x}\n", hub.MaxHypotheses+1)))
	if err == nil || !strings.Contains(err.Error(), "import at most") {
		t.Fatalf("too many: %v", err)
	}
	_, err = hub.DecodeHypotheses("f", make([]byte, hub.MaxHypothesisFile+1))
	if err == nil || !strings.Contains(err.Error(), "f:1: file: is") {
		t.Fatalf("too big: %v", err)
	}
}

// TestPublishFollowsTheDomainLifecycle: the hub applies notebook's
// lifecycle (CheckTransition) to every publish, over real HTTP, so a script
// cannot do what the PM's notebook refuses: decide before publishing,
// publish a decided or archived hypothesis again, or publish without a
// question. Each refusal is a rejected result that names the rule, and the
// hub's copy stays as it was.
func TestPublishFollowsTheDomainLifecycle(t *testing.T) {
	e := newEnv(t)
	q := `"questions":[{"id":"q1","text":"Would you pay?","kind":"signal"}]`
	post := func(doc string) hub.PublishResult {
		t.Helper()
		rep := do(t, e.pm, http.MethodPost, "/v1/hypotheses", []byte(doc))
		if rep.Status != http.StatusOK {
			t.Fatalf("publish %s: %d %s", doc, rep.Status, rep.Body)
		}
		var out struct{ Results []hub.PublishResult }
		if err := rep.Decode(&out); err != nil || len(out.Results) != 1 {
			t.Fatalf("publish %s: %s", doc, rep.Body)
		}
		return out.Results[0]
	}
	refused := func(doc, code, says string) {
		t.Helper()
		r := post(doc)
		if r.Status != syncproto.StatusRejected || r.Code != code || !strings.Contains(r.Message, says) {
			t.Errorf("publish %s: %+v, want rejected %s saying %q", doc, r, code, says)
		}
	}
	statusOnHub := func(id string) string {
		t.Helper()
		s, _ := field(t, pullAll(t, e.pm)[id], "status").(string)
		return s
	}

	refused(`[{"id":"h-new","statement":"Decided at once","status":"validated","decision_note":"sure",`+q+`}]`, "conflict", "publish it before deciding")
	refused(`[{"id":"h-noq","statement":"No question","status":"active"}]`, "invalid", "at least one question")

	if r := post(`[{"id":"h1","statement":"Teams pay for SSO","status":"draft"}]`); r.Status != syncproto.StatusApplied {
		t.Fatalf("draft: %+v", r)
	}
	refused(`[{"id":"h1","statement":"Teams pay for SSO","status":"invalidated","decision_note":"no",`+q+`}]`, "conflict", "publish it before deciding")
	if r := post(`[{"id":"h1","statement":"Teams pay for SSO","status":"active",` + q + `}]`); r.Status != syncproto.StatusApplied || r.PublishedAt == nil {
		t.Fatalf("publish the draft: %+v", r)
	}
	if r := post(`[{"id":"h1","statement":"Teams pay for SSO","status":"validated","decision_note":"ship it",` + q + `}]`); r.Status != syncproto.StatusApplied {
		t.Fatalf("decide: %+v", r)
	}
	refused(`[{"id":"h1","statement":"Teams pay for SSO","status":"active",`+q+`}]`, "conflict", "only a draft can be published")
	refused(`[{"id":"h1","statement":"Teams pay for SSO","status":"draft"}]`, "conflict", "back to draft")
	if got := statusOnHub("h1"); got != "validated" {
		t.Errorf("after refused publishes the hub has %s, want validated", got)
	}
	if r := post(`[{"id":"h1","statement":"Teams pay for SSO","status":"archived"}]`); r.Status != syncproto.StatusApplied {
		t.Fatalf("archive: %+v", r)
	}
	refused(`[{"id":"h1","statement":"Teams pay for SSO","status":"active",`+q+`}]`, "conflict", "only a draft can be published")
	// Refusals use up their mutation ids like any rejection: the next publish still applies.
	if r := post(`[{"id":"h2","statement":"Another","status":"active",` + q + `}]`); r.Status != syncproto.StatusApplied {
		t.Fatalf("publish after refusals: %+v", r)
	}
}
