package bridge

import (
	"context"
	"slices"
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

// StudyInput is the study form of the product area. ID "" creates one.
// Deadline is a date (2006-01-02) or RFC 3339 time; "" = none.
type StudyInput struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Goal         string   `json:"goal"`
	Criteria     string   `json:"criteria"`
	Segments     []string `json:"segments"`
	Stages       []string `json:"stages"`
	HypothesisID string   `json:"hypothesis_id"`
	TargetCount  int      `json:"target_count"`
	Deadline     string   `json:"deadline"`
	Status       string   `json:"status"` // draft, open, closed; "" = open
}

// Studies lists the studies (recruiting asks) tied to hypothesisID, or all
// when it is "", open ones first, then by title.
func (p *Product) Studies(hypothesisID string) (out []StudyDTO, err error) {
	defer guard(p.d.Log, "Product.Studies", &err)
	ss, err := listOf[notebook.Study](context.Background(), p.d.Store, notebook.TypeStudy, Query{})
	if err != nil {
		return nil, err
	}
	order := map[notebook.StudyStatus]int{notebook.StudyOpen: 0, notebook.StudyDraft: 1, notebook.StudyClosed: 2}
	slices.SortStableFunc(ss, func(a, b notebook.Study) int {
		if d := order[a.Status] - order[b.Status]; d != 0 {
			return d
		}
		return strings.Compare(a.Title, b.Title)
	})
	out = []StudyDTO{}
	for _, s := range ss {
		if hypothesisID == "" || s.HypothesisID == hypothesisID {
			out = append(out, studyDTO(s))
		}
	}
	return out, nil
}

// SaveStudy creates or edits a study. Like a draft hypothesis it is a
// record in the notebook: it works offline and reaches every notebook on
// the next push (the hub takes study writes from product and admin only,
// and has no bulk POST for studies).
func (p *Product) SaveStudy(in StudyInput) (out StudyDTO, err error) {
	defer guard(p.d.Log, "Product.SaveStudy", &err)
	ctx := context.Background()
	var s notebook.Study
	if in.ID != "" {
		if err := p.d.Store.Get(ctx, in.ID, &s); err != nil {
			return out, err
		}
	} else {
		s.ID = notebook.NewID()
	}
	if in.HypothesisID != "" {
		var h notebook.Hypothesis
		if err := p.d.Store.Get(ctx, in.HypothesisID, &h); err != nil {
			return out, notebook.Errorf(notebook.Invalid, "the study's hypothesis %s is not in this notebook", in.HypothesisID)
		}
	}
	s.Title, s.Goal, s.Criteria = strings.TrimSpace(in.Title), strings.TrimSpace(in.Goal), strings.TrimSpace(in.Criteria)
	s.Segments, s.HypothesisID, s.TargetCount = cleanList(in.Segments), in.HypothesisID, in.TargetCount
	s.Stages = nil
	for _, st := range cleanList(in.Stages) {
		s.Stages = append(s.Stages, notebook.Stage(st))
	}
	s.Status = notebook.StudyStatus(in.Status)
	if s.Status == "" {
		s.Status = notebook.StudyOpen
	}
	s.Deadline = nil
	if d := strings.TrimSpace(in.Deadline); d != "" {
		t, perr := time.Parse(time.RFC3339, d)
		if perr != nil {
			t, perr = time.Parse("2006-01-02", d)
		}
		if perr != nil {
			return out, &notebook.Error{Code: notebook.Invalid, Message: "The deadline is not a date (like 2026-12-31).",
				Fields: map[string]string{"deadline": "not a date"}}
		}
		t = t.UTC()
		s.Deadline = &t
	}
	if s.TargetCount < 0 {
		return out, &notebook.Error{Code: notebook.Invalid, Message: "The target is a number of people, 0 or more.",
			Fields: map[string]string{"target_count": "0 or more"}}
	}
	if _, err := p.d.Store.Save(ctx, s); err != nil {
		return out, err
	}
	p.scheduleSync()
	return studyDTO(s), nil
}
