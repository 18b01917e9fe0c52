package assist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"fieldnotes/app/notebook"
)

// errMalformed marks an answer that cannot be used as a whole: not JSON, the
// wrong shape, a required field missing, or cut off. Such an answer is asked
// for again once, then reported; it is never partly applied.
var errMalformed = errors.New("malformed answer")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
}

// maxAnswerBytes bounds what we try to decode; a longer answer is malformed.
const maxAnswerBytes = 1 << 20

// rawSuggestion is one item as the model writes it. Pointers tell a missing
// field (malformed) from an empty one.
type rawSuggestion struct {
	HypothesisID *string  `json:"hypothesis_id"`
	QuestionID   *string  `json:"question_id"`
	Signal       *string  `json:"signal"`
	Strength     *float64 `json:"strength"`
	Quote        *string  `json:"quote"`
	WTP          *rawWTP  `json:"wtp"`
}

type rawWTP struct {
	Amount      *float64 `json:"amount"`
	Currency    string   `json:"currency"`
	Period      string   `json:"period"`
	BudgetOwner string   `json:"budget_owner"`
}

type rawEvidenceAnswer struct {
	Suggestions *[]rawSuggestion `json:"suggestions"`
}

type rawTriageAnswer struct {
	Summary *string          `json:"summary"`
	Links   *[]rawSuggestion `json:"links"`
}

type rawBriefAnswer struct {
	Claims *[]struct {
		Text    *string  `json:"text"`
		Sources []string `json:"sources"`
	} `json:"claims"`
}

// decodeJSON decodes one JSON object from answer, tolerating a Markdown code
// fence around it (some self-hosted models add one) but nothing after it.
func decodeJSON(answer string, v any) error {
	if len(answer) > maxAnswerBytes {
		return malformed("answer is %d bytes long", len(answer))
	}
	if !utf8.ValidString(answer) {
		return malformed("answer is not UTF-8")
	}
	body := stripCodeFence(strings.TrimSpace(answer))
	if body == "" {
		return malformed("answer is empty")
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	if err := dec.Decode(v); err != nil {
		return malformed("answer is not the expected JSON: %v", err)
	}
	if dec.More() {
		return malformed("answer has text after the JSON")
	}
	return nil
}

func stripCodeFence(s string) string {
	if !strings.HasPrefix(s, "```") {
		return s
	}
	s = strings.TrimPrefix(s, "```")
	if nl := strings.IndexByte(s, '\n'); nl >= 0 {
		s = s[nl+1:] // drop the ```json language tag line
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "```"))
}

// checker validates suggestions against what we sent: the hypotheses and
// their questions, the signals, the source text (verbatim quotes), and
// notebook's evidence rules.
type checker struct {
	hypotheses map[string]notebook.Hypothesis
	text       string
	redactor   *Redactor
}

func newChecker(hyps []notebook.Hypothesis, text string, r *Redactor) checker {
	m := make(map[string]notebook.Hypothesis, len(hyps))
	for _, h := range hyps {
		m[h.ID] = h
	}
	return checker{hypotheses: m, text: text, redactor: r}
}

// suggestions checks each raw item. A missing required field makes the whole
// answer malformed; an item that fails a content check is discarded and
// counted.
func (c checker) suggestions(items []rawSuggestion, emailID string) ([]Suggestion, int, error) {
	out := []Suggestion{}
	discarded := 0
	seen := map[[4]string]bool{}
	for i, it := range items {
		if it.HypothesisID == nil || it.Signal == nil || it.Quote == nil {
			return nil, 0, malformed("item %d lacks hypothesis_id, signal or quote", i+1)
		}
		s, ok := c.suggestion(it, emailID)
		key := [4]string{s.HypothesisID, s.QuestionID, string(s.Signal), s.Quote}
		if !ok || seen[key] { // unusable, or the same suggestion twice
			discarded++
			continue
		}
		seen[key] = true
		out = append(out, s)
	}
	return out, discarded, nil
}

