package assist

import (
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

// Suggestion is one piece of evidence the AI proposes. It is never evidence
// by itself: the rep accepts (maybe edits) or rejects it, and the app turns an
// accepted one into a notebook.Evidence with ToEvidence.
type Suggestion struct {
	// ID identifies the suggestion for accept/reject in the UI.
	ID           string          `json:"id"`
	HypothesisID string          `json:"hypothesis_id"`
	QuestionID   string          `json:"question_id"`
	Signal       notebook.Signal `json:"signal"`
	Strength     int             `json:"strength"` // 1–3
	// Quote is copied verbatim from the source text; Start and End are its
	// byte offsets there (text[Start:End] == Quote), computed by this package.
	Quote string        `json:"quote"`
	Start int           `json:"start"`
	End   int           `json:"end"`
	WTP   *notebook.WTP `json:"wtp"`
	// EmailID is set for suggestions that came from email triage; the
	// evidence then links to that email.
	EmailID string `json:"email_id,omitempty"`
}

// Origin is what the app knows about where accepted evidence comes from.
type Origin struct {
	AccountID  string
	CallID     string
	ContactID  string
	Author     string
	AuthorRole notebook.Audience
	CapturedAt time.Time // zero means now
}

// ToEvidence turns an accepted suggestion into a new, validated evidence
// record (source "ai", or "email" with a link to the email for triage
// suggestions). The rep's edits, if any, are applied to the Suggestion first.
func (s Suggestion) ToEvidence(o Origin) (notebook.Evidence, error) {
	at := o.CapturedAt
	if at.IsZero() {
		at = time.Now().UTC()
	}
	ev := notebook.Evidence{
		ID:           notebook.NewID(),
		HypothesisID: s.HypothesisID,
		QuestionID:   s.QuestionID,
		AccountID:    o.AccountID,
		CallID:       o.CallID,
		ContactID:    o.ContactID,
		Signal:       s.Signal,
		Strength:     s.Strength,
		Quote:        s.Quote,
		WTP:          copyWTP(s.WTP),
		Author:       o.Author,
		AuthorRole:   o.AuthorRole,
		Source:       "ai",
		Links:        []string{},
		CapturedAt:   at,
	}
	if s.EmailID != "" {
		ev.Source = "email"
		ev.Links = []string{s.EmailID}
	}
	if err := ev.Validate(); err != nil {
		return notebook.Evidence{}, err
	}
	return ev, nil
}

func copyWTP(w *notebook.WTP) *notebook.WTP {
	if w == nil {
		return nil
	}
	c := *w
	return &c
}

// EvidenceResult is the answer to an evidence-from-notes request.
type EvidenceResult struct {
	Suggestions []Suggestion `json:"suggestions"`
	// Discarded counts proposals dropped because their quote was not in the
	// notes or they named an unknown hypothesis, question or signal.
	Discarded int `json:"discarded"`
}

// TriageResult is the answer to an email-triage request.
type TriageResult struct {
	EmailID string `json:"email_id"`
	// Summary is one line.
	Summary string `json:"summary"`
	// Links are suggested hypothesis links; Quote is the supporting excerpt,
	// verbatim from the email text.
	Links     []Suggestion `json:"links"`
	Discarded int          `json:"discarded"`
}

// Claim is one sentence of a brief and the evidence/email ids it rests on.
type Claim struct {
	Text    string   `json:"text"`
	Sources []string `json:"sources"`
}

// BriefResult is a short pre-call summary of what an account said before.
type BriefResult struct {
	AccountID string  `json:"account_id"`
	Claims    []Claim `json:"claims"`
	// Dropped counts claims removed because they cited nothing, or an id we
	// did not send.
	Dropped int `json:"dropped"`
}

// findVerbatim locates quote in text exactly as written, after trimming
// surrounding spaces and one pair of wrapping quote marks the model may add.
// It returns the trimmed quote and its byte span; ok is false when the quote
// is empty or not in text.
func findVerbatim(text, quote string) (q string, start, end int, ok bool) {
	q = trimQuoteMarks(strings.TrimSpace(quote))
	if q == "" {
		return "", 0, 0, false
	}
	i := strings.Index(text, q)
	if i < 0 {
		return "", 0, 0, false
	}
	return q, i, i + len(q), true
}

var quotePairs = [][2]string{{`"`, `"`}, {"“", "”"}, {"'", "'"}, {"‘", "’"}, {"«", "»"}}

func trimQuoteMarks(s string) string {
	for _, p := range quotePairs {
		if len(s) >= len(p[0])+len(p[1]) && strings.HasPrefix(s, p[0]) && strings.HasSuffix(s, p[1]) {
			return strings.TrimSpace(s[len(p[0]) : len(s)-len(p[1])])
		}
	}
	return s
}
