package notebook

import (
	"testing"
	"time"
)

func TestHypothesisLifecycle(t *testing.T) {
	q := []Question{{ID: "q1", Text: "How do you do it today?"}}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	draft := Hypothesis{ID: "h1", Statement: "S", Status: StatusDraft, Questions: q}
	active := Hypothesis{ID: "h1", Statement: "S", Status: StatusActive, Questions: q, PublishedAt: &now}
	validated := active
	validated.Status, validated.DecisionNote = StatusValidated, "enough accounts said so"
	archived := active
	archived.Status = StatusArchived
	noQuestions := draft
	noQuestions.Questions = nil

	tests := []struct {
		name     string
		cur      Hypothesis
		next     Hypothesis
		wantCode Code
	}{
		{"new draft", Hypothesis{}, draft, ""},
		{"new active", Hypothesis{}, active, ""},
		{"new and already decided", Hypothesis{}, validated, Conflict},
		{"publish a draft", draft, active, ""},
		{"publish without questions", noQuestions, Hypothesis{ID: "h1", Statement: "S", Status: StatusActive}, Invalid},
		{"re-publish active", active, active, ""},
		{"decide active", active, validated, ""},
		{"decide a draft", draft, validated, Conflict},
		{"decision without a note", active, Hypothesis{ID: "h1", Statement: "S", Status: StatusInvalidated}, Invalid},
		{"change the decision", validated, func() Hypothesis { h := validated; h.Status = StatusInvalidated; return h }(), ""},
		{"decided back to active", validated, active, Conflict},
		{"decided back to draft", validated, draft, Conflict},
		{"archive anything", draft, archived, ""},
		{"archived back to active", archived, active, Conflict},
	}
	for _, tc := range tests {
		err := tc.cur.CheckTransition(tc.next)
		if ErrorCode(err) != tc.wantCode {
			t.Errorf("%s: err = %v, want code %q", tc.name, err, tc.wantCode)
		}
	}
}

func TestPublishAndDecide(t *testing.T) {
	h := Hypothesis{ID: "h1", Statement: "S", Status: StatusDraft}
	if err := h.Publish(); !IsCode(err, Invalid) {
		t.Fatalf("publish without questions: %v", err)
	}
	if err := h.Decide(StatusValidated, "why"); !IsCode(err, Conflict) {
		t.Fatalf("decide a draft: %v", err)
	}
	h.Questions = []Question{{ID: "q1", Text: "?"}}
	if err := h.Publish(); err != nil || h.Status != StatusActive {
		t.Fatalf("publish: %v, status %s", err, h.Status)
	}
	if err := h.Decide(StatusValidated, "  "); !IsCode(err, Invalid) {
		t.Fatalf("decide without a note: %v", err)
	}
	if err := h.Decide(StatusValidated, " seen in 6 accounts "); err != nil || h.Status != StatusValidated || h.DecisionNote != "seen in 6 accounts" {
		t.Fatalf("decide: %v, %+v", err, h)
	}
	if err := h.Publish(); !IsCode(err, Conflict) {
		t.Fatalf("publish a decided hypothesis: %v", err)
	}
}