func (c checker) suggestion(it rawSuggestion, emailID string) (Suggestion, bool) {
	h, ok := c.hypotheses[*it.HypothesisID]
	if !ok {
		return Suggestion{}, false
	}
	s := Suggestion{HypothesisID: h.ID, Signal: notebook.Signal(*it.Signal), EmailID: emailID}
	if it.QuestionID != nil && *it.QuestionID != "" {
		if _, ok := h.Question(*it.QuestionID); !ok {
			return Suggestion{}, false
		}
		s.QuestionID = *it.QuestionID
	}
	if it.Strength != nil {
		st := *it.Strength
		if st != float64(int(st)) || st < 1 || st > 3 {
			return Suggestion{}, false
		}
		s.Strength = int(st)
	}
	quote := c.redactor.Restore(*it.Quote)
	q, start, end, found := findVerbatim(c.text, quote)
	if !found {
		return Suggestion{}, false
	}
	s.Quote, s.Start, s.End = q, start, end
	if w := it.WTP; w != nil && w.Amount != nil {
		s.WTP = &notebook.WTP{Amount: *w.Amount, Currency: strings.ToUpper(strings.TrimSpace(w.Currency)),
			Period: strings.TrimSpace(w.Period), BudgetOwner: c.redactor.Restore(strings.TrimSpace(w.BudgetOwner))}
	}
	if s.WTP != nil && !c.passesEvidenceRules(s) {
		s.WTP = nil // an unusable price does not sink the quote it came with
	}
	if !c.passesEvidenceRules(s) {
		return Suggestion{}, false
	}
	s.ID = notebook.NewID()
	return s, true
}

// passesEvidenceRules runs notebook's own evidence validation on the
// suggestion as it would be saved.
func (c checker) passesEvidenceRules(s Suggestion) bool {
	probe := s
	if probe.EmailID != "" && !notebook.ValidID(probe.EmailID) {
		probe.EmailID = ""
	}
	_, err := probe.ToEvidence(Origin{})
	return err == nil
}

// decodeEvidence turns the model's answer into checked suggestions.
func decodeEvidence(answer string, hyps []notebook.Hypothesis, notes string, r *Redactor) (EvidenceResult, error) {
	var raw rawEvidenceAnswer
	if err := decodeJSON(answer, &raw); err != nil {
		return EvidenceResult{}, err
	}
	if raw.Suggestions == nil {
		return EvidenceResult{}, malformed(`answer has no "suggestions" list`)
	}
	list, discarded, err := newChecker(hyps, notes, r).suggestions(*raw.Suggestions, "")
	if err != nil {
		return EvidenceResult{}, err
	}
	return EvidenceResult{Suggestions: list, Discarded: discarded}, nil
}

// decodeTriage turns the model's answer into a summary and checked links.
func decodeTriage(answer string, hyps []notebook.Hypothesis, emailID, text string, r *Redactor) (TriageResult, error) {
	var raw rawTriageAnswer
	if err := decodeJSON(answer, &raw); err != nil {
		return TriageResult{}, err
	}
	if raw.Summary == nil || raw.Links == nil {
		return TriageResult{}, malformed(`answer lacks "summary" or "links"`)
	}
	links, discarded, err := newChecker(hyps, text, r).suggestions(*raw.Links, emailID)
	if err != nil {
		return TriageResult{}, err
	}
	summary := oneLine(r.Restore(*raw.Summary), 300)
	return TriageResult{EmailID: emailID, Summary: summary, Links: links, Discarded: discarded}, nil
}

// decodeBrief keeps the claims whose every source is an id we sent.
func decodeBrief(answer, accountID string, known map[string]bool, r *Redactor) (BriefResult, error) {
	var raw rawBriefAnswer
	if err := decodeJSON(answer, &raw); err != nil {
		return BriefResult{}, err
	}
	if raw.Claims == nil {
		return BriefResult{}, malformed(`answer has no "claims" list`)
	}
	res := BriefResult{AccountID: accountID, Claims: []Claim{}}
	for i, c := range *raw.Claims {
		if c.Text == nil {
			return BriefResult{}, malformed("claim %d has no text", i+1)
		}
		text := strings.TrimSpace(r.Restore(*c.Text))
		if text == "" || !citesOnlyKnown(c.Sources, known) {
			res.Dropped++
			continue
		}
		res.Claims = append(res.Claims, Claim{Text: text, Sources: dedupe(c.Sources)})
	}
	return res, nil
}

func citesOnlyKnown(sources []string, known map[string]bool) bool {
	if len(sources) == 0 {
		return false
	}
	for _, id := range sources {
		if !known[id] {
			return false
		}
	}
	return true
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// oneLine collapses whitespace and cuts s to at most max bytes on a rune
// boundary.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}
