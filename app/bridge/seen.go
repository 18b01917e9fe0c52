package bridge

import (
	"context"

	"fieldnotes/app/notebook"
)

// What this notebook's user has seen of each hypothesis, for the "new" /
// "changed" marker (notebook.SeenMark). It is per-notebook state and never
// syncs: the store's local keys, "seen/hypothesis/<id>" → fingerprint.

const seenPrefix = "seen/hypothesis/"

func localOf(d *Deps) localState {
	if ls, ok := d.Store.(localState); ok {
		return ls
	}
	return nil
}

// seenMarks returns the marker of every active hypothesis in hs (absent:
// nothing to mark). Without local state (tests' plain backends) nothing is
// marked rather than everything.
func seenMarks(ctx context.Context, d *Deps, hs []notebook.Hypothesis) map[string]string {
	ls := localOf(d)
	marks := map[string]string{}
	if ls == nil {
		return marks
	}
	for _, h := range hs {
		if h.Status != notebook.StatusActive {
			continue
		}
		seen := ""
		if b, err := ls.LocalGet(ctx, seenPrefix+h.ID); err == nil {
			seen = string(b)
		}
		if m := notebook.SeenMark(seen, h); m != "" {
			marks[h.ID] = m
		}
	}
	return marks
}

// markSeen remembers that the user has now seen h as it is. A failure is
// logged and costs only a marker shown once more.
func markSeen(ctx context.Context, d *Deps, h notebook.Hypothesis) {
	ls := localOf(d)
	if ls == nil || h.Status != notebook.StatusActive {
		return
	}
	if err := ls.LocalPut(ctx, seenPrefix+h.ID, []byte(h.Fingerprint())); err != nil {
		logger(d.Log).Warn("hypotheses: cannot remember what was seen", "hypothesis", h.ID, "err", err)
	} else {
		d.emit("hypotheses:seen", h.ID)
	}
}

// placeOf is h's number in the one rank order (0: not active).
func placeOf(ctx context.Context, d *Deps, h notebook.Hypothesis) int {
	if h.Status != notebook.StatusActive {
		return 0
	}
	hs, err := listOf[notebook.Hypothesis](ctx, d.Store, notebook.TypeHypothesis, Query{})
	if err != nil {
		return 0
	}
	return notebook.Places(hs)[h.ID]
}
