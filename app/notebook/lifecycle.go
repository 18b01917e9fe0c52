package notebook

import "strings"

// The hypothesis lifecycle: draft → active (published) → validated or
// invalidated (decided), and archived from anywhere. These rules are the
// only ones; the PM's notebook applies them before it asks the hub, and the
// hub applies them to every publish, so a script cannot skip a step either.

// published reports whether the hypothesis has left the draft stage.
func (h Hypothesis) published() bool { return h.PublishedAt != nil || h.Status != StatusDraft }

// Decided reports whether the hypothesis has an outcome.
func (h Hypothesis) Decided() bool {
	return h.Status == StatusValidated || h.Status == StatusInvalidated
}

// Publish makes a draft active. Publishing an active hypothesis again is
// allowed (it re-sends the text); a decided or archived one cannot go back.
// The field asks its questions, so a published hypothesis needs one.
func (h *Hypothesis) Publish() error {
	if h.Status != StatusDraft && h.Status != StatusActive && h.Status != "" {
		return Errorf(Conflict, "“%s” is %s; only a draft can be published", h.Statement, h.Status)
	}
	if len(h.Questions) == 0 {
		return &Error{Code: Invalid, Message: "Add at least one question: the field asks it on calls.",
			Fields: map[string]string{"questions": "at least one question is required to publish"}}
	}
	h.Status = StatusActive
	return nil
}

// Decide records an outcome, validated or invalidated, with the note the
// field reads. Only a published hypothesis can be decided; a decision can
// be changed (the PM changed their mind) but not undone into a draft.
func (h *Hypothesis) Decide(outcome HypothesisStatus, note string) error {
	if outcome != StatusValidated && outcome != StatusInvalidated {
		return Errorf(Invalid, "a decision is validated or invalidated, not %q", outcome)
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return &Error{Code: Invalid, Message: "Say in a sentence why: the field reads this note.",
			Fields: map[string]string{"decision_note": "required"}}
	}
	if !h.published() {
		return Errorf(Conflict, "“%s” was never published; publish it before deciding", h.Statement)
	}
	if h.Status == StatusArchived {
		return Errorf(Conflict, "“%s” is archived; it cannot be decided", h.Statement)
	}
	h.Status, h.DecisionNote = outcome, note
	return nil
}

// CheckTransition says whether a hypothesis now in state h may be replaced
// by next, as a publish of the whole record does: the same steps Publish and
// Decide allow, plus archiving and edits that keep the status. A record the
// hub has never seen (h is the zero value) may start as a draft or active.
func (h Hypothesis) CheckTransition(next Hypothesis) error {
	cur := h
	if cur.ID == "" {
		cur = Hypothesis{ID: next.ID, Statement: next.Statement, Status: StatusDraft}
	}
	probe := cur
	switch {
	case next.Status == cur.Status || next.Status == StatusArchived:
		return nil
	case next.Status == StatusActive:
		probe.Questions = next.Questions
		return probe.Publish()
	case next.Decided():
		return probe.Decide(next.Status, next.DecisionNote)
	}
	return Errorf(Conflict, "“%s” cannot go from %s back to %s", next.Statement, cur.Status, next.Status)
}
