package assist

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

// EvidenceRequest asks for evidence suggestions from one call's notes.
type EvidenceRequest struct {
	CallID    string `json:"call_id"`
	AccountID string `json:"account_id"`
	Notes     string `json:"notes"`
	// Hypotheses are the active ones for this account, with their questions.
	Hypotheses []notebook.Hypothesis `json:"hypotheses"`
	// Contacts are the people whose names are redacted before sending.
	Contacts []notebook.Contact `json:"contacts"`
}

// TriageRequest asks for a one-line summary of an email and the hypotheses
// it bears on.
type TriageRequest struct {
	Email notebook.Email `json:"email"`
	// Text is the message text to read; empty means Email.Excerpt. Quotes
	// are checked verbatim against it.
	Text       string                `json:"text"`
	Hypotheses []notebook.Hypothesis `json:"hypotheses"`
	Contacts   []notebook.Contact    `json:"contacts"`
}

// BriefRequest asks for a pre-call summary of what an account said before.
type BriefRequest struct {
	Account    notebook.Account      `json:"account"`
	Evidence   []notebook.Evidence   `json:"evidence"`
	Emails     []notebook.Email      `json:"emails"`
	Hypotheses []notebook.Hypothesis `json:"hypotheses"`
	Contacts   []notebook.Contact    `json:"contacts"`
}

// Limits on what one request sends, so a huge account still makes a prompt
// of sane size.
const (
	briefMaxEvidence   = 60
	briefMaxEmails     = 20
	briefMaxExcerpt    = 1000
	triageMaxTextBytes = 32 << 10
)

// prompt is one request to the model before it meets the wire: the text is
// already redacted.
type prompt struct {
	System     string
	User       string
	SchemaName string
	Schema     json.RawMessage
}

func (r EvidenceRequest) validate() error {
	p := notebook.NewProblems("evidence request")
	if strings.TrimSpace(r.Notes) == "" {
		p.Add("notes", "are empty; there is nothing to read")
	} else if len(r.Notes) > notebook.MaxLongText {
		p.Add("notes", "are %d bytes long; the limit is %d", len(r.Notes), notebook.MaxLongText)
	}
	checkHypotheses(p, r.Hypotheses)
	return p.Err()
}

func (r TriageRequest) validate() error {
	p := notebook.NewProblems("email triage request")
	if !notebook.ValidID(r.Email.ID) {
		p.Add("email", "has no valid id")
	}
	if strings.TrimSpace(r.text()) == "" && strings.TrimSpace(r.Email.Subject) == "" {
		p.Add("text", "is empty; there is nothing to read")
	}
	checkHypotheses(p, r.Hypotheses)
	return p.Err()
}

func (r TriageRequest) text() string {
	t := r.Text
	if t == "" {
		t = r.Email.Excerpt
	}
	if len(t) > triageMaxTextBytes {
		t = cutBytes(t, triageMaxTextBytes)
	}
	return t
}

func (r BriefRequest) validate() error {
	p := notebook.NewProblems("brief request")
	if !notebook.ValidID(r.Account.ID) {
		p.Add("account", "has no valid id")
	}
	if len(r.Evidence) == 0 && len(r.Emails) == 0 {
		p.Add("evidence", "there is nothing from this account yet to summarise")
	}
	return p.Err()
}

func checkHypotheses(p *notebook.Problems, hyps []notebook.Hypothesis) {
	if len(hyps) == 0 {
		p.Add("hypotheses", "none are active; there is nothing to look for")
	}
	for _, h := range hyps {
		if !notebook.ValidID(h.ID) {
			p.Add("hypotheses", "a hypothesis has no valid id")
		}
	}
}

const evidenceSystem = `You help a sales rep turn raw call notes into evidence about product hypotheses.
For each hypothesis question the notes answer, propose one suggestion:
- hypothesis_id and question_id: copy them exactly from the list you are given (question_id may be "" if no question fits).
- signal: supports, refutes, mixed or unclear.
- strength: 1 (weak hint), 2 (clear), 3 (explicit and emphatic).
- quote: the customer's words copied EXACTLY, character for character, from the notes: no paraphrase, no fixing typos, no joining separate sentences. Keep placeholders such as [PERSON_1], [EMAIL_1] or [PHONE_1] exactly as written.
- wtp: only if the notes state a price the customer would pay (amount, ISO currency, period one_time|month|year|seat_month|seat_year, budget owner); otherwise null.
Propose nothing you cannot quote. An empty list is a good answer when the notes say nothing relevant.`

const triageSystem = `You triage an email from a customer for a sales rep.
Write a one-line summary (at most 20 words) of what the email says.
Then list the hypotheses the email bears on, each with a quote copied EXACTLY, character for character, from the email text as the supporting excerpt, and a signal (supports, refutes, mixed, unclear), strength 1-3, question_id ("" if none fits) and wtp (null unless a price is stated).
Keep placeholders such as [PERSON_1], [EMAIL_1] or [PHONE_1] exactly as written. An empty list is a good answer.`

const briefSystem = `You write a short pre-call brief for a sales rep: what this account said before.
Write at most 8 claims, each one sentence, most important first. Every claim must cite, in "sources", the ids of the evidence items or emails it comes from, copied exactly. Do not state anything the items do not say. Keep placeholders such as [PERSON_1] exactly as written.`

func evidencePrompt(r EvidenceRequest, red *Redactor) prompt {
	var b strings.Builder
	writeHypotheses(&b, r.Hypotheses)
	b.WriteString("\nCall notes (between the markers):\n<<<NOTES\n")
	b.WriteString(r.Notes)
	b.WriteString("\nNOTES>>>\n")
	return prompt{System: evidenceSystem, User: red.Redact(b.String()), SchemaName: "evidence_suggestions", Schema: evidenceSchema}
}

