package bridge

import (
	"context"

	"fieldnotes/app/notebook"
)

// Hypotheses lists hypotheses ranked and shows one with its evidence.
type Hypotheses struct{ d *Deps }

// NewHypotheses binds the hypotheses area.
func NewHypotheses(d *Deps) *Hypotheses { return &Hypotheses{d} }

// List returns every hypothesis: active first by rank, then drafts and
// decided ones. Tallies are zero here and come from Tallies, because
// counting reads every evidence item (seconds with 100k records) and the
// list should show at once.
func (h *Hypotheses) List() (rows []HypothesisRow, err error) {
	defer guard(h.d.Log, "Hypotheses.List", &err)
	rows, err = hypothesisRows(context.Background(), h.d, false, 0, false)
	// A product manager's draft syncs through the org scope to every
	// notebook; until it is published only its owner lists it here (the
	// Product area lists every draft for product managers).
	return filter(rows, func(r HypothesisRow) bool {
		return r.Status != string(notebook.StatusDraft) || r.Owner == "" || r.Owner == h.d.Author
	}), err
}

// Tallies counts the evidence of each hypothesis, each account once.
func (h *Hypotheses) Tallies(ids []string) (out map[string]Tally, err error) {
	defer guard(h.d.Log, "Hypotheses.Tallies", &err)
	ctx := context.Background()
	out = make(map[string]Tally, len(ids))
	for _, id := range ids {
		ev, err := listOf[notebook.Evidence](ctx, h.d.Store, notebook.TypeEvidence, Query{HypothesisID: id})
		if err != nil {
			return nil, err
		}
		out[id] = tally(ev)
	}
	return out, nil
}

// hypothesisRows ranks hypotheses and tallies the first max of them (all
// when max <= 0), reading only their own evidence through the index.
func hypothesisRows(ctx context.Context, d *Deps, activeOnly bool, max int, withTally bool) ([]HypothesisRow, error) {
	hs, err := listOf[notebook.Hypothesis](ctx, d.Store, notebook.TypeHypothesis, Query{})
	if err != nil {
		return nil, err
	}
	sortHypotheses(hs)
	places, marks := notebook.Places(hs), seenMarks(ctx, d, hs)
	rows := []HypothesisRow{}
	for _, x := range hs {
		if activeOnly && (x.Status != notebook.StatusActive || !x.ForAudience(d.role())) {
			continue
		}
		if max > 0 && len(rows) == max {
			break
		}
		row := HypothesisRow{HypothesisDTO: hypothesisDTO(x)}
		row.Place, row.Mark = places[x.ID], marks[x.ID]
		if withTally {
			ev, err := listOf[notebook.Evidence](ctx, d.Store, notebook.TypeEvidence, Query{HypothesisID: x.ID})
			if err != nil {
				return nil, err
			}
			row.Tally = tally(ev)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Get returns one hypothesis with its tally and evidence, newest first.
func (h *Hypotheses) Get(id string) (det HypothesisDetail, err error) {
	defer guard(h.d.Log, "Hypotheses.Get", &err)
	ctx := context.Background()
	var x notebook.Hypothesis
	if err := h.d.Store.Get(ctx, id, &x); err != nil {
		return det, err
	}
	ev, err := listOf[notebook.Evidence](ctx, h.d.Store, notebook.TypeEvidence, Query{HypothesisID: id})
	if err != nil {
		return det, err
	}
	det.Hypothesis, det.Tally = hypothesisDTO(x), tally(ev)
	det.Hypothesis.Place = placeOf(ctx, h.d, x)
	markSeen(ctx, h.d, x) // opening it is what clears "new" / "changed"
	det.Evidence, err = evidenceRows(ctx, h.d, Query{HypothesisID: id})
	return det, err
}