func triagePrompt(r TriageRequest, red *Redactor) prompt {
	var b strings.Builder
	writeHypotheses(&b, r.Hypotheses)
	fmt.Fprintf(&b, "\nEmail subject: %s\nEmail from: %s\nEmail text (between the markers):\n<<<EMAIL\n%s\nEMAIL>>>\n",
		oneLine(r.Email.Subject, 300), oneLine(r.Email.From, 300), r.text())
	return prompt{System: triageSystem, User: red.Redact(b.String()), SchemaName: "email_triage", Schema: triageSchema}
}

func briefPrompt(r BriefRequest, red *Redactor) prompt {
	var b strings.Builder
	fmt.Fprintf(&b, "Account: %s (segment %q, stage %q)\n", oneLine(r.Account.Name, 200), r.Account.Segment, r.Account.Stage)
	statements := map[string]string{}
	for _, h := range r.Hypotheses {
		statements[h.ID] = h.Statement
	}
	b.WriteString("\nEvidence items:\n")
	for _, e := range newestEvidence(r.Evidence, briefMaxEvidence) {
		fmt.Fprintf(&b, "- id %s, %s, hypothesis %q, signal %s", e.ID, day(e.CapturedAt), oneLine(statements[e.HypothesisID], 200), e.Signal)
		if e.WTP != nil {
			fmt.Fprintf(&b, ", would pay %g %s per %s", e.WTP.Amount, e.WTP.Currency, e.WTP.Period)
		}
		for _, f := range []struct{ label, v string }{{"quote", e.Quote}, {"problem", e.Problem}, {"blocker", e.Blocker}, {"capability", e.Capability}} {
			if f.v != "" {
				fmt.Fprintf(&b, ", %s: %q", f.label, cutBytes(oneLine(f.v, briefMaxExcerpt), briefMaxExcerpt))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nEmails:\n")
	for _, m := range newestEmails(r.Emails, briefMaxEmails) {
		fmt.Fprintf(&b, "- id %s, %s, subject %q, excerpt: %q\n", m.ID, day(m.Date), oneLine(m.Subject, 300), oneLine(m.Excerpt, briefMaxExcerpt))
	}
	return prompt{System: briefSystem, User: red.Redact(b.String()), SchemaName: "account_brief", Schema: briefSchema}
}

// briefSources is every id the brief prompt sent, for checking citations.
func briefSources(r BriefRequest) map[string]bool {
	known := map[string]bool{}
	for _, e := range newestEvidence(r.Evidence, briefMaxEvidence) {
		known[e.ID] = true
	}
	for _, m := range newestEmails(r.Emails, briefMaxEmails) {
		known[m.ID] = true
	}
	return known
}

func writeHypotheses(b *strings.Builder, hyps []notebook.Hypothesis) {
	b.WriteString("Active hypotheses:\n")
	for _, h := range hyps {
		fmt.Fprintf(b, "- hypothesis_id %s: %s\n", h.ID, oneLine(h.Statement, notebook.MaxShortText))
		for _, q := range h.Questions {
			fmt.Fprintf(b, "  - question_id %s (%s): %s\n", q.ID, q.Kind, oneLine(q.Text, notebook.MaxShortText))
		}
	}
}

func newestEvidence(list []notebook.Evidence, n int) []notebook.Evidence {
	out := append([]notebook.Evidence(nil), list...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].CapturedAt.After(out[j].CapturedAt) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func newestEmails(list []notebook.Email, n int) []notebook.Email {
	out := append([]notebook.Email(nil), list...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.After(out[j].Date) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	return t.UTC().Format("2006-01-02")
}

func cutBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && s[max]&0xC0 == 0x80 {
		max--
	}
	return s[:max]
}

// suggestionItemSchema is one suggestion, strict-mode friendly: every
// property required, optional values nullable.
const suggestionItemSchema = `{
  "type": "object",
  "properties": {
    "hypothesis_id": {"type": "string"},
    "question_id": {"type": "string"},
    "signal": {"type": "string", "enum": ["supports", "refutes", "mixed", "unclear"]},
    "strength": {"type": "integer", "enum": [1, 2, 3]},
    "quote": {"type": "string"},
    "wtp": {
      "type": ["object", "null"],
      "properties": {
        "amount": {"type": "number"},
        "currency": {"type": "string"},
        "period": {"type": "string", "enum": ["one_time", "month", "year", "seat_month", "seat_year"]},
        "budget_owner": {"type": "string"}
      },
      "required": ["amount", "currency", "period", "budget_owner"],
      "additionalProperties": false
    }
  },
  "required": ["hypothesis_id", "question_id", "signal", "strength", "quote", "wtp"],
  "additionalProperties": false
}`

var evidenceSchema = compactJSON(`{
  "type": "object",
  "properties": {"suggestions": {"type": "array", "items": ` + suggestionItemSchema + `}},
  "required": ["suggestions"],
  "additionalProperties": false
}`)

var triageSchema = compactJSON(`{
  "type": "object",
  "properties": {
    "summary": {"type": "string"},
    "links": {"type": "array", "items": ` + suggestionItemSchema + `}
  },
  "required": ["summary", "links"],
  "additionalProperties": false
}`)

var briefSchema = compactJSON(`{
  "type": "object",
  "properties": {
    "claims": {"type": "array", "items": {
      "type": "object",
      "properties": {"text": {"type": "string"}, "sources": {"type": "array", "items": {"type": "string"}}},
      "required": ["text", "sources"],
      "additionalProperties": false
    }}
  },
  "required": ["claims"],
  "additionalProperties": false
}`)

func compactJSON(s string) json.RawMessage {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic("assist: bad built-in schema: " + err.Error())
	}
	out, _ := json.Marshal(v)
	return out
}
